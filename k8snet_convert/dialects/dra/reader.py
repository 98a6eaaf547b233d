"""DRA reader: CNI-DRA claims and templates, DeviceClasses and the pods that claim them, one file at a time.

This is the API for every consumer of DRA manifests (``--to multus``, ``lint``, ``explain``, reports):

* ``read_file(ctx) -> DraFile`` reads every ``resource.k8s.io`` ResourceClaimTemplate / ResourceClaim whose
  device config names the CNI DRA driver (``ClaimSource``, with one ``CniRequest`` per configured request),
  the DeviceClasses, and each workload's pod ``spec.resourceClaims`` (``DraWorkload`` / ``PodClaim``),
  resolving claims to the sources in the same file and namespace. It reports the checks below as findings.
* ``DraWorkload.attachments()`` flattens a workload into ``DraAttachment``s (interface, network, plugin and
  IPAM types, and ``status.devices[].networkData`` when the claim carries it): what ``explain`` prints.
* ``ClaimSource.nad`` / ``.embedded`` are the provenance the DRA writer records, ``DraFile.nad_refs()`` the
  NADs the file's generated claims name (for the cross-file "NAD not among the inputs" check).

Checks (rule ids): ``dra-invalid-parameters`` (error), ``dra-unknown-parameters-version`` (warning),
``invalid-interface-name`` (error), ``dra-parameters-too-large`` (error), ``dra-request-shape`` (error: the
request layout of another API version), ``dra-allocation`` (error: a CNI request must take exactly one
device), ``dra-unknown-request`` and ``dra-duplicate-config`` (error), ``duplicate-interface`` (error, across
the pod's claims), ``dra-invalid-provenance`` (error).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from ...context import FileContext
from ...manifests.objects import K8sObject, PodTemplate, iter_objects, pod_template
from ...manifests.yamldoc import get, get_path, scalar, to_python
from ...model import Severity
from ...model.names import PRIMARY_INTERFACE, invalid_interface_reason
from . import (
    ALLOCATION_MODE,
    CLAIM_KIND,
    CLAIM_KINDS,
    DEVICE_CLASS_KIND,
    DRIVER,
    EMBEDDED_ANNOTATION,
    NETWORK_ANNOTATION,
    PARAMETERS_API_VERSIONS,
    PARAMETERS_KIND,
    PARAMETERS_LIMIT,
    RESOURCE_GROUP,
)
from .config import parameters_size, plugin_chain


def is_dra(obj: K8sObject) -> bool:
    return obj.api_version.split("/")[0] == RESOURCE_GROUP


@dataclass(frozen=True)
class NetworkData:
    """``status.devices[].networkData`` (KEP-4817); ``addresses``/``hwAddress`` read as legacy aliases."""

    interface_name: str | None
    ips: tuple[str, ...]
    hardware_address: str | None


@dataclass(frozen=True)
class DeviceStatus:
    driver: str
    pool: str
    device: str
    ready: bool | None  # the Ready condition, when there is one
    network: NetworkData | None
    node: Node


@dataclass
class CniRequest:
    """One device request of a claim with its CNI driver configuration."""

    name: str
    node: MappingNode | None  # the request (None: the config names a request the claim lacks)
    device_class: str | None
    if_name: str | None
    config: dict[str, Any] | None
    parameters: dict[str, Any] | None
    parameters_node: Node

    @property
    def plugin_types(self) -> tuple[str, ...]:
        if self.config is None:
            return ()
        return tuple(str(p.get("type")) for p in plugin_chain(self.config) if p.get("type"))

    @property
    def ipam_types(self) -> tuple[str, ...]:
        if self.config is None:
            return ()
        found = []
        for plugin in plugin_chain(self.config):
            ipam = plugin.get("ipam")
            if isinstance(ipam, dict) and ipam.get("type"):
                found.append(str(ipam["type"]))
        return tuple(found)

    @property
    def network_name(self) -> str | None:
        """The CNI network name (the config's ``name``)."""
        name = self.config.get("name") if self.config else None
        return name if isinstance(name, str) and name else None


@dataclass
class ClaimSource:
    """A ResourceClaimTemplate or ResourceClaim whose config names the CNI DRA driver."""

    obj: K8sObject
    namespace: str
    requests: list[CniRequest]  # in the order of spec.devices.requests
    other_requests: list[str]  # requests without a CNI config (another driver's devices)
    nad: tuple[str, str] | None  # provenance: the NAD the config was taken from
    embedded: dict[str, Any]  # provenance: per-attachment fields written into the config
    status: list[DeviceStatus] = field(default_factory=list)
    results: dict[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # request -> (driver, pool, device)

    @property
    def kind(self) -> str:
        return self.obj.kind

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def generated(self) -> bool:
        """Written by the DRA writer (it names its NAD)."""
        return self.nad is not None

    def network_data(self, request: str) -> NetworkData | None:
        allocated = self.results.get(request)
        for status in self.status:
            if status.network is None:
                continue
            if allocated is not None and (status.driver, status.pool, status.device) == allocated:
                return status.network
            if allocated is None and len(self.requests) == 1:  # no allocation results: one device only
                return status.network
        return None


@dataclass
class PodClaim:
    """One entry of a pod template's ``spec.resourceClaims``."""

    name: str
    node: MappingNode
    template_name: str | None
    claim_name: str | None
    source: ClaimSource | None  # resolved in this file; None when it is elsewhere or not a CNI claim


@dataclass(frozen=True)
class DraAttachment:
    """One network interface a workload gets from its claims."""

    claim: str
    request: str
    interface: str | None
    nad: tuple[str, str] | None
    network: str  # "namespace/name" of the NAD when known, else the CNI network name, else the claim's
    plugin_types: tuple[str, ...]
    ipam_types: tuple[str, ...]
    status: NetworkData | None


@dataclass
class DraWorkload:
    obj: K8sObject
    template: PodTemplate
    namespace: str
    claims: list[PodClaim]
    claims_node: SequenceNode

    @property
    def name(self) -> str:
        return self.obj.name or self.obj.generate_name.rstrip("-") or self.obj.kind.lower()

    @property
    def network_claims(self) -> list[PodClaim]:
        return [c for c in self.claims if c.source is not None and c.source.requests]

    def attachments(self) -> list[DraAttachment]:
        found = []
        for claim in self.network_claims:
            source = claim.source
            assert source is not None
            for request in source.requests:
                if source.nad is not None:
                    network = f"{source.nad[0]}/{source.nad[1]}"
                else:
                    network = request.network_name or f"{source.kind} {source.name}"
                found.append(
                    DraAttachment(
                        claim=claim.name,
                        request=request.name,
                        interface=request.if_name,
                        nad=source.nad,
                        network=network,
                        plugin_types=request.plugin_types,
                        ipam_types=request.ipam_types,
                        status=source.network_data(request.name),
                    )
                )
        return found


@dataclass
class DraFile:
    sources: list[ClaimSource] = field(default_factory=list)
    device_classes: list[K8sObject] = field(default_factory=list)
    workloads: list[DraWorkload] = field(default_factory=list)

    def source(self, namespace: str, kind: str, name: str) -> ClaimSource | None:
        return next(
            (s for s in self.sources if (s.namespace, s.kind, s.name) == (namespace, kind, name)), None
        )

    def nad_refs(self) -> list[tuple[str, str]]:
        """The NADs that this file's generated claims were made from (each once, in file order)."""
        refs: list[tuple[str, str]] = []
        for source in self.sources:
            if source.nad is not None and source.nad not in refs:
                refs.append(source.nad)
        return refs


# -- reading ----------------------------------------------------------------------------------------------


@dataclass
class _Reader:
    ctx: FileContext
    result: DraFile = field(default_factory=DraFile)

    def error(self, rule: str, message: str, node: Node | None, path: str, hint: str = "") -> None:
        self.ctx.report(rule, Severity.ERROR, message, node=node, path=path, hint=hint)

    def read(self) -> DraFile:
        objects = [obj for doc in self.ctx.docs for obj in iter_objects(doc)]
        for obj in objects:
            if is_dra(obj) and obj.kind in CLAIM_KINDS:
                source = self._source(obj)
                if source is not None:
                    self.result.sources.append(source)
            elif is_dra(obj) and obj.kind == DEVICE_CLASS_KIND:
                self.result.device_classes.append(obj)
        for obj in objects:
            template = pod_template(obj)
            if template is not None:
                workload = self._workload(obj, template)
                if workload is not None:
                    self.result.workloads.append(workload)
        return self.result

    # -- claims and templates ------------------------------------------------------------------------

    def _source(self, obj: K8sObject) -> ClaimSource | None:
        spec_path = ("spec", "spec") if obj.kind != CLAIM_KIND else ("spec",)
        devices = get_path(obj.node, *spec_path, "devices")
        where = obj.path + ".".join((*spec_path, "devices"))
        requests = get(devices, "requests")
        configs = get(devices, "config")
        by_name: dict[str, tuple[MappingNode, str]] = {}
        order: list[str] = []
        for j, item in enumerate(requests.value if isinstance(requests, SequenceNode) else []):
            name = scalar(get(item, "name"))
            if isinstance(item, MappingNode) and name:
                by_name[name] = (item, f"{where}.requests[{j}]")
                order.append(name)
        cni: dict[str, CniRequest] = {}
        for i, item in enumerate(configs.value if isinstance(configs, SequenceNode) else []):
            opaque = get(item, "opaque")
            if scalar(get(opaque, "driver")) != DRIVER:
                continue
            params_node = get(opaque, "parameters")
            here = f"{where}.config[{i}].opaque.parameters"
            named = get(item, "requests")
            targets = [scalar(n) or "" for n in named.value] if isinstance(named, SequenceNode) else []
            for target in targets or order:  # no ``requests``: the config applies to every request
                if target not in by_name:
                    self.error(
                        "dra-unknown-request",
                        f"{obj.kind} {obj.name}: the CNI config names request {target!r}, which the claim "
                        "does not have",
                        named,
                        f"{where}.config[{i}].requests",
                    )
                    continue
                if target in cni:
                    self.error(
                        "dra-duplicate-config",
                        f"{obj.kind} {obj.name}: request {target!r} has two CNI driver configs (the driver "
                        "takes exactly one per request)",
                        item,
                        f"{where}.config[{i}]",
                    )
                    continue
                cni[target] = self._request(obj, target, *by_name[target], params_node, here)
        if not cni:
            return None
        nad, embedded = self._provenance(obj)
        source = ClaimSource(
            obj=obj,
            namespace=self.ctx.resolve_namespace(obj.namespace)[0],
            requests=[cni[name] for name in order if name in cni],
            other_requests=[name for name in order if name not in cni],
            nad=nad,
            embedded=embedded,
        )
        if obj.kind == CLAIM_KIND:
            self._status(obj, source)
        return source

    def _request(
        self,
        obj: K8sObject,
        name: str,
        node: MappingNode,
        request_path: str,
        params_node: Node | None,
        path: str,
    ) -> CniRequest:
        label = f"{obj.kind} {obj.name}, request {name!r}"
        self._request_shape(obj, label, node, request_path)
        exact = get(node, "exactly")
        device_class = scalar(get(exact, "deviceClassName")) or scalar(get(node, "deviceClassName"))
        params = to_python(params_node) if params_node is not None else None
        request = CniRequest(name, node, device_class, None, None, None, params_node or node)
        if not isinstance(params, dict):
            self.error(
                "dra-invalid-parameters",
                f"{label}: the CNI driver's parameters must be an object",
                params_node,
                path,
            )
            return request
        request.parameters = params
        version = params.get("apiVersion")
        if version not in PARAMETERS_API_VERSIONS:
            self.ctx.report(
                "dra-unknown-parameters-version",
                Severity.WARNING,
                f"{label}: parameters apiVersion {version!r} is not one the CNI DRA driver is known to read "
                f"({', '.join(PARAMETERS_API_VERSIONS)})",
                node=params_node,
                path=path + ".apiVersion",
            )
        problems = []
        if params.get("kind") != PARAMETERS_KIND:
            problems.append(f"kind must be {PARAMETERS_KIND!r}")
        if_name = params.get("ifName")
        if isinstance(if_name, str):
            request.if_name = if_name
        else:
            problems.append("ifName must be a string")
        config = params.get("config")
        if isinstance(config, dict):
            request.config = config
        else:
            problems.append("config must be the CNI config as an object")
        for problem in problems:
            self.error("dra-invalid-parameters", f"{label}: {problem}", params_node, path)
        reason = invalid_interface_reason(if_name) if isinstance(if_name, str) else None
        if reason:
            self.error(
                "invalid-interface-name",
                f"{label}: interface name {if_name!r} {reason}",
                params_node,
                path + ".ifName",
                hint="interface names are 1-15 bytes, not '.' or '..', without '/', ':' or whitespace",
            )
        size = parameters_size(params)
        if size > PARAMETERS_LIMIT:
            self.error(
                "dra-parameters-too-large",
                f"{label}: the parameters are {size} bytes; the API server accepts at most "
                f"{PARAMETERS_LIMIT}",
                params_node,
                path,
            )
        return request

    def _request_shape(self, obj: K8sObject, label: str, node: MappingNode, path: str) -> None:
        version = obj.api_version.split("/", 1)[-1]
        flat = get(node, "deviceClassName") is not None
        exact = get(node, "exactly")
        if version == "v1beta1" and exact is not None:
            self.error(
                "dra-request-shape",
                f"{label}: resource.k8s.io/v1beta1 puts deviceClassName on the request; 'exactly' is "
                "v1/v1beta2",
                exact,
                path + ".exactly",
            )
        elif version != "v1beta1" and flat:
            self.error(
                "dra-request-shape",
                f"{label}: {obj.api_version} puts deviceClassName, allocationMode and count under 'exactly'",
                node,
                path,
                hint="move them under exactly:, or use apiVersion resource.k8s.io/v1beta1",
            )
        body = exact if exact is not None else node
        mode = scalar(get(body, "allocationMode"))
        count = scalar(get(body, "count"))
        if (mode is not None and mode != ALLOCATION_MODE) or (count is not None and count != "1"):
            self.error(
                "dra-allocation",
                f"{label}: a CNI request takes exactly one device (allocationMode ExactCount, count 1)",
                body,
                path,
                hint="one request = one interface; add requests for more interfaces",
            )

    def _provenance(self, obj: K8sObject) -> tuple[tuple[str, str] | None, dict[str, Any]]:
        annotations = get_path(obj.node, "metadata", "annotations")
        network = scalar(get(annotations, NETWORK_ANNOTATION))
        raw = scalar(get(annotations, EMBEDDED_ANNOTATION))
        nad: tuple[str, str] | None = None
        if network is not None:
            namespace, _, name = network.partition("/")
            if namespace and name:
                nad = (namespace, name)
            else:
                self.error(
                    "dra-invalid-provenance",
                    f"{obj.kind} {obj.name}: annotation {NETWORK_ANNOTATION} must be 'namespace/name'",
                    get(annotations, NETWORK_ANNOTATION),
                    obj.path + "metadata.annotations",
                )
        embedded: dict[str, Any] = {}
        if raw is not None:
            try:
                value = json.loads(raw)
            except (json.JSONDecodeError, RecursionError):
                value = None
            if isinstance(value, dict):
                embedded = value
            else:
                self.error(
                    "dra-invalid-provenance",
                    f"{obj.kind} {obj.name}: annotation {EMBEDDED_ANNOTATION} must be a JSON object",
                    get(annotations, EMBEDDED_ANNOTATION),
                    obj.path + "metadata.annotations",
                )
        return nad, embedded

    def _status(self, obj: K8sObject, source: ClaimSource) -> None:
        results = get_path(obj.node, "status", "allocation", "devices", "results")
        for item in results.value if isinstance(results, SequenceNode) else []:
            request = scalar(get(item, "request"))
            if request:
                source.results[request] = (
                    scalar(get(item, "driver")) or "",
                    scalar(get(item, "pool")) or "",
                    scalar(get(item, "device")) or "",
                )
        devices = get_path(obj.node, "status", "devices")
        for item in devices.value if isinstance(devices, SequenceNode) else []:
            if not isinstance(item, MappingNode):
                continue
            ready = None
            conditions = get(item, "conditions")
            for cond in conditions.value if isinstance(conditions, SequenceNode) else []:
                if scalar(get(cond, "type")) == "Ready":
                    ready = scalar(get(cond, "status")) == "True"
            data = get(item, "networkData")
            network = None
            if isinstance(data, MappingNode):
                ips = get(data, "ips") or get(data, "addresses")
                network = NetworkData(
                    interface_name=scalar(get(data, "interfaceName")),
                    ips=tuple(scalar(n) or "" for n in (ips.value if isinstance(ips, SequenceNode) else [])),
                    hardware_address=scalar(get(data, "hardwareAddress")) or scalar(get(data, "hwAddress")),
                )
            source.status.append(
                DeviceStatus(
                    driver=scalar(get(item, "driver")) or "",
                    pool=scalar(get(item, "pool")) or "",
                    device=scalar(get(item, "device")) or "",
                    ready=ready,
                    network=network,
                    node=item,
                )
            )

    # -- workloads -----------------------------------------------------------------------------------

    def _workload(self, obj: K8sObject, template: PodTemplate) -> DraWorkload | None:
        seq = get(template.spec, "resourceClaims")
        if not isinstance(seq, SequenceNode) or not seq.value:
            return None
        namespace = self.ctx.resolve_namespace(obj.namespace)[0]
        claims: list[PodClaim] = []
        for item in seq.value:
            if not isinstance(item, MappingNode):
                continue
            # Kubernetes <= 1.30 nested the reference under ``source``.
            holder = get(item, "source") if get(item, "source") is not None else item
            template_name = scalar(get(holder, "resourceClaimTemplateName"))
            claim_name = scalar(get(holder, "resourceClaimName"))
            source = None
            if template_name:
                source = self.result.source(namespace, "ResourceClaimTemplate", template_name)
            elif claim_name:
                source = self.result.source(namespace, CLAIM_KIND, claim_name)
            claims.append(PodClaim(scalar(get(item, "name")) or "", item, template_name, claim_name, source))
        workload = DraWorkload(obj, template, namespace, claims, seq)
        if workload.network_claims:
            self._interfaces(workload)
        return workload

    def _interfaces(self, wl: DraWorkload) -> None:
        seen: dict[str, str] = {PRIMARY_INTERFACE: "the cluster default network"}
        for claim in wl.network_claims:
            assert claim.source is not None
            for request in claim.source.requests:
                if request.if_name is None:
                    continue
                label = f"claim {claim.name!r} (request {request.name!r})"
                if request.if_name in seen:
                    self.error(
                        "duplicate-interface",
                        f"{wl.obj.kind} {wl.name}: interface name {request.if_name!r} is used by "
                        f"{seen[request.if_name]} and {label}",
                        claim.node,
                        wl.template.key_path("spec", "resourceClaims"),
                        hint="give each network its own interface name (ifName)",
                    )
                seen[request.if_name] = label


def read_file(ctx: FileContext) -> DraFile:
    return _Reader(ctx).read()
