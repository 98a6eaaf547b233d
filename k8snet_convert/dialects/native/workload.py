"""A native workload and the native objects of its file, as the reader records them (the dialect's own
record, which the resolution and the retire step read)."""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import Node, ScalarNode

from ...manifests.objects import K8sObject, PodTemplate
from ...manifests.yamldoc import get, is_true
from ...model import Attachment, Footprint, Workload
from ...options import Profile
from .entries import NetworkEntry
from .objects import NativeAttachment, NativePodNetwork, SelectionCarrier
from .profiles import profile_of


@dataclass
class NativeWorkload:
    obj: K8sObject
    template: PodTemplate
    namespace: str
    networks_pair: tuple[ScalarNode, Node]
    params_pair: tuple[ScalarNode, Node] | None
    entries: list[NetworkEntry] = field(default_factory=list)
    default_network: Attachment | None = None  # None: the cluster's default network
    networks: list[Attachment] = field(default_factory=list)
    attachments: list[NativeAttachment] = field(default_factory=list)  # the carriers it consumed
    carriers: list[SelectionCarrier] = field(default_factory=list)
    ok: bool = True

    @property
    def name(self) -> str:
        return self.obj.name or self.obj.generate_name.rstrip("-") or self.obj.kind.lower()

    @property
    def label(self) -> str:
        return f"{self.obj.kind} {self.name}"

    def model(self) -> Workload:
        footprint = Footprint(
            annotations=[self.params_pair] if self.params_pair is not None else [],
            spec=[self.networks_pair],
            objects=[*(a.obj for a in self.attachments), *(c.obj for c in self.carriers)],
        )
        keys: set[str] = set()
        for entry in self.entries:
            keys |= entry.keys
        profile = profile_of(keys)
        return Workload(
            template=self.template,
            dialect="native",
            namespace=self.namespace,
            primary=self.default_network,
            networks=list(self.networks),
            footprint=footprint,
            anchor=self.networks_pair[1],
            anchor_path=self.template.key_path("spec", "networks"),
            host_network=is_true(get(self.template.spec, "hostNetwork")),
            variant=profile.value if profile is not None else None,
            explicit_empty=bool(self.entries) and not self.networks and self.default_network is None,
        )


@dataclass
class NativeFile:
    """The native objects of a file, and its workloads as read (the dialect's own record)."""

    podnetworks: list[NativePodNetwork] = field(default_factory=list)
    attachments: list[NativeAttachment] = field(default_factory=list)
    configmaps: list[SelectionCarrier] = field(default_factory=list)
    workloads: list[NativeWorkload] = field(default_factory=list)
    # Which KEP revision and apiVersion the file was written in (None: not said, or mixed).
    profile: Profile | None = None
    api_version: str | None = None

    def podnetwork(self, name: str) -> NativePodNetwork | None:
        return next((p for p in self.podnetworks if p.name == name), None)

    def attachment(self, namespace: str, name: str) -> NativeAttachment | None:
        return next((a for a in self.attachments if (a.namespace, a.name) == (namespace, name)), None)

    def configmap(self, namespace: str, name: str) -> SelectionCarrier | None:
        return next((c for c in self.configmaps if (c.namespace, c.name) == (namespace, name)), None)


# ----------------------------------------------------------------------------------------------------
# Reading
