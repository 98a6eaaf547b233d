"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

Every catalogued rule is listed in ``tool.driver.rules`` with its help text, so a scanning UI can
explain a result without the docs; results point at file, line and column relative to ``%SRCROOT%``
(the folder the run started in, normally the repository root).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import __version__, rules
from ..findings import Finding, Severity
from . import Summary

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "k8snetConvert/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub code scanning ranks non-security alerts by this property.
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}


def _rule_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _descriptor(rule: rules.Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": _rule_name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.help},
        "help": {"text": rule.help, "markdown": f"**{rule.summary}**\n\n{rule.help}"},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["kubernetes", "networking", rule.stage.value],
            "problem.severity": _PROBLEM_SEVERITY[rule.severity],
        },
    }


def artifact(file: str) -> dict[str, str]:
    """An artifactLocation: a relative URI against %SRCROOT%, or a file: URI for absolute paths."""
    if not file or file == "-":
        return {"uri": "stdin"}
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return {"uri": Path(file).as_uri()}
    parts = [p for p in path.parts if p != "."]
    return {"uri": quote("/".join(parts)), "uriBaseId": SRCROOT}


def _fingerprint(finding: Finding) -> str:
    """Stable while lines move: rule, file, YAML path and message, not the line number."""
    key = "\x00".join((finding.rule, finding.file, finding.path, finding.message))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(finding: Finding, index: int) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": finding.line or 1}
    if finding.line and finding.column:
        region["startColumn"] = finding.column
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": artifact(finding.file), "region": region}
    }
    if finding.path:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.path, "kind": "element"}]
    text = finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: _fingerprint(finding)},
    }
    properties: dict[str, Any] = {}
    if not finding.line:
        properties["wholeFile"] = True  # SARIF viewers want a line; the finding is about the file
    if finding.hint:
        properties["hint"] = finding.hint
    if properties:
        result["properties"] = properties
    return result


def document(findings: list[Finding], summary: Summary) -> dict[str, Any]:
    catalogue = list(rules.RULES.values())
    catalogue += [rules.get(r) for r in sorted({f.rule for f in findings} - set(rules.RULES))]
    index = {rule.id: i for i, rule in enumerate(catalogue)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "k8snet-convert",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_descriptor(rule) for rule in catalogue],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri() + "/"}},
                "invocations": [
                    {
                        # Exit codes 1 and 2 report findings; 3 (usage) and 4 (crash) are failures.
                        "executionSuccessful": summary.exit_code < 3,
                        "exitCode": summary.exit_code,
                        "commandLine": f"k8snet-convert {summary.command}",
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index[f.rule]) for f in findings],
                "properties": {"configuration": summary.configuration},
            }
        ],
    }


def render(findings: list[Finding], summary: Summary) -> str:
    return json.dumps(document(findings, summary), indent=2, ensure_ascii=False) + "\n"
