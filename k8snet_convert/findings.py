"""Findings as data (yamllint's LintProblem): the core never prints.

Kept free of pydantic so that a run over files with no networking content imports almost nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Finding:
    """One problem or decision, with where it is and what to do about it."""

    rule: str
    severity: Severity
    message: str
    file: str = ""
    line: int = 0  # 1-based; 0 = whole file
    column: int = 0  # 1-based; 0 = whole line
    path: str = ""  # YAML path, e.g. ``spec.template.metadata.annotations``
    hint: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)

    def to_dict(self, exclude: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return {k: v for k, v in data.items() if k not in exclude}

    def model_dump(self, mode: str = "json", exclude: set[str] | None = None) -> dict[str, Any]:
        """The same dict as ``to_dict`` (kept for callers written against the pydantic API)."""
        del mode
        return self.to_dict(exclude or frozenset())
