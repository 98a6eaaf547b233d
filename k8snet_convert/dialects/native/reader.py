"""Native reader: KEP-3698 objects and pod ``spec.networks`` of one file -> the Multus IR.

Readers accept every spelling of both KEP revisions (SPEC §2): pod entries with ``podNetworkName`` /
``name`` / ``podNetwork``, ``podNetworkAttachmentName`` / ``attachmentName``, ``isDefaultGW4`` /
``isDefaultGW6`` / ``isDefaultGW``; PodNetworks of any apiVersion; ``parametersRefs`` naming a NAD by
resource (``network-attachment-definitions``) or kind (``NetworkAttachmentDefinition``).

Each pod entry is read back into one Multus selection element (``ParsedElement``, the same IR the Multus
reader produces):

* the network: the PodNetwork of the entry (or of its PodNetworkAttachment) names a NAD. The NAD is found
  through the PodNetwork objects of the file, else through the element stored in the attachment's
  carrier, else by inverting ``--name-template`` (SPEC §5);
* the per-attachment parameters: from the ConfigMap behind a PodNetworkAttachment (``selection.json``) or
  from the ``k8snet-convert.io/attachment-params`` annotation, keyed by interface name;
* the interface: ``interfaceName``, except Multus's implicit name for that position (``net<k>`` for the
  k-th secondary network, ``eth0`` for the primary), which is left implicit: the canonical form;
* ``default-route``: gateway IPs come from the carrier; a gateway flag on a secondary entry without them
  is ``default-route: []``. The primary network owns every family nobody claims, as in Multus.

The first entry is the pod's primary network: ``default`` is the cluster's default network (no Multus
form, dropped), anything else becomes ``v1.multus-cni.io/default-network``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ... import namespaces
from ...context import FileContext
from ...errors import AnnotationError
from ...manifests.objects import K8sObject, PodTemplate, guessed_templates, iter_objects, pod_template
from ...manifests.yamldoc import BOOL, NULL, get, get_pair, get_path, is_true, scalar
from ...model import Severity
from ...options import DEFAULT_PROVIDER, Profile
from ..multus.annotation import ParsedElement, parse_networks
from ..multus.nad import Nad, is_nad
from ..multus.reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY
from .profiles import (
    ATTACHMENT_KEYS,
    ATTACHMENT_KIND,
    DEFAULT_NETWORK,
    NAD_REF_KINDS,
    NETWORK_KEYS,
    PARAMS_ANNOTATION,
    PODNETWORK_KIND,
    PRIMARY_INTERFACE,
    SELECTION_KEY,
    apply_template,
    invalid_interface_reason,
)

# Gateway flags of both revisions and the address families each one claims.
GATEWAY_KEYS: dict[str, frozenset[int]] = {
    "isDefaultGW4": frozenset({4}),
    "isDefaultGW6": frozenset({6}),
    "isDefaultGW": frozenset({4, 6}),
}
INTERFACE_KEY = "interfaceName"
ENTRY_KEYS = frozenset((*NETWORK_KEYS, *ATTACHMENT_KEYS, INTERFACE_KEY, *GATEWAY_KEYS))
# Keys only one revision spells (``interfaceName`` is shared): they tell which profile a file was written in.
REV1_KEYS = frozenset(
    {"podNetworkName", "podNetwork", "podNetworkAttachmentName", "isDefaultGW4", "isDefaultGW6"}
)
REV2_KEYS = frozenset({"name", "attachmentName", "isDefaultGW"})
# The carrier keys that say where an element goes; parameters never move them.
PLACEMENT_KEYS = frozenset({"name", "namespace", "interface", "interfacerequest"})
CONFIGMAP_KIND = "ConfigMap"

_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


# ----------------------------------------------------------------------------------------------------
# The objects of a file


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


@dataclass
class NativePodNetwork:
    obj: K8sObject
    name: str
    enabled: bool  # absent = true (the KEP's default)
    provider: str | None
    refs: list[ParamsRef]
    nad: tuple[str, str] | None  # (namespace, name) of the one NAD it names
    problem: str | None = None  # why it has no Multus form; None = it has one
    problem_rule: str = ""  # the finding's rule id for ``problem``

    @property
    def other_refs(self) -> list[ParamsRef]:
        return [r for r in self.refs if not r.is_nad]


@dataclass
class NativeAttachment:
    """A PodNetworkAttachment: a PodNetwork plus per-attachment parameters behind ``parametersRefs``."""

    obj: K8sObject
    name: str
    namespace: str
    network: str | None
    refs: list[ParamsRef]


@dataclass
class SelectionCarrier:
    """A ConfigMap; ``selection.json`` holds a whole selection element when it carries one."""

    obj: K8sObject
    name: str
    namespace: str
    raw: str | None
    raw_node: Node | None


@dataclass
class NetworkEntry:
    """One item of a pod's ``spec.networks``, in whichever spelling it was written."""

    node: MappingNode
    index: int
    path: str
    network: str | None
    attachment: str | None
    interface: str | None
    gateways: frozenset[int]


@dataclass
class NativeWorkload:
    obj: K8sObject
    template: PodTemplate
    namespace: str
    networks_pair: tuple[ScalarNode, Node]
    params_pair: tuple[ScalarNode, Node] | None
    entries: list[NetworkEntry] = field(default_factory=list)
    default_network: ParsedElement | None = None  # None: the cluster's default network
    networks: list[ParsedElement] = field(default_factory=list)
    attachments: list[NativeAttachment] = field(default_factory=list)  # the carriers it consumed
    carriers: list[SelectionCarrier] = field(default_factory=list)
    ok: bool = True

    @property
    def name(self) -> str:
        return self.obj.name or self.obj.generate_name.rstrip("-") or self.obj.kind.lower()

    @property
    def label(self) -> str:
        return f"{self.obj.kind} {self.name}"


@dataclass
class NativeFile:
    podnetworks: list[NativePodNetwork] = field(default_factory=list)
    attachments: list[NativeAttachment] = field(default_factory=list)
    configmaps: list[SelectionCarrier] = field(default_factory=list)
    nads: list[Nad] = field(default_factory=list)
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

    def nad(self, key: tuple[str, str]) -> Nad | None:
        return next((n for n in self.nads if n.key == key), None)


def multus_providers(option_provider: str) -> frozenset[str]:
    """Providers that mean Multus: the default, and whatever ``--provider`` the forward run used."""
    return frozenset({DEFAULT_PROVIDER, option_provider} - {""})


# ----------------------------------------------------------------------------------------------------
# The name template, inverted


@lru_cache(maxsize=4096)
def invert_template(template: str, network: str, default_namespace: str) -> tuple[tuple[str, str], ...]:
    """Every (namespace, name) of a NAD that ``template`` maps to the PodNetwork name ``network``.

    Without ``{namespace}`` in the template the namespace is ``default_namespace`` (the pod's, or Multus's
    for the default network). With it, the namespace is a DNS label (no dots), the name a DNS subdomain;
    more than one answer means the name cannot be inverted (``{namespace}-{name}``).
    """
    parts = [p for p in re.split(r"(\{namespace\}|\{name\})", template) if p]
    found: list[tuple[str, str]] = []

    def match(index: int, pos: int, bound: dict[str, str]) -> Iterator[dict[str, str]]:
        if index == len(parts):
            if pos == len(network):
                yield bound
            return
        part = parts[index]
        placeholder = part[1:-1] if part in ("{namespace}", "{name}") else None
        if placeholder is None or placeholder in bound:
            literal = part if placeholder is None else bound[placeholder]
            if network.startswith(literal, pos):
                yield from match(index + 1, pos + len(literal), bound)
            return
        for end in range(pos + 1, len(network) + 1):
            value = network[pos:end]
            if placeholder == "namespace" and (len(value) > 63 or not _LABEL.fullmatch(value)):
                continue
            yield from match(index + 1, end, {**bound, placeholder: value})

    for bound in match(0, 0, {}):
        name = bound.get("name", "")
        namespace = bound.get("namespace", default_namespace)
        valid = bool(name) and bool(_SUBDOMAIN.fullmatch(name))
        if valid and apply_template(template, namespace, name) == network and (namespace, name) not in found:
            found.append((namespace, name))
        if len(found) > 1:
            break
    return tuple(found)


# ----------------------------------------------------------------------------------------------------
# Reading


def _families(routes: list[Any]) -> frozenset[int]:
    found: set[int] = set()
    for route in routes:
        with contextlib.suppress(ValueError, TypeError):
            found.add(ipaddress.ip_address(route).version)
    return frozenset(found)


def _family_text(families: frozenset[int] | set[int]) -> str:
    return " and ".join(f"IPv{f}" for f in sorted(families)) or "no family"


def _refs(spec: Node | None) -> list[ParamsRef]:
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


def quiet_namespace(ctx: FileContext, obj: K8sObject) -> str:
    """The namespace of an object without reporting the fallback (the workload's finding says it)."""
    return namespaces.resolve(obj.namespace, ctx.options.namespace, ctx.path)[0]


@dataclass
class NativeReader:
    ctx: FileContext
    result: NativeFile = field(default_factory=NativeFile)

    # -- findings ------------------------------------------------------------------------------------

    def report(
        self, rule: str, severity: Severity, message: str, node: Node | None, path: str, hint: str = ""
    ) -> None:
        self.ctx.report_strict(rule, severity, message, node, path, hint)

    # -- the whole file ------------------------------------------------------------------------------

    def read(self) -> NativeFile:
        objects = [obj for doc in self.ctx.docs for obj in iter_objects(doc)]
        for obj in objects:
            if obj.kind == PODNETWORK_KIND:
                self.result.podnetworks.append(self._podnetwork(obj))
            elif obj.kind == ATTACHMENT_KIND:
                self.result.attachments.append(self._attachment(obj))
            elif obj.kind == CONFIGMAP_KIND and obj.api_version == "v1":
                raw_node = get_path(obj.node, "data", SELECTION_KEY)
                self.result.configmaps.append(
                    SelectionCarrier(
                        obj, obj.name, quiet_namespace(self.ctx, obj), scalar(raw_node), raw_node
                    )
                )
            elif is_nad(obj):
                self.result.nads.append(self._nad(obj))
        self._detect_api_version()
        for obj in objects:
            template = pod_template(obj)
            if template is not None:
                workload = self._workload(obj, template)
                if workload is not None:
                    self.result.workloads.append(workload)
            elif not obj.is_kubevirt and not (obj.kind.endswith("List") and obj.list_seq is None):
                self._unknown_kind(obj)
        self._detect_profile()
        return self.result

    def _detect_api_version(self) -> None:
        versions = {p.obj.api_version for p in self.result.podnetworks}
        versions |= {a.obj.api_version for a in self.result.attachments}
        self.result.api_version = versions.pop() if len(versions) == 1 else None

    def _detect_profile(self) -> None:
        keys: set[str] = set()
        for wl in self.result.workloads:
            for entry in wl.entries:
                keys.update(str(k.value) for k, _ in entry.node.value)
        rev1, rev2 = bool(keys & REV1_KEYS), bool(keys & REV2_KEYS)
        if rev1 != rev2:
            self.result.profile = Profile.KEP_3698 if rev1 else Profile.KEP_3698_REV2

    # -- objects -------------------------------------------------------------------------------------

    def _nad(self, obj: K8sObject) -> Nad:
        """A NAD, read quietly: only its IPAM families matter here (what ``default-route: []`` claims)."""
        text = scalar(get_path(obj.node, "spec", "config"))
        config: dict[str, Any] | None = None
        if text:
            with contextlib.suppress(json.JSONDecodeError):
                loaded = json.loads(text)
                config = loaded if isinstance(loaded, dict) else None
        return Nad(obj, obj.name, quiet_namespace(self.ctx, obj), text, config, None)

    def _podnetwork(self, obj: K8sObject) -> NativePodNetwork:
        spec = get(obj.node, "spec")
        enabled_node = get(spec, "enabled")
        enabled = not (
            isinstance(enabled_node, ScalarNode) and enabled_node.tag == BOOL and not is_true(enabled_node)
        )
        provider = scalar(get(spec, "provider")) or None
        refs = _refs(spec)
        nad_refs = [r for r in refs if r.is_nad]
        pn = NativePodNetwork(obj, obj.name, enabled, provider, refs, None)
        if provider is not None and provider not in multus_providers(self.ctx.options.provider):
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
            namespace = ref.namespace
            if namespace is None:
                namespace, source = namespaces.resolve(None, self.ctx.options.namespace, self.ctx.path)
                if source == "default":
                    self.ctx.report(
                        "default-namespace",
                        Severity.INFO,
                        f"PodNetwork {obj.name}: its NetworkAttachmentDefinition reference {ref.name!r} has "
                        "no namespace: assuming 'default'",
                        node=ref.node,
                        path=obj.path + "spec.parametersRefs",
                        hint="set the namespace of the reference, or pass --namespace",
                    )
            pn.nad = (namespace, ref.name)
        return pn

    def _attachment(self, obj: K8sObject) -> NativeAttachment:
        spec = get(obj.node, "spec")
        return NativeAttachment(
            obj,
            obj.name,
            quiet_namespace(self.ctx, obj),
            scalar(get(spec, "podNetworkName")) or None,
            _refs(spec),
        )

    def _unknown_kind(self, obj: K8sObject) -> None:
        """spec.networks of KEP shape where k8snet-convert does not know the pod template: reported."""
        for guess in guessed_templates(obj):
            networks = get(guess.spec, "networks")
            if not isinstance(networks, SequenceNode):
                continue
            kep = any(
                isinstance(item, MappingNode)
                and any(str(k.value) in ENTRY_KEYS - {"name", INTERFACE_KEY} for k, _ in item.value)
                for item in networks.value
            )
            if kep:
                self.report(
                    "unknown-workload-kind",
                    Severity.WARNING,
                    f"{obj.kind or '(no kind)'} {obj.name}: carries KEP-3698 spec.networks at "
                    f"{guess.key_path('spec', 'networks')} but k8snet-convert does not know this kind's pod "
                    "template, so it is not converted",
                    networks,
                    guess.key_path("spec", "networks"),
                    hint="convert the rendered pods, or open an issue to add the kind",
                )
                return

    # -- workloads -----------------------------------------------------------------------------------

    def _workload(self, obj: K8sObject, template: PodTemplate) -> NativeWorkload | None:
        networks_pair = get_pair(template.spec, "networks")
        params_pair = get_pair(template.annotations, PARAMS_ANNOTATION)
        if networks_pair is None:
            if params_pair is not None:
                self.report(
                    "attachment-params-unused",
                    Severity.WARNING,
                    f"{obj.kind} {obj.name}: {PARAMS_ANNOTATION} is set but the pod has no spec.networks; "
                    "it is left as it is",
                    params_pair[0],
                    template.key_path("metadata", "annotations", PARAMS_ANNOTATION),
                    hint="remove the annotation, or add the spec.networks it belongs to",
                )
            return None
        wl = NativeWorkload(obj, template, self.ctx.namespace_of(obj), networks_pair, params_pair)
        networks_path = template.key_path("spec", "networks")
        for key in (NETWORKS_KEY, DEFAULT_NETWORK_KEY):
            pair = get_pair(template.annotations, key)
            if pair is not None:
                self._error(
                    wl,
                    "networks-exist",
                    f"the pod has both spec.networks and the Multus annotation {key}",
                    pair[0],
                    template.key_path("metadata", "annotations", key),
                    hint="remove one of the two by hand: k8snet-convert will not merge them",
                )
        seq = networks_pair[1]
        if isinstance(seq, ScalarNode) and seq.tag == NULL:
            return wl  # ``networks: null`` is no list at all (Go): the cluster default network only
        if not isinstance(seq, SequenceNode):
            self._error(wl, "invalid-network-entry", "spec.networks must be a list", seq, networks_path)
            return wl
        for index, item in enumerate(seq.value):
            entry = self._entry(wl, index, item)
            if entry is not None:
                wl.entries.append(entry)
        if is_true(get(template.spec, "hostNetwork")) and len(wl.entries) > 1:
            self._error(
                wl,
                "host-network",
                "hostNetwork: true with secondary networks (Multus ignores them; the KEP forbids networks "
                "with hostNetwork)",
                seq,
                networks_path,
                hint="drop the secondary networks or hostNetwork",
            )
        if not wl.ok:
            return wl
        params = self._params_annotation(wl)
        _WorkloadResolution(self, wl, params).run()
        return wl

    def _error(
        self, wl: NativeWorkload, rule: str, message: str, node: Node | None, path: str, hint: str = ""
    ) -> None:
        wl.ok = False
        self.ctx.report(rule, Severity.ERROR, f"{wl.label}: {message}", node=node, path=path, hint=hint)

    def _entry(self, wl: NativeWorkload, index: int, node: Node) -> NetworkEntry | None:
        path = wl.template.key_path("spec", f"networks[{index}]")
        if not isinstance(node, MappingNode):
            self._error(wl, "invalid-network-entry", f"spec.networks[{index}] must be a mapping", node, path)
            return None
        values = {str(k.value): v for k, v in node.value if isinstance(k, ScalarNode)}
        networks = [k for k in NETWORK_KEYS if k in values]
        attachments = [k for k in ATTACHMENT_KEYS if k in values]
        named = networks + attachments
        if networks and attachments:
            self._error(
                wl,
                "network-and-attachment",
                f"spec.networks[{index}] names both a PodNetwork ({networks[0]}) and a PodNetworkAttachment "
                f"({attachments[0]})",
                node,
                path,
                hint="keep one of the two",
            )
            return None
        if len(named) != 1:
            self._error(
                wl,
                "invalid-network-entry",
                f"spec.networks[{index}] "
                + (
                    "names neither a PodNetwork nor a PodNetworkAttachment"
                    if not named
                    else f"has {' and '.join(named)}, two spellings of one field"
                ),
                node,
                path,
                hint="use podNetworkName or podNetworkAttachmentName (kep-3698), name or attachmentName "
                "(kep-3698-rev2)",
            )
            return None
        target = scalar(values[named[0]])
        interface_node = values.get(INTERFACE_KEY)
        interface = scalar(interface_node)
        if not target:
            self._error(
                wl, "invalid-network-entry", f"spec.networks[{index}].{named[0]} is empty", node, path
            )
            return None
        if interface_node is not None and not interface:
            self._error(
                wl,
                "invalid-network-entry",
                f"spec.networks[{index}].interfaceName must be a non-empty string",
                interface_node,
                path,
            )
            return None
        gateways: set[int] = set()
        for key, families in GATEWAY_KEYS.items():
            flag = values.get(key)
            if flag is None:
                continue
            if not (isinstance(flag, ScalarNode) and flag.tag == BOOL):
                self._error(
                    wl,
                    "invalid-network-entry",
                    f"spec.networks[{index}].{key} must be true or false",
                    flag,
                    path,
                )
                return None
            if is_true(flag):
                gateways |= families
        unknown = sorted(k for k in values if k not in ENTRY_KEYS)
        if unknown:
            self.report(
                "unknown-entry-key",
                Severity.WARNING,
                f"{wl.label}: spec.networks[{index}] has {', '.join(map(repr, unknown))}, which no KEP-3698 "
                "revision defines and Multus cannot say; dropped",
                node,
                path,
                hint="check the spelling against the profile's keys",
            )
        is_attachment = named[0] in ATTACHMENT_KEYS
        return NetworkEntry(
            node,
            index,
            path,
            None if is_attachment else target,
            target if is_attachment else None,
            interface,
            frozenset(gateways),
        )

    def _params_annotation(self, wl: NativeWorkload) -> dict[str, dict[str, Any]]:
        """The attachment-params annotation: a JSON object of parameter objects keyed by interface."""
        if wl.params_pair is None:
            return {}
        value = wl.params_pair[1]
        path = wl.template.key_path("metadata", "annotations", PARAMS_ANNOTATION)
        raw = scalar(value) if isinstance(value, ScalarNode) and value.tag.endswith(":str") else None
        problem = None
        loaded: Any = None
        if raw is None:
            problem = "must be a string (annotations are map[string]string)"
        else:
            try:
                loaded = json.loads(raw)
            except json.JSONDecodeError as exc:
                problem = f"is not JSON: {exc.msg} (column {exc.colno})"
        if problem is None and not (
            isinstance(loaded, dict) and all(isinstance(v, dict) for v in loaded.values())
        ):
            problem = "must be a JSON object of parameter objects keyed by interface name"
        if problem is not None:
            self._error(
                wl,
                "invalid-attachment-params",
                f"{PARAMS_ANNOTATION} {problem}",
                value,
                path,
                hint='e.g. {"net1": {"ips": ["10.0.0.5/24"]}}',
            )
            return {}
        assert isinstance(loaded, dict)
        return loaded


@dataclass
class _WorkloadResolution:
    """The entries of one workload read back into selection elements."""

    reader: NativeReader
    wl: NativeWorkload
    params: dict[str, dict[str, Any]]
    used_params: set[str] = field(default_factory=set)
    interfaces: dict[int, str] = field(default_factory=dict)  # entry index -> the interface Multus gives it

    @property
    def ctx(self) -> FileContext:
        return self.reader.ctx

    @property
    def file(self) -> NativeFile:
        return self.reader.result

    def error(self, entry: NetworkEntry, rule: str, message: str, hint: str = "") -> None:
        self.reader._error(self.wl, rule, message, entry.node, entry.path, hint)

    def warn(self, entry: NetworkEntry | None, rule: str, message: str, hint: str = "") -> None:
        node = entry.node if entry else self.wl.networks_pair[1]
        path = entry.path if entry else self.wl.template.key_path("spec", "networks")
        self.reader.report(rule, Severity.WARNING, f"{self.wl.label}: {message}", node, path, hint)

    def run(self) -> None:
        wl = self.wl
        if not wl.entries:
            return
        primary, *secondary = wl.entries
        if primary.network == DEFAULT_NETWORK:
            if primary.interface not in (None, PRIMARY_INTERFACE):
                self.warn(
                    primary,
                    "default-network-interface",
                    f"the cluster default network is always {PRIMARY_INTERFACE} in Multus; interfaceName "
                    f"{primary.interface!r} has no Multus form and is dropped",
                )
            self.take_params(primary, PRIMARY_INTERFACE, mandatory=False)
            self.interfaces[primary.index] = PRIMARY_INTERFACE
        else:
            wl.default_network = self.element(primary, None)
        for k, entry in enumerate(secondary, start=1):
            if entry.network == DEFAULT_NETWORK:
                self.error(
                    entry,
                    "no-multus-form",
                    "the cluster default network as a secondary network has no Multus form",
                    hint="the default network is always the first entry",
                )
                continue
            parsed = self.element(entry, k)
            if parsed is not None:
                wl.networks.append(parsed)
        for key in sorted(set(self.params) - self.used_params):
            self.warn(
                None,
                "carrier-mismatch",
                f"{PARAMS_ANNOTATION} has parameters for interface {key!r}, which no entry of spec.networks "
                "has; they are dropped",
                hint="fix the interface name in the annotation",
            )
        self.check_interfaces()
        self.check_gateways()

    # -- one entry -----------------------------------------------------------------------------------

    def take_params(
        self, entry: NetworkEntry, implicit: str, mandatory: bool = True
    ) -> tuple[dict[str, Any], tuple[str, str | None] | None]:
        """The annotation carrier's parameters for an entry, and the (namespace, name) it names, if any.

        The carrier is keyed by interface name; where an element goes is said by ``spec.networks``, except
        that ``namespace`` (and ``name``) identify the NAD when no PodNetwork in the file does.
        """
        key = entry.interface or implicit
        found = self.params.get(key)
        if found is None:
            return {}, None
        self.used_params.add(key)
        params = dict(found)
        namespace, name = params.pop("namespace", None), params.pop("name", None)
        identity: tuple[str, str | None] | None = None
        if isinstance(namespace, str) and namespace:
            identity = (namespace, name if isinstance(name, str) and name else None)
        placement = sorted(k for k in params if k.lower() in PLACEMENT_KEYS)
        for other in placement:
            del params[other]
        if placement:
            self.warn(
                entry,
                "carrier-mismatch",
                f"{PARAMS_ANNOTATION} sets {', '.join(map(repr, placement))} for interface {key!r}: the "
                "interface is said by spec.networks, so they are ignored",
            )
        if not mandatory and params:
            self.warn(
                entry,
                "carrier-mismatch",
                f"{PARAMS_ANNOTATION} has parameters for the cluster default network "
                f"({', '.join(sorted(params))}), which Multus cannot say; dropped",
            )
            return {}, None
        return params, identity

    def element(self, entry: NetworkEntry, k: int | None) -> ParsedElement | None:
        """The selection element of an entry; ``k`` is its position among the secondary networks."""
        wl = self.wl
        default_ns = wl.namespace if k is not None else self.ctx.options.multus_namespace
        network = entry.network
        carried: ParsedElement | None = None
        if entry.attachment is not None:
            found = self.attachment_element(entry)
            if found is None:
                return None
            network, carried = found
        assert network is not None
        if network == DEFAULT_NETWORK:
            self.error(
                entry,
                "no-multus-form",
                f"PodNetworkAttachment {entry.attachment} attaches the cluster default network, which has no "
                "Multus form",
            )
            return None
        implicit = f"net{k}" if k is not None else PRIMARY_INTERFACE
        extra, identity = self.take_params(entry, implicit)
        hint_key = (carried.namespace, carried.element.name) if carried else None
        if hint_key is None and identity is not None:
            hint_key = (identity[0], identity[1] or self.name_in(network, identity[0]))
        nad = self.nad_of(entry, network, default_ns, hint_key)
        if nad is None:
            return None
        params: dict[str, Any] = carried.element.params() if carried else {}
        params.update(extra)
        interface = entry.interface
        carried_interface = carried.element.interface if carried else None
        if carried_interface is not None and interface is not None and carried_interface != interface:
            self.warn(
                entry,
                "carrier-mismatch",
                f"interfaceName {interface!r} differs from the interface {carried_interface!r} of "
                f"PodNetworkAttachment {entry.attachment}; interfaceName wins",
            )
        elif carried_interface is not None:
            interface = carried_interface  # said explicitly in the original element: kept
        elif interface == implicit:
            interface = None  # Multus's own name for this position: left implicit (canonical form)
        self.interfaces[entry.index] = interface or implicit
        if k is not None:
            self.default_route(entry, params, nad)
        data: dict[str, Any] = {"name": nad[1]}
        if nad[0] != default_ns:
            data["namespace"] = nad[0]
        if interface is not None:
            data["interface"] = interface
        data.update(params)
        try:
            parsed = parse_networks(json.dumps([data], ensure_ascii=False), default_ns)
        except AnnotationError as exc:
            self.error(
                entry,
                "invalid-attachment-params",
                f"the element restored for {network!r} is not one Multus accepts: {exc.message}",
                hint=exc.hint,
            )
            return None
        for key in parsed[0].ignored_keys:
            self.reader.report(
                "ignored-by-multus",
                Severity.WARNING,
                f"{wl.label}: network {network!r}: Multus silently ignores the key {key!r}; it is carried "
                "over unchanged",
                entry.node,
                entry.path,
                hint="check the spelling against the NetworkSelectionElement keys",
            )
        return parsed[0]

    def name_in(self, network: str, namespace: str) -> str:
        """The NAD name the name template gives ``network`` in ``namespace`` (else the network's name)."""
        names = {
            n
            for ns, n in invert_template(self.ctx.options.name_template, network, namespace)
            if ns == namespace
        }
        return names.pop() if len(names) == 1 else network

    def attachment_element(self, entry: NetworkEntry) -> tuple[str, ParsedElement | None] | None:
        """The PodNetwork of an entry's PodNetworkAttachment and the element its carrier holds."""
        wl = self.wl
        assert entry.attachment is not None
        attachment = self.file.attachment(wl.namespace, entry.attachment)
        if attachment is None:
            self.error(
                entry,
                "attachment-not-found",
                f"PodNetworkAttachment {wl.namespace}/{entry.attachment} is not in this file, so its network "
                "and parameters cannot be restored",
                hint="convert the file that holds it together with the workload (each file is converted "
                "on its own)",
            )
            return None
        if not attachment.network:
            self.error(
                entry,
                "invalid-network-entry",
                f"PodNetworkAttachment {attachment.name} has no podNetworkName",
            )
            return None
        wl.attachments.append(attachment)
        carried: ParsedElement | None = None
        for ref in attachment.refs:
            if ref.kind != CONFIGMAP_KIND or ref.group not in ("", "core"):
                self.error(
                    entry,
                    "unknown-attachment-carrier",
                    f"PodNetworkAttachment {attachment.name} takes parameters from {ref.group or 'core'}/"
                    f"{ref.kind} {ref.name!r}, which k8snet-convert cannot read into a Multus element",
                    hint=f"only a ConfigMap with {SELECTION_KEY} carries Multus parameters",
                )
                return None
            if carried is not None:
                self.error(
                    entry,
                    "unknown-attachment-carrier",
                    f"PodNetworkAttachment {attachment.name} names more than one ConfigMap",
                )
                return None
            carried = self.carrier_element(entry, attachment, ref)
            if carried is None:
                return None
        return attachment.network, carried

    def carrier_element(
        self, entry: NetworkEntry, attachment: NativeAttachment, ref: ParamsRef
    ) -> ParsedElement | None:
        namespace = ref.namespace or attachment.namespace
        carrier = self.file.configmap(namespace, ref.name)
        if carrier is None:
            self.error(
                entry,
                "attachment-not-found",
                f"ConfigMap {namespace}/{ref.name} of PodNetworkAttachment {attachment.name} is not in this "
                "file, so the attachment's parameters cannot be restored",
                hint="keep the ConfigMap next to its PodNetworkAttachment",
            )
            return None
        if carrier.raw is None:
            self.error(
                entry,
                "unknown-attachment-carrier",
                f"ConfigMap {namespace}/{ref.name} has no data[{SELECTION_KEY!r}]",
                hint=f"k8snet-convert stores the selection element under {SELECTION_KEY}",
            )
            return None
        self.wl.carriers.append(carrier)
        try:
            loaded = json.loads(carrier.raw)
            if not isinstance(loaded, dict):
                raise AnnotationError("it is not a JSON object")
            # The element's own text, through Multus's parser: Go's decoding rules and checks.
            parsed = parse_networks("[" + carrier.raw + "]", attachment.namespace)
        except json.JSONDecodeError as exc:
            problem = f"is not JSON: {exc.msg} (column {exc.colno})"
        except AnnotationError as exc:
            problem = f"is not a selection element Multus accepts: {exc.message}"
        else:
            return parsed[0]
        self.error(
            entry,
            "invalid-attachment-params",
            f"{SELECTION_KEY} of ConfigMap {namespace}/{ref.name} {problem}",
        )
        return None

    def nad_of(
        self, entry: NetworkEntry, network: str, default_ns: str, carried: tuple[str, str] | None
    ) -> tuple[str, str] | None:
        """The NAD behind a PodNetwork name (SPEC §5): the file's PodNetworks, the carrier, the template."""
        pn = self.file.podnetwork(network)
        if pn is not None:
            if pn.problem is not None:
                self.error(
                    entry,
                    "no-multus-form",
                    f"PodNetwork {network} has no Multus form: {pn.problem}",
                    hint="a Multus element names a NetworkAttachmentDefinition",
                )
                return None
            assert pn.nad is not None
            if carried is not None and carried != pn.nad:
                self.warn(
                    entry,
                    "carrier-mismatch",
                    f"the carrier of {entry.attachment} names {carried[0]}/{carried[1]}, but PodNetwork "
                    f"{network} is NetworkAttachmentDefinition {pn.nad[0]}/{pn.nad[1]}; the PodNetwork wins",
                )
            return pn.nad
        template = self.ctx.options.name_template
        if carried is not None and apply_template(template, *carried) == network:
            return carried
        solutions = invert_template(template, network, default_ns)
        if carried is not None:
            if solutions:
                self.warn(
                    entry,
                    "carrier-mismatch",
                    f"the carrier of {entry.attachment} names {carried[0]}/{carried[1]}, which the name "
                    f"template {template!r} does not map to {network!r}; the carrier's network is kept",
                    hint="pass the --name-template the file was converted with",
                )
            return carried
        if len(solutions) == 1:
            if "{namespace}" not in template:
                # The name says nothing about the namespace: the pod's (Multus's for the default network).
                self.ctx.report(
                    "podnetwork-not-found",
                    Severity.INFO,
                    f"{self.wl.label}: PodNetwork {network!r} is not in this file; assuming "
                    f"NetworkAttachmentDefinition {solutions[0][0]}/{solutions[0][1]} (name template "
                    f"{template!r} inverted in the {'pod' if default_ns == self.wl.namespace else 'Multus'} "
                    "namespace)",
                    node=entry.node,
                    path=entry.path,
                    hint="convert the PodNetwork together with the workload when its NAD is in another "
                    "namespace",
                )
            return solutions[0]
        self.error(
            entry,
            "uninvertible-name",
            f"PodNetwork {network!r} is not in this file and the name template {template!r} "
            + (
                "does not produce that name"
                if not solutions
                else "gives it for more than one NetworkAttachmentDefinition (e.g. "
                + " and ".join(f"{ns}/{n}" for ns, n in solutions)
                + ")"
            ),
            hint="convert the PodNetwork together with the workload, or pass the --name-template the file "
            "was converted with ({namespace}.{name} is invertible, {namespace}-{name} is not)",
        )
        return None

    # -- gateways and interfaces ---------------------------------------------------------------------

    def default_route(self, entry: NetworkEntry, params: dict[str, Any], nad: tuple[str, str]) -> None:
        """A secondary entry's gateway flags and carrier gateways, as Multus's ``default-route``."""
        routes = params.get("default-route")
        flags = entry.gateways
        if isinstance(routes, list) and routes:
            carried = _families(routes)
            if carried != flags:
                self.warn(
                    entry,
                    "gateway-family",
                    f"the gateway flags claim {_family_text(flags)} but the carried default-route {routes} "
                    f"is {_family_text(carried)}; the carried gateways are kept",
                )
            return
        if flags:
            params["default-route"] = []
            in_file = self.file.nad(nad)
            claimed = frozenset((in_file.ipam_families() if in_file else None) or {4, 6})
            if claimed != flags:
                self.warn(
                    entry,
                    "gateway-family",
                    f"the gateway flags claim {_family_text(flags)}, but Multus's default-route: [] claims "
                    f"{_family_text(claimed)} for network {nad[0]}/{nad[1]}"
                    + ("" if in_file else " (its NAD is not in this file)"),
                    hint="Multus cannot claim one address family of a dual-stack network without a gateway "
                    "IP",
                )
        elif routes == []:
            del params["default-route"]
            self.warn(
                entry,
                "gateway-family",
                "the carrier says default-route: [] but the entry has no gateway flag; the flag wins",
            )

    def check_gateways(self) -> None:
        owners: dict[int, list[NetworkEntry]] = {4: [], 6: []}
        for entry in self.wl.entries:
            for family in entry.gateways:
                owners[family].append(entry)
        flagged = any(entry.gateways for entry in self.wl.entries)
        for family, claims in owners.items():
            if len(claims) > 1:
                self.error(
                    claims[1],
                    "multiple-default-routes",
                    f"{len(claims)} networks claim the IPv{family} default gateway (the KEP allows one; "
                    "Multus refuses ECMP default routes)",
                    hint="keep the gateway flag on one network per address family",
                )
            elif not claims and flagged:
                self.warn(
                    self.wl.entries[0],
                    "gateway-unowned",
                    f"no network holds the IPv{family} default gateway; in Multus the primary network keeps "
                    "it",
                )

    def check_interfaces(self) -> None:
        seen: dict[str, int] = {}
        for k, entry in enumerate(self.wl.entries):
            implicit = f"net{k}" if k else PRIMARY_INTERFACE
            interface = self.interfaces.get(entry.index) or entry.interface or implicit
            reason = invalid_interface_reason(interface)
            if reason:
                self.error(
                    entry,
                    "invalid-interface-name",
                    f"interface name {interface!r} {reason}",
                    hint="interface names are 1-15 bytes, not '.' or '..', without '/', ':' or whitespace",
                )
            if interface in seen:
                self.error(
                    entry,
                    "duplicate-interface",
                    f"interface name {interface!r} is used by spec.networks[{seen[interface]}] and "
                    f"spec.networks[{entry.index}] (Multus fails the pod at ADD)",
                    hint="give each network its own interface name",
                )
            seen[interface] = entry.index


def read_file(ctx: FileContext) -> NativeFile:
    """Every native object and workload of one file, with each workload's networks as Multus elements."""
    return NativeReader(ctx).read()
