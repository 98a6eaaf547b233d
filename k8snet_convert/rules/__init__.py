"""The catalogue of finding rules: every rule id the tool emits, with its default severity and help.

SARIF's ``tool.driver.rules``, the documentation's rule table and ``lint`` (which rules it reports)
all read this one table, so a rule is described in exactly one place. ``tests/test_rules.py`` fails
when the code emits a rule id that is not catalogued here. The table is kept in a module per area.
"""

from __future__ import annotations

from ..findings import Severity
from . import conversion, devices, networks, reading
from .rule import Rule, Stage

__all__ = ["RULES", "Rule", "Stage", "get", "markdown_table"]

RULES: dict[str, Rule] = {
    rule.id: rule for part in (reading, networks, conversion, devices) for rule in part.RULES
}


def get(rule_id: str) -> Rule:
    """The catalogued rule, or a neutral description for an id that is not (yet) catalogued.

    Reports must never crash on a rule id; the catalogue test is what keeps the table complete.
    """
    found = RULES.get(rule_id)
    if found is not None:
        return found
    return Rule(rule_id, Severity.WARNING, Stage.CHECK, rule_id, "See the message of the finding.")


def markdown_table() -> str:
    """The catalogue as the table in docs/reports.md (regenerate it from here, never by hand)."""
    lines = ["| rule | default severity | stage | what it means |", "|---|---|---|---|"]
    for rule in sorted(RULES.values(), key=lambda r: (list(Stage).index(r.stage), r.id)):
        text = f"**{rule.summary}.** {rule.help}".replace("|", "\\|")
        lines.append(f"| `{rule.id}` | {rule.severity.value} | {rule.stage.value} | {text} |")
    return "\n".join(lines) + "\n"
