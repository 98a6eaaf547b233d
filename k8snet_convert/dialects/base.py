"""The contract every dialect keeps, and what a dialect hands the engine when it reads a file.

A dialect is one reader and one writer (ARCHITECTURE.md): ``read`` turns what the dialect wrote in a file
into model workloads with their footprint; ``retire`` removes the dialect's own objects once the workloads
that used them were converted (pod-template footprints are removed by the engine, the same way for every
dialect); ``emit`` writes model workloads in the dialect; ``emit_networks`` does what the dialect needs
per network (a PodNetwork after each NAD, or dropping NADs); ``scan`` adds a file's objects to the
run-wide inventory. Dialects meet only in the model: none imports another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..model import NadKey, Network, Workload

if TYPE_CHECKING:
    from ..context import FileContext
    from ..manifests.objects import K8sObject, PodTemplate
    from ..manifests.plan import EditPlan
    from ..model import Inventory
    from ..options import Options


# What each dialect's constructs in a pod template are called in messages.
CONSTRUCTS = {
    "multus": "the Multus annotation",
    "native": "spec.networks",
    "dra": "network claims (spec.resourceClaims)",
}


def two_forms(label: str, first: str, second: str) -> str:
    """The message for a pod template that says its networks in two dialects at once."""
    return f"{label}: the pod template has both {CONSTRUCTS[first]} and {CONSTRUCTS[second]}"


@dataclass
class NadSite:
    """A NetworkAttachmentDefinition of the file: the network, and the object that says it."""

    network: Network
    obj: K8sObject

    @property
    def key(self) -> NadKey:
        return self.network.key

    @property
    def namespace(self) -> str:
        return self.network.key[0]

    @property
    def name(self) -> str:
        return self.network.key[1]


@dataclass
class Reading:
    """What one dialect found in one file."""

    dialect: str
    workloads: list[Workload] = field(default_factory=list)
    # Pod templates (by id of their node) that carry this dialect's constructs, read or not, with the node
    # findings point at: a template with two dialects' constructs has no single meaning.
    templates: dict[int, tuple[PodTemplate, Any]] = field(default_factory=dict)
    nads: list[NadSite] = field(default_factory=list)  # NADs of the file (the Multus reader's)
    kubevirt_nads: set[NadKey] = field(default_factory=set)  # NADs KubeVirt VMs of the file use
    own: Any = None  # the dialect's own record of the file, for its ``retire``


class Dialect(Protocol):
    name: str

    def detect(self, ctx: FileContext) -> Reading:
        """Which pod templates carry the dialect's constructs, without reading them (no findings)."""
        ...

    def read(self, ctx: FileContext) -> Reading:
        """The file's workloads in the model, with their footprint; problems are findings."""
        ...

    def retire(
        self, ctx: FileContext, plan: EditPlan, reading: Reading, converted: list[Workload], target: str
    ) -> None:
        """Remove the dialect's own objects that the ``converted`` workloads leave unused, once the file
        is converted to ``target``."""
        ...

    def normalisation_asked(self, options: Options) -> bool:
        """Whether the user asked for another revision, style or API version of this dialect."""
        ...

    def needs_normalising(self, workload: Workload, options: Options) -> bool:
        """Whether a workload already in this dialect must be written again (another revision, style or
        API version was asked for)."""
        ...

    def emit(
        self, ctx: FileContext, plan: EditPlan, workloads: list[Workload], readings: dict[str, Reading]
    ) -> list[Workload]:
        """Write ``workloads`` in this dialect; returns those written (the others have findings)."""
        ...

    def emit_networks(self, ctx: FileContext, plan: EditPlan, readings: dict[str, Reading]) -> None:
        """What the dialect writes per network of the file (after the workloads)."""
        ...

    def scan(
        self, obj: K8sObject, namespace: str, display: str, inventory: Inventory, options: Options
    ) -> None:
        """Add what ``obj`` tells about names to the run's inventory."""
        ...
