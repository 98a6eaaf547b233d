"""``lint``: every finding rule of SPEC §4.7 on Multus and native manifests, without converting.

Each dialect contributes one checker, ``check(ctx, result)``, run on every file that parses. Checkers
report through ``ctx.report`` and record cross-file facts (NADs defined and used) on the FileResult;
the cross-file checks run once all files are read, then suppression comments are applied per file.

To add a dialect, write ``lint/<dialect>.py`` with a ``check`` function and append it to
``CHECKERS`` below; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import rules, suppress
from ..context import FileContext
from ..findings import Finding, Severity
from ..options import Options
from ..results import FileResult, cross_file_findings, unreadable_folder_findings
from . import dra, multus, native
from .source import load, read_inputs, symlink_findings

Checker = Callable[[FileContext, FileResult], None]

# The seam for more dialects; dra: claims and templates of the CNI DRA driver and pod resourceClaims.
CHECKERS: tuple[Checker, ...] = (multus.check, native.check, dra.check)

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_UNREADABLE = 2


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    files_seen: int = 0

    @property
    def unreadable(self) -> list[Finding]:
        """Files that could not be read or parsed at all (exit 2: nothing in them was checked)."""
        return [
            f
            for f in self.findings
            if f.severity is Severity.ERROR and rules.get(f.rule).stage is rules.Stage.INPUT
        ]

    def exit_code(self, strict: bool) -> int:
        if self.unreadable:
            return EXIT_UNREADABLE
        failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return EXIT_FOUND if any(f.severity in failing for f in self.findings) else EXIT_OK


def lint_paths(inputs: list[str], options: Options, checkers: tuple[Checker, ...] = CHECKERS) -> LintResult:
    # The checks themselves never escalate: --strict decides the exit code, not the severities.
    check_options = replace(options, strict=False)
    outcome = LintResult()
    results: list[FileResult] = []
    tables: dict[str, suppress.Suppressions] = {}
    skipped: list[Path] = []
    unlisted: list[tuple[str, str]] = []
    for result in read_inputs(inputs, options, skipped, unlisted):
        outcome.files_seen += 1
        results.append(result)
        if not result.findings:
            table = _check_file(result, check_options, checkers)
            if table is not None:
                tables[result.display] = table
        result.original = b""  # only the findings and the cross-file facts are kept
    every = symlink_findings(skipped, "check") + unreadable_folder_findings(unlisted)
    every += [f for r in results for f in r.findings]
    every += cross_file_findings(results)
    for finding in _unique(every):
        if not rules.get(finding.rule).linted:
            continue
        table = tables.get(finding.file)
        if table is not None and table.covers(finding):
            outcome.suppressed.append(finding)
        else:
            outcome.findings.append(finding)
    outcome.findings.sort(key=Finding.sort_key)
    return outcome


def _check_file(
    result: FileResult, options: Options, checkers: tuple[Checker, ...]
) -> suppress.Suppressions | None:
    """Run every checker on one file; its suppression comments (None for JSON or unparsed files)."""
    try:
        ctx = load(result, options, charts=True)
        if ctx is None:
            return None
        for checker in checkers:
            checker(ctx, result)
    except RecursionError:  # as convert does: a pathological file is reported, the run goes on
        result.findings.append(
            Finding(
                rule="too-deep",
                severity=Severity.ERROR,
                message="the document is nested too deeply to be processed",
                file=result.display,
            )
        )
        return None
    result.findings.extend(ctx.findings)
    if ctx.is_json:
        return None
    table = suppress.parse(ctx.text, [d.root for d in ctx.docs], rules.RULES)
    result.findings.extend(suppress.unknown_findings(result.display, table))
    return table


def _unique(findings: list[Finding]) -> list[Finding]:
    """Findings once each: the Multus and native checkers may both see one pod with both forms."""
    seen: set[Finding] = set()
    unique = []
    for finding in findings:
        if finding not in seen:
            seen.add(finding)
            unique.append(finding)
    return unique
