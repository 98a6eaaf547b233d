"""Plain text: one line per finding (``file:line:col: severity [rule] message``), its hint below, and a
summary line last. Editors and terminals make ``file:line:col`` clickable.

Everything from the input (file names, messages quoting manifest text, YAML paths, hints) goes through
``escape.visible``: no control character reaches the terminal, no line break starts a forged line.
"""

from __future__ import annotations

from ..escape import visible
from ..findings import Finding, Severity
from . import WOULD_CONVERT, Summary, fix_command

# Where a finding about the run itself is said to be (a flag that does nothing for the target).
COMMAND_LINE = "(command line)"


def location(finding: Finding) -> str:
    where = visible(finding.file) or COMMAND_LINE
    if finding.line:
        where += f":{finding.line}"
        if finding.column:
            where += f":{finding.column}"
    return where


def render(findings: list[Finding], summary: Summary) -> str:
    lines = []
    shown = [f for f in findings if f.severity is Severity.ERROR] if summary.quiet else findings
    for f in shown:
        lines.append(f"{location(f)}: {f.severity.value} [{visible(f.rule)}] {visible(f.message)}")
        if f.path:
            lines.append(f"    at {visible(f.path)}")
        if f.hint:
            lines.append(f"    hint: {visible(f.hint)}")
    fixable = list(dict.fromkeys(f.file for f in findings if f.rule == WOULD_CONVERT and f.file != "-"))
    if fixable:
        lines.append(f"fix with: {visible(fix_command(fixable, summary))}")
    lines.append(summary_line(findings, summary))
    return "\n".join(lines) + "\n"


def summary_line(findings: list[Finding], summary: Summary) -> str:
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    verb = "would change" if summary.mode in ("check", "check-diff", "diff") else "changed"
    text = f"{summary.files_scanned} file(s) scanned, "
    if summary.command == "lint":
        text = f"{summary.files_scanned} file(s) linted; "
    else:
        text += f"{summary.files_changed} {verb}; "
    text += (
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info(s)"
    )
    return text + (f"; {summary.suppressed} suppressed" if summary.suppressed else "")
