"""The context a chart template is converted in: its masked text as a file of its own, whose findings
point into the template as written, with its actions in the messages instead of placeholders."""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import Node

from ...context import FileContext
from ...findings import Severity
from ...manifests.yamldoc import line_col
from . import footprints
from .mask import Masked


@dataclass
class TemplateContext(FileContext):
    """A chart template's masked text as a file of its own: findings point into the template as written,
    with its actions in the messages instead of placeholders."""

    masked: Masked | None = None
    analysis: footprints.Analysis = field(default_factory=footprints.Analysis)

    def report(
        self,
        rule: str,
        severity: Severity,
        message: str,
        node: Node | None = None,
        path: str = "",
        hint: str = "",
        line: int = 0,
        column: int = 0,
    ) -> None:
        masked = self.masked
        if masked is None:
            super().report(rule, severity, message, node, path, hint, line, column)
            return
        if node is not None and not line:
            line, column = line_col(node)
        if rule == "invalid-cni-json" and self.analysis.templated_config(line):
            rule, severity = "helm-templated-config", Severity.INFO
            nad = message.split(":", 1)[0]  # "NetworkAttachmentDefinition ns/name"
            message = f"{nad}: the CNI config is built by template actions, so it is not checked here"
            hint = "check the rendered NAD (helm template) with k8snet-convert lint"
        if line:
            line, column = masked.original_line_col(line, column)
        super().report(
            rule,
            severity,
            masked.readable(message),
            None,
            masked.readable(path),
            masked.readable(hint),
            line,
            column,
        )
