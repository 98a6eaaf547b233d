"""Native writer: model workloads -> KEP-3698 ``spec.networks`` and objects; a PodNetwork per NAD.

Consume, then report leftovers: every selection-element field is either written into a native field,
moved into the chosen carrier (PodNetworkAttachment + ConfigMap, or the attachment-params annotation),
or reported. Nothing disappears without a finding. Whatever dialect a workload came from, its source
footprint is retired by the engine; this writer only says what the native form is.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node

from ...context import FileContext
from ...manifests import render
from ...manifests import resources as container_resources
from ...manifests.objects import iter_objects
from ...manifests.plan import EditPlan
from ...manifests.yamldoc import get
from ...model import Attachment as Element
from ...model import NadKey, Severity, Workload
from ...model.names import (
    DEFAULT_NETWORK,
    PRIMARY_INTERFACE,
    apply_template,
    dns_label,
    invalid_interface_reason,
    is_dns_subdomain,
    short_hash,
)
from ...options import AttachmentParams, Profile
from ..base import NadSite, two_forms
from . import profiles
from .profiles import (
    ATTACHMENT_KIND,
    NAD_REF_GROUP,
    NAD_REF_KIND,
    PARAMS_ANNOTATION,
    PODNETWORK_KIND,
    SELECTION_KEY,
    ProfileKeys,
)


@dataclass
class Attachment:
    """One entry of the pod's ``spec.networks`` being written."""

    parsed: Element | None  # None for the cluster's default network
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
class NativeWriter:
    ctx: FileContext
    plan: EditPlan
    keys: ProfileKeys = field(init=False)
    names_taken: set[tuple[str, str, str]] = field(default_factory=set)  # (kind, namespace, name)
    state: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.keys = profiles.keys_for(self.ctx.options.profile)
        # A file converted in parts (chunked.py) shares these across its parts, as one context would.
        self.state = self.ctx.file_state if self.ctx.file_state is not None else {}
        self.names_taken = self.state.setdefault("names-taken", self.names_taken)

    def pod_network_name(self, namespace: str, name: str) -> str:
        return apply_template(self.ctx.options.name_template, namespace, name)

    # -- workloads -----------------------------------------------------------------------------------

    def emit(self, workloads: list[Workload]) -> list[Workload]:
        leaving = {id(o.node) for wl in workloads for o in wl.footprint.objects}
        for doc in self.ctx.docs:
            for obj in iter_objects(doc):
                if obj.kind in (ATTACHMENT_KIND, "ConfigMap") and id(obj.node) not in leaving:
                    self.names_taken.add((obj.kind, obj.namespace or "", obj.name))
        return [wl for wl in workloads if _WorkloadConversion(self, wl).run()]

    # -- NADs ----------------------------------------------------------------------------------------

    def emit_networks(self, nads: list[NadSite]) -> None:
        """A PodNetwork right after each NAD of the file (SPEC §4.3), unless the run already has it."""
        ctx = self.ctx
        existing: set[str] = self.state.setdefault("podnetworks", set())
        existing.update(
            obj.name for doc in ctx.docs for obj in iter_objects(doc) if obj.kind == PODNETWORK_KIND
        )
        seen: dict[str, NadSite] = self.state.setdefault("podnetwork-nads", {})
        for nad in nads:
            name = self.pod_network_name(nad.namespace, nad.name)
            where = {"node": nad.obj.node, "path": nad.obj.path + "metadata.name"}
            if not is_dns_subdomain(name):
                ctx.report(
                    "invalid-podnetwork-name",
                    Severity.ERROR,
                    f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}: the name template gives "
                    f"{name!r}, which is not a valid object name",
                    hint="use a --name-template that yields lowercase DNS names, e.g. {namespace}.{name}",
                    **where,  # type: ignore[arg-type]
                )
                continue
            if name == DEFAULT_NETWORK:
                ctx.report(
                    "podnetwork-name-collision",
                    Severity.ERROR,
                    f"NetworkAttachmentDefinition {nad.namespace}/{nad.name} maps to PodNetwork 'default', "
                    "the name of the cluster's default network",
                    hint="use --name-template '{namespace}.{name}'",
                    **where,  # type: ignore[arg-type]
                )
                continue
            prior = seen.get(name)
            if prior is not None and prior.key != nad.key:
                same = prior.network.meaning() == nad.network.meaning()
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
                    hint="use --name-template '{namespace}.{name}' (invertible: namespaces contain no dots)",
                    **where,  # type: ignore[arg-type]
                )
                if not same:
                    continue
            seen[name] = nad
            if name in existing:
                continue  # migrated already: its PodNetwork is in this file
            elsewhere = ctx.inventory.podnetwork(name)
            if elsewhere is not None and elsewhere.nad == nad.key and elsewhere.file != ctx.display:
                continue  # migrated already: another file of the run holds its PodNetwork
            if ctx.is_patch:
                continue  # a patch on the base's NAD: the base's conversion adds the PodNetwork
            existing.add(name)
            self.plan.add_objects_after(nad.obj, [self._pod_network(name, nad.key)])
            ctx.report(
                "cluster-wide-network",
                Severity.INFO,
                f"PodNetwork {name!r} (cluster-scoped) is added for NetworkAttachmentDefinition "
                f"{nad.namespace}/{nad.name}: the network becomes usable from every namespace",
                hint="restrict who may attach with admission policy if that matters",
                **where,  # type: ignore[arg-type]
            )

    def _pod_network(self, name: str, nad: NadKey) -> dict[str, Any]:
        opts = self.ctx.options
        spec: dict[str, Any] = {"enabled": True}
        if opts.provider:
            spec["provider"] = opts.provider
        spec["parametersRefs"] = [
            {"group": NAD_REF_GROUP, "kind": NAD_REF_KIND, "name": nad[1], "namespace": nad[0]}
        ]
        return {
            "apiVersion": opts.pod_api_version,
            "kind": PODNETWORK_KIND,
            "metadata": {"name": name},
            "spec": spec,
        }


class _Abort(Exception):
    """The workload cannot be converted; findings say why."""


@dataclass
class _WorkloadConversion:
    writer: NativeWriter
    wl: Workload

    @property
    def ctx(self) -> FileContext:
        return self.writer.ctx

    def error(self, rule: str, message: str, hint: str = "", node: Node | None = None) -> None:
        self.ctx.report(
            rule,
            Severity.ERROR,
            f"{self.wl.label}: {message}",
            node=node or self.wl.anchor,
            path=self.wl.anchor_path,
            hint=hint,
        )

    def finding(self, rule: str, severity: Severity, message: str, hint: str = "") -> None:
        if self.ctx.options.strict and severity is not Severity.ERROR:
            severity = Severity.ERROR
            hint = (hint + " " if hint else "") + "(an error because of --strict)"
        self.ctx.report(
            rule,
            severity,
            f"{self.wl.label}: {message}",
            node=self.wl.anchor,
            path=self.wl.anchor_path,
            hint=hint,
        )

    def run(self) -> bool:
        """Plan the workload's native form; False when it cannot have one (findings say why)."""
        before = len(self.ctx.findings)
        try:
            attachments = self._attachments()
            self._check(attachments)
            self._gateways(attachments)
            carrier = self._carriers(attachments)
        except _Abort:
            return False
        if any(f.severity is Severity.ERROR for f in self.ctx.findings[before:]):
            return False
        self._edit(attachments, carrier)
        return True

    # -- the list of networks ------------------------------------------------------------------------

    def _attachments(self) -> list[Attachment]:
        wl, writer = self.wl, self.writer
        if wl.primary is not None:
            parsed = wl.primary
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
        networks = get(wl.template.spec, "networks")
        if networks is not None and not any(value is networks for _, value in wl.footprint.spec):
            self.ctx.report(
                "networks-exist",
                Severity.ERROR,
                two_forms(wl.label, wl.dialect, "native"),
                node=wl.anchor,
                path=wl.template.key_path(*(("metadata", "annotations") if wl.dialect == "multus" else ())),
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
            elif not is_dns_subdomain(att.network):
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
            elif att.network == DEFAULT_NETWORK and att.parsed is not None:
                # v1.multus-cni.io/default-network: default names a NAD (Antrea's and others' way of
                # replacing the cluster network); as the primary entry 'default' it would silently mean
                # the cluster's own default network instead.
                self.error(
                    "podnetwork-name-collision",
                    f"the primary network is {att.label}, a NetworkAttachmentDefinition that happens to be "
                    "called 'default'; its PodNetwork would be 'default', which KEP-3698 reserves for the "
                    "cluster's default network: a different network",
                    hint="decide which you mean: if the NAD only restates the cluster's default network, "
                    "remove v1.multus-cni.io/default-network; else rename the NAD, or convert with "
                    "--name-template '{namespace}.{name}' (its PodNetwork is then "
                    f"'{att.parsed.namespace}.default')",
                    node=self.wl.primary_anchor,
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
            reason = invalid_interface_reason(att.interface)
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
                nad = self.ctx.inventory.nad(att.parsed.nad)
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
                if self.ctx.is_patch:
                    self.error(
                        "attachment-params-in-patch",
                        f"{att.label} has per-attachment parameters ({names}), but a kustomize patch "
                        "file cannot create the PodNetworkAttachment and ConfigMap that carry them",
                        hint="use --attachment-params annotation for patch files",
                    )
                    continue
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
        base = dns_label(f"{wl.name}-{att.interface}")
        name = base
        taken = self.writer.names_taken
        if (ATTACHMENT_KIND, wl.namespace, name) in taken or ("ConfigMap", wl.namespace, name) in taken:
            name = dns_label(base, wl.kind, wl.namespace, wl.name, att.interface)
            if name == base:
                name = f"{base[:57]}-{short_hash(wl.kind, wl.namespace, wl.name)}"
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
        wl, opts = self.wl, self.ctx.options
        edits = self.writer.plan.template(wl.template)
        if carrier and opts.attachment_params is AttachmentParams.ANNOTATION:
            edits.new_annotations.append((PARAMS_ANNOTATION, render.dumps(carrier, separators=(",", ":"))))
        edits.new_spec.append(("networks", [self._entry(a) for a in attachments]))
        objects: list[dict[str, Any]] = []
        for att in attachments:
            if att.attachment_name and att.parsed is not None:
                objects.extend(self._attachment_objects(att))
        self.writer.plan.add_objects_after(wl.template.obj, objects)
        if opts.inject_resources:
            self._inject_resources(attachments)

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
        # Namespaces decided at apply time stay undecided (SPEC §6): a workload without metadata.namespace
        # gets its namespace from `kubectl apply -n`, kustomize or Flux, and so must the objects written
        # with it. The ConfigMap is always in the attachment's own namespace, which is what a reference
        # without a namespace means: the reference never says it, so it cannot disagree with an overlay.
        where = {"namespace": wl.namespace} if wl.template.obj.namespace else {}
        return [
            {
                "apiVersion": opts.pod_api_version,
                "kind": ATTACHMENT_KIND,
                "metadata": {"name": name, **where},
                "spec": {
                    "podNetworkName": att.network,
                    "parametersRefs": [{"group": "", "kind": "ConfigMap", "name": name}],
                },
            },
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": name, **where},
                "data": {SELECTION_KEY: render.dumps(selection, separators=(",", ":"))},
            },
        ]

    def _inject_resources(self, attachments: list[Attachment]) -> None:
        """Device requests the network-resources-injector webhook would add, written explicitly."""
        counts: dict[str, int] = {}
        for att in attachments:
            if att.parsed is None:
                continue
            nad = self.ctx.inventory.nad(att.parsed.nad)
            resource = nad.resource_name if nad is not None else None
            if resource:
                counts[resource] = counts.get(resource, 0) + 1
        if not counts:
            return
        # Extended resources are not overcommitted: a limit alone is the request, and a second
        # container's request of the same pool is one more device. The injector's count is the pod's,
        # so a resource some container already asks for is left to it (SPEC §6).
        asked = {
            resource: container.name
            for container in container_resources.containers(self.wl.template)
            for which in container_resources.SECTIONS
            for resource in container.amounts(which)
        }
        for resource in sorted(set(counts) & set(asked)):
            del counts[resource]
            self.finding(
                "resources-injected",
                Severity.INFO,
                f"device requests for {resource} are not written: container {asked[resource]} already "
                "requests (or limits) it, and one more would ask for another device",
            )
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
