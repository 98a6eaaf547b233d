"""Plain text: one line per finding, its hint below, a summary line last."""

from __future__ import annotations

from ..findings import Finding
from . import Summary


def location(finding: Finding) -> str:
    where = finding.file or "-"
    if finding.line:
        where += f":{finding.line}"
        if finding.column:
            where += f":{finding.column}"
    return where


def render(findings: list[Finding], summary: Summary) -> str:
    lines = []
    for f in findings:
        lines.append(f"{location(f)}: {f.severity.value} [{f.rule}] {f.message}")
        if f.path:
            lines.append(f"    at {f.path}")
        if f.hint:
            lines.append(f"    hint: {f.hint}")
    lines.append(summary_line(findings, summary))
    return "\n".join(lines) + "\n"


def summary_line(findings: list[Finding], summary: Summary) -> str:
    counts = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
    verb = "would change" if summary.mode in ("check", "diff") else "changed"
    return (
        f"{summary.files_scanned} file(s) scanned, {summary.files_changed} {verb}; "
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info(s)"
    )
