"""A workload as the model holds it: where its pod template is, its namespace, its networks, and the
footprint its source dialect occupies (what retiring that dialect removes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .attachment import Attachment

if TYPE_CHECKING:  # the YAML layer's handle; the model only carries it
    from ..manifests.objects import PodTemplate


@dataclass
class Footprint:
    """The places one dialect occupies for one workload, as handles of the YAML layer.

    Retiring a dialect removes them: a writer of any other dialect never has to know what they were.
    """

    annotations: list[tuple[Any, Any]] = field(default_factory=list)  # (key, value) of template annotations
    spec: list[tuple[Any, Any]] = field(default_factory=list)  # (key, value) of the template's spec
    claims: list[Any] = field(default_factory=list)  # items of the template's spec.resourceClaims
    objects: list[Any] = field(default_factory=list)  # objects that go with the workload (carriers, claims)


@dataclass
class Workload:
    """The networks of one pod template, in the model's terms."""

    template: PodTemplate
    dialect: str  # the dialect it was read from ("multus", "native", "dra")
    namespace: str  # resolved (metadata.namespace, --namespace, kustomization, else "default")
    primary: Attachment | None  # the pod's primary network when it is not the cluster default network
    networks: list[Attachment]  # secondary networks, in order
    footprint: Footprint
    anchor: Any  # the node findings about its networks point at
    anchor_path: str  # the YAML path of that node
    host_network: bool = False
    primary_anchor: Any = None  # where the primary network is said, when it is said apart from the rest
    # The source says, in so many words, that the pod has no secondary network (the annotation '[]', or
    # spec.networks listing the cluster default network alone): a writer that can say it, says it too.
    explicit_empty: bool = False
    # How the source wrote it, where a writer of the same dialect may normalise it: the KEP revision of
    # native entries, the resource.k8s.io version of DRA claims, the form of the Multus annotation.
    variant: str | None = None

    @property
    def kind(self) -> str:
        return self.template.obj.kind

    @property
    def name(self) -> str:
        obj = self.template.obj
        return obj.name or obj.generate_name.rstrip("-") or obj.kind.lower()

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def attachments(self) -> list[Attachment]:
        """Every network of the pod, the primary one first when it is not the cluster default."""
        return [*([self.primary] if self.primary is not None else []), *self.networks]
