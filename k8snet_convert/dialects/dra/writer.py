"""DRA writer: model workloads -> ResourceClaimTemplates for the CNI DRA driver and pod
``spec.resourceClaims``.

Each distinct (namespace, network, interface, per-attachment parameters) that the file's workloads use
becomes one ResourceClaimTemplate that embeds the NAD's CNI config (native.md §3.2); the pod template gains
``spec.resourceClaims`` (its source dialect's footprint is retired by the engine). The configs come from
the run's inventory, since a claim must carry the config itself. Consume, then report leftovers: the
per-attachment fields the config can say are written into it (``config.embed``), every other one is a
finding.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from ...context import FileContext
from ...manifests.objects import iter_objects
from ...manifests.plan import EditPlan
from ...manifests.yamldoc import get, scalar
from ...model import Attachment as Element
from ...model import NadKey, Severity, Workload
from ...model.names import INTERFACE_HINT, PRIMARY_INTERFACE, dns_label, invalid_interface_reason, short_hash
from ..base import NadSite
from . import DEVICE_CLASS_KIND, PARAMETERS_LIMIT, TEMPLATE_KIND
from .config import (
    MAX_NESTING,
    Embedding,
    device_class_object,
    embed,
    nesting,
    parameters,
    parameters_size,
    plugin_chain,
    template_object,
)

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
    parsed: Element
    interface: str
    key: TemplateKey
    embedding: Embedding
    name: str = ""


@dataclass
class NadConfig:
    config: dict[str, Any]
    resource_name: str | None


@dataclass
class DraWriter:
    ctx: FileContext
    plan: EditPlan
    existing_templates: set[tuple[str, str]] = field(default_factory=set)  # (namespace, name)
    existing_classes: set[str] = field(default_factory=set)
    device_warned: set[NadKey] = field(default_factory=set)  # NADs reported once per file
    name_noted: set[NadKey] = field(default_factory=set)

    def emit(self, workloads: list[Workload]) -> list[Workload]:
        leaving = {id(o.node) for wl in workloads for o in wl.footprint.objects}
        for doc in self.ctx.docs:
            for obj in iter_objects(doc):
                if obj.kind == TEMPLATE_KIND and id(obj.node) not in leaving:
                    ns, _ = self.ctx.resolve_namespace(obj.namespace)
                    self.existing_templates.add((ns, obj.name))
                elif obj.kind == DEVICE_CLASS_KIND and id(obj.node) not in leaving:
                    self.existing_classes.add(obj.name)
        plans: list[tuple[Workload, list[Attachment]]] = []
        for wl in workloads:
            attachments = _WorkloadPlan(self, wl).attachments()
            if attachments is not None:
                plans.append((wl, attachments))
        if self.ctx.has_errors:
            return []  # the file stays untouched: no edits to make
        if plans and self.ctx.is_patch:
            for wl, _ in plans:
                self.ctx.report(
                    "kustomize-patch-unsupported",
                    Severity.ERROR,
                    f"{wl.label} is in a kustomize patch: its network claims need ResourceClaimTemplates, "
                    "which a patch cannot create",
                    node=wl.anchor,
                    path=wl.anchor_path,
                    hint="convert the base's workloads and drop the patch's networks, or convert the "
                    "rendered output (kubectl kustomize DIR | k8snet-convert convert --to dra -)",
                )
            return []
        if not self._name([a for _, atts in plans for a in atts]):
            return []
        emitted: set[tuple[str, str]] = set()
        written: list[Workload] = []
        for wl, attachments in plans:
            if self._edit_workload(wl, attachments):
                self._queue_templates(wl, attachments, emitted)
                written.append(wl)
        return written

    # -- NAD configs ---------------------------------------------------------------------------------

    def nad_config(self, key: NadKey) -> tuple[dict[str, Any], str | None] | str:
        """The NAD's parsed config and device resource: the file's own definition, else the run's (from
        the inventory, where two different definitions are a conflict); a string says why not."""
        inventory = self.ctx.inventory
        local = next((n for n in inventory.definitions.get(key, []) if n.file == self.ctx.display), None)
        seen = local or inventory.nad(key)
        if seen is None:
            return "missing"
        if local is None and seen.conflicts:
            return "conflict:" + ", ".join((seen.file, *seen.conflicts))
        if not seen.config_text or not seen.config_text.strip():
            return "config-less"
        if seen.config is None:
            return f"invalid:{seen.file}"
        return seen.config, seen.resource_name

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

    def _edit_workload(self, wl: Workload, attachments: list[Attachment]) -> bool:
        entries = [{"name": a.name, "resourceClaimTemplateName": a.name} for a in attachments]
        template = wl.template
        existing = get(template.spec, "resourceClaims")
        leaving = {id(item) for item in wl.footprint.claims}
        taken = {
            scalar(get(item, "name")) or ""
            for item in (existing.value if isinstance(existing, SequenceNode) else [])
            if isinstance(item, MappingNode) and id(item) not in leaving
        }
        clash = sorted(taken & {a.name for a in attachments})
        if clash:
            self.ctx.report(
                "resource-claim-exists",
                Severity.ERROR,
                f"{wl.label}: spec.resourceClaims already has an entry named {clash[0]!r}",
                node=existing,
                path=template.key_path("spec", "resourceClaims"),
                hint="rename that entry: k8snet-convert will not merge claims",
            )
            return False
        self.plan.template(template).new_claims.extend(entries)
        return True

    def _queue_templates(
        self, wl: Workload, attachments: list[Attachment], emitted: set[tuple[str, str]]
    ) -> None:
        opts = self.ctx.options
        objects: list[dict[str, Any]] = []
        for att in attachments:
            if (att.key.namespace, att.name) in emitted:
                continue
            emitted.add((att.key.namespace, att.name))
            namespace = wl.template.obj.namespace  # only when the workload names one: both land together
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
                node=wl.template.obj.node,
                path=wl.template.obj.path.rstrip(".") or "metadata",
                hint="other converted files may carry the same DeviceClass: keep one copy where they are "
                "applied together (kustomize rejects duplicates)",
            )
        self.plan.add_objects_after(wl.template.obj, objects)

    def drop_nads(self, nads: list[NadSite], vm_refs: set[NadKey]) -> None:
        """--drop-nads: the NADs whose configs the claims embed are removed (SPEC §2)."""
        ctx = self.ctx
        for nad in nads:
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
            if not nad.network.config_text:
                ctx.report(
                    "nad-kept",
                    Severity.INFO,
                    f"{label} is kept despite --drop-nads: it has no config that a claim could embed",
                    **where,  # type: ignore[arg-type]
                )
                continue
            if ctx.is_json and nad.obj.list_seq is None:
                ctx.report(
                    "nad-kept",
                    Severity.WARNING,
                    f"{label} is kept despite --drop-nads: it is the whole JSON file",
                    hint="delete the file once nothing uses the NAD",
                    **where,  # type: ignore[arg-type]
                )
                continue
            self.plan.remove_object(nad.obj)
            ctx.report(
                "nad-dropped",
                Severity.INFO,
                f"{label} is removed (--drop-nads); claims embed its config",
                hint="pods and VMs outside the inputs that still name it lose their network; "
                "--to multus cannot bring it back (keep the NAD files in version control)",
                **where,  # type: ignore[arg-type]
            )


class _Abort(Exception):
    """The workload cannot be converted; findings say why."""


@dataclass
class _WorkloadPlan:
    writer: DraWriter
    wl: Workload

    @property
    def ctx(self) -> FileContext:
        return self.writer.ctx

    def report(
        self, rule: str, severity: Severity, message: str, hint: str = "", node: Node | None = None
    ) -> None:
        if self.ctx.options.strict and severity is Severity.WARNING:
            severity = Severity.ERROR
            hint = (hint + " " if hint else "") + "(an error because of --strict)"
        self.ctx.report(
            rule,
            severity,
            f"{self.wl.label}: {message}",
            node=node or self.wl.anchor,
            path=self.wl.anchor_path,
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
        if wl.primary is not None:
            self.report(
                "dra-default-network",
                Severity.ERROR,
                f"its primary network is {wl.primary.label}, not the cluster default network; DRA claims "
                "only add interfaces, so it has no DRA form",
                hint="convert this workload with --to native, or keep the cluster default network as primary",
                node=wl.primary_anchor,
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
                    hint=INTERFACE_HINT,
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

    def _attachment(self, parsed: Element, interface: str, label: str) -> Attachment | None:
        nad = parsed.nad
        found = self.writer.nad_config(nad)
        if isinstance(found, str):
            self._config_problem(found, label)
            return None
        config, resource_name = found
        if nesting(config) > MAX_NESTING:
            self.report(
                "invalid-cni-json",
                Severity.ERROR,
                f"{label}: the CNI config is nested more than {MAX_NESTING} levels deep",
                hint="no CNI plugin reads such a config; flatten it",
            )
            return None
        embedding = embed(config, nad[1], parsed.element)
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
        if any(p.get("type") == "bond" and p.get("linksInContainer") is True for p in plugin_chain(config)):
            # Multus attaches a pod's networks in the annotation's order, so a bond made of links in the
            # container finds its member interfaces; the DRA driver prepares claims in no order.
            self.report(
                "dra-bond-order",
                Severity.WARNING,
                f'{where}: a bond of links in the container ("linksInContainer": true) needs its member '
                "networks attached first, which Multus does in the annotation's order; DRA claims are "
                "prepared in no order, so the bond may find no links",
                hint="keep this workload on Multus (or --to native), or build the bond from host links",
            )
        if resource_name and nad not in self.writer.device_warned:
            self.writer.device_warned.add(nad)
            self.ctx.report(
                "dra-device-selection",
                Severity.WARNING,
                f"{self.wl.label}: {label} requests device resource "
                f"{resource_name!r}; a claim gets its device from DeviceClass "
                f"{self.ctx.options.device_class!r}, which selects any device of the CNI driver",
                node=self.wl.anchor,
                path=self.wl.anchor_path,
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
