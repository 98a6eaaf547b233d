"""JUnit XML, for CI systems that show test reports (GitLab's ``artifacts:reports:junit``, Jenkins).

One test suite per run. The first test case is the run itself, with its exit code and summary, so a
clean report still has one passing case (an empty suite confuses some readers). Then one case per
finding: errors and warnings are failures (``type`` says which), infos pass with the message as
output. Under ``check``, each file that would change is a failing case (``would-convert``) like any
finding, so ``failures`` counts the errors and warnings every other format counts.

ElementTree escapes markup, but writes control characters as they are, which XML 1.0 cannot hold
(annotation values may contain \\v or \\f, Go's whitespace): input text goes through ``escape.visible``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..escape import visible
from ..findings import Finding, Severity
from . import Summary
from .text_report import location, summary_line

SUITE = "k8snet-convert"


def _case(suite: ET.Element, finding: Finding) -> bool:
    """Add one finding's test case; True when it is a failure."""
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"{SUITE}.{finding.rule}",
        name=visible(f"{location(finding)} {finding.rule}"),
        file=visible(finding.file),
    )
    if finding.line:
        case.set("line", str(finding.line))
    body = visible(finding.message) + (f"\nat {visible(finding.path)}" if finding.path else "")
    body += f"\nhint: {visible(finding.hint)}" if finding.hint else ""
    if finding.severity is Severity.INFO:
        ET.SubElement(case, "system-out").text = body
        return False
    failure = ET.SubElement(case, "failure", type=finding.severity.value, message=visible(finding.message))
    failure.text = body
    return True


def render(findings: list[Finding], summary: Summary) -> str:
    root = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(root, "testsuite", name=f"{SUITE} {summary.command}")
    run_case = ET.SubElement(
        suite, "testcase", classname=f"{SUITE}.run", name=f"k8snet-convert {summary.command}"
    )
    failures = sum(_case(suite, finding) for finding in findings)
    outcome = f"exit code {summary.exit_code}: {summary_line(findings, summary)}"
    # The findings' cases explain a failing run, so the failures count exactly the errors and warnings
    # of the other formats; the run's own case fails only if nothing else would show the failure.
    if summary.exit_code != 0 and not failures:
        failures += 1
        failure = ET.SubElement(
            run_case, "failure", type="exit-code", message=f"exit code {summary.exit_code}"
        )
        failure.text = outcome
    else:
        ET.SubElement(run_case, "system-out").text = outcome
    total = str(len(findings) + 1)
    for element in (root, suite):
        element.set("tests", total)
        element.set("failures", str(failures))
        element.set("errors", "0")
    suite.set("skipped", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
