"""CI commands (lint, explain): registered on the main Typer app by cli.py.

Same conventions as cli.py: each command returns its exit code, options go through ``build_options``
(flags over the project configuration over defaults), stdout carries only results (explain's trees),
messages go to stderr. Everything heavy is imported inside the commands.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import config, files
from .cli_args import Exclude, MultusNamespace, Namespace, NoGitignore, Quiet, Report, ReportFormatOption
from .cli_args import PathsArg as Paths
from .escape import visible

if TYPE_CHECKING:
    from .options import Options


class ExplainFormat(StrEnum):
    TEXT = "text"
    MERMAID = "mermaid"


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
    app.command("explain")(explain)


def _options(paths: list[str], flags: dict[str, Any]) -> Options:
    from .commands import build_options

    return build_options(paths, flags)


def lint(
    paths: Paths,
    strict: Annotated[
        bool | None, typer.Option("--strict", help="Warnings fail too (exit 1), not only errors.")
    ] = None,
    namespace: Namespace = None,
    multus_namespace: MultusNamespace = None,
    exclude: Exclude = None,
    no_gitignore: NoGitignore = False,
    report: Report = None,
    report_format: ReportFormatOption = None,
    quiet: Quiet = None,
) -> int:
    """Check Multus and native manifests against every finding rule, without converting.

    Exit 1 when there are errors (warnings too with --strict), 2 when a file cannot be read.

    Silence a finding with the comment "# k8snet-convert: ignore[RULE-ID]" on its line, or on a line
    of its own for the whole document; "k8snet-convert rule RULE-ID" explains a rule.

    \b
    Examples:
      k8snet-convert lint .
      k8snet-convert lint . --strict --report lint.sarif
    """
    from . import report as reports
    from .lint import lint_paths

    flags = {
        "strict": strict,
        "namespace": namespace,
        "multus_namespace": multus_namespace,
        "exclude": tuple(exclude or ()),
        "respect_gitignore": False if no_gitignore else None,
        "quiet": quiet,
    }
    options = _options(paths, flags)
    fmt = report_format or config.report_format(paths)
    if report is not None:  # a bad format or path is a usage error before any work
        reports.format_for(report, fmt)
        files.check_report_path(report, paths, options.exclude)
    outcome = lint_paths(paths, options)
    from .notices import no_manifests

    outcome.findings.extend(no_manifests(paths, outcome.files_seen))
    code = outcome.exit_code(options.strict)
    summary = reports.Summary(
        command="lint",
        files_scanned=outcome.files_seen,
        files_changed=0,
        exit_code=code,
        mode="lint",
        suppressed=len(outcome.suppressed),
        inputs=tuple(paths),
        options=options,
        quiet=options.quiet,
    )
    if not options.quiet or any(f.severity.value == "error" for f in outcome.findings):
        sys.stderr.write(reports.stderr_text(outcome.findings, summary))
    if report is not None:
        reports.write_report(report, fmt, outcome.findings, summary)
    return code


def explain(
    paths: Paths,
    output_format: Annotated[
        ExplainFormat,
        typer.Option(
            "--format",
            help="text: a tree per workload (rich on a terminal, plain otherwise); mermaid: a flowchart.",
        ),
    ] = ExplainFormat.TEXT,
    namespace: Namespace = None,
    multus_namespace: MultusNamespace = None,
    exclude: Exclude = None,
    no_gitignore: NoGitignore = False,
) -> int:
    """Show each workload's networks: interface → network → NAD/PodNetwork → CNI → IPAM.

    NADs, PodNetworks and attachments are looked up among all the inputs. Exit 2 when a file cannot
    be read (the others are still shown).

    \b
    Examples:
      k8snet-convert explain examples/multus-app.yaml
      k8snet-convert explain . --format mermaid > networks.mmd
    """
    from .commands import write_stdout
    from .explain import explain_paths, render_rich, render_text
    from .report.text_report import location

    flags = {
        "namespace": namespace,
        "multus_namespace": multus_namespace,
        "exclude": tuple(exclude or ()),
        "respect_gitignore": False if no_gitignore else None,
    }
    options = _options(paths, flags)
    outcome = explain_paths(paths, options)
    if output_format is ExplainFormat.MERMAID:
        from .report.mermaid import render

        write_stdout(render(outcome.trees))
    elif sys.stdout.isatty():
        render_rich(outcome.trees)
    else:
        write_stdout(render_text(outcome.trees))
    for finding in outcome.findings:
        sys.stderr.write(
            f"{location(finding)}: {finding.severity.value} [{finding.rule}] {visible(finding.message)}\n"
        )
    note = f"{len(outcome.trees)} workload(s) with networks in {outcome.files_seen} file(s)"
    if outcome.without_networks:
        note += f"; {outcome.without_networks} with only the cluster's default network not shown"
    sys.stderr.write(note + "\n")
    return 2 if outcome.findings else 0
