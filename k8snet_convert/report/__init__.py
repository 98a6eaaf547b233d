"""Report formats behind one small interface: ``render(findings, summary) -> str``.

Each format is one module with a ``render`` function; ``text`` is what people read on stderr.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..findings import Finding


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@dataclass(frozen=True)
class Summary:
    command: str
    files_scanned: int
    files_changed: int
    exit_code: int
    mode: str


_BY_SUFFIX = {".json": ReportFormat.JSON, ".txt": ReportFormat.TEXT}


def format_for(path: Path, explicit: str | None) -> ReportFormat:
    if explicit:
        return ReportFormat(explicit)
    return _BY_SUFFIX.get(path.suffix.lower(), ReportFormat.TEXT)


def render(fmt: ReportFormat, findings: list[Finding], summary: Summary) -> str:
    module = importlib.import_module(f"{__name__}.{fmt.value}_report")
    text: str = module.render(findings, summary)
    return text


def stderr_text(findings: list[Finding], summary: Summary) -> str:
    """What a run prints on stderr for people."""
    return render(ReportFormat.TEXT, findings, summary)


def write_report(path: Path, explicit: str | None, findings: list[Finding], summary: Summary) -> None:
    """``--report FILE``: always written, also for a clean run (CI uploads it)."""
    path.write_text(render(format_for(path, explicit), findings, summary), encoding="utf-8")
