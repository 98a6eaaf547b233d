"""A native workload's entries read back into selection elements (SPEC §5).

* the network: the PodNetwork of the entry (or of its PodNetworkAttachment) names a NAD. The NAD is found
  through the PodNetworks of the file and of the run's inventory, else through the element stored in the
  attachment's carrier, else by inverting ``--name-template`` (a guess, reported as a warning);
* the per-attachment parameters: from the ConfigMap behind a PodNetworkAttachment (``selection.json``) or
  from the ``k8snet-convert.io/attachment-params`` annotation, keyed by interface name;
* the interface: ``interfaceName``, except Multus's implicit name for that position (``net<k>`` for the
  k-th secondary network, ``eth0`` for the primary), which is left implicit: the canonical form;
* ``default-route``: gateway IPs come from the carrier; a gateway flag on a secondary entry without them
  is ``default-route: []``. The primary network owns every family nobody claims, as in Multus.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from ...context import FileContext
from ...errors import AnnotationError
from ...model import Attachment, NadKey, Severity
from ...model.codec import parse_networks
from ...model.names import (
    DEFAULT_NETWORK,
    PRIMARY_INTERFACE,
    apply_template,
    invalid_interface_reason,
    invert_template,
)
from .entries import NetworkEntry
from .objects import CONFIGMAP_KIND, NativeAttachment, ParamsRef
from .profiles import PARAMS_ANNOTATION, SELECTION_KEY
from .workload import NativeFile, NativeWorkload

# The carrier keys that say where an element goes; parameters never move them.
PLACEMENT_KEYS = frozenset({"name", "namespace", "interface", "interfacerequest"})


def _families(routes: list[Any]) -> frozenset[int]:
    found: set[int] = set()
    for route in routes:
        with contextlib.suppress(ValueError, TypeError):
            found.add(ipaddress.ip_address(route).version)
    return frozenset(found)


def _family_text(families: frozenset[int] | set[int]) -> str:
    return " and ".join(f"IPv{f}" for f in sorted(families)) or "no family"


@dataclass
class WorkloadResolution:
    """The entries of one workload read back into selection elements."""

    ctx: FileContext
    file: NativeFile
    wl: NativeWorkload
    params: dict[str, dict[str, Any]]
    used_params: set[str] = field(default_factory=set)
    interfaces: dict[int, str] = field(default_factory=dict)  # entry index -> the interface Multus gives it

    def error(self, entry: NetworkEntry, rule: str, message: str, hint: str = "") -> None:
        self.wl.ok = False
        self.ctx.report(
            rule, Severity.ERROR, f"{self.wl.label}: {message}", node=entry.node, path=entry.path, hint=hint
        )

    def warn(self, entry: NetworkEntry | None, rule: str, message: str, hint: str = "") -> None:
        node = entry.node if entry else self.wl.networks_pair[1]
        path = entry.path if entry else self.wl.template.key_path("spec", "networks")
        self.ctx.report_strict(rule, Severity.WARNING, f"{self.wl.label}: {message}", node, path, hint)

    def run(self) -> None:
        wl = self.wl
        if not wl.entries:
            return
        primary, *secondary = wl.entries
        if primary.network == DEFAULT_NETWORK:
            self._default_named_nad(primary)
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

    def _default_named_nad(self, entry: NetworkEntry) -> None:
        """``default`` is the cluster's default network; a PodNetwork of that name that serves a NAD is
        another network, which this pod does not get."""
        in_file = self.file.podnetwork(DEFAULT_NETWORK)
        found = (
            in_file.fact(self.ctx.display)
            if in_file is not None
            else self.ctx.inventory.podnetwork(DEFAULT_NETWORK)
        )
        if found is not None and found.nad is not None:
            self.warn(
                entry,
                "podnetwork-name-collision",
                f"the primary entry names 'default', the cluster's default network, but PodNetwork default "
                f"serves NetworkAttachmentDefinition {found.nad[0]}/{found.nad[1]}: the pod is read as "
                "having the cluster's default network",
                hint="rename that PodNetwork; if the pod means the NAD, write it as "
                "v1.multus-cni.io/default-network by hand",
            )

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

    def element(self, entry: NetworkEntry, k: int | None) -> Attachment | None:
        """The selection element of an entry; ``k`` is its position among the secondary networks."""
        wl = self.wl
        default_ns = wl.namespace if k is not None else self.ctx.options.multus_namespace
        network = entry.network
        carried: Attachment | None = None
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
            self.ctx.report_strict(
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

    def attachment_element(self, entry: NetworkEntry) -> tuple[str, Attachment | None] | None:
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
        carried: Attachment | None = None
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
    ) -> Attachment | None:
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
        self, entry: NetworkEntry, network: str, default_ns: str, carried: NadKey | None
    ) -> NadKey | None:
        """The NAD behind a PodNetwork name (SPEC §5): the PodNetworks of the file, then of the run's
        inventory; else the carrier's element; else the name template inverted (a guess: a warning)."""
        in_file = self.file.podnetwork(network)
        found = (
            in_file.fact(self.ctx.display) if in_file is not None else self.ctx.inventory.podnetwork(network)
        )
        if found is not None:
            if found.nad is None:
                self.error(
                    entry,
                    "no-multus-form",
                    f"PodNetwork {network} has no Multus form: {found.problem}",
                    hint="a Multus element names a NetworkAttachmentDefinition",
                )
                return None
            if carried is not None and carried != found.nad:
                self.warn(
                    entry,
                    "carrier-mismatch",
                    f"the carrier of {entry.attachment} names {carried[0]}/{carried[1]}, but PodNetwork "
                    f"{network} is NetworkAttachmentDefinition {found.nad[0]}/{found.nad[1]}; the PodNetwork "
                    "wins",
                )
            return found.nad
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
                # A guess: the output may mean another network than the input (SPEC §5).
                self.ctx.report_strict(
                    "podnetwork-not-found",
                    Severity.WARNING,
                    f"{self.wl.label}: PodNetwork {network!r} is not among the inputs; assuming "
                    f"NetworkAttachmentDefinition {solutions[0][0]}/{solutions[0][1]} (name template "
                    f"{template!r} inverted in the {'pod' if default_ns == self.wl.namespace else 'Multus'} "
                    "namespace)",
                    entry.node,
                    entry.path,
                    hint="convert the PodNetwork's file in the same run, or list its folder under "
                    "`inventory:` in the project configuration, when its NAD is in another namespace",
                )
            return solutions[0]
        self.error(
            entry,
            "uninvertible-name",
            f"PodNetwork {network!r} is not among the inputs and the name template {template!r} "
            + (
                "does not produce that name"
                if not solutions
                else "gives it for more than one NetworkAttachmentDefinition (e.g. "
                + " and ".join(f"{ns}/{n}" for ns, n in solutions)
                + ")"
            ),
            hint="convert the PodNetwork's file in the same run (or list it under `inventory:` in the "
            "project configuration), or pass the --name-template the file was converted with "
            "({namespace}.{name} is invertible, {namespace}-{name} is not)",
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
            known = self.ctx.inventory.nad(nad)
            claimed = frozenset((known.ipam_families() if known else None) or {4, 6})
            if claimed != flags:
                self.warn(
                    entry,
                    "gateway-family",
                    f"the gateway flags claim {_family_text(flags)}, but Multus's default-route: [] claims "
                    f"{_family_text(claimed)} for network {nad[0]}/{nad[1]}"
                    + ("" if known else " (its NAD is not among the inputs)"),
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
