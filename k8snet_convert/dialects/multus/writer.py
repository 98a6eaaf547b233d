"""Multus writer: model workloads -> the ``k8s.v1.cni.cncf.io/networks`` annotation (and
``v1.multus-cni.io/default-network`` when the primary network is not the cluster's default), in the short
form when every element is short-form safe, JSON otherwise (``--annotation-style``).

NADs are never written: in every dialect the NAD stays where it is (SPEC §5), so a workload's networks
need nothing but the annotation.
"""

from __future__ import annotations

from typing import Literal

from ...context import FileContext
from ...manifests.plan import EditPlan
from ...model import Severity, Workload
from ...model.codec import format_annotation
from ...options import AnnotationStyle
from .reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY

STYLES: dict[AnnotationStyle, Literal["auto", "short", "json"]] = {
    AnnotationStyle.AUTO: "auto",
    AnnotationStyle.SHORT: "short",
    AnnotationStyle.JSON: "json",
}


def annotation_values(wl: Workload, style: AnnotationStyle) -> list[tuple[str, str]]:
    """The workload's Multus annotations; the last (the networks annotation when there is one) takes the
    place of the source's first. Raises ValueError when ``short`` cannot say an element."""
    values: list[tuple[str, str]] = []
    if wl.primary is not None:
        values.append((DEFAULT_NETWORK_KEY, format_annotation([wl.primary.element], STYLES[style])))
    if wl.networks or (wl.primary is None and wl.explicit_empty):
        # Said empty is kept empty: '[]' (the forward conversion writes it as spec.networks with the
        # cluster default network alone, which comes back as '[]').
        values.append((NETWORKS_KEY, format_annotation([a.element for a in wl.networks], STYLES[style])))
    return values


def emit(ctx: FileContext, plan: EditPlan, workloads: list[Workload]) -> list[Workload]:
    written: list[Workload] = []
    for wl in workloads:
        try:
            values = annotation_values(wl, ctx.options.annotation_style)
        except ValueError as exc:
            ctx.report_strict(
                "short-form-impossible",
                Severity.ERROR,
                f"{wl.label}: --annotation-style short: {exc}",
                wl.anchor,
                wl.anchor_path,
                hint="use --annotation-style auto (the short form where it is lossless, JSON otherwise)",
            )
            continue
        plan.template(wl.template).new_annotations.extend(values)
        written.append(wl)
    return written
