"""GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=T::message``, one per finding.

The runner shows them as annotations on the changed lines of a pull request. Values are escaped as
the runner's toolkit does (``%``, CR and LF everywhere; ``:`` and ``,`` inside properties too), so a
message can never end the command early or forge another. Messages and hints are first made visible
like every other output (``escape.visible``: no terminal escape, no line break of the input's own);
the file property keeps the name as it is, which is how the runner finds the file in the diff.
"""

from __future__ import annotations

from ..escape import visible
from ..findings import Finding, Severity
from . import Summary

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    props = []
    if finding.file and finding.file != "-":
        props.append(f"file={escape_property(finding.file)}")  # as it is: the runner matches it to the diff
        if finding.line:
            props.append(f"line={finding.line}")
            if finding.column:
                props.append(f"col={finding.column}")
    props.append(f"title={escape_property(f'k8snet-convert {finding.rule}')}")
    message = visible(finding.message) + (f"\nhint: {visible(finding.hint)}" if finding.hint else "")
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(message)}"


def render(findings: list[Finding], summary: Summary) -> str:
    lines = [annotation(f) for f in findings]
    return "".join(line + "\n" for line in lines)
