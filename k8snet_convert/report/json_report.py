"""JSON report, a documented and versioned shape (docs/reports.md): ``{"version": 1, ...}``."""

from __future__ import annotations

import json

from .. import __version__
from ..findings import Finding
from . import Summary

SCHEMA_VERSION = 1


def render(findings: list[Finding], summary: Summary) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "k8snet-convert", "version": __version__},
        "command": summary.command,
        "mode": summary.mode,
        "exitCode": summary.exit_code,
        "summary": {
            "filesScanned": summary.files_scanned,
            "filesChanged": summary.files_changed,
            "errors": sum(1 for f in findings if f.severity.value == "error"),
            "warnings": sum(1 for f in findings if f.severity.value == "warning"),
            "infos": sum(1 for f in findings if f.severity.value == "info"),
        },
        "findings": [f.model_dump(mode="json") for f in findings],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
