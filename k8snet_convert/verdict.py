"""One list of findings per run, and what follows from it (SPEC §7: one count in every output).

Every output of a run — the summary on stderr, each report format, the exit code, the Python API's
result — reads the list made here, so they cannot disagree. Two steps:

* ``finish_file``, at the end of one file's conversion (in a worker): the file's suppression comments
  are read while its parsed documents are at hand, and under ``check`` (``--check``) the file that
  would change gets its ``would-convert`` finding, placed at its first Multus-era construct that no
  comment suppresses (``anchors.py``).
* ``judge``, once per run (in the main process): every finding — the files', the run's own (links,
  unreadable folders, cross-file checks, flags that do nothing, no manifests found) — is matched
  against the suppression comments of its file, once; what is left is sorted, and the exit code is
  computed from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .findings import Finding, Severity
from .options import Options, Target

if TYPE_CHECKING:  # the suppression parser needs yaml's node classes: imported when a file has comments
    from .context import FileContext
    from .results import FileResult
    from .suppress import Suppressions

WOULD_CONVERT = "would-convert"
# Every suppression comment holds this; a file without it needs no comment scan.
SUPPRESSION_MARKER = "k8snet-convert:"

EXIT_OK, EXIT_WORK, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 4
INTERNAL_ERROR = "internal-error"  # a bug met on one file: the others went on

_TARGET_WORDS = {
    Target.NATIVE: "native multi-networking",
    Target.DRA: "DRA ResourceClaimTemplates",
    Target.MULTUS: "the Multus annotation",
}


@dataclass
class Verdict:
    """The findings a run reports (suppressed ones apart), and its exit code."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    exit_code: int = EXIT_OK

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def judge(findings: Iterable[Finding], suppressions: Mapping[str, Suppressions], options: Options) -> Verdict:
    """Suppression comments applied once to every finding; the rest sorted; the exit code from it."""
    verdict = Verdict()
    for finding in dict.fromkeys(findings):  # once each, first occurrence's order
        table = suppressions.get(finding.file)
        (verdict.suppressed if table is not None and table.covers(finding) else verdict.findings).append(
            finding
        )
    verdict.findings.sort(key=Finding.sort_key)
    verdict.exit_code = exit_code(verdict.findings, options.strict, options.mode.checks)
    return verdict


def exit_code(findings: Iterable[Finding], strict: bool, checks: bool = False) -> int:
    """SPEC §7: 1 when ``check`` found work (a ``would-convert`` finding, or Multus-era networking left
    for a person: ``results.MIGRATION_LEFT``), 2 for any other error (warnings too under ``--strict``),
    4 when a file met a bug (``internal-error``); the highest wins."""
    from .results import MIGRATION_LEFT

    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    code = EXIT_OK
    for finding in findings:
        if finding.rule == INTERNAL_ERROR:
            return EXIT_INTERNAL
        left = (
            checks and finding.rule in MIGRATION_LEFT and finding.severity is Severity.WARNING and not strict
        )
        if finding.rule == WOULD_CONVERT or left:
            code = max(code, EXIT_WORK)
        elif finding.severity in failing:
            code = EXIT_INVALID
    return code


def finish_file(result: FileResult, ctx: FileContext) -> None:
    """The end of one file's conversion: its suppression comments, and under ``check`` its
    ``would-convert`` finding."""
    table = read_suppressions(result, ctx)
    if ctx.options.mode.checks and result.changed:
        result.findings.append(would_convert(result, ctx, table))


def read_suppressions(result: FileResult, ctx: FileContext) -> Suppressions | None:
    """The file's suppression comments (kept on the result for ``judge``), and a warning for each id
    they name that is not a rule."""
    if ctx.is_json or SUPPRESSION_MARKER not in ctx.text:
        return None
    from . import rules, suppress

    table = suppress.parse(ctx.text, [doc.root for doc in ctx.docs], rules.RULES)
    result.findings.extend(suppress.unknown_findings(result.display, table))
    result.suppressions = table
    return table


def would_convert(result: FileResult, ctx: FileContext, table: Suppressions | None) -> Finding:
    """check's finding for a file that would change, at its first Multus-era construct."""
    from .anchors import multus_constructs

    options = ctx.options
    positions = multus_constructs(ctx.docs, options.to)
    if not positions:  # a kustomization's configuration, a JSON 6902 patch, --to multus
        from .results import first_changed_line

        positions = [(first_changed_line(result.original, result.new or result.original), 0)]
    candidates = [
        Finding(
            rule=WOULD_CONVERT,
            severity=Severity.ERROR,
            # "Multus-era" only where it is the source: check and --to native (dra -> native aside)
            message=f"Multus-era networking: this file would be converted to {_TARGET_WORDS[options.to]}"
            if options.to is Target.NATIVE
            else f"this file would be converted to {_TARGET_WORDS[options.to]}",
            file=result.display,
            line=line,
            column=column,
            hint=fix_hint(result.display if result.path is not None else "-", options.to),
        )
        for line, column in positions
    ]
    # The first construct that no comment suppresses; when all are, the first (and it is suppressed).
    return next((c for c in candidates if table is None or not table.covers(c)), candidates[0])


def fix_command(files: list[str], to: Target = Target.NATIVE) -> str:
    """The command that converts ``files`` in place."""
    import shlex

    target = "" if to is Target.NATIVE else f" --to {to.value}"
    return f"k8snet-convert convert{target} --write " + " ".join(shlex.quote(f) for f in files)


def fix_hint(display: str, to: Target = Target.NATIVE) -> str:
    """``display`` is ``-`` for a text without a file (stdin, the Python API)."""
    if display == "-":  # stdin cannot be written in place: the converted text goes to stdout
        target = "" if to is Target.NATIVE else f" --to {to.value}"
        return f"convert it with: k8snet-convert convert{target} - (prints the converted text)"
    return f"fix with: {fix_command([display], to)}"
