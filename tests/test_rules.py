"""The rule catalogue is complete: every rule id the code or the golden fixtures use is described."""

from __future__ import annotations

import ast
import json
import re

import pytest

from k8snet_convert import rules
from k8snet_convert.findings import Severity

from .conftest import FIXTURES, ROOT

PACKAGE = ROOT / "k8snet_convert"
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
# Helpers that take the rule id as their first argument (ctx.report, a writer's error/finding...).
REPORTERS = {"report", "error", "finding", "warn", "warning", "info"}


def _is_severity(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Severity"
    )


def rule_ids_in_source(tree: ast.Module) -> set[str]:
    """Rule ids in one module: ``rule="x"``, ``("x", Severity.Y, ...)``, ``report("x", ...)`` and
    ``error(entry, "x", ...)``, ``rule: str = "x"`` defaults (ConvertError subclasses), and module
    constants (``UNSUPPORTED = "x"``) used in any of those places."""
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def string(node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found |= {string(k.value) or "" for k in node.keywords if k.arg == "rule" and string(k.value)}
            for before, arg in zip(node.args, node.args[1:], strict=False):
                if _is_severity(arg) and string(before):
                    found.add(string(before) or "")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in REPORTERS:  # the id comes first, or second after the node it is about
                found |= {t for t in map(string, node.args[:2]) if t and RULE_ID.match(t)}
        elif isinstance(node, ast.FunctionDef):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = [
                *zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True),
                *zip(args.kwonlyargs, args.kw_defaults, strict=True),
            ]
            found |= {string(d) or "" for a, d in pairs if a.arg == "rule" and string(d)}
    return found


def source_rule_ids() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for rule_id in rule_ids_in_source(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(rule_id, []).append(str(path.relative_to(ROOT)))
    return found


def fixture_rule_ids() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(FIXTURES.glob("*/expected.findings.json")):
        for finding in json.loads(path.read_text(encoding="utf-8")):
            found.setdefault(finding["rule"], []).append(path.parent.name)
    return found


def test_the_scanner_finds_rules_in_every_style() -> None:
    """Guards the guard: each way the code base names a rule is recognised."""
    sample = ast.parse(
        "ctx.report('host-network', Severity.ERROR, 'm')\n"
        "Finding(rule='unreadable-file', severity=Severity.ERROR, message='m')\n"
        "self.error('duplicate-network', 'm')\n"
        "self.warn(entry, 'gateway-family', 'a message')\n"
        "def f(m, line, rule: str = 'invalid-yaml'): ...\n"
        "class E(Exception):\n"
        "    def __init__(self, m, *, rule: str = 'invalid-input'): ...\n"
        "RULE = 'roundtrip-mismatch'\n"
        "ctx.report(RULE, Severity.ERROR, 'm')\n"
        "print('not-a-rule', 'x')\n"
    )
    assert rule_ids_in_source(sample) == {
        "host-network",
        "unreadable-file",
        "duplicate-network",
        "gateway-family",
        "invalid-yaml",
        "invalid-input",
        "roundtrip-mismatch",
    }
    assert {"duplicate-interface", "invalid-yaml", "templated-file", "nad-not-found"} <= set(
        source_rule_ids()
    )


def test_every_rule_in_the_source_is_catalogued() -> None:
    missing = {r: where for r, where in source_rule_ids().items() if r not in rules.RULES}
    assert missing == {}


def test_every_rule_in_the_golden_fixtures_is_catalogued() -> None:
    found = fixture_rule_ids()
    assert len(found) >= 20
    assert {r: where for r, where in found.items() if r not in rules.RULES} == {}


@pytest.mark.parametrize("rule", list(rules.RULES.values()), ids=list(rules.RULES))
def test_catalogue_entry_is_well_formed(rule: rules.Rule) -> None:
    assert RULE_ID.match(rule.id)
    assert rule.summary and not rule.summary.endswith(".")
    assert len(rule.summary) <= 100
    assert rule.help.endswith(".") and len(rule.help) >= 40
    assert "  " not in rule.help and "\n" not in rule.help
    assert isinstance(rule.severity, Severity)


def test_lint_reports_exactly_the_rules_that_are_not_conversion_decisions() -> None:
    linted = {r.id for r in rules.RULES.values() if r.linted}
    assert "duplicate-interface" in linted and "no-nad-reference" in linted
    assert "cluster-wide-network" not in linted and "attachment-params-moved" not in linted


def test_unknown_rule_ids_get_a_neutral_entry() -> None:
    rule = rules.get("from-the-future")
    assert (rule.id, rule.severity, rule.linted) == ("from-the-future", Severity.WARNING, True)


def test_docs_list_every_rule() -> None:
    """docs/reports.md's catalogue table has a row per rule, with its severity."""
    text = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning|info) \|", text, re.MULTILINE))
    assert rows == {r.id: r.severity.value for r in rules.RULES.values()}
