"""Lint of DRA manifests: the CNI DRA driver's claims and templates, and pod ``spec.resourceClaims``.

The DRA reader already checks what it needs to read a claim (parameters, ifName, size, request shape and
allocation, config-to-request mapping, interfaces across a pod's claims, provenance): running it reports
those, so they are never checked twice here. This module adds what only matters to a reviewer:

* ``dra-claim-not-found`` (info): a pod claims a template or claim that is not in the file, so its devices,
  and any interface they add, cannot be checked. Resolution stays within the file, as the reader's does
  and as the native checker's: results must not depend on which files a pre-commit run happens to get.
* ``dra-no-device-class`` (warning): a CNI request names no DeviceClass.
* ``dra-invalid-parameters`` (error) for a ``config`` object that is no CNI config (neither ``type`` nor
  ``plugins``): the reader only checks that it is an object.
* ``dra-status-interface-mismatch`` (warning): the driver reported (``status.devices[].networkData``) an
  interface name other than the ``ifName`` the parameters ask for.

DRA provenance (``DraFile.nad_refs()``) is deliberately not fed into the cross-file ``nad-not-found``
check: a claim carries its whole CNI config, so its NAD being elsewhere (or dropped) is not a problem
of the manifests; only ``convert --to multus`` needs it, and reports it.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, SequenceNode

from ..context import FileContext
from ..dialects.dra import CLAIM_KIND, CLAIM_KINDS, TEMPLATE_KIND
from ..dialects.dra.config import plugin_chain
from ..dialects.dra.reader import ClaimSource, CniRequest, DeviceStatus, DraFile, is_dra, read_file
from ..findings import Severity
from ..manifests.objects import iter_objects
from ..manifests.yamldoc import get, get_path
from ..results import FileResult


def check(ctx: FileContext, result: FileResult) -> None:
    dra = read_file(ctx)  # reports the reader's own checks into ctx
    _claims_not_found(ctx, dra)
    for source in dra.sources:
        for request in source.requests:
            _device_class(ctx, source, request)
            _cni_config(ctx, source, request)
            _status(ctx, source, request)


def _claims_not_found(ctx: FileContext, dra: DraFile) -> None:
    # Every claim object of the file counts, not only the CNI driver's: a GPU template that is present
    # is found, it is just not a network.
    present = {
        (ctx.resolve_namespace(obj.namespace)[0], obj.kind, obj.name)
        for doc in ctx.docs
        for obj in iter_objects(doc)
        if is_dra(obj) and obj.kind in CLAIM_KINDS
    }
    for wl in dra.workloads:
        for claim in wl.claims:
            if claim.template_name:
                kind, name = TEMPLATE_KIND, claim.template_name
            elif claim.claim_name:
                kind, name = CLAIM_KIND, claim.claim_name
            else:
                continue  # names nothing: the API server rejects it, and there is nothing to look up
            if (wl.namespace, kind, name) in present:
                continue
            ctx.report(
                "dra-claim-not-found",
                Severity.INFO,
                f"{wl.obj.kind} {wl.name}: claim {claim.name!r} names {kind} {wl.namespace}/{name}, which is "
                "not in this file; its devices (and any network interface they add) are not checked",
                node=claim.node,
                path=wl.template.key_path("spec", "resourceClaims"),
                hint=f"keep the {kind} next to the workload to have it checked",
            )


def _label(source: ClaimSource, request: CniRequest) -> str:
    return f"{source.kind} {source.name}, request {request.name!r}"


def _device_class(ctx: FileContext, source: ClaimSource, request: CniRequest) -> None:
    node = request.node
    # firstAvailable (v1/v1beta2) names a class per subrequest: the request itself needs none.
    if node is None or request.device_class is not None or get(node, "firstAvailable") is not None:
        return
    exact = get(node, "exactly")
    ctx.report(
        "dra-no-device-class",
        Severity.WARNING,
        f"{_label(source, request)}: the request names no deviceClassName, so the scheduler has no class "
        "to allocate the CNI driver's device from",
        node=exact if exact is not None else node,
        path=_request_path(source, request),
        hint="set deviceClassName (under exactly: in v1/v1beta2) to a DeviceClass that selects "
        'device.driver == "cni.dra.networking.x-k8s.io"',
    )


def _cni_config(ctx: FileContext, source: ClaimSource, request: CniRequest) -> None:
    # A config that is not an object is the reader's dra-invalid-parameters already; an object without
    # plugins is a config the driver hands to libcni, which rejects it at ADD: the pod never starts.
    if request.config is None or plugin_chain(request.config):
        return
    ctx.report(
        "dra-invalid-parameters",
        Severity.ERROR,
        f"{_label(source, request)}: config is not a CNI config: it has neither 'type' nor a 'plugins' list "
        "of plugin objects",
        node=request.parameters_node,
        path=_parameters_path(source, request) + ".config",
        hint="put the NetworkAttachmentDefinition's CNI config (an object with type or plugins) there",
    )


def _devices_path(source: ClaimSource) -> str:
    spec = "spec.spec" if source.kind == TEMPLATE_KIND else "spec"
    return f"{source.obj.path}{spec}.devices"


def _devices(source: ClaimSource) -> Node | None:
    spec = ("spec", "spec") if source.kind == TEMPLATE_KIND else ("spec",)
    return get_path(source.obj.node, *spec, "devices")


def _request_path(source: ClaimSource, request: CniRequest) -> str:
    requests = get(_devices(source), "requests")
    items = requests.value if isinstance(requests, SequenceNode) else []
    index = next((i for i, item in enumerate(items) if item is request.node), 0)
    return f"{_devices_path(source)}.requests[{index}]"


def _parameters_path(source: ClaimSource, request: CniRequest) -> str:
    """The YAML path of the CNI config that applies to the request (the reader picks the same one)."""
    configs = get(_devices(source), "config")
    for i, item in enumerate(configs.value if isinstance(configs, SequenceNode) else []):
        if get(get(item, "opaque"), "parameters") is request.parameters_node:
            return f"{_devices_path(source)}.config[{i}].opaque.parameters"
    return f"{_devices_path(source)}.config"


def _status(ctx: FileContext, source: ClaimSource, request: CniRequest) -> None:
    data = source.network_data(request.name)
    if data is None or data.interface_name is None or request.if_name is None:
        return
    if data.interface_name == request.if_name:
        return
    index, status = _status_of(source, data)
    network = get(status.node, "networkData") if status is not None else None
    where = get(network, "interfaceName") if isinstance(network, MappingNode) else None
    ctx.report(
        "dra-status-interface-mismatch",
        Severity.WARNING,
        f"{_label(source, request)}: the driver reports interface {data.interface_name!r} in "
        f"status.devices[].networkData, but the parameters ask for ifName {request.if_name!r}",
        node=where or (status.node if status is not None else source.obj.node),
        path=f"{source.obj.path}status.devices[{index}].networkData.interfaceName",
        hint="the status is stale or the claim was edited after allocation: check the pod, and drop "
        "status from manifests kept in version control",
    )


def _status_of(source: ClaimSource, data: object) -> tuple[int, DeviceStatus | None]:
    """The status entry that holds ``data`` (the very object ``network_data`` returned), and its index."""
    for i, status in enumerate(source.status):
        if status.network is data:
            return i, status
    return 0, None
