"""What every command line shares, without Typer: options from flags and configuration, running and
reporting, and the mapping of errors to the exit codes of SPEC §7 (with a crash log for bugs).

``entry.main`` runs ``check FILE...`` and ``convert PATHS`` with on/off flags through here directly:
Typer and the command definitions cost more to import than checking a file without networking
content costs in all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__, config
from .errors import ConvertError, UsageError
from .options import (
    AnnotationStyle,
    AttachmentParams,
    DraApiVersion,
    Options,
    OutputMode,
    Profile,
    Target,
)

# Stable exit codes (SPEC §7); run.py defines the same names for the core.
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 3, 4


def parse_size(text: str) -> int:
    """``16M`` -> 16777216; plain digits are bytes."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    value = text.strip().lower().removesuffix("ib").removesuffix("b")
    factor = units.get(value[-1:], 1) if value else 1
    digits = value[:-1] if value[-1:] in units else value
    if not digits.isdigit() or int(digits) <= 0:
        raise UsageError(f"--max-file-size: {text!r} is not a size (e.g. 16M, 500K, 1048576)")
    return int(digits) * factor


def build_options(inputs: list[str], flags: dict[str, Any]) -> Options:
    """Flags over the project configuration (nearest to the first input) over defaults."""
    found = config.for_inputs(inputs)
    settings = config.load(found) if found else {}
    merged: dict[str, Any] = {}
    for key, value in settings.items():
        merged[key.replace("-", "_")] = value
    for key, value in flags.items():
        if value is not None and value != ():
            merged[key] = value
    for key in ("exclude", "values_files"):
        if key in merged:
            merged[key] = tuple(merged[key])
    if "inventory" in settings and found is not None:
        # Paths of the configuration are relative to its own folder, wherever the run starts.
        merged["inventory"] = tuple(str(found.parent / path) for path in settings["inventory"])
    merged.pop("report_format", None)
    merged["given"] = frozenset(merged) - {"mode", "output_dir", "sources"}
    try:
        if "to" in merged:
            merged["to"] = Target(merged["to"])
        if "profile" in merged:
            merged["profile"] = Profile(merged["profile"])
        if "attachment_params" in merged:
            merged["attachment_params"] = AttachmentParams(merged["attachment_params"])
        if "annotation_style" in merged:
            merged["annotation_style"] = AnnotationStyle(merged["annotation_style"])
        if "dra_api_version" in merged:
            merged["dra_api_version"] = DraApiVersion(merged["dra_api_version"])
    except ValueError as exc:
        where = f" (from {found})" if found else ""
        raise UsageError(f"{exc}{where}") from None
    from .model.names import check_template

    options = Options(**merged)
    problem = check_template(options.name_template)
    if problem:
        raise UsageError(problem)
    if options.verify_helm:  # before any work: the proof needs Helm's engine (the helm extra)
        from .integrations.helm.verify import require

        require()
    return options


def finish(
    command: str, inputs: list[str], options: Options, report: Path | None, report_format: str | None
) -> int:
    from . import report as reports
    from .run import run

    if report is not None:  # a wrong --report-format is a usage error before any work
        reports.format_for(report, report_format or config.report_format(inputs))
    outcome = run(inputs, options)
    code = outcome.exit_code(options)
    summary = reports.Summary(
        command=command,
        files_scanned=outcome.files_seen,
        files_changed=len(outcome.changed),
        exit_code=code,
        mode=options.mode.value,
        changed=tuple(reports.ChangedFile(d, outcome.changed_lines.get(d, 0)) for d in outcome.changed),
        inputs=tuple(inputs),
        options=options,
    )
    shown = outcome.findings
    if options.quiet:
        shown = [f for f in shown if f.severity.value == "error"]
    if not options.quiet or shown or (options.mode is OutputMode.CHECK and outcome.changed):
        sys.stderr.write(reports.stderr_text(shown, summary))
    if report is not None:
        reports.write_report(report, report_format or config.report_format(inputs), outcome.findings, summary)
    return code


def run_convert(
    paths: list[str],
    *,
    write: bool = False,
    diff: bool = False,
    check: bool = False,
    output_dir: Path | None = None,
    report: Path | None = None,
    report_format: str | None = None,
    flags: dict[str, Any],
) -> int:
    """``convert``: one output mode, the other flags over the project configuration, then the run."""
    modes = [
        m
        for m, on in (
            (OutputMode.WRITE, write),
            (OutputMode.DIFF, diff),
            (OutputMode.CHECK, check),
            (OutputMode.OUTPUT_DIR, output_dir is not None),
        )
        if on
    ]
    if len(modes) > 1:
        raise UsageError("choose one of --write, --diff, --check, --output-dir")
    mode = modes[0] if modes else OutputMode.STDOUT
    options = build_options(paths, {**flags, "mode": mode, "output_dir": output_dir})
    if "-" in paths and options.mode in (OutputMode.WRITE, OutputMode.OUTPUT_DIR):
        raise UsageError("stdin (-) cannot be combined with --write or --output-dir")
    return finish("convert", paths, options, report, report_format)


def check_options(paths: list[str], quiet: bool | None = None, exclude: tuple[str, ...] = ()) -> Options:
    """The options of ``check`` (= convert --check --to native), over the project configuration."""
    # Multus-era networking only (and the KEP revision the configuration asks for): DRA is where
    # networking went after the KEP, never something a pre-commit hook should undo.
    return build_options(
        paths,
        {
            "mode": OutputMode.CHECK,
            "to": Target.NATIVE,
            "exclude": exclude,
            "quiet": quiet,
            "sources": ("multus", "native"),
        },
    )


def guarded(invoke: Callable[[], int]) -> int:
    """Run a command; user errors, bugs and Ctrl-C become exit codes and one clear line on stderr."""
    try:
        return invoke()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return 130
    except UsageError as exc:
        sys.stderr.write(f"k8snet-convert: {exc}\n")
        return EXIT_USAGE
    except ConvertError as exc:
        sys.stderr.write(f"k8snet-convert: {exc.message}\n")
        if exc.hint:
            sys.stderr.write(f"hint: {exc.hint}\n")
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # a bug: say where the crash report is
        path = _crash_log()
        sys.stderr.write(f"k8snet-convert: internal error; the crash report is in {path}\n")
        return EXIT_INTERNAL


def _crash_log() -> str:
    import tempfile  # only when something went wrong: not on every run's start-up
    import traceback

    fd, path = tempfile.mkstemp(prefix="k8snet-convert-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"k8snet-convert {__version__}\nargv: {sys.argv!r}\n\n")
        handle.write(traceback.format_exc())
    return path
