"""Native manifests as written: pod ``spec.networks`` entries and PodNetwork objects, on the YAML nodes.

Both KEP revisions' spellings are read (``podNetworkName``/``name``/``podNetwork``,
``podNetworkAttachmentName``/``attachmentName``, ``isDefaultGW4``/``isDefaultGW6``/``isDefaultGW``),
and every oddity is kept as a problem with its node, so lint can point at it and explain can still draw
the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..dialects.native.profiles import ATTACHMENT_KEYS, NAD_REF_KINDS, NETWORK_KEYS
from ..manifests.objects import K8sObject
from ..manifests.yamldoc import STR, get, get_pair, get_path, is_true, scalar

GW_KEYS: dict[str, frozenset[int]] = {
    "isDefaultGW4": frozenset({4}),
    "isDefaultGW6": frozenset({6}),
    "isDefaultGW": frozenset({4, 6}),  # rev2: one flag for both families
}


ENTRY_KEYS = frozenset((*NETWORK_KEYS, *ATTACHMENT_KEYS, "interfaceName", *GW_KEYS))


@dataclass
class Problem:
    rule: str
    message: str
    node: Node


@dataclass
class NetworkEntry:
    node: Node
    index: int
    network: str | None = None  # PodNetwork name
    attachment: str | None = None  # PodNetworkAttachment name
    interface: str | None = None
    interface_node: Node | None = None
    families: set[int] = field(default_factory=set)  # default-gateway flags set on the entry
    problems: list[Problem] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)  # keys no KEP-3698 revision defines

    @property
    def label(self) -> str:
        if self.attachment is not None:
            return f"PodNetworkAttachment {self.attachment!r}"
        return f"PodNetwork {self.network!r}" if self.network is not None else f"entry {self.index + 1}"


def _string(entry: NetworkEntry, mapping: MappingNode, key: str) -> tuple[str | None, Node | None]:
    pair = get_pair(mapping, key)
    if pair is None:
        return None, None
    value = pair[1]
    if isinstance(value, ScalarNode) and value.tag == STR:
        return str(value.value), value
    entry.problems.append(Problem("invalid-network-entry", f"{key} must be a string", value))
    return None, value


def _spelled(entry: NetworkEntry, mapping: MappingNode, keys: tuple[str, ...]) -> str | None:
    """The value under whichever spelling is present; two spellings at once are a problem."""
    present = [k for k in keys if get_pair(mapping, k) is not None]
    if len(present) > 1:
        entry.problems.append(
            Problem(
                "invalid-network-entry",
                f"{' and '.join(present)} are two spellings of one field; give one",
                mapping,
            )
        )
    return _string(entry, mapping, present[-1])[0] if present else None


def read_entry(node: Node, index: int) -> NetworkEntry:
    entry = NetworkEntry(node, index)
    if not isinstance(node, MappingNode):
        entry.problems.append(Problem("invalid-network-entry", "the entry is not a mapping", node))
        return entry
    entry.network = _spelled(entry, node, NETWORK_KEYS)
    entry.attachment = _spelled(entry, node, ATTACHMENT_KEYS)
    entry.interface, entry.interface_node = _string(entry, node, "interfaceName")
    for key, families in GW_KEYS.items():
        if is_true(get(node, key)):
            entry.families |= families
    entry.unknown_keys = [
        str(k.value) for k, _ in node.value if not isinstance(k, ScalarNode) or k.value not in ENTRY_KEYS
    ]
    if entry.network is not None and entry.attachment is not None:
        entry.problems.append(
            Problem(
                "network-and-attachment",
                f"names both PodNetwork {entry.network!r} and PodNetworkAttachment {entry.attachment!r}",
                node,
            )
        )
    elif entry.network is None and entry.attachment is None and not entry.problems:
        entry.problems.append(
            Problem(
                "invalid-network-entry",
                "names neither a PodNetwork (podNetworkName/name) nor a PodNetworkAttachment "
                "(podNetworkAttachmentName/attachmentName)",
                node,
            )
        )
    return entry


def read_networks(spec: MappingNode | None) -> tuple[Node, list[NetworkEntry]] | None:
    """(the ``networks`` key node, its entries), or None when the pod spec has no ``networks``.

    A ``networks`` value that is not a list gives one entry whose problem says so.
    """
    pair = get_pair(spec, "networks")
    if pair is None:
        return None
    key, value = pair
    if isinstance(value, ScalarNode) and value.tag.endswith(":null"):
        return key, []
    if not isinstance(value, SequenceNode):
        bad = NetworkEntry(value, 0)
        bad.problems.append(Problem("invalid-network-entry", "spec.networks must be a list", value))
        return key, [bad]
    return key, [read_entry(item, i) for i, item in enumerate(value.value)]


@dataclass
class NadRef:
    namespace: str
    name: str
    node: Node


@dataclass
class PodNetworkInfo:
    obj: K8sObject
    name: str
    provider: str | None
    enabled: bool | None
    nad_refs: list[NadRef]


def read_podnetwork(obj: K8sObject) -> PodNetworkInfo:
    spec = get(obj.node, "spec")
    refs: list[NadRef] = []
    items = get(spec, "parametersRefs")
    if isinstance(items, SequenceNode):
        for item in items.value:
            if scalar(get(item, "kind")) in NAD_REF_KINDS and scalar(get(item, "name")):
                # A NAD reference without a namespace: the KEP's examples always give one; 'default'
                # is what an unqualified namespaced reference means elsewhere in Kubernetes.
                namespace = scalar(get(item, "namespace")) or "default"
                refs.append(NadRef(namespace, scalar(get(item, "name")) or "", item))
    enabled_node = get(spec, "enabled")
    enabled = None if enabled_node is None else is_true(enabled_node)
    return PodNetworkInfo(obj, obj.name, scalar(get(spec, "provider")), enabled, refs)


@dataclass
class AttachmentInfo:
    """A PodNetworkAttachment: its PodNetwork and the ConfigMaps its parametersRefs name."""

    obj: K8sObject
    namespace: str
    name: str
    network: str | None
    configmaps: list[tuple[str, str]]


def read_attachment(obj: K8sObject, namespace: str) -> AttachmentInfo:
    spec = get(obj.node, "spec")
    configmaps: list[tuple[str, str]] = []
    items = get(spec, "parametersRefs")
    if isinstance(items, SequenceNode):
        for item in items.value:
            name = scalar(get(item, "name"))
            if scalar(get(item, "kind")) == "ConfigMap" and name:
                configmaps.append((scalar(get(item, "namespace")) or namespace, name))
    return AttachmentInfo(obj, namespace, obj.name, scalar(get_path(spec, "podNetworkName")), configmaps)
