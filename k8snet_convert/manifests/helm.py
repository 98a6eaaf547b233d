"""Helm charts: templates are never converted, only reported (SPEC §6)."""

from __future__ import annotations

from pathlib import Path

from ..model import Finding, Severity

HINT = "run k8snet-convert on the output of `helm template` instead"


def chart_root(path: Path) -> Path | None:
    for folder in path.resolve().parents:
        if (folder / "Chart.yaml").is_file():
            return folder
    return None


def template_reason(path: Path | None) -> str | None:
    """Why a file is a Helm template, or None: it lies in ``templates/`` of a chart."""
    if path is None:
        return None
    root = chart_root(path)
    if root is None:
        return None
    try:
        relative = path.resolve().relative_to(root)
    except ValueError:
        return None
    if relative.parts and relative.parts[0] == "templates":
        return f"it lies in the templates/ folder of the chart {root.name}"
    return None


def templated_finding(display: str, reason: str) -> Finding:
    return Finding(
        rule="templated-file",
        severity=Severity.INFO,
        message=f"skipped: a Helm template ({reason}); it is left untouched",
        file=display,
        hint=HINT,
    )


def check_values_file(ctx: object) -> None:
    """A chart's values file that sets the Multus annotation is reported (``templated-value``)."""
    from ..context import FileContext

    assert isinstance(ctx, FileContext)
    if ctx.path is None or not ctx.path.name.startswith("values") or chart_root(ctx.path) is None:
        return
    if ctx.path.resolve().parent != chart_root(ctx.path):
        return
    for marker in ("k8s.v1.cni.cncf.io/networks", "v1.multus-cni.io/default-network"):
        index = ctx.text.find(marker)
        if index >= 0:
            line = ctx.text.count("\n", 0, index) + 1
            column = index - (ctx.text.rfind("\n", 0, index) + 1) + 1
            ctx.report(
                "templated-value",
                Severity.WARNING,
                f"the chart's values set {marker}; templates render it into workloads, so it is not "
                "converted here",
                line=line,
                column=column,
                hint="change the chart's templates and values by hand, then check `helm template` output "
                "with k8snet-convert check",
            )
