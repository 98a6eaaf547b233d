"""Plain text: one line per finding (``file:line:col: severity [rule] message``), its hint below, and a
summary line last. Editors and terminals make ``file:line:col`` clickable.

Everything from the input (file names, messages quoting manifest text, YAML paths, hints) goes through
``escape.visible``: no control character reaches the terminal, no line break starts a forged line.
"""

from __future__ import annotations

from ..escape import visible
from ..findings import Finding
from . import Summary, check_findings, fix_command


def location(finding: Finding) -> str:
    where = visible(finding.file) or "-"
    if finding.line:
        where += f":{finding.line}"
        if finding.column:
            where += f":{finding.column}"
    return where


def render(findings: list[Finding], summary: Summary) -> str:
    lines = []
    for f in [*findings, *check_findings(summary)]:
        lines.append(f"{location(f)}: {f.severity.value} [{visible(f.rule)}] {visible(f.message)}")
        if f.path:
            lines.append(f"    at {visible(f.path)}")
        if f.hint:
            lines.append(f"    hint: {visible(f.hint)}")
    if summary.mode == "check" and summary.changed:
        lines.append(f"fix with: {visible(fix_command([c.file for c in summary.changed]))}")
    lines.append(summary_line(findings, summary))
    return "\n".join(lines) + "\n"


def summary_line(findings: list[Finding], summary: Summary) -> str:
    counts = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
    verb = "would change" if summary.mode in ("check", "diff") else "changed"
    text = f"{summary.files_scanned} file(s) scanned, "
    if summary.command == "lint":
        text = f"{summary.files_scanned} file(s) linted"
        text += f" ({summary.suppressed} finding(s) suppressed); " if summary.suppressed else "; "
    else:
        text += f"{summary.files_changed} {verb}; "
    return text + f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info(s)"
