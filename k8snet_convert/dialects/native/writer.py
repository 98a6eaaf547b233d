"""Native writer: Multus IR of one file -> KEP-3698 objects and ``spec.networks``, as span edits.

Consume, then report leftovers: every selection-element field is either written into a native field,
moved into the chosen carrier (PodNetworkAttachment + ConfigMap, or the attachment-params annotation),
or reported. Nothing disappears without a finding.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node

from ...context import FileContext
from ...manifests import render
from ...manifests.objects import K8sObject, iter_objects
from ...manifests.yamldoc import get, get_pair
from ...model import Severity
from ...options import AttachmentParams, Profile
from ..multus.annotation import ParsedElement
from ..multus.nad import Nad, nad_identity
from ..multus.reader import MultusFile, MultusWorkload
from . import profiles
from .profiles import (
    ATTACHMENT_KIND,
    DEFAULT_NETWORK,
    NAD_REF_GROUP,
    NAD_REF_KIND,
    PARAMS_ANNOTATION,
    PODNETWORK_KIND,
    PRIMARY_INTERFACE,
    SELECTION_KEY,
    ProfileKeys,
)


@dataclass
class Attachment:
    parsed: ParsedElement | None  # None for the cluster's default network
    network: str  # PodNetwork name
    interface: str  # resolved: explicit, or Multus's net<k>
    explicit_interface: bool
    primary: bool = False
    gw_families: set[int] = field(default_factory=set)
    attachment_name: str | None = None

    @property
    def label(self) -> str:
        if self.parsed is None:
            return "the cluster default network"
        return f"network {self.parsed.namespace}/{self.parsed.element.name}"


@dataclass
class NativeFileWriter:
    ctx: FileContext
    multus: MultusFile
    keys: ProfileKeys = field(init=False)
    pending: dict[int, tuple[K8sObject, list[dict[str, Any]]]] = field(default_factory=dict)
    names_taken: set[tuple[str, str, str]] = field(default_factory=set)  # (kind, namespace, name)
    existing_podnetworks: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.keys = profiles.keys_for(self.ctx.options.profile)
        for doc in self.ctx.docs:
            for obj in iter_objects(doc):
                if obj.kind == PODNETWORK_KIND:
                    self.existing_podnetworks.add(obj.name)
                if obj.kind in (ATTACHMENT_KIND, "ConfigMap"):
                    self.names_taken.add((obj.kind, obj.namespace or "", obj.name))

    # -- entry point ---------------------------------------------------------------------------------

    def write(self) -> None:
        self._nads()
        for workload in self.multus.workloads:
            _WorkloadConversion(self, workload).run()
        for obj, objects in self.pending.values():
            self._emit(obj, objects)

    def pod_network_name(self, namespace: str, name: str) -> str:
        return profiles.apply_template(self.ctx.options.name_template, namespace, name)

    def queue(self, obj: K8sObject, objects: list[dict[str, Any]]) -> None:
        self.pending.setdefault(id(obj.node), (obj, []))[1].extend(objects)

    def _emit(self, obj: K8sObject, objects: list[dict[str, Any]]) -> None:
        editor = self.ctx.editor
        if obj.list_seq is not None:
            editor.add_sequence_items_after(obj.list_seq, obj.node, objects)
        elif self.ctx.is_json:
            assert isinstance(obj.node, MappingNode)
            editor.wrap_json_in_list(obj.node, objects)
        else:
            editor.add_documents_after(obj.doc.root, objects)

    # -- NADs ----------------------------------------------------------------------------------------

    def _nads(self) -> None:
        ctx = self.ctx
        seen: dict[str, Nad] = {}
        for nad in self.multus.nads:
            name = self.pod_network_name(nad.namespace, nad.name)
            if not profiles.is_dns_subdomain(name):
                ctx.report(
                    "invalid-podnetwork-name",
                    Severity.ERROR,
                    f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}: the name template gives "
                    f"{name!r}, which is not a valid object name",
                    node=nad.obj.node,
                    path=nad.obj.path + "metadata.name",
                    hint="use a --name-template that yields lowercase DNS names, e.g. {namespace}.{name}",
                )
                continue
            if name == DEFAULT_NETWORK:
                ctx.report(
                    "podnetwork-name-collision",
                    Severity.ERROR,
                    f"NetworkAttachmentDefinition {nad.namespace}/{nad.name} maps to PodNetwork 'default', "
                    "the name of the cluster's default network",
                    node=nad.obj.node,
                    path=nad.obj.path + "metadata.name",
                    hint="use --name-template '{namespace}.{name}'",
                )
                continue
            prior = seen.get(name)
            if prior is not None and prior.key != nad.key:
                same = nad_identity(prior) == nad_identity(nad)
                ctx.report(
                    "podnetwork-name-collision",
                    Severity.WARNING if same else Severity.ERROR,
                    f"NetworkAttachmentDefinitions {prior.namespace}/{prior.name} and {nad.namespace}/"
                    f"{nad.name} both map to PodNetwork {name!r}"
                    + (
                        " (identical configs: pods of one namespace would be served by the other's NAD)"
                        if same
                        else " with different configs"
                    ),
                    node=nad.obj.node,
                    path=nad.obj.path + "metadata.name",
                    hint="use --name-template '{namespace}.{name}' (invertible: namespaces contain no dots)",
                )
                if not same:
                    continue
            seen[name] = nad
            if name in self.existing_podnetworks:
                continue  # migrated already: its PodNetwork is in this file
            if _is_kustomize_patch(ctx):
                continue  # a patch on the base's NAD: the base's conversion adds the PodNetwork
            self.existing_podnetworks.add(name)
            self.queue(nad.obj, [self._pod_network(name, nad)])
            ctx.report(
                "cluster-wide-network",
                Severity.INFO,
                f"PodNetwork {name!r} (cluster-scoped) is added for NetworkAttachmentDefinition "
                f"{nad.namespace}/{nad.name}: the network becomes usable from every namespace",
                node=nad.obj.node,
                path=nad.obj.path + "metadata.name",
                hint="restrict who may attach with admission policy if that matters",
            )

    def _pod_network(self, name: str, nad: Nad) -> dict[str, Any]:
        opts = self.ctx.options
        spec: dict[str, Any] = {"enabled": True}
        if opts.provider:
            spec["provider"] = opts.provider
        spec["parametersRefs"] = [
            {"group": NAD_REF_GROUP, "kind": NAD_REF_KIND, "name": nad.name, "namespace": nad.namespace}
        ]
        return {
            "apiVersion": opts.pod_api_version,
            "kind": PODNETWORK_KIND,
            "metadata": {"name": name},
            "spec": spec,
        }

    def nad_in_file(self, namespace: str, name: str) -> Nad | None:
        return next((n for n in self.multus.nads if n.key == (namespace, name)), None)


class _Abort(Exception):
    """The workload cannot be converted; findings say why."""


@dataclass
class _WorkloadConversion:
    writer: NativeFileWriter
    wl: MultusWorkload
    first_error: int = 0

    @property
    def ctx(self) -> FileContext:
        return self.writer.ctx

    def error(self, rule: str, message: str, hint: str = "", node: Node | None = None) -> None:
        ref = self.wl.networks_ref or self.wl.default_ref
        assert ref is not None
        self.ctx.report(
            rule,
            Severity.ERROR,
            f"{self.wl.obj.kind} {self.wl.name}: {message}",
            node=node or ref.value,
            path=self.wl.template.key_path("metadata", "annotations", str(ref.key.value)),
            hint=hint,
        )

    def finding(self, rule: str, severity: Severity, message: str, hint: str = "") -> None:
        if self.ctx.options.strict and severity is not Severity.ERROR:
            severity = Severity.ERROR
            hint = (hint + " " if hint else "") + "(an error because of --strict)"
        ref = self.wl.networks_ref or self.wl.default_ref
        assert ref is not None
        self.ctx.report(
            rule,
            severity,
            f"{self.wl.obj.kind} {self.wl.name}: {message}",
            node=ref.value,
            path=self.wl.template.key_path("metadata", "annotations", str(ref.key.value)),
            hint=hint,
        )

    def run(self) -> None:
        before = len(self.ctx.findings)
        try:
            attachments = self._attachments()
            self._check(attachments)
            self._gateways(attachments)
            carrier = self._carriers(attachments)
        except _Abort:
            return
        if any(f.severity is Severity.ERROR for f in self.ctx.findings[before:]):
            return
        self._edit(attachments, carrier)

    # -- the list of networks ------------------------------------------------------------------------

    def _attachments(self) -> list[Attachment]:
        wl, writer = self.wl, self.writer
        if wl.default_network is not None:
            parsed = wl.default_network
            primary = Attachment(
                parsed,
                writer.pod_network_name(parsed.namespace, parsed.element.name),
                parsed.interface or PRIMARY_INTERFACE,
                bool(parsed.interface),
                primary=True,
            )
        else:
            primary = Attachment(None, DEFAULT_NETWORK, PRIMARY_INTERFACE, False, primary=True)
        result = [primary]
        for k, parsed in enumerate(wl.networks, start=1):
            result.append(
                Attachment(
                    parsed,
                    writer.pod_network_name(parsed.namespace, parsed.element.name),
                    parsed.interface or f"net{k}",
                    bool(parsed.interface),
                )
            )
        return result

    def _check(self, attachments: list[Attachment]) -> None:
        wl = self.wl
        if wl.host_network and wl.networks:
            self.error(
                "host-network",
                "hostNetwork: true with secondary networks (Multus ignores them; the KEP forbids networks "
                "with hostNetwork)",
                hint="drop the annotation or hostNetwork",
            )
        if get(wl.template.spec, "networks") is not None:
            self.error(
                "networks-exist",
                "the pod spec already has spec.networks next to the Multus annotation",
                hint="remove one of the two by hand: k8snet-convert will not merge them",
            )
            raise _Abort
        seen: dict[str, Attachment] = {}
        for att in attachments:
            if att.parsed is not None and "/" in att.parsed.element.name:
                self.error(
                    "invalid-podnetwork-name",
                    f"network name {att.parsed.element.name!r} contains '/': the JSON form does not split "
                    "namespace/name, so Multus looks up a NAD of that literal name and fails at run time",
                    hint='give the namespace separately: {"name": "b", "namespace": "a"}',
                )
            elif not profiles.is_dns_subdomain(att.network):
                self.error(
                    "invalid-podnetwork-name",
                    f"{att.label} maps to PodNetwork {att.network!r}, which is not a valid object name",
                    hint="use a --name-template that yields lowercase DNS names",
                )
            if att.network == DEFAULT_NETWORK and not att.primary:
                self.error(
                    "podnetwork-name-collision",
                    f"{att.label} maps to PodNetwork 'default', the name of the cluster's default network",
                    hint="use --name-template '{namespace}.{name}'",
                )
            if att.network in seen:
                self.error(
                    "duplicate-network",
                    f"{att.label} is attached twice; the KEP allows one reference per PodNetwork, so this "
                    "has no native form",
                    hint="attach the network once, or use two NADs",
                )
            seen[att.network] = att
        interfaces: dict[str, Attachment] = {}
        for att in attachments:
            reason = profiles.invalid_interface_reason(att.interface)
            if reason and att.parsed is not None:
                self.error(
                    "invalid-interface-name",
                    f"interface name {att.interface!r} of {att.label} {reason}",
                    hint="interface names are 1-15 bytes, not '.' or '..', without '/', ':' or whitespace",
                )
            other = interfaces.get(att.interface)
            if other is not None:
                self.error(
                    "duplicate-interface",
                    f"interface name {att.interface!r} is used by {other.label} and {att.label} "
                    "(Multus fails the pod at ADD)",
                    hint="give each network its own interface name",
                )
            interfaces[att.interface] = att

    # -- default gateways ----------------------------------------------------------------------------

    def _gateways(self, attachments: list[Attachment]) -> None:
        claims: dict[int, list[Attachment]] = {4: [], 6: []}
        for att in attachments:
            if att.parsed is None or att.parsed.element.default_route is None:
                continue
            routes = att.parsed.element.default_route
            if routes:
                versions = [ipaddress.ip_address(ip).version for ip in routes]
                for family in (4, 6):
                    if versions.count(family) > 1:
                        self.error(
                            "multiple-default-routes",
                            f"{att.label} lists {versions.count(family)} IPv{family} default routes "
                            "(Multus does not support ECMP for default-route)",
                        )
                families: set[int] = set(versions)
            else:
                nad = self.writer.nad_in_file(att.parsed.namespace, att.parsed.element.name)
                families = (nad.ipam_families() if nad else None) or {4, 6}
            families = set(families)
            for family in families:
                claims[family].append(att)
        for family, owners in claims.items():
            if len(owners) > 1:
                self.error(
                    "multiple-default-routes",
                    f"{' and '.join(o.label for o in owners)} all claim the IPv{family} default route "
                    "(Multus refuses ECMP default routes)",
                    hint="keep default-route on one network per address family",
                )
            owner = owners[0] if owners else attachments[0]
            owner.gw_families.add(family)
        if self.ctx.options.profile is Profile.KEP_3698_REV2:
            split = [a for a in attachments if a.gw_families and a.gw_families != {4, 6}]
            if split:
                self.error(
                    "gateway-split",
                    "the IPv4 and IPv6 default routes belong to different networks, which kep-3698-rev2's "
                    "single isDefaultGW flag cannot say",
                    hint="use --profile kep-3698 (isDefaultGW4/isDefaultGW6)",
                )

    # -- what PodNetwork cannot say ------------------------------------------------------------------

    def _carriers(self, attachments: list[Attachment]) -> dict[str, dict[str, Any]]:
        """Leftover parameters per interface, handled as --attachment-params says."""
        mode = self.ctx.options.attachment_params
        leftovers: dict[str, dict[str, Any]] = {}
        for att in attachments:
            if att.parsed is None:
                continue
            params = att.parsed.element.params()
            if params.get("default-route") == []:
                del params["default-route"]  # said natively: the gateway flag alone
            if not params:
                continue
            if mode is AttachmentParams.ANNOTATION and att.parsed.namespace != self.wl.namespace:
                # the PodNetwork name may not say the NAD's namespace ({name}): the carrier does
                params = {"namespace": att.parsed.namespace, **params}
            leftovers[att.interface] = params
            names = ", ".join(sorted(params))
            if mode is AttachmentParams.DROP:
                for key in sorted(params):
                    what = "the gateway IPs of default-route" if key == "default-route" else key
                    self.finding(
                        "attachment-params-dropped",
                        Severity.WARNING,
                        f"{att.label}: {what} has no native form and is dropped (--attachment-params drop)",
                        hint="use --attachment-params configmap to keep it",
                    )
            elif mode is AttachmentParams.CONFIGMAP:
                if self.ctx.path is not None and _is_kustomize_patch(self.ctx):
                    self.error(
                        "attachment-params-in-patch",
                        f"{att.label} has per-attachment parameters ({names}), but a kustomize patch "
                        "file cannot create the PodNetworkAttachment and ConfigMap that carry them",
                        hint="use --attachment-params annotation for patch files",
                    )
                att.attachment_name = self._attachment_name(att)
                self.finding(
                    "attachment-params-moved",
                    Severity.INFO,
                    f"{att.label}: {names} moved into PodNetworkAttachment {att.attachment_name} "
                    f"(ConfigMap {att.attachment_name}, key {SELECTION_KEY})",
                )
            else:
                self.finding(
                    "attachment-params-moved",
                    Severity.INFO,
                    f"{att.label}: {names} moved into the {PARAMS_ANNOTATION} annotation",
                )
        return leftovers

    def _attachment_name(self, att: Attachment) -> str:
        wl = self.wl
        base = profiles.dns_label(f"{wl.name}-{att.interface}")
        name = base
        taken = self.writer.names_taken
        if (ATTACHMENT_KIND, wl.namespace, name) in taken or ("ConfigMap", wl.namespace, name) in taken:
            name = profiles.dns_label(base, wl.obj.kind, wl.namespace, wl.name, att.interface)
            if name == base:
                name = f"{base[:57]}-{profiles.short_hash(wl.obj.kind, wl.namespace, wl.name)}"
        taken.add((ATTACHMENT_KIND, wl.namespace, name))
        taken.add(("ConfigMap", wl.namespace, name))
        return name

    # -- the edits -----------------------------------------------------------------------------------

    def _entry(self, att: Attachment) -> dict[str, Any]:
        keys, opts = self.writer.keys, self.ctx.options
        entry: dict[str, Any] = {}
        if att.attachment_name:
            entry[keys.attachment] = att.attachment_name
        else:
            entry[keys.network] = att.network
        if att.explicit_interface or not opts.implicit_interfaces:
            entry["interfaceName"] = att.interface
        if keys.gw is not None:
            if att.gw_families:
                entry[keys.gw] = True
        else:
            if 4 in att.gw_families:
                entry[keys.gw4] = True
            if 6 in att.gw_families:
                entry[keys.gw6] = True
        return entry

    def _edit(self, attachments: list[Attachment], carrier: dict[str, dict[str, Any]]) -> None:
        ctx, wl, opts = self.ctx, self.wl, self.ctx.options
        editor = ctx.editor
        template = wl.template
        annotations = template.annotations
        assert annotations is not None
        flow = bool(annotations.flow_style) or ctx.is_json
        remove = [r for r in (wl.networks_ref, wl.default_ref) if r is not None]
        params_value = None
        if carrier and opts.attachment_params is AttachmentParams.ANNOTATION:
            params_value = render.dumps(carrier, separators=(",", ":"))
        if params_value is not None:
            target = wl.networks_ref or wl.default_ref
            assert target is not None
            editor.replace_pair(target.key, target.value, PARAMS_ANNOTATION, params_value, flow)
            remove = [r for r in remove if r is not target]
        remaining = len(annotations.value) - len(remove) - (1 if params_value is not None else 0)
        if remaining <= 0 and params_value is None:
            self._remove_annotations_map(template.metadata, annotations)
        else:
            for ref in remove:
                editor.remove_pair(annotations, ref.key, ref.value)
        entries = [self._entry(a) for a in attachments]
        if template.spec is None:  # a patch or fragment with metadata only: the spec comes with it
            empty = get_pair(template.node, "spec")  # ``spec:`` with no value
            if empty is not None:
                editor.remove_pair(template.node, empty[0], empty[1])
            editor.add_pair(template.node, "spec", {"networks": entries})
        else:
            editor.add_pair(template.spec, "networks", entries)
        objects: list[dict[str, Any]] = []
        for att in attachments:
            if att.attachment_name and att.parsed is not None:
                objects.extend(self._attachment_objects(att))
        if objects:
            self.writer.queue(wl.obj, objects)
        if opts.inject_resources:
            self._inject_resources(attachments)

    def _remove_annotations_map(self, metadata: MappingNode | None, annotations: MappingNode) -> None:
        editor = self.ctx.editor
        assert metadata is not None
        pair = get_pair(metadata, "annotations")
        assert pair is not None
        if len(metadata.value) == 1 and self.wl.template.obj.kind != "Pod":
            parent = self.wl.template.node
            meta_pair = get_pair(parent, "metadata")
            assert meta_pair is not None
            editor.remove_pair(parent, meta_pair[0], meta_pair[1])
        else:
            editor.remove_pair(metadata, pair[0], pair[1])

    def _attachment_objects(self, att: Attachment) -> list[dict[str, Any]]:
        assert att.parsed is not None and att.attachment_name is not None
        wl, opts = self.wl, self.ctx.options
        name = att.attachment_name
        selection = att.parsed.element.canonical()
        # The namespace only when the element names one: an unnamed one is the pod's, whatever namespace
        # the pod ends up in (a kustomize overlay's namespace: cannot reach inside this JSON string).
        # default-network's unnamed namespace is --multus-namespace, not the pod's: always written.
        if att.primary and "namespace" not in selection:
            selection = {"name": selection.pop("name"), "namespace": att.parsed.namespace, **selection}
        ordered = selection
        return [
            {
                "apiVersion": opts.pod_api_version,
                "kind": ATTACHMENT_KIND,
                "metadata": {"name": name, "namespace": wl.namespace},
                "spec": {
                    "podNetworkName": att.network,
                    "parametersRefs": [
                        {"group": "", "kind": "ConfigMap", "name": name, "namespace": wl.namespace}
                    ],
                },
            },
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": name, "namespace": wl.namespace},
                "data": {SELECTION_KEY: render.dumps(ordered, separators=(",", ":"))},
            },
        ]

    def _inject_resources(self, attachments: list[Attachment]) -> None:
        """Device requests the network-resources-injector webhook would add, written explicitly."""
        counts: dict[str, int] = {}
        for att in attachments:
            if att.parsed is None:
                continue
            nad = self.ctx.run_nads.get((att.parsed.namespace, att.parsed.element.name))
            resource = nad.resource_name if nad is not None else None
            if resource:
                counts[resource] = counts.get(resource, 0) + 1
        if not counts:
            return
        containers = get(self.wl.template.spec, "containers")
        if containers is None or not getattr(containers, "value", None):
            return
        container = containers.value[0]  # the webhook injects into the first container
        if not isinstance(container, MappingNode):
            return
        editor = self.ctx.editor
        resources = get(container, "resources")
        wanted = {"requests": counts, "limits": counts}
        if not isinstance(resources, MappingNode) or not resources.value:
            if resources is None:
                editor.add_pair(container, "resources", wanted)
            return
        for section, values in wanted.items():
            current = get(resources, section)
            if current is None:
                editor.add_pair(resources, section, values)
            elif isinstance(current, MappingNode) and current.value:
                for resource, count in values.items():
                    if get(current, resource) is None:
                        editor.add_pair(current, resource, count)
        self.finding(
            "resources-injected",
            Severity.INFO,
            "device requests written into the first container: "
            + ", ".join(f"{r}: {c}" for r, c in sorted(counts.items())),
        )


def _is_kustomize_patch(ctx: FileContext) -> bool:
    """Whether some kustomization next to the file uses it as a patch (it cannot create objects)."""
    from ...manifests.kustomize import is_patch_file

    return ctx.path is not None and is_patch_file(ctx.path)


def write(ctx: FileContext, multus: MultusFile) -> None:
    NativeFileWriter(ctx, multus).write()
