"""DRA writer: Multus IR of one file -> ResourceClaimTemplates for the CNI DRA driver, as span edits.

Each distinct (namespace, network, interface, per-attachment parameters) that the file's workloads use
becomes one ResourceClaimTemplate that embeds the NAD's CNI config (native.md §3.2); the pod template loses
the Multus annotation and gains ``spec.resourceClaims``. The configs come from every NAD of the run
(``ctx.run_nads``), since a claim must carry the config itself. Consume, then report leftovers: the
per-attachment fields the config can say are written into it (``embed``), every other one is a finding.
"""

from __future__ import annotations

import copy
import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from ...context import FileContext
from ...manifests.objects import K8sObject, iter_objects
from ...manifests.yamldoc import get, get_pair, scalar
from ...model import SelectionElement, Severity
from ...namespaces import resolve
from ...options import DraApiVersion, Options
from ..multus.annotation import ParsedElement
from ..multus.nad import Nad
from ..multus.reader import MultusFile, MultusWorkload
from ..native.profiles import PRIMARY_INTERFACE, dns_label, invalid_interface_reason, short_hash
from . import (
    ALLOCATION_MODE,
    DEVICE_CLASS_KIND,
    DRIVER,
    EMBEDDED_ANNOTATION,
    MANAGED_BY,
    MANAGED_BY_LABEL,
    NETWORK_ANNOTATION,
    PARAMETERS_API_VERSION,
    PARAMETERS_KIND,
    PARAMETERS_LIMIT,
    TEMPLATE_KIND,
    api_version,
    device_class_selector,
)

# Why a per-attachment field cannot be written into the embedded config.
_RUNTIME_ONLY = (
    "Multus hands it to the plugins as a runtimeConfig capability, and the CNI DRA driver has no such channel"
)
LOSS_REASONS: dict[str, str] = {
    "infiniband-guid": _RUNTIME_ONLY,
    "portMappings": _RUNTIME_ONLY,
    "bandwidth": _RUNTIME_ONLY,
    "deviceID": _RUNTIME_ONLY + " (DRA allocates the device itself)",
    "default-route": "a claim cannot move the pod's default route; put the route into the CNI config's IPAM "
    "routes",
    "ipam-claim-reference": "Multus ignores it too, and IPAM claims have no DRA form",
}
_OTHER_LOSS = "the CNI DRA driver has no place for it"


# -- the embedded config --------------------------------------------------------------------------------


# Deeper configs are refused before they are copied and rendered (both recurse once per level).
MAX_NESTING = 64


def nesting(value: Any) -> int:
    """How deeply lists and objects nest in a JSON value (iteratively: the value may be hostile)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            items = current.values() if isinstance(current, dict) else current
            stack.extend((item, depth) for item in items)
    return deepest


def plugin_chain(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The plugins of a config, as references into it: the config itself when ``type`` is set (Multus:
    ``type`` wins over ``plugins``), else the dict entries of ``plugins``."""
    if config.get("type"):
        return [config]
    plugins = config.get("plugins")
    return [p for p in plugins if isinstance(p, dict)] if isinstance(plugins, list) else []


@dataclass
class Embedding:
    """A NAD config with one selection element's per-attachment fields written into it."""

    config: dict[str, Any]
    params: dict[str, Any]  # the element fields the config now says (canonical keys, element order)
    placed: dict[str, str]  # key -> where it went, for the finding
    lost: dict[str, str]  # key -> why it could not be written
    name_added: bool = False


def with_name(config: dict[str, Any], nad_name: str) -> tuple[dict[str, Any], bool]:
    """Multus gives a config without ``name`` the NAD's name (reference/multus.md §3.2); so does the claim."""
    if isinstance(config.get("name"), str) and config["name"]:
        return config, False
    items = [(k, v) for k, v in config.items() if k != "name"]
    at = 1 if items and items[0][0] == "cniVersion" else 0
    items.insert(at, ("name", nad_name))
    return dict(items), True


def embed(config: dict[str, Any], nad_name: str, element: SelectionElement) -> Embedding:
    """Write what the CNI config can carry of ``element`` into a copy of ``config``.

    Multus passes ``cni-args`` by merging it into every plugin's ``args.cni``, ``ips`` and ``mac`` as
    CNI_ARGS and runtimeConfig; a claim has only the config, so they go where the plugins read them from
    the config: static IPAM ``addresses``, host-local's ``args.cni.ips`` convention, tuning's ``mac``.
    """
    named, added = with_name(copy.deepcopy(config), nad_name)
    result = Embedding(named, {}, {}, {}, added)
    params = element.params()
    plugins = plugin_chain(named)
    # cni-args first: Multus merges it into the config before any plugin reads args.cni.ips.
    for key in ("cni-args", "ips", "mac"):
        if key not in params:
            continue
        value = params[key]
        if key == "cni-args":
            outcome = _cni_args(plugins, value)
        elif key == "ips":
            outcome = _ips(plugins, value)
        else:
            outcome = _mac(plugins, value)
        if outcome[0]:
            result.placed[key] = outcome[1]
        else:
            result.lost[key] = outcome[1]
    for key, value in params.items():
        if key in result.placed:
            result.params[key] = value
        elif key not in result.lost:
            result.lost[key] = LOSS_REASONS.get(key, _OTHER_LOSS)
    return result


def _cni_args(plugins: list[dict[str, Any]], value: dict[str, Any]) -> tuple[bool, str]:
    if not plugins:
        return False, "the config has no plugin to take it"
    for plugin in plugins:
        args = plugin.get("args")
        if args is not None and not (isinstance(args, dict) and isinstance(args.get("cni", {}), dict)):
            return False, "a plugin's args.cni is not an object"
    for plugin in plugins:
        args = plugin.setdefault("args", {})
        args.setdefault("cni", {}).update(copy.deepcopy(value))
    return True, "args.cni of every plugin, as Multus merges it"


def _ips(plugins: list[dict[str, Any]], ips: list[str]) -> tuple[bool, str]:
    if not ips:
        return True, "nothing to write (Multus passes no address either)"
    with_ipam = [p for p in plugins if isinstance(p.get("ipam"), dict)]
    if len(with_ipam) != 1:
        what = "no plugin has" if not with_ipam else "several plugins have"
        return False, f"{what} an IPAM section to take them"
    plugin = with_ipam[0]
    ipam: dict[str, Any] = plugin["ipam"]
    kind = ipam.get("type")
    args = plugin.get("args")
    cni = args.get("cni") if isinstance(args, dict) else None
    if kind == "static":
        if not all(_is_cidr(ip) for ip in ips):
            return False, "static IPAM takes CIDR addresses only (Multus would fail the pod as well)"
        if isinstance(cni, dict) and "ips" in cni:
            return False, "the config's args.cni.ips already overrides the static addresses"
        current = ipam.get("addresses", [])
        if not isinstance(current, list):
            return False, "the static IPAM addresses are not a list"
        entries = [{"address": ip} for ip in ips]
        capabilities = plugin.get("capabilities")
        if isinstance(capabilities, dict) and capabilities.get("ips") is True:
            # Multus's runtimeConfig ips replace the configured addresses (plugins' static IPAM).
            ipam["addresses"] = entries
            return True, "the static IPAM addresses (replacing them, as runtimeConfig ips do)"
        # Without the capability only CNI_ARGS IP reaches the plugin, which appends.
        ipam["addresses"] = [*current, *entries]
        return True, "the static IPAM addresses (appended, as CNI_ARGS IP does)"
    if kind == "host-local":
        if args is not None and not (isinstance(args, dict) and isinstance(args.get("cni", {}), dict)):
            return False, "the plugin's args.cni is not an object"
        cni_args = plugin.setdefault("args", {}).setdefault("cni", {})
        current = cni_args.get("ips", [])
        if not isinstance(current, list):
            return False, "the plugin's args.cni.ips is not a list"
        cni_args["ips"] = [*current, *ips]
        return True, "host-local's args.cni.ips (the CNI args convention)"
    return False, f"{kind or 'this'} IPAM takes no per-pod addresses from its config"


def _is_cidr(value: str) -> bool:
    try:
        ipaddress.ip_interface(value)
    except ValueError:
        return False
    return "/" in value


def _mac(plugins: list[dict[str, Any]], mac: str) -> tuple[bool, str]:
    tuning = [p for p in plugins if p.get("type") == "tuning"]
    if not tuning:
        return False, "the chain has no tuning plugin to set it"
    for plugin in tuning:
        plugin["mac"] = mac
    return True, "the tuning plugin's mac"


def parameters(interface: str, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": PARAMETERS_API_VERSION,
        "kind": PARAMETERS_KIND,
        "ifName": interface,
        "config": config,
    }


def parameters_size(params: dict[str, Any]) -> int:
    """Bytes of the parameters as the API server stores them (compact JSON)."""
    return len(json.dumps(params, separators=(",", ":"), ensure_ascii=False).encode())


def template_object(
    name: str,
    namespace: str | None,
    nad: tuple[str, str],
    interface: str,
    embedding: Embedding,
    options: Options,
) -> dict[str, Any]:
    """A ResourceClaimTemplate with one request for one CNI device (native.md §3.2)."""
    annotations = {NETWORK_ANNOTATION: f"{nad[0]}/{nad[1]}"}
    if embedding.params:
        annotations[EMBEDDED_ANNOTATION] = json.dumps(
            embedding.params, separators=(",", ":"), ensure_ascii=False
        )
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    metadata["annotations"] = annotations
    device = {"deviceClassName": options.device_class, "allocationMode": ALLOCATION_MODE, "count": 1}
    if options.dra_api_version is DraApiVersion.V1BETA1:
        request: dict[str, Any] = {"name": name, **device}  # v1beta1: the fields sit on the request
    else:
        request = {"name": name, "exactly": device}
    config = {
        "requests": [name],
        "opaque": {"driver": DRIVER, "parameters": parameters(interface, embedding.config)},
    }
    return {
        "apiVersion": api_version(options.dra_api_version.value),
        "kind": TEMPLATE_KIND,
        "metadata": metadata,
        "spec": {"spec": {"devices": {"requests": [request], "config": [config]}}},
    }


def device_class_object(options: Options) -> dict[str, Any]:
    return {
        "apiVersion": api_version(options.dra_api_version.value),
        "kind": DEVICE_CLASS_KIND,
        "metadata": {"name": options.device_class, "labels": {MANAGED_BY_LABEL: MANAGED_BY}},
        "spec": {"selectors": [{"cel": {"expression": device_class_selector()}}]},
    }


# -- one file ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateKey:
    """What makes two attachments share one ResourceClaimTemplate."""

    namespace: str  # the workloads' namespace, where the template lives
    nad: tuple[str, str]
    interface: str
    params: str  # canonical JSON of the embedded per-attachment fields

    @property
    def plain(self) -> bool:
        """A same-namespace NAD without per-attachment fields: the one that keeps ``<network>-<if>``."""
        return self.nad[0] == self.namespace and self.params == "{}"

    def base_name(self) -> str:
        return dns_label(f"{self.nad[1]}-{self.interface}")

    def hashed_name(self) -> str:
        suffix = short_hash(self.namespace, *self.nad, self.interface, self.params)
        return f"{self.base_name()[: 63 - len(suffix) - 1].rstrip('-')}-{suffix}"


@dataclass
class Attachment:
    parsed: ParsedElement
    interface: str
    key: TemplateKey
    embedding: Embedding
    name: str = ""


@dataclass
class NadConfig:
    config: dict[str, Any]
    resource_name: str | None


@dataclass
class DraFileWriter:
    ctx: FileContext
    multus: MultusFile
    pending: dict[int, tuple[K8sObject, list[dict[str, Any]]]] = field(default_factory=dict)
    existing_templates: set[tuple[str, str]] = field(default_factory=set)  # (namespace, name)
    existing_classes: set[str] = field(default_factory=set)
    device_warned: set[tuple[str, str]] = field(default_factory=set)  # NADs reported once per file
    name_noted: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for doc in self.ctx.docs:
            for obj in iter_objects(doc):
                if obj.kind == TEMPLATE_KIND:
                    ns, _ = resolve(obj.namespace, self.ctx.options.namespace, self.ctx.path)
                    self.existing_templates.add((ns, obj.name))
                elif obj.kind == DEVICE_CLASS_KIND:
                    self.existing_classes.add(obj.name)

    def write(self) -> None:
        plans: list[tuple[MultusWorkload, list[Attachment]]] = []
        for wl in self.multus.workloads:
            attachments = _WorkloadPlan(self, wl).attachments()
            if attachments is not None:
                plans.append((wl, attachments))
        if self.ctx.has_errors:
            return  # the file stays untouched: no edits to make
        if not self._name([a for _, atts in plans for a in atts]):
            return
        emitted: set[tuple[str, str]] = set()
        for wl, attachments in plans:
            if self._edit_workload(wl, attachments):
                self._queue_templates(wl, attachments, emitted)
        if self.ctx.options.drop_nads:
            self._drop_nads()
        for obj, objects in self.pending.values():
            self._emit(obj, objects)

    # -- NAD configs ---------------------------------------------------------------------------------

    def nad_config(self, namespace: str, name: str) -> NadConfig | str:
        """The NAD's parsed config from this file, else from the run's inputs; a string says why not."""
        local: Nad | None = next((n for n in self.multus.nads if n.key == (namespace, name)), None)
        if local is not None:
            if not local.config_text:
                return "config-less"
            if local.config is None:
                return "invalid"  # the reader reported it
            return NadConfig(local.config, local.resource_name)
        seen = self.ctx.run_nads.get((namespace, name))
        if seen is None:
            return "missing"
        if seen.conflicts:
            return "conflict:" + ", ".join((seen.file, *seen.conflicts))
        if not seen.config:
            return "config-less"
        try:
            config = json.loads(seen.config)
        except (json.JSONDecodeError, RecursionError):
            return f"invalid:{seen.file}"
        if not isinstance(config, dict):
            return f"invalid:{seen.file}"
        return NadConfig(config, seen.resource_name)

    # -- names ---------------------------------------------------------------------------------------

    def _name(self, attachments: list[Attachment]) -> bool:
        """Template names that depend only on the template's own identity (never on file order)."""
        keys = sorted({a.key for a in attachments}, key=lambda k: (k.namespace, k.nad, k.interface, k.params))
        names: dict[TemplateKey, str] = {}
        for key in keys:
            plain = key.plain and (key.namespace, key.base_name()) not in self.existing_templates
            names[key] = key.base_name() if plain else key.hashed_name()
        by_name: dict[tuple[str, str], list[TemplateKey]] = {}
        for key, name in names.items():
            by_name.setdefault((key.namespace, name), []).append(key)
        for clash in by_name.values():
            if len(clash) > 1:  # e.g. network "a-b" on "c" and "a" on "b-c": all of them get their hash
                for key in clash:
                    names[key] = key.hashed_name()
        final: dict[tuple[str, str], TemplateKey] = {}
        for key, name in names.items():
            other = final.get((key.namespace, name))
            if other is not None or (key.namespace, name) in self.existing_templates:
                self.ctx.report(
                    "dra-template-name-collision",
                    Severity.ERROR,
                    f"ResourceClaimTemplate {key.namespace}/{name} would be written twice, for different "
                    "networks or parameters",
                    hint="rename the existing ResourceClaimTemplate",
                )
                return False
            final[(key.namespace, name)] = key
        for att in attachments:
            att.name = names[att.key]
        return True

    # -- edits ---------------------------------------------------------------------------------------

    def _edit_workload(self, wl: MultusWorkload, attachments: list[Attachment]) -> bool:
        entries = [{"name": a.name, "resourceClaimTemplateName": a.name} for a in attachments]
        template = wl.template
        spec = template.spec
        existing = get(spec, "resourceClaims")
        taken = {
            scalar(get(item, "name")) or ""
            for item in (existing.value if isinstance(existing, SequenceNode) else [])
            if isinstance(item, MappingNode)
        }
        clash = sorted(taken & {a.name for a in attachments})
        if clash:
            ref = wl.networks_ref
            assert ref is not None
            self.ctx.report(
                "resource-claim-exists",
                Severity.ERROR,
                f"{wl.obj.kind} {wl.name}: spec.resourceClaims already has an entry named {clash[0]!r}",
                node=existing,
                path=template.key_path("spec", "resourceClaims"),
                hint="rename that entry: k8snet-convert will not merge claims",
            )
            return False
        remove_annotation(self.ctx, wl)
        editor = self.ctx.editor
        if not entries:
            return True
        if spec is None:  # a patch or fragment with metadata only: the spec comes with it
            empty = get_pair(template.node, "spec")
            if empty is not None:  # ``spec:`` with no value
                editor.remove_pair(template.node, empty[0], empty[1])
            editor.add_pair(template.node, "spec", {"resourceClaims": entries})
        elif isinstance(existing, SequenceNode) and existing.value:
            editor.add_sequence_items_after(existing, existing.value[-1], entries)
        else:
            pair = get_pair(spec, "resourceClaims")
            if pair is not None:  # ``resourceClaims: []`` or null: written anew
                editor.remove_pair(spec, pair[0], pair[1])
            editor.add_pair(spec, "resourceClaims", entries)
        return True

    def _queue_templates(
        self, wl: MultusWorkload, attachments: list[Attachment], emitted: set[tuple[str, str]]
    ) -> None:
        opts = self.ctx.options
        objects: list[dict[str, Any]] = []
        for att in attachments:
            if (att.key.namespace, att.name) in emitted:
                continue
            emitted.add((att.key.namespace, att.name))
            namespace = wl.obj.namespace  # only when the workload names one: both then land together
            objects.append(
                template_object(att.name, namespace, att.key.nad, att.interface, att.embedding, opts)
            )
        if objects and opts.emit_device_class and opts.device_class not in self.existing_classes:
            self.existing_classes.add(opts.device_class)
            objects.insert(0, device_class_object(opts))
            self.ctx.report(
                "device-class-emitted",
                Severity.INFO,
                f"DeviceClass {opts.device_class} (cluster-scoped) is written into this file",
                node=wl.obj.node,
                path=wl.obj.path.rstrip(".") or "metadata",
                hint="other converted files may carry the same DeviceClass: keep one copy where they are "
                "applied together (kustomize rejects duplicates)",
            )
        if objects:
            self.pending.setdefault(id(wl.obj.node), (wl.obj, []))[1].extend(objects)

    def _emit(self, obj: K8sObject, objects: list[dict[str, Any]]) -> None:
        editor = self.ctx.editor
        if obj.list_seq is not None:
            editor.add_sequence_items_after(obj.list_seq, obj.node, objects)
        elif self.ctx.is_json:
            editor.wrap_json_in_list(obj.node, objects)
        else:
            editor.add_documents_after(obj.doc.root, objects)

    def _drop_nads(self) -> None:
        ctx = self.ctx
        vm_refs = set(self.multus.kubevirt_refs)
        roots = [d.root for d in ctx.docs]
        for nad in self.multus.nads:
            where = {"node": nad.obj.node, "path": nad.obj.path.rstrip(".") or "metadata"}
            label = f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}"
            if nad.key in vm_refs:
                ctx.report(
                    "nad-kept",
                    Severity.WARNING,
                    f"{label} is kept despite --drop-nads: a KubeVirt VM in this file uses it",
                    hint="KubeVirt attaches VMs through NADs only",
                    **where,  # type: ignore[arg-type]
                )
                continue
            if not nad.config_text:
                ctx.report(
                    "nad-kept",
                    Severity.INFO,
                    f"{label} is kept despite --drop-nads: it has no config that a claim could embed",
                    **where,  # type: ignore[arg-type]
                )
                continue
            if nad.obj.list_seq is not None:
                ctx.editor.remove_sequence_item(nad.obj.list_seq, nad.obj.node)
            elif ctx.is_json:
                ctx.report(
                    "nad-kept",
                    Severity.WARNING,
                    f"{label} is kept despite --drop-nads: it is the whole JSON file",
                    hint="delete the file once nothing uses the NAD",
                    **where,  # type: ignore[arg-type]
                )
                continue
            else:
                index = roots.index(nad.obj.doc.root)
                ctx.editor.remove_document(
                    nad.obj.doc.root, roots[index + 1] if index + 1 < len(roots) else None
                )
            ctx.report(
                "nad-dropped",
                Severity.INFO,
                f"{label} is removed (--drop-nads); claims embed its config",
                hint="pods and VMs outside the inputs that still name it lose their network; "
                "--to multus cannot bring it back (keep the NAD files in version control)",
                **where,  # type: ignore[arg-type]
            )


def remove_annotation(ctx: FileContext, wl: MultusWorkload) -> None:
    """Remove the networks annotation; an emptied ``annotations:`` goes too, and an emptied template
    ``metadata:`` with it (as the native writer does)."""
    ref = wl.networks_ref
    if ref is None:
        return
    template = wl.template
    annotations = template.annotations
    metadata = template.metadata
    assert annotations is not None and metadata is not None
    editor = ctx.editor
    if len(annotations.value) > 1:
        editor.remove_pair(annotations, ref.key, ref.value)
        return
    pair = get_pair(metadata, "annotations")
    assert pair is not None
    if len(metadata.value) == 1 and template.obj.kind != "Pod":
        meta_pair = get_pair(template.node, "metadata")
        assert meta_pair is not None
        editor.remove_pair(template.node, meta_pair[0], meta_pair[1])
    else:
        editor.remove_pair(metadata, pair[0], pair[1])


class _Abort(Exception):
    """The workload cannot be converted; findings say why."""


@dataclass
class _WorkloadPlan:
    writer: DraFileWriter
    wl: MultusWorkload

    @property
    def ctx(self) -> FileContext:
        return self.writer.ctx

    def report(
        self, rule: str, severity: Severity, message: str, hint: str = "", node: Node | None = None
    ) -> None:
        ref = self.wl.networks_ref or self.wl.default_ref
        assert ref is not None
        if self.ctx.options.strict and severity is Severity.WARNING:
            severity = Severity.ERROR
            hint = (hint + " " if hint else "") + "(an error because of --strict)"
        self.ctx.report(
            rule,
            severity,
            f"{self.wl.obj.kind} {self.wl.name}: {message}",
            node=node or ref.value,
            path=self.wl.template.key_path("metadata", "annotations", str(ref.key.value)),
            hint=hint,
        )

    def attachments(self) -> list[Attachment] | None:
        before = len(self.ctx.findings)
        try:
            result = self._attachments()
        except _Abort:
            return None
        if any(f.severity is Severity.ERROR for f in self.ctx.findings[before:]):
            return None
        return result

    def _attachments(self) -> list[Attachment]:
        wl = self.wl
        if wl.default_network is not None:
            assert wl.default_ref is not None
            self.report(
                "dra-default-network",
                Severity.ERROR,
                "v1.multus-cni.io/default-network replaces the pod's primary network; DRA claims only add "
                "interfaces, so it has no DRA form",
                hint="convert this workload with --to native, or remove the annotation",
                node=wl.default_ref.value,
            )
            raise _Abort
        if wl.host_network and wl.networks:
            self.report(
                "host-network",
                Severity.ERROR,
                "hostNetwork: true with secondary networks (Multus ignores them; a host-network pod has no "
                "network namespace for the CNI DRA driver to configure)",
                hint="drop the annotation or hostNetwork",
            )
        interfaces: dict[str, str] = {PRIMARY_INTERFACE: "the cluster default network"}
        result: list[Attachment] = []
        for k, parsed in enumerate(wl.networks, start=1):
            interface = parsed.interface or f"net{k}"  # Multus's own rule (SPEC §4.4)
            label = f"network {parsed.namespace}/{parsed.element.name}"
            reason = invalid_interface_reason(interface)
            if reason:
                self.report(
                    "invalid-interface-name",
                    Severity.ERROR,
                    f"interface name {interface!r} of {label} {reason}",
                    hint="interface names are 1-15 bytes, not '.' or '..', without '/', ':' or whitespace",
                )
            elif interface in interfaces:
                self.report(
                    "duplicate-interface",
                    Severity.ERROR,
                    f"interface name {interface!r} is used by {interfaces[interface]} and {label} "
                    "(Multus fails the pod at ADD)",
                    hint="give each network its own interface name",
                )
            interfaces[interface] = label
            attachment = self._attachment(parsed, interface, label)
            if attachment is not None:
                result.append(attachment)
        return result

    def _attachment(self, parsed: ParsedElement, interface: str, label: str) -> Attachment | None:
        nad = (parsed.namespace, parsed.element.name)
        found = self.writer.nad_config(*nad)
        if isinstance(found, str):
            self._config_problem(found, label)
            return None
        if nesting(found.config) > MAX_NESTING:
            self.report(
                "invalid-cni-json",
                Severity.ERROR,
                f"{label}: the CNI config is nested more than {MAX_NESTING} levels deep",
                hint="no CNI plugin reads such a config; flatten it",
            )
            return None
        embedding = embed(found.config, nad[1], parsed.element)
        where = f"{label} ({interface})"
        for key, place in embedding.placed.items():
            self.report(
                "dra-params-embedded", Severity.INFO, f"{where}: {key} written into the CNI config: {place}"
            )
        for key, reason in embedding.lost.items():
            gateways = key == "default-route" and parsed.element.default_route
            what = "the gateway IPs of default-route" if gateways else key
            self.report(
                "dra-param-dropped",
                Severity.WARNING,
                f"{where}: {what} is dropped: {reason}",
                hint="set it in the NetworkAttachmentDefinition's CNI config if the pod needs it",
            )
        if embedding.name_added and nad not in self.writer.name_noted:
            self.writer.name_noted.add(nad)
            self.report(
                "dra-config-name-added",
                Severity.INFO,
                f"{label}: the CNI config has no name; the claims' configs get the NAD's name, as Multus "
                "does at run time",
            )
        size = parameters_size(parameters(interface, embedding.config))
        if size > PARAMETERS_LIMIT:
            self.report(
                "dra-parameters-too-large",
                Severity.ERROR,
                f"{where}: the claim's parameters are {size} bytes; the API server accepts at most "
                f"{PARAMETERS_LIMIT}",
                hint="shrink the CNI config, or keep this network on Multus",
            )
        if found.resource_name and nad not in self.writer.device_warned:
            self.writer.device_warned.add(nad)
            self.ctx.report(
                "dra-device-selection",
                Severity.WARNING,
                f"{self.wl.obj.kind} {self.wl.name}: {label} requests device resource "
                f"{found.resource_name!r}; a claim gets its device from DeviceClass "
                f"{self.ctx.options.device_class!r}, which selects any device of the CNI driver",
                node=(self.wl.networks_ref.value if self.wl.networks_ref else None),
                path=self.wl.template.key_path("metadata", "annotations"),
                hint="select the device in the DeviceClass (a CEL selector on the driver's device "
                "attributes) and name that class with --device-class; the containers' device-plugin "
                "requests for the resource are left as they are",
            )
        params = json.dumps(embedding.params, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        template = TemplateKey(self.wl.namespace, nad, interface, params)
        return Attachment(parsed, interface, template, embedding)

    def _config_problem(self, why: str, label: str) -> None:
        if why == "missing":
            self.report(
                "dra-nad-not-found",
                Severity.ERROR,
                f"{label} is not among the inputs: a claim must embed the NAD's CNI config",
                hint="convert the whole repository in one run, with the files that hold the NADs",
            )
        elif why == "config-less":
            self.report(
                "dra-config-less-nad",
                Severity.ERROR,
                f"{label} has no spec.config (its CNI config lives on the nodes), so no claim can embed it",
                hint="put the CNI config into the NAD's spec.config first",
            )
        elif why.startswith("invalid:"):
            self.report(
                "invalid-cni-json",
                Severity.ERROR,
                f"{label}: the NetworkAttachmentDefinition in {why[len('invalid:') :]} has no valid CNI "
                "JSON object in spec.config",
                hint="fix that NAD first",
            )
        elif why.startswith("conflict:"):
            self.report(
                "dra-nad-conflict",
                Severity.ERROR,
                f"{label} is defined differently in {why[len('conflict:') :]}: which config to embed "
                "would depend on the files of the run",
                hint="keep one definition of the NAD",
            )
        # "invalid": the NAD is in this file and the reader reported it already


def write(ctx: FileContext, multus: MultusFile) -> None:
    DraFileWriter(ctx, multus).write()
