"""Native objects other than pods: PodNetworks, PodNetworkAttachments and the ConfigMaps that carry
per-attachment parameters (``selection.json``)."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...manifests.objects import K8sObject
from ...manifests.yamldoc import BOOL, get, get_path, is_true, scalar
from ...model import NadKey, PodNetworkFact
from ...options import DEFAULT_PROVIDER
from .profiles import NAD_REF_KINDS, SELECTION_KEY

CONFIGMAP_KIND = "ConfigMap"

# What the native writer emits for each object; anything more is not the tool's, so such an object is kept
# when its dialect is retired.
GENERATED_SHAPES: dict[str, dict[str, frozenset[str]]] = {
    "PodNetwork": {
        "": frozenset({"apiVersion", "kind", "metadata", "spec", "status"}),
        # kustomize's namespace transformer gives PodNetworks a namespace (SPEC §6): not a user's field.
        "metadata": frozenset({"name", "namespace"}),
        "spec": frozenset({"enabled", "provider", "parametersRefs", "parametersRef"}),
    },
    "PodNetworkAttachment": {
        "": frozenset({"apiVersion", "kind", "metadata", "spec", "status"}),
        "metadata": frozenset({"name", "namespace"}),
        "spec": frozenset({"podNetworkName", "parametersRefs", "parametersRef"}),
    },
    "ConfigMap": {
        "": frozenset({"apiVersion", "kind", "metadata", "data"}),
        "metadata": frozenset({"name", "namespace"}),
        "data": frozenset({SELECTION_KEY}),
    },
}


def extra_fields(obj: K8sObject) -> list[str]:
    """Fields of a PodNetwork, PodNetworkAttachment or ConfigMap that the native writer never emits."""
    found: list[str] = []
    for section, allowed in GENERATED_SHAPES[obj.kind].items():
        node = obj.node if not section else get(obj.node, section)
        if not isinstance(node, MappingNode):
            continue
        for key, _ in node.value:
            if str(key.value) not in allowed:
                found.append(f"{section}.{key.value}" if section else str(key.value))
    return found


@dataclass
class ParamsRef:
    """One ``parametersRefs`` item: ``{group, kind, name, namespace?}``."""

    node: Node
    group: str
    kind: str
    name: str
    namespace: str | None

    @property
    def is_nad(self) -> bool:
        # SPEC §5: "by kind"; the KEP spells the resource plural, readers also accept the kind.
        return self.kind in NAD_REF_KINDS


def params_refs(spec: Node | None) -> list[ParamsRef]:
    """``parametersRefs`` (and the singular ``parametersRef`` of one prototype) of a spec."""
    nodes: list[Node] = []
    refs = get(spec, "parametersRefs")
    if isinstance(refs, SequenceNode):
        nodes.extend(refs.value)
    single = get(spec, "parametersRef")
    if isinstance(single, MappingNode):
        nodes.append(single)
    result: list[ParamsRef] = []
    for node in nodes:
        if not isinstance(node, MappingNode):
            continue
        result.append(
            ParamsRef(
                node=node,
                group=scalar(get(node, "group")) or "",
                kind=scalar(get(node, "kind")) or "",
                name=scalar(get(node, "name")) or "",
                namespace=scalar(get(node, "namespace")) or None,
            )
        )
    return result


def multus_providers(option_provider: str) -> frozenset[str]:
    """Providers that mean Multus: the default, and whatever ``--provider`` the forward run used."""
    return frozenset({DEFAULT_PROVIDER, option_provider} - {""})


@dataclass
class NativePodNetwork:
    obj: K8sObject
    name: str
    enabled: bool  # absent = true (the KEP's default)
    provider: str | None
    refs: list[ParamsRef]
    nad: NadKey | None  # (namespace, name) of the one NAD it names
    problem: str | None = None  # why it has no Multus form; None = it has one
    problem_rule: str = ""  # the finding's rule id for ``problem``
    unnamed_namespace: bool = False  # its NAD reference names no namespace

    @property
    def other_refs(self) -> list[ParamsRef]:
        return [r for r in self.refs if not r.is_nad]

    def fact(self, display: str) -> PodNetworkFact:
        return PodNetworkFact(self.name, self.nad, display, self.problem, self.problem_rule, self.enabled)


def read_podnetwork(obj: K8sObject, provider_option: str, namespace: str) -> NativePodNetwork:
    """A PodNetwork; ``namespace`` is what a NAD reference without one means (the caller decides)."""
    spec = get(obj.node, "spec")
    enabled_node = get(spec, "enabled")
    enabled = not (
        isinstance(enabled_node, ScalarNode) and enabled_node.tag == BOOL and not is_true(enabled_node)
    )
    provider = scalar(get(spec, "provider")) or None
    refs = params_refs(spec)
    nad_refs = [r for r in refs if r.is_nad]
    pn = NativePodNetwork(obj, obj.name, enabled, provider, refs, None)
    if provider is not None and provider not in multus_providers(provider_option):
        pn.problem = f"its provider is {provider!r}, not Multus ({DEFAULT_PROVIDER})"
        pn.problem_rule = "not-multus-provider"
    elif not nad_refs or not nad_refs[0].name:
        pn.problem = "its parametersRefs name no NetworkAttachmentDefinition"
        pn.problem_rule = "no-nad-reference"
    elif len(nad_refs) > 1:
        pn.problem = (
            f"its parametersRefs name {len(nad_refs)} NetworkAttachmentDefinitions; a Multus "
            "element names exactly one"
        )
        pn.problem_rule = "no-nad-reference"
    else:
        ref = nad_refs[0]
        pn.unnamed_namespace = ref.namespace is None
        pn.nad = (ref.namespace or namespace, ref.name)
    return pn


@dataclass
class NativeAttachment:
    """A PodNetworkAttachment: a PodNetwork plus per-attachment parameters behind ``parametersRefs``."""

    obj: K8sObject
    name: str
    namespace: str
    network: str | None
    refs: list[ParamsRef]


def read_attachment(obj: K8sObject, namespace: str) -> NativeAttachment:
    spec = get(obj.node, "spec")
    return NativeAttachment(
        obj, obj.name, namespace, scalar(get(spec, "podNetworkName")) or None, params_refs(spec)
    )


@dataclass
class SelectionCarrier:
    """A ConfigMap; ``selection.json`` holds a whole selection element when it carries one."""

    obj: K8sObject
    name: str
    namespace: str
    raw: str | None
    raw_node: Node | None


def read_carrier(obj: K8sObject, namespace: str) -> SelectionCarrier:
    raw_node = get_path(obj.node, "data", SELECTION_KEY)
    return SelectionCarrier(obj, obj.name, namespace, scalar(raw_node), raw_node)
