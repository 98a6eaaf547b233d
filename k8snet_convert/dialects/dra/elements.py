"""CNI-DRA claims read back into the model.

A template the DRA writer generated names its NAD (``k8snet-convert.io/network``) and the per-attachment
fields it wrote into the config (``k8snet-convert.io/embedded-params``), so each CNI request becomes the
selection element it came from: name and namespace from the NAD reference, ``interface`` from ``ifName``
(left out when it is Multus's own ``net<k>``), the embedded fields restored. A claim may live in another
file of the run: the inventory holds what resolving it needs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, SequenceNode

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.yamldoc import get, get_path, scalar
from ...model import (
    Attachment,
    ClaimFact,
    Footprint,
    InvalidElement,
    NadKey,
    SelectionElement,
    Severity,
    Workload,
)
from ...model.names import implicit_interface
from ..base import Reading
from . import CLAIM_KIND, CLAIM_KINDS, DRIVER, EMBEDDED_ANNOTATION, NETWORK_ANNOTATION, TEMPLATE_KIND
from .config import embed
from .reader import ClaimSource, DraWorkload, PodClaim, is_dra, read_file


@dataclass
class _Claim:
    """A pod's network claim, resolved in the file or through the run's inventory."""

    pod_claim: PodClaim
    kind: str
    name: str
    nad: NadKey | None
    embedded: dict[str, Any]
    interfaces: tuple[str | None, ...]  # ifName of each CNI request, in request order
    other_requests: bool
    source: ClaimSource | None  # when it is in this file


def _resolve(ctx: FileContext, wl: DraWorkload, claim: PodClaim) -> _Claim | None:
    source = claim.source
    if source is not None:
        if not source.requests:
            return None  # in the file, but not a network claim
        return _Claim(
            claim,
            source.kind,
            source.name,
            source.nad,
            source.embedded,
            tuple(r.if_name for r in source.requests),
            bool(source.other_requests),
            source,
        )
    kind, name = (
        (TEMPLATE_KIND, claim.template_name) if claim.template_name else (CLAIM_KIND, claim.claim_name or "")
    )
    fact = ctx.inventory.claim(wl.namespace, kind, name)
    if fact is None:
        return None
    return _Claim(claim, kind, name, fact.nad, fact.embedded, fact.interfaces, fact.other_requests, None)


def read(ctx: FileContext) -> Reading:
    dra = read_file(ctx)
    reading = Reading("dra", own=dra)
    for wl in dra.workloads:
        claims = [c for c in (_resolve(ctx, wl, claim) for claim in wl.claims) if c is not None]
        if not claims:
            continue
        reading.templates[id(wl.template.node)] = (wl.template, wl.claims_node)
        workload = _workload(ctx, wl, claims)
        if workload is not None:
            reading.workloads.append(workload)
    return reading


def detect(ctx: FileContext) -> Reading:
    """The pod templates that claim CNI-DRA devices (read quietly: nothing reported)."""
    return read(dataclasses.replace(ctx, findings=[]))


def _workload(ctx: FileContext, wl: DraWorkload, claims: list[_Claim]) -> Workload | None:
    where = wl.template.key_path("spec", "resourceClaims")
    convertible: list[_Claim] = []
    for claim in claims:
        if claim.other_requests:
            ctx.report(
                "dra-mixed-claim",
                Severity.WARNING,
                f"{wl.obj.kind} {wl.name}: claim {claim.pod_claim.name!r} also requests devices of other "
                f"drivers{_names(claim)}; it is left as it is",
                node=claim.pod_claim.node,
                path=where,
                hint="split the network requests into a claim of their own",
            )
        elif claim.nad is None:
            ctx.report(
                "dra-unknown-network",
                Severity.WARNING,
                f"{wl.obj.kind} {wl.name}: {claim.kind} {claim.name} was not written by k8snet-convert, so "
                "no NetworkAttachmentDefinition is known for its CNI config; it is left as it is",
                node=claim.pod_claim.node,
                hint=f"create a NAD with that config and annotate the {claim.kind} with "
                f"{NETWORK_ANNOTATION}: <namespace>/<nad name>, then convert again",
                path=where,
            )
        else:
            convertible.append(claim)
    if not convertible:
        return None
    networks: list[Attachment] = []
    for claim in convertible:
        for index, if_name in enumerate(claim.interfaces):
            attachment = _attachment(ctx, wl, claim, if_name, len(networks) + 1)
            if attachment is None:
                return None
            if claim.source is not None:
                _check_config(ctx, claim.source, claim.source.requests[index].config, attachment.element)
            networks.append(attachment)
    versions = {c.source.obj.api_version.split("/", 1)[-1] for c in convertible if c.source is not None}
    return Workload(
        template=wl.template,
        dialect="dra",
        namespace=wl.namespace,
        primary=None,
        networks=networks,
        footprint=Footprint(
            claims=[c.pod_claim.node for c in convertible],
            objects=[c.source.obj for c in convertible if c.source is not None],
        ),
        anchor=wl.claims_node,
        anchor_path=wl.template.key_path("spec", "resourceClaims"),
        variant=versions.pop() if len(versions) == 1 else None,
    )


def _names(claim: _Claim) -> str:
    return f" ({', '.join(claim.source.other_requests)})" if claim.source is not None else ""


def _attachment(
    ctx: FileContext, wl: DraWorkload, claim: _Claim, if_name: str | None, k: int
) -> Attachment | None:
    assert claim.nad is not None
    data: dict[str, Any] = {"name": claim.nad[1]}
    if claim.nad[0] != wl.namespace:
        data["namespace"] = claim.nad[0]
    if if_name is not None and if_name != implicit_interface(k):
        data["interface"] = if_name  # net<k> is what Multus names it anyway
    # The record only ever holds per-attachment fields; it never renames the network.
    identity = ("name", "namespace", "interface")
    data.update({key: v for key, v in claim.embedded.items() if key not in identity})
    try:
        element = SelectionElement.model_validate(data)
    except InvalidElement as exc:
        node = claim.source.obj.node if claim.source is not None else claim.pod_claim.node
        ctx.report(
            "dra-invalid-provenance",
            Severity.ERROR,
            f"{claim.kind} {claim.name}: the recorded parameters are not a selection element: {exc}",
            node=node,
            path=(claim.source.obj.path if claim.source is not None else "") + "metadata.annotations",
        )
        return None
    return Attachment(element, claim.nad[0])


def _check_config(
    ctx: FileContext, source: ClaimSource, config: dict[str, Any] | None, element: SelectionElement
) -> None:
    """A claim edited after conversion no longer says what its NAD says: Multus will use the NAD's."""
    assert source.nad is not None
    nad = ctx.inventory.nad(source.nad)
    nad_config = nad.config if nad is not None else None
    if nad_config is None or config is None:
        return
    expected = embed(nad_config, source.nad[1], element)
    if expected.config != config or set(expected.params) != set(source.embedded):
        ctx.report(
            "dra-config-differs",
            Severity.WARNING,
            f"{source.kind} {source.name}: its CNI config differs from what NetworkAttachmentDefinition "
            f"{source.nad[0]}/{source.nad[1]} and the recorded parameters give; under Multus the NAD's "
            "config applies",
            node=source.obj.node,
            path=source.obj.path + "spec",
            hint="copy the claim's config into the NAD's spec.config if it is the one you want",
        )


def claim_fact(obj: K8sObject, namespace: str, display: str) -> ClaimFact | None:
    """What the inventory keeps of a CNI-DRA claim or template, read quietly (the file's own conversion
    reports its problems): provenance, and the ifName of each CNI request in request order."""
    if not (is_dra(obj) and obj.kind in CLAIM_KINDS):
        return None
    spec_path = ("spec", "spec") if obj.kind != CLAIM_KIND else ("spec",)
    devices = get_path(obj.node, *spec_path, "devices")
    requests = get(devices, "requests")
    order = [
        scalar(get(item, "name")) or ""
        for item in (requests.value if isinstance(requests, SequenceNode) else [])
        if isinstance(item, MappingNode)
    ]
    interfaces: dict[str, str | None] = {}
    configs = get(devices, "config")
    for item in configs.value if isinstance(configs, SequenceNode) else []:
        opaque = get(item, "opaque")
        if scalar(get(opaque, "driver")) != DRIVER:
            continue
        if_name = scalar(get_path(opaque, "parameters", "ifName"))
        named = get(item, "requests")
        targets = [scalar(n) or "" for n in named.value] if isinstance(named, SequenceNode) else order
        for target in targets:
            interfaces.setdefault(target, if_name)
    if not interfaces:
        return None
    annotations = get_path(obj.node, "metadata", "annotations")
    network = scalar(get(annotations, NETWORK_ANNOTATION)) or ""
    nad_namespace, _, nad_name = network.partition("/")
    embedded: Any = None
    raw = scalar(get(annotations, EMBEDDED_ANNOTATION))
    if raw is not None:
        with contextlib.suppress(ValueError, RecursionError):
            embedded = json.loads(raw)
    return ClaimFact(
        namespace=namespace,
        kind=obj.kind,
        name=obj.name,
        nad=(nad_namespace, nad_name) if nad_namespace and nad_name else None,
        embedded=embedded if isinstance(embedded, dict) else {},
        interfaces=tuple(interfaces[name] for name in order if name in interfaces),
        other_requests=any(name not in interfaces for name in order),
        file=display,
    )
