"""Retiring the DRA dialect: claims and templates that converted workloads leave unused, and the
DeviceClass the writer emitted (``app.kubernetes.io/managed-by: k8snet-convert``)."""

from __future__ import annotations

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.plan import EditPlan
from ...manifests.yamldoc import get, scalar
from ...model import Severity, Workload
from ..base import Reading
from . import DEVICE_CLASS_KIND, MANAGED_BY, MANAGED_BY_LABEL
from .reader import DraFile


def retire(
    ctx: FileContext, plan: EditPlan, reading: Reading, converted: list[Workload], target: str
) -> None:
    dra = reading.own
    assert isinstance(dra, DraFile)
    done = {id(item) for wl in converted for item in wl.footprint.claims}
    removed: list[K8sObject] = []
    for source in dra.sources:
        users = [c for wl in dra.workloads for c in wl.claims if c.source is source]
        if users and all(id(c.node) in done for c in users):
            removed.append(source.obj)
        elif not users and source.generated and target != "dra":
            ctx.report(
                "dra-claim-unused",
                Severity.INFO,
                f"{source.kind} {source.name} is kept: no workload in this file uses it",
                node=source.obj.node,
                path=source.obj.path.rstrip(".") or "metadata",
                hint="convert it together with the workloads that claim it",
            )
    if not removed:
        return
    for obj in dra.device_classes:
        labels = get(get(obj.node, "metadata"), "labels")
        if scalar(get(labels, MANAGED_BY_LABEL)) == MANAGED_BY and obj.kind == DEVICE_CLASS_KIND:
            removed.append(obj)
    for obj in removed:
        plan.remove_object(obj)
