"""``k8snet-convert rule ID`` and ``rule --all``: a rule of the catalogue explained (ruff's ``ruff rule``).

The text is the catalogue's (rules.py), the same that SARIF's rule descriptors and docs/reports.md
carry: what the rule means, why it matters and how to fix it, then how to suppress it.
"""

from __future__ import annotations

import difflib
import shutil
import textwrap
from collections.abc import Iterable

from .errors import UsageError
from .rules import RULES, Rule, Stage

# Which commands report a rule, by stage; the rules of the run itself are listed by id.
_REPORTED_BY = {
    Stage.INPUT: "every command that reads files",
    Stage.CHECK: "lint, convert and check",
    Stage.CONVERT: "convert and check",
}
_REPORTED_BY_RULE = {
    "would-convert": "check and convert --check",
    "flag-ignored": "convert and check",
}


def explain(rule: Rule, width: int) -> str:
    """One rule, as ``k8snet-convert rule ID`` prints it."""
    wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="  ")
    reported = _REPORTED_BY_RULE.get(rule.id, _REPORTED_BY[rule.stage])
    comment = f"# k8snet-convert: ignore[{rule.id}]"
    parts = [
        f"{rule.id}: {rule.summary}",
        "",
        wrap.fill(f"Severity: {rule.severity.value} (the usual one). Reported by: {reported}."),
        "",
        wrap.fill(rule.help),
        "",
        wrap.fill(
            "Suppress it with this comment at the end of the line the finding points at, or on a line "
            "of its own for the whole YAML document (JSON files have no comments); suppressed findings "
            "leave every output and the exit code, and the summary counts them:"
        ),
        "",
        f"      {comment}",
    ]
    return "\n".join(parts) + "\n"


def render(ids: Iterable[str], width: int | None = None) -> str:
    """The explanation of each of ``ids``; a usage error names an unknown one and the closest ids."""
    columns = width or min(shutil.get_terminal_size((80, 24)).columns, 100)
    texts = []
    for rule_id in ids:
        rule = RULES.get(rule_id)
        if rule is None:
            close = difflib.get_close_matches(rule_id, list(RULES), n=3, cutoff=0.5)
            guess = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise UsageError(f"unknown rule {rule_id!r}{guess} (k8snet-convert rule --all lists every rule)")
        texts.append(explain(rule, columns))
    return "\n".join(texts)


def all_ids() -> list[str]:
    """Every rule id, in the order of docs/reports.md's catalogue (by stage, then id)."""
    order = list(Stage)
    return [r.id for r in sorted(RULES.values(), key=lambda r: (order.index(r.stage), r.id))]


def complete(incomplete: str) -> list[str]:
    """Shell completion of a rule id."""
    return [rule_id for rule_id in sorted(RULES) if rule_id.startswith(incomplete)]
