"""What a rule is: its id, usual severity, stage, summary and help."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..findings import Severity


class Stage(StrEnum):
    """When a rule fires.

    ``input``: reading a file (it cannot be read at all); ``check``: a property of the manifests,
    reported by both ``lint`` and ``convert``; ``convert``: a decision or limit of one conversion
    (what was moved, dropped or added), which ``lint`` does not report because nothing is converted.
    """

    INPUT = "input"
    CHECK = "check"
    CONVERT = "convert"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the usual severity; a few rules vary it per case (the message says why)
    stage: Stage
    summary: str  # one line, no final period
    help: str  # what it means and what to do

    @property
    def linted(self) -> bool:
        return self.stage is not Stage.CONVERT


def _rule(rule_id: str, severity: Severity, stage: Stage, summary: str, help_text: str) -> Rule:
    return Rule(rule_id, severity, stage, summary, " ".join(help_text.split()))


ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_INPUT, _CHECK, _CONVERT = Stage.INPUT, Stage.CHECK, Stage.CONVERT

__all__ = ["ERR", "INFO", "WARN", "_CHECK", "_CONVERT", "_INPUT", "Rule", "Stage", "_rule"]
