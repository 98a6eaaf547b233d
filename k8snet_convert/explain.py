"""``explain``: each workload's networks as a tree.

interface → network (NAD, or PodNetwork / PodNetworkAttachment) → NAD → CNI type (plugin chain) →
IPAM type and ranges, plus the per-attachment parameters, with default routes marked. Multus and
native workloads alike; NADs, PodNetworks, attachments and their ConfigMaps are looked up among all the
inputs (explain only reads, so looking across files changes nothing).

DRA workloads (pod ``spec.resourceClaims`` of the CNI DRA driver) get the same tree with the claim in
the place of the network: interface (the parameters' ifName) → ResourceClaimTemplate / ResourceClaim →
the NAD it was made from (when the writer recorded it) → CNI type and chain → IPAM, all read from the
config the claim itself carries; then the per-attachment fields written into that config, and the
driver's ``status.devices[].networkData`` (IPs, MAC) when a claim has it. Claims and templates are
looked up among all the inputs too.

The trees are data (``TreeNode``); ``render_text`` draws them as plain text, ``render_rich`` as a rich
Tree for terminals, and ``report.mermaid`` as a Mermaid flowchart for pull requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import ScalarNode

from .context import FileContext
from .dialects.dra import CLAIM_KIND, CLAIM_KINDS, TEMPLATE_KIND
from .dialects.dra import reader as dra_reader
from .dialects.dra.config import plugin_chain
from .dialects.multus import reader as multus_reader
from .dialects.native.entries import NetworkEntry, read_networks
from .dialects.native.objects import NativeAttachment, NativePodNetwork, read_attachment, read_podnetwork
from .dialects.native.profiles import ATTACHMENT_KIND, PARAMS_ANNOTATION, PODNETWORK_KIND, SELECTION_KEY
from .escape import visible
from .findings import Finding, Severity
from .lint.source import load, read_inputs
from .manifests.objects import K8sObject, PodTemplate, iter_objects, pod_template
from .manifests.yamldoc import get_pair, get_path
from .model import Network, Workload
from .model.names import DEFAULT_NETWORK, PRIMARY_INTERFACE
from .options import Options
from .rules import Stage
from .rules import get as rule_of


@dataclass
class TreeNode:
    label: str
    # workload, interface, podnetwork, attachment, claim, network, nad, cni, ipam, params, status, note
    kind: str = "note"
    children: list[TreeNode] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # e.g. "default route IPv4"
    # Identity shared between workloads (a NAD, a PodNetwork): diagrams draw such a node once.
    key: tuple[str, ...] | None = None

    def add(self, child: TreeNode) -> TreeNode:
        self.children.append(child)
        return child


@dataclass
class Explanation:
    trees: list[TreeNode] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # files that could not be read
    files_seen: int = 0
    without_networks: int = 0  # workloads with only the cluster's default network: not drawn


@dataclass
class Inventory:
    """Every network object of the inputs, for lookups by reference."""

    nads: dict[tuple[str, str], Network] = field(default_factory=dict)
    podnetworks: dict[str, NativePodNetwork] = field(default_factory=dict)
    attachments: dict[tuple[str, str], NativeAttachment] = field(default_factory=dict)
    selections: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # ConfigMap carriers
    # DRA: the CNI driver's claims and templates by (namespace, kind, name), and every claim object's key
    # (another driver's too), to tell "not a network" from "not among the inputs".
    claims: dict[tuple[str, str, str], dra_reader.ClaimSource] = field(default_factory=dict)
    claim_objects: set[tuple[str, str, str]] = field(default_factory=set)


@dataclass
class _Workload:
    ctx: FileContext
    obj: K8sObject
    template: PodTemplate
    multus: Workload | None = None
    native: list[NetworkEntry] | None = None
    failed: bool = False  # the Multus annotation does not parse
    dra: dra_reader.DraWorkload | None = None  # a pod with spec.resourceClaims (of any driver)


def explain_paths(inputs: list[str], options: Options) -> Explanation:
    outcome = Explanation()
    inventory = Inventory()
    workloads: list[_Workload] = []
    for result in read_inputs(inputs, options):
        outcome.files_seen += 1
        ctx = load(result, options) if not result.findings else None
        outcome.findings += [
            f
            for f in result.findings
            if f.severity is Severity.ERROR and rule_of(f.rule).stage is Stage.INPUT
        ]
        if ctx is not None:
            workloads += _collect(ctx, inventory)
    for wl in workloads:
        if wl.multus is None and wl.native is None and not wl.failed and not _dra_networks(wl, inventory):
            outcome.without_networks += 1
            continue
        outcome.trees.append(_workload_tree(wl, inventory))
    return outcome


def _collect(ctx: FileContext, inventory: Inventory) -> list[_Workload]:
    multus = multus_reader.read_file(ctx)
    for nad in multus.nads:
        inventory.nads[nad.key] = nad.network
    by_node = {id(wl.template.node): wl for wl in multus.workloads}
    dra = dra_reader.read_file(ctx)  # its findings are lint's business: explain only draws
    for source in dra.sources:
        inventory.claims[(source.namespace, source.kind, source.name)] = source
    dra_by_node = {id(wl.obj.node): wl for wl in dra.workloads}
    found: list[_Workload] = []
    for doc in ctx.docs:
        for obj in iter_objects(doc):
            namespace = ctx.resolve_namespace(obj.namespace)[0]
            if dra_reader.is_dra(obj) and obj.kind in CLAIM_KINDS:
                inventory.claim_objects.add((namespace, obj.kind, obj.name))
            if obj.kind == PODNETWORK_KIND:
                info = read_podnetwork(obj, ctx.options.provider, namespace)
                inventory.podnetworks[info.name] = info
            elif obj.kind == ATTACHMENT_KIND:
                inventory.attachments[(namespace, obj.name)] = read_attachment(obj, namespace)
            elif obj.kind == "ConfigMap":
                selection = _selection(obj)
                if selection is not None:
                    inventory.selections[(namespace, obj.name)] = selection
            template = pod_template(obj)
            if template is None:
                continue
            networks = read_networks(template.spec)
            found.append(
                _Workload(
                    ctx,
                    obj,
                    template,
                    multus=by_node.get(id(template.node)),
                    native=networks.entries if networks else None,
                    failed=id(template.node) in multus.templates and id(template.node) not in by_node,
                    dra=dra_by_node.get(id(obj.node)),
                )
            )
    return found


def _selection(obj: K8sObject) -> dict[str, Any] | None:
    node = get_path(obj.node, "data", SELECTION_KEY)
    if not isinstance(node, ScalarNode):
        return None
    try:
        value = json.loads(str(node.value))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


# -- trees ---------------------------------------------------------------------------------------


def _workload_tree(wl: _Workload, inventory: Inventory) -> TreeNode:
    obj = wl.obj
    namespace = wl.ctx.resolve_namespace(obj.namespace)[0]
    name = obj.name or obj.generate_name or "(unnamed)"
    line = obj.node.start_mark.line + 1
    claims = _dra_networks(wl, inventory)
    dialects = [
        d
        for d, on in (
            ("multus", wl.multus or wl.failed),
            ("native", wl.native is not None),
            ("dra", bool(claims)),
        )
        if on
    ]
    root = TreeNode(
        f"{obj.kind} {namespace}/{name} ({wl.ctx.display}:{line}, {' + '.join(dialects)})",
        "workload",
        key=("workload", wl.ctx.display, str(line)),
    )
    if wl.failed:
        root.add(TreeNode("the Multus annotation does not parse: run k8snet-convert lint for details"))
    if wl.multus is not None:
        _multus_interfaces(root, wl.multus, inventory)
    if wl.native is not None:
        _native_interfaces(root, wl, namespace, inventory)
    if claims:
        assert wl.dra is not None
        # eth0 is drawn once: by the Multus or native part when there is one.
        _dra_interfaces(root, wl.dra, inventory, primary=wl.multus is None and wl.native is None)
    return root


def _params_node(params: dict[str, Any]) -> TreeNode:
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in params.items())
    return TreeNode(f"parameters: {text}", "params")


def _families(addresses: list[str]) -> set[int]:
    return {6 if ":" in address else 4 for address in addresses}


def _route_mark(families: set[int], via: list[str] | None = None) -> str:
    names = ", ".join(f"IPv{f}" for f in sorted(families))
    return f"default route {names}" + (f" via {', '.join(via)}" if via else "")


def _multus_interfaces(root: TreeNode, wl: Workload, inventory: Inventory) -> None:
    claimed: set[int] = set()
    nodes: list[TreeNode] = []
    for k, parsed in enumerate(wl.networks, start=1):
        element = parsed.element
        node = TreeNode(parsed.interface or f"net{k}", "interface")
        node.add(_nad_node(parsed.namespace, element.name, inventory))
        routes = element.default_route
        if routes is not None:
            gateways = [str(ip) for ip in routes]
            nad = inventory.nads.get((parsed.namespace, element.name))
            families = _families(gateways) or (nad.ipam_families() if nad else None) or {4, 6}
            claimed |= families
            node.marks.append(_route_mark(families, gateways))
        params = {k: v for k, v in element.params().items() if k != "default-route"}
        if params:
            node.add(_params_node(params))
        nodes.append(node)
    primary_parsed = wl.primary
    primary = TreeNode(
        (primary_parsed.interface if primary_parsed else None) or PRIMARY_INTERFACE, "interface"
    )
    if primary_parsed is None:
        primary.add(TreeNode("the cluster's default network", "podnetwork", key=("default-network",)))
    else:
        primary.add(_nad_node(primary_parsed.namespace, primary_parsed.element.name, inventory))
    if {4, 6} - claimed:
        primary.marks.append(_route_mark({4, 6} - claimed))
    root.children += [primary, *nodes]


def _native_interfaces(root: TreeNode, wl: _Workload, namespace: str, inventory: Inventory) -> None:
    assert wl.native is not None
    carried = _annotation_params(wl.template)
    flagged = any(entry.gateways for entry in wl.native)
    for entry in wl.native:
        node = root.add(TreeNode(entry.interface or "(interface named by the implementation)", "interface"))
        params = dict(carried.get(entry.interface or "", {}))
        if entry.attachment is not None:
            params.update(_attachment_params(namespace, entry.attachment, inventory))
        # Carried gateway IPs say, as in Multus, which gateway the flagged default route uses.
        gateways = params.pop("default-route", None)
        via = [str(ip) for ip in gateways] if isinstance(gateways, list) else None
        if entry.gateways:
            node.marks.append(_route_mark(set(entry.gateways), via))
        elif not flagged and entry.network == DEFAULT_NETWORK:
            node.marks.append("default route (implicit: no entry is flagged)")
        for problem in entry.problems:
            node.add(TreeNode(f"invalid entry: {problem.text(entry.index)}"))
        if entry.attachment is not None:
            node.add(_attachment_node(namespace, entry.attachment, inventory))
        elif entry.network is not None:
            node.add(_podnetwork_node(entry.network, inventory))
        if params:
            node.add(_params_node(params))


def _attachment_params(namespace: str, name: str, inventory: Inventory) -> dict[str, Any]:
    """The parameters a PodNetworkAttachment carries in its ConfigMaps' selection.json."""
    info = inventory.attachments.get((namespace, name))
    params: dict[str, Any] = {}
    refs = [(r.namespace or namespace, r.name) for r in info.refs if r.kind == "ConfigMap"] if info else []
    for ref in refs:
        selection = inventory.selections.get(ref) or {}
        params.update({k: v for k, v in selection.items() if k not in ("name", "namespace", "interface")})
    return params


def _annotation_params(template: PodTemplate) -> dict[str, dict[str, Any]]:
    """The ``k8snet-convert.io/attachment-params`` carrier: leftover parameters by interface."""
    pair = get_pair(template.annotations, PARAMS_ANNOTATION)
    if pair is None or not isinstance(pair[1], ScalarNode):
        return {}
    try:
        value = json.loads(str(pair[1].value))
    except json.JSONDecodeError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, dict)}


def _podnetwork_node(name: str, inventory: Inventory) -> TreeNode:
    if name == DEFAULT_NETWORK and name not in inventory.podnetworks:
        return TreeNode(
            "PodNetwork default (the cluster's default network)", "podnetwork", key=("default-network",)
        )
    info = inventory.podnetworks.get(name)
    if info is None:
        return TreeNode(f"PodNetwork {name} (not among the inputs)", "podnetwork", key=("podnetwork", name))
    detail = f"provider {info.provider}" if info.provider else "no provider"
    if not info.enabled:
        detail += ", disabled"
    node = TreeNode(f"PodNetwork {name} ({detail})", "podnetwork", key=("podnetwork", name))
    for ref in info.refs:
        if ref.is_nad and ref.name:
            node.add(_nad_node(ref.namespace or "default", ref.name, inventory))
    return node


def _attachment_node(namespace: str, name: str, inventory: Inventory) -> TreeNode:
    key = ("attachment", namespace, name)
    info = inventory.attachments.get((namespace, name))
    if info is None:
        return TreeNode(
            f"PodNetworkAttachment {namespace}/{name} (not among the inputs)", "attachment", key=key
        )
    node = TreeNode(f"PodNetworkAttachment {namespace}/{name}", "attachment", key=key)
    if info.network is not None:
        node.add(_podnetwork_node(info.network, inventory))
    return node


def _nad_node(namespace: str, name: str, inventory: Inventory) -> TreeNode:
    key = ("nad", namespace, name)
    nad = inventory.nads.get((namespace, name))
    if nad is None:
        return TreeNode(f"NAD {namespace}/{name} (not among the inputs)", "nad", key=key)
    label = f"NAD {namespace}/{name}"
    if nad.resource_name:
        label += f" (device resource {nad.resource_name})"
    node = TreeNode(label, "nad", key=key)
    if not nad.config_text or not nad.config_text.strip():
        node.add(TreeNode("CNI config on the nodes (/etc/cni/multus/net.d)", "cni", key=("cni", *key[1:])))
    elif nad.config is None or not nad.plugins:
        node.add(TreeNode("spec.config is not a valid CNI config", "cni", key=("cni", *key[1:])))
    else:
        cni = node.add(_cni_node(nad.plugins, ("cni", *key[1:])))
        cni.add(_ipam_node(nad.plugins, ("ipam", *key[1:])))
    return node


# Plugin keys worth showing next to the type: where the interface comes from and how it is set up.
_PLUGIN_DETAILS = ("master", "mode", "bridge", "vlan", "mtu", "deviceID", "resourceName")


def _cni_node(plugins: list[dict[str, Any]], key: tuple[str, ...] | None) -> TreeNode:
    """The plugin chain of a config: ``key`` shares the node between workloads (None: drawn per tree)."""
    types = [str(p.get("type", "?")) for p in plugins]
    main = plugins[0]
    details = [
        f"{k} {main[k]}" for k in _PLUGIN_DETAILS if k in main and not isinstance(main[k], dict | list)
    ]
    label = f"CNI {types[0]}" if len(types) == 1 else f"CNI chain {' → '.join(types)}"
    if details:
        label += f" ({', '.join(details)})"
    return TreeNode(label, "cni", key=key)


def _ipam_node(plugins: list[dict[str, Any]], ipam_key: tuple[str, ...] | None) -> TreeNode:
    ipam = next((p["ipam"] for p in plugins if isinstance(p.get("ipam"), dict) and p["ipam"]), None)
    if ipam is None:
        return TreeNode("IPAM none (addresses are not managed by CNI)", "ipam", key=ipam_key)
    ranges = ipam_ranges(ipam)
    label = f"IPAM {ipam.get('type', '?')}" + (f": {'; '.join(ranges)}" if ranges else "")
    return TreeNode(label, "ipam", key=ipam_key)


# -- DRA ----------------------------------------------------------------------------------------------


def _claim_ref(claim: dra_reader.PodClaim) -> tuple[str, str] | None:
    """(kind, name) of what a pod claim entry names, if anything."""
    if claim.template_name:
        return TEMPLATE_KIND, claim.template_name
    if claim.claim_name:
        return CLAIM_KIND, claim.claim_name
    return None


def _dra_source(
    wl: dra_reader.DraWorkload, claim: dra_reader.PodClaim, inventory: Inventory
) -> dra_reader.ClaimSource | None:
    """The CNI claim or template a pod claim names: in its file (the reader's), else among the inputs."""
    if claim.source is not None:
        return claim.source
    ref = _claim_ref(claim)
    return inventory.claims.get((wl.namespace, *ref)) if ref is not None else None


def _dra_networks(wl: _Workload, inventory: Inventory) -> list[dra_reader.ClaimSource]:
    """The CNI-driver claims of a workload (a pod that only claims GPUs has no networks to draw)."""
    if wl.dra is None:
        return []
    sources = [_dra_source(wl.dra, claim, inventory) for claim in wl.dra.claims]
    return [s for s in sources if s is not None and s.requests]


def _dra_interfaces(root: TreeNode, wl: dra_reader.DraWorkload, inventory: Inventory, primary: bool) -> None:
    if primary:
        # A claim only adds an interface: the cluster network keeps eth0 and every default route.
        eth0 = root.add(TreeNode(PRIMARY_INTERFACE, "interface", marks=[_route_mark({4, 6})]))
        eth0.add(TreeNode("the cluster's default network", "podnetwork", key=("default-network",)))
    for claim in wl.claims:
        source = _dra_source(wl, claim, inventory)
        ref = _claim_ref(claim)
        if source is None:
            if ref is not None and (wl.namespace, *ref) not in inventory.claim_objects:
                # It may be a network or a GPU: say so rather than guess.
                root.add(
                    TreeNode(
                        f"claim {claim.name}: {ref[0]} {wl.namespace}/{ref[1]} (not among the inputs: "
                        "its devices are unknown)"
                    )
                )
            continue  # else another driver's claim, among the inputs: not a network
        for request in source.requests:
            root.add(_dra_interface(claim, source, request))


def _dra_interface(
    claim: dra_reader.PodClaim, source: dra_reader.ClaimSource, request: dra_reader.CniRequest
) -> TreeNode:
    data = source.network_data(request.name)
    name = request.if_name or (data.interface_name if data else None)
    node = TreeNode(name or "(no ifName in the parameters)", "interface")
    node.add(_dra_claim_node(claim, source, request))
    if source.embedded:
        text = ", ".join(
            f"{k}={json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in source.embedded.items()
        )
        node.add(TreeNode(f"parameters (written into the CNI config): {text}", "params"))
    if data is not None:
        node.add(_status_node(source, data))
    return node


def _dra_claim_node(
    claim: dra_reader.PodClaim, source: dra_reader.ClaimSource, request: dra_reader.CniRequest
) -> TreeNode:
    details = []
    if claim.name != source.name:
        details.append(f"claim {claim.name}")
    if request.name != source.name or len(source.requests) > 1:
        details.append(f"request {request.name}")
    details.append(f"device class {request.device_class}" if request.device_class else "no device class")
    # Keyed per request: pods sharing a template share its node (and the config below it) in diagrams.
    node = TreeNode(
        f"{source.kind} {source.namespace}/{source.name} ({', '.join(details)})",
        "claim",
        key=("claim", source.namespace, source.kind, source.name, request.name),
    )
    if source.nad is not None:
        # Not the NAD's own node (key): the claim's copy of the config is what applies, and it may differ.
        network = node.add(
            TreeNode(f"NAD {source.nad[0]}/{source.nad[1]} (the claim embeds its config)", "nad")
        )
    elif request.network_name is not None:
        network = node.add(TreeNode(f"network {request.network_name} (no NAD recorded)", "network"))
    else:
        network = node.add(TreeNode("a CNI config without a name (no NAD recorded)", "network"))
    if request.config is None:
        network.add(TreeNode("the parameters hold no CNI config: run k8snet-convert lint for details"))
        return node
    plugins = plugin_chain(request.config)
    if not plugins:
        network.add(TreeNode("the config is not a valid CNI config", "cni"))
        return node
    network.add(_cni_node(plugins, None)).add(_ipam_node(plugins, None))
    return node


def _status_node(source: dra_reader.ClaimSource, data: dra_reader.NetworkData) -> TreeNode:
    """``status.devices[].networkData``: what the driver configured, when the claim carries it."""
    parts = [f"interface {data.interface_name}"] if data.interface_name else []
    if data.ips:
        parts.append(f"IPs {', '.join(data.ips)}")
    if data.hardware_address:
        parts.append(f"MAC {data.hardware_address}")
    ready = next((s.ready for s in source.status if s.network is data), None)
    state = {True: " (Ready)", False: " (not Ready)", None: ""}[ready]
    return TreeNode(f"status: {', '.join(parts) or 'no network data'}{state}", "status")


def ipam_ranges(ipam: dict[str, Any]) -> list[str]:
    """Human-readable ranges of the common IPAM plugins (host-local, static, whereabouts)."""
    found: list[str] = []

    def one(entry: dict[str, Any], subnet_key: str, start_key: str, end_key: str) -> None:
        subnet = entry.get(subnet_key)
        if not isinstance(subnet, str):
            return
        text = subnet
        start, end = entry.get(start_key), entry.get(end_key)
        if start or end:
            text += f" [{start or ''}-{end or ''}]"
        if entry.get("gateway"):
            text += f" gw {entry['gateway']}"
        found.append(text)

    one(ipam, "subnet", "rangeStart", "rangeEnd")  # host-local, single range
    for group in ipam.get("ranges") or []:  # host-local: a list of range sets
        for entry in group if isinstance(group, list) else [group]:
            if isinstance(entry, dict):
                one(entry, "subnet", "rangeStart", "rangeEnd")
    one(ipam, "range", "range_start", "range_end")  # whereabouts
    for entry in ipam.get("ipRanges") or []:
        if isinstance(entry, dict):
            one(entry, "range", "range_start", "range_end")
    for entry in ipam.get("addresses") or []:  # static
        if isinstance(entry, dict):
            one(entry, "address", "", "")
    excluded = ipam.get("exclude")
    if isinstance(excluded, list) and excluded:
        found.append("exclude " + ", ".join(str(e) for e in excluded))
    return found


# -- text ----------------------------------------------------------------------------------------


def _line(node: TreeNode) -> str:
    return visible(node.label) + "".join(f"  [{visible(mark)}]" for mark in node.marks)


def render_text(trees: list[TreeNode]) -> str:
    """Plain text (for pipes and files): one tree per workload, drawn with box characters."""
    lines: list[str] = []

    def walk(children: list[TreeNode], prefix: str) -> None:
        for i, child in enumerate(children):
            last = i == len(children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + _line(child))
            walk(child.children, prefix + ("    " if last else "│   "))

    for tree in trees:
        if lines:
            lines.append("")
        lines.append(_line(tree))
        walk(tree.children, "")
    return "\n".join(lines) + ("\n" if lines else "")


_STYLE = {
    "workload": "bold",
    "interface": "bold cyan",
    "nad": "magenta",
    "podnetwork": "blue",
    "claim": "blue",
    "network": "magenta",
    "status": "green",
    "note": "yellow",
}


def render_rich(trees: list[TreeNode]) -> None:
    """A rich Tree per workload on stdout (terminals only: rich is imported here and nowhere else)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    def label(node: TreeNode) -> str:
        style = _STYLE.get(node.kind)
        text = f"[{style}]{escape(visible(node.label))}[/]" if style else escape(visible(node.label))
        return text + "".join(f" [green]({escape(visible(mark))})[/]" for mark in node.marks)

    def build(tree: Tree, children: list[TreeNode]) -> None:
        for child in children:
            build(tree.add(label(child)), child.children)

    console = Console()
    for node in trees:
        tree = Tree(label(node))
        build(tree, node.children)
        console.print(tree)
