"""JSON report, a documented and versioned shape (docs/reports.md): ``{"version": 1, ...}``.

Within version 1 keys are only ever added; a key is never renamed, removed or given another type
without bumping ``version``. Consumers must ignore keys they do not know.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..findings import Finding
from . import Summary

SCHEMA_VERSION = 1


def render(findings: list[Finding], summary: Summary) -> str:
    data: dict[str, Any] = {
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
            "suppressed": summary.suppressed,
        },
        "changedFiles": [{"file": c.file, "line": c.line} for c in summary.changed],
        "configuration": summary.configuration,
        "findings": [f.model_dump(mode="json") for f in findings],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
