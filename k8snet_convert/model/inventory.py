"""The run-wide facts (SPEC §6): every NAD, PodNetwork and CNI-DRA claim of the run's inputs (and of the
configuration's ``inventory`` paths), so that references resolve across files.

Built once, before any file is converted, from every input; then handed to every reader and writer. A
file's output stays its own text with its own edits: the inventory only answers questions about names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .attachment import NadKey
from .network import Network


@dataclass(frozen=True)
class PodNetworkFact:
    """A PodNetwork seen in the run, reduced to what resolving a pod entry needs."""

    name: str
    nad: NadKey | None  # the one NAD its parametersRefs name (None: no Multus form)
    file: str
    problem: str | None = None  # why it has no Multus form
    problem_rule: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class ClaimFact:
    """A ResourceClaimTemplate or ResourceClaim of the CNI DRA driver, as a pod's claim resolves it."""

    namespace: str
    kind: str
    name: str
    nad: NadKey | None  # provenance: the NAD whose config it embeds (None: not written by the tool)
    embedded: dict[str, Any]  # provenance: per-attachment fields written into the config
    interfaces: tuple[str | None, ...]  # ifName of each CNI request, in request order
    other_requests: bool  # it also requests devices of other drivers
    file: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.namespace, self.kind, self.name


@dataclass(frozen=True)
class DeviceTemplateFact:
    """A ResourceClaimTemplate that ``--devices dra`` wrote for the requests of one extended resource."""

    namespace: str
    name: str
    resource: str  # the extended resource its devices replace (the NADs' resourceName)
    count: int
    injected: bool  # made for a pod without requests (network-resources-injector style)
    file: str


@dataclass
class Inventory:
    # Every definition of each NAD, in input order (a NAD may be defined in several files).
    definitions: dict[NadKey, list[Network]] = field(default_factory=dict)
    podnetworks: dict[str, list[PodNetworkFact]] = field(default_factory=dict)
    claims: dict[tuple[str, str, str], ClaimFact] = field(default_factory=dict)
    # Absolute folder -> the namespace a Flux Kustomization deploys it into (spec.targetNamespace).
    target_namespaces: dict[str, str] = field(default_factory=dict)
    # Helm charts: the placeholder of each chart-wide template action (``.Values…`` said from the root)
    # -> the action, so a conversion may copy a NAD's actions from one template into another.
    template_actions: dict[str, str] = field(default_factory=dict)
    # --devices: the templates it wrote, by (namespace, name), and the DeviceClasses that map an extended
    # resource (spec.extendedResourceName -> the first file that defines one).
    device_templates: dict[tuple[str, str], DeviceTemplateFact] = field(default_factory=dict)
    extended_classes: dict[str, str] = field(default_factory=dict)

    # -- building ------------------------------------------------------------------------------------

    def add_nad(self, network: Network) -> None:
        known = self.definitions.setdefault(network.key, [])
        if network not in known:
            known.append(network)

    def add_podnetwork(self, fact: PodNetworkFact) -> None:
        known = self.podnetworks.setdefault(fact.name, [])
        if fact not in known:
            known.append(fact)

    def add_claim(self, fact: ClaimFact) -> None:
        self.claims.setdefault(fact.key, fact)

    def add_device_template(self, fact: DeviceTemplateFact) -> None:
        self.device_templates.setdefault((fact.namespace, fact.name), fact)

    def add_extended_class(self, resource: str, file: str) -> None:
        self.extended_classes.setdefault(resource, file)

    def merge(self, other: Inventory) -> None:
        for networks in other.definitions.values():
            for network in networks:
                self.add_nad(network)
        for facts in other.podnetworks.values():
            for fact in facts:
                self.add_podnetwork(fact)
        for claim in other.claims.values():
            self.add_claim(claim)
        self.target_namespaces.update(other.target_namespaces)
        self.template_actions.update(other.template_actions)
        for template in other.device_templates.values():
            self.add_device_template(template)
        for resource, file in other.extended_classes.items():
            self.add_extended_class(resource, file)

    def relocate(self, namespace_of: Callable[[Network], str]) -> None:
        """Resolve again the namespace of every NAD that does not say its own (once the whole run is
        known: a Flux Kustomization read after a NAD's file decides that NAD's namespace)."""
        moved: dict[NadKey, list[Network]] = {}
        for key, networks in self.definitions.items():
            for network in networks:
                if not network.namespaced:
                    network = replace(network, key=(namespace_of(network), key[1]))
                known = moved.setdefault(network.key, [])
                if network not in known:
                    known.append(network)
        self.definitions = moved

    # -- questions -----------------------------------------------------------------------------------

    def nad(self, key: NadKey) -> Network | None:
        """The NAD's first definition; ``conflicts`` names the files that define it differently (the
        same NAD defined differently in two files: which config counts must not depend on file order)."""
        known = self.definitions.get(key)
        if not known:
            return None
        first = known[0]
        conflicts = tuple(dict.fromkeys(n.file for n in known[1:] if n.meaning() != first.meaning()))
        return replace(first, conflicts=conflicts) if conflicts else first

    @property
    def nad_keys(self) -> list[NadKey]:
        return list(self.definitions)

    def podnetwork(self, name: str) -> PodNetworkFact | None:
        """The PodNetwork of that name; when files disagree on what it names, the first one read."""
        known = self.podnetworks.get(name)
        return known[0] if known else None

    def claim(self, namespace: str, kind: str, name: str) -> ClaimFact | None:
        return self.claims.get((namespace, kind, name))

    def device_pools(self) -> dict[str, Network]:
        """Every resourceName a NAD names, with the first NAD that names it in the inventory's order (the
        order the run reads its inputs in, the same for any number of workers)."""
        pools: dict[str, Network] = {}
        for networks in self.definitions.values():
            for network in networks:
                if network.resource_name:
                    pools.setdefault(network.resource_name, network)
        return pools
