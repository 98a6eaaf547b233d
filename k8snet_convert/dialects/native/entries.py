"""Pod ``spec.networks`` entries as written: the one reading of them, for the reader, lint and explain.

Both KEP revisions' spellings are read (``podNetworkName``/``name``/``podNetwork``,
``podNetworkAttachmentName``/``attachmentName``, ``isDefaultGW4``/``isDefaultGW6``/``isDefaultGW``), and
every oddity is kept as a problem with its node: the reader refuses to convert such a pod, lint points at
it, explain still draws the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...manifests.yamldoc import BOOL, NULL, get_pair, is_true, scalar
from .profiles import ATTACHMENT_KEYS, NETWORK_KEYS

# Gateway flags of both revisions and the address families each one claims.
GATEWAY_KEYS: dict[str, frozenset[int]] = {
    "isDefaultGW4": frozenset({4}),
    "isDefaultGW6": frozenset({6}),
    "isDefaultGW": frozenset({4, 6}),
}
INTERFACE_KEY = "interfaceName"
ENTRY_KEYS = frozenset((*NETWORK_KEYS, *ATTACHMENT_KEYS, INTERFACE_KEY, *GATEWAY_KEYS))
ENTRY_HINT = (
    "use podNetworkName or podNetworkAttachmentName (kep-3698), name or attachmentName (kep-3698-rev2)"
)


@dataclass
class Problem:
    """Why an entry cannot be read; ``where`` is the field it is about (".interfaceName"), or ""."""

    rule: str
    message: str
    node: Node
    where: str = ""
    hint: str = ""

    def text(self, index: int) -> str:
        return f"spec.networks[{index}]{self.where} {self.message}"


@dataclass
class NetworkEntry:
    """One item of a pod's ``spec.networks``, in whichever spelling it was written."""

    node: Node
    index: int
    path: str = ""  # the YAML path of the entry, for findings
    network: str | None = None  # PodNetwork name
    attachment: str | None = None  # PodNetworkAttachment name
    interface: str | None = None
    interface_node: Node | None = None
    gateways: frozenset[int] = frozenset()  # address families whose default gateway the entry holds
    keys: frozenset[str] = frozenset()  # the keys as written (they tell the KEP revision)
    unknown_keys: list[str] = field(default_factory=list)  # keys no KEP-3698 revision defines
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.attachment is not None:
            return f"PodNetworkAttachment {self.attachment!r}"
        return f"PodNetwork {self.network!r}" if self.network is not None else f"entry {self.index + 1}"


def read_entry(node: Node, index: int, path: str = "") -> NetworkEntry:
    entry = NetworkEntry(node, index, path)
    if not isinstance(node, MappingNode):
        entry.problems.append(Problem("invalid-network-entry", "must be a mapping", node))
        return entry
    values = {str(k.value): v for k, v in node.value if isinstance(k, ScalarNode)}
    entry.keys = frozenset(values)
    entry.unknown_keys = sorted(
        str(k.value) for k, _ in node.value if not isinstance(k, ScalarNode) or k.value not in ENTRY_KEYS
    )
    networks = [k for k in NETWORK_KEYS if k in values]
    attachments = [k for k in ATTACHMENT_KEYS if k in values]
    named = networks + attachments
    # Every field is read even when the entry is wrong: lint points at each problem, explain draws it.
    if networks:
        entry.network = scalar(values[networks[-1]])
    if attachments:
        entry.attachment = scalar(values[attachments[-1]])
    if networks and attachments:
        entry.problems.append(
            Problem(
                "network-and-attachment",
                f"names both a PodNetwork ({networks[0]}) and a PodNetworkAttachment ({attachments[0]})",
                node,
                hint="keep one of the two",
            )
        )
    elif len(named) != 1:
        message = (
            "names neither a PodNetwork nor a PodNetworkAttachment"
            if not named
            else f"has {' and '.join(named)}, two spellings of one field"
        )
        entry.problems.append(Problem("invalid-network-entry", message, node, hint=ENTRY_HINT))
    elif not (entry.network or entry.attachment):
        entry.problems.append(Problem("invalid-network-entry", "is empty", values[named[0]], f".{named[0]}"))
    interface_node = values.get(INTERFACE_KEY)
    if interface_node is not None:
        entry.interface_node = interface_node
        entry.interface = scalar(interface_node) or None
        if entry.interface is None:
            entry.problems.append(
                Problem(
                    "invalid-network-entry", "must be a non-empty string", interface_node, f".{INTERFACE_KEY}"
                )
            )
    gateways: set[int] = set()
    for key, families in GATEWAY_KEYS.items():
        flag = values.get(key)
        if flag is None:
            continue
        if not (isinstance(flag, ScalarNode) and flag.tag == BOOL):
            entry.problems.append(Problem("invalid-network-entry", "must be true or false", flag, f".{key}"))
        elif is_true(flag):
            gateways |= families
    entry.gateways = frozenset(gateways)
    return entry


@dataclass
class PodNetworks:
    """A pod template's ``networks`` key, its value, and the entries read from it."""

    key: ScalarNode
    value: Node
    entries: list[NetworkEntry]
    problem: Problem | None = None  # the value is no list


def read_networks(spec: MappingNode | None, path: str = "spec.networks") -> PodNetworks | None:
    """The pod's ``spec.networks``, or None when the pod spec has none. ``networks: null`` is no list at
    all (Go): the cluster default network only."""
    pair = get_pair(spec, "networks")
    if pair is None:
        return None
    key, value = pair
    if isinstance(value, ScalarNode) and value.tag == NULL:
        return PodNetworks(key, value, [])
    if not isinstance(value, SequenceNode):
        return PodNetworks(key, value, [], Problem("invalid-network-entry", "must be a list", value))
    return PodNetworks(
        key, value, [read_entry(item, i, f"{path}[{i}]") for i, item in enumerate(value.value)]
    )
