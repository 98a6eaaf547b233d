"""Markdown for a pull request comment or a job summary: a summary table, the findings, and a Mermaid
diagram of the inputs' workloads and networks (GitHub and GitLab render Mermaid in Markdown)."""

from __future__ import annotations

import re

from ..escape import visible
from ..findings import Finding
from . import Summary
from .text_report import location

# A diagram of thousands of workloads helps nobody and can exceed comment size limits.
MAX_DIAGRAM_WORKLOADS = 40


def cell(text: str) -> str:
    """Input text safe in a table cell of a pull request comment: control characters (line breaks
    too) made visible, pipes escaped, no HTML (a quoted annotation value could hold tags)."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def code(text: str) -> str:
    """``text`` as a code span in a cell; a backtick in it takes a longer fence (CommonMark)."""
    text = visible(text).replace("|", "\\|")
    if "`" not in text:
        return f"`{text}`"
    fence = "`" * (max(len(run) for run in re.findall("`+", text)) + 1)
    return f"{fence} {text} {fence}"


def render(findings: list[Finding], summary: Summary) -> str:
    counts = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
    verb = "would change" if summary.mode in ("check", "check-diff", "diff") else "changed"
    out = [
        f"# k8snet-convert {summary.command}",
        "",
        "| | |",
        "|---|---|",
        f"| exit code | {summary.exit_code} |",
        f"| files scanned | {summary.files_scanned} |",
    ]
    if summary.command != "lint":
        out.append(f"| files {verb} | {summary.files_changed} |")
    out += [
        f"| errors | {counts['error']} |",
        f"| warnings | {counts['warning']} |",
        f"| infos | {counts['info']} |",
    ]
    if summary.suppressed:
        out.append(f"| suppressed | {summary.suppressed} |")
    out += ["", "## Findings", ""]
    if findings:
        out += ["| severity | rule | location | message | hint |", "|---|---|---|---|---|"]
        for f in findings:
            cells = (f.severity.value, code(f.rule), code(location(f)), cell(f.message), cell(f.hint))
            out.append("| " + " | ".join(cells) + " |")
    else:
        out.append("No findings.")
    diagram = _diagram(summary)
    if diagram:
        out += ["", "## Networks", "", "```mermaid", diagram.rstrip("\n"), "```"]
    return "\n".join(out) + "\n"


def _diagram(summary: Summary) -> str:
    """The explain diagram of the run's inputs (stdin cannot be read twice and is left out)."""
    inputs = [i for i in summary.inputs if i != "-"]
    if not inputs:
        return ""
    from ..errors import UsageError
    from ..explain import explain_paths
    from ..options import Options
    from .mermaid import render as mermaid

    try:
        explained = explain_paths(inputs, summary.options or Options())
    except UsageError:  # an input vanished since the run: the report still gets written
        return ""
    if not explained.trees:
        return ""
    trees = explained.trees[:MAX_DIAGRAM_WORKLOADS]
    text = mermaid(trees)
    if len(explained.trees) > len(trees):
        text += f"  %% {len(explained.trees) - len(trees)} more workload(s) not drawn\n"
    return text
