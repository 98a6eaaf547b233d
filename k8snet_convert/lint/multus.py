"""Lint of Multus manifests: the reader's checks and the conversion checks, without converting.

The native writer is where the Multus-side rules of SPEC §4.7 live (duplicate interfaces, default
routes, hostNetwork...), so lint plans the native form of the file and throws the plan away; the findings
that only describe a conversion (``Stage.CONVERT`` in the catalogue) are dropped by the caller. That keeps
one implementation of every rule, so lint and convert can never disagree.
"""

from __future__ import annotations

from ..context import FileContext
from ..dialects.registry import DIALECTS
from ..integrations import helm
from ..manifests.plan import EditPlan
from ..pipeline import record_cross_file
from ..results import FileResult


def check(ctx: FileContext, result: FileResult) -> None:
    helm.check_values(ctx)  # values and HelmReleases that set the annotation (convert checks it too)
    reading = DIALECTS["multus"].read(ctx)
    readings = {"multus": reading}
    record_cross_file(result, ctx, readings)
    # Unlike convert, run the checks even when the file has errors already: one lint run should show
    # every problem, not the first file-stopping one.
    plan = EditPlan(ctx.editor, ctx.docs, ctx.is_json)
    if reading.nads or reading.workloads:
        native = DIALECTS["native"]
        native.emit(ctx, plan, reading.workloads, readings)
        native.emit_networks(ctx, plan, readings)
    # What else reads the Multus names of the file (downward API, MultiNetworkPolicy, service-network).
    DIALECTS["multus"].retire(ctx, plan, reading, reading.workloads, "native")
