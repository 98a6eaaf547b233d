"""Helm charts: templates are never converted, only reported (SPEC §6)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..files import lexical, lexical_str
from ..model import Finding, Severity

if TYPE_CHECKING:
    from ..context import FileContext

HINT = "run k8snet-convert on the output of `helm template` instead"


def chart_root(path: Path) -> Path | None:
    return _chart_root_of(os.path.dirname(lexical_str(path)))


@lru_cache(maxsize=8192)
def _chart_root_of(folder: str) -> Path | None:
    """The nearest folder at or above ``folder`` with a Chart.yaml (cached: one walk per folder)."""
    current = Path(folder)
    if (current / "Chart.yaml").is_file():
        return current
    return None if current.parent == current else _chart_root_of(str(current.parent))


def template_reason(path: Path | None) -> str | None:
    """Why a file is a Helm template, or None: it lies in ``templates/`` of a chart."""
    if path is None:
        return None
    root = chart_root(path)
    if root is None:
        return None
    try:
        relative = lexical(path).relative_to(root)
    except ValueError:
        return None
    if relative.parts and relative.parts[0] == "templates":
        return f"it lies in the templates/ folder of the chart {root.name}"
    return None


def plain_template_scalar(root: Node) -> Node | None:
    """A plain (unquoted) scalar or key holding ``{{``: Go/Jinja template syntax, not data.

    Templates often still parse as YAML (``name: app-{{ .Release.Name }}``); real data that holds
    ``{{`` (alert templates in a ConfigMap) keeps it in quoted or block scalars.
    """
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            if not node.style and "{{" in str(node.value):
                return node
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    # ``{{ .Values.x }}`` unquoted parses as a flow mapping used as a key:
                    # Kubernetes objects never have such keys.
                    found: Node = key
                    return found
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return None


def templated_finding(display: str, reason: str) -> Finding:
    return Finding(
        rule="templated-file",
        severity=Severity.INFO,
        message=f"skipped: a Helm template ({reason}); it is left untouched",
        file=display,
        hint=HINT,
    )


def is_values_file(path: Path) -> bool:
    """A chart's values file: ``values*.yaml`` next to a Chart.yaml, or any ``*values.yaml`` whose
    documents are not Kubernetes objects (charts copied out of their folder keep the name)."""
    name = path.name.lower()
    if name.startswith("values") and (path.parent / "Chart.yaml").is_file():
        return True
    return name.endswith(("values.yaml", "values.yml"))


def check_values_file(ctx: FileContext) -> None:
    """A chart's values file that sets the Multus annotation is reported (``templated-value``)."""
    if ctx.path is None or not is_values_file(ctx.path):
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
