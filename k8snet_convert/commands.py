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
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import config, files
from .errors import ConvertError, OutputClosed, UsageError
from .escape import visible
from .findings import Finding, Severity
from .options import (
    AnnotationStyle,
    AttachmentParams,
    Devices,
    DraApiVersion,
    Options,
    OutputMode,
    Profile,
    Target,
    check_devices_target,
)

# Stable exit codes (SPEC §7); run.py defines the same names for the core.
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 3, 4
EXIT_BROKEN_PIPE = 128 + 13  # 128 + SIGPIPE: what a shell reports for `yes | head -1`'s yes


def parse_size(text: str) -> int:
    """``16M`` -> 16777216; plain digits are bytes."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    value = text.strip().lower().removesuffix("ib").removesuffix("b")
    factor = units.get(value[-1:], 1) if value else 1
    digits = value[:-1] if value[-1:] in units else value
    if not digits.isdigit() or int(digits) <= 0:
        raise UsageError(f"--max-file-size: {text!r} is not a size (e.g. 16M, 500K, 1048576)")
    return int(digits) * factor


# Options whose values are names from a fixed set, and the enum of each.
_CHOICES: dict[str, type[StrEnum]] = {
    "to": Target,
    "profile": Profile,
    "attachment_params": AttachmentParams,
    "annotation_style": AnnotationStyle,
    "dra_api_version": DraApiVersion,
    "devices": Devices,
}


def build_options(inputs: list[str], flags: dict[str, Any], notes: list[Finding] | None = None) -> Options:
    """Flags over the project configuration (nearest to the first input) over defaults.

    Every value is checked here, before any file is read: a wrong one is a usage error that names
    where it came from and lists the valid values. With ``notes``, a ``flag-ignored`` warning is added
    there for each option given (flag or configuration) that does nothing for the target.
    """
    found = config.for_inputs(inputs)
    settings = config.load(found) if found else {}
    merged: dict[str, Any] = {}
    given: dict[str, Path | None] = {}  # option -> the configuration file that set it (None: a flag)
    for key, value in settings.items():
        name = key.replace("-", "_")
        # checked even when a flag overrides it (check's --to): a wrong configuration is always said
        merged[name] = _choice(name, value, _CHOICES[name], found) if name in _CHOICES else value
        given[name] = found
    for key, value in flags.items():
        if value is not None and value != ():
            merged[key] = value
            given[key] = None
    for key in ("exclude", "values_files"):
        if key in merged:
            merged[key] = tuple(merged[key])
    if "inventory" in settings and found is not None:
        # Paths of the configuration are relative to its own folder, wherever the run starts.
        merged["inventory"] = tuple(str(found.parent / path) for path in settings["inventory"])
    report_format = merged.pop("report_format", None)
    if report_format is not None:
        from .report import format_for

        format_for(Path("report"), str(report_format), f"{found}: " if found else "")
    for name, enum in _CHOICES.items():
        if name in merged:
            merged[name] = _choice(name, merged[name], enum, given.get(name))
    if merged.get("devices", Devices.KEEP) is not Devices.KEEP:
        merged.setdefault("to", Target.MULTUS)  # the networks stay Multus: --to multus is implied
        try:
            check_devices_target(merged["devices"], merged["to"])
        except ValueError as exc:
            sources = {given.get("to"), given.get("devices")} - {None}
            raise UsageError(f"{sources.pop()}: {exc}" if sources else str(exc)) from None
    for name in ("jobs", "max_file_size"):
        if merged.get(name) is not None and merged[name] < 1:
            where = f"{given[name]}: " if given.get(name) else ""
            raise UsageError(f"{where}{name.replace('_', '-')} must be at least 1, not {merged[name]}")
    merged["given"] = frozenset(given) - {"mode", "output_dir", "sources"}
    from .model.names import check_template

    options = Options(**merged)
    problem = check_template(options.name_template)
    if problem:
        where = f"{given['name_template']}: " if given.get("name_template") else ""
        raise UsageError(where + problem)
    if options.verify_helm:  # before any work: the proof needs Helm's engine (the helm extra)
        from .integrations.helm.verify import require

        require()
    if notes is not None:
        from .notices import ignored_options

        notes.extend(ignored_options(options, given))
    return options


def _choice(name: str, value: Any, enum: type[StrEnum], source: Path | None) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        where = f"{source}: " if source is not None else ""
        choices = ", ".join(item.value for item in enum)
        raise UsageError(
            f"{where}{name.replace('_', '-')}: {value!r} is not one of the valid values: {choices}"
        ) from None


def finish(
    command: str,
    inputs: list[str],
    options: Options,
    report: Path | None,
    report_format: str | None,
    notes: list[Finding] | None = None,
    verbose: bool = False,
) -> int:
    """Run, then render one list of findings (``verdict.judge``) to stderr and the report; its exit code.

    ``notes``: the run's own findings made before it started (flags that do nothing for the target).
    """
    from . import report as reports
    from .notices import no_manifests
    from .run import Interrupted, run

    found = config.for_inputs(inputs)
    if verbose:
        sys.stderr.write(f"configuration: {visible(str(found)) if found else 'none (defaults)'}\n")
    if report is not None:  # a wrong --report-format or --report path is a usage error before any work
        reports.format_for(report, report_format or config.report_format(inputs))
        files.check_report_path(report, inputs, options.exclude)
    try:
        outcome = run(inputs, options)
    except BrokenPipeError:
        raise OutputClosed from None
    except Interrupted as stop:  # SIGINT, SIGTERM: what was done, and no report (it would be partial)
        sys.stderr.write(stop.message())
        return stop.exit_code
    verdict = outcome.verdict(options, [*(notes or ()), *no_manifests(inputs, outcome.files_seen)])
    summary = reports.Summary(
        command=command,
        files_scanned=outcome.files_seen,
        files_changed=len(outcome.changed),
        exit_code=verdict.exit_code,
        mode=options.mode.value,
        changed=tuple(reports.ChangedFile(d, outcome.changed_lines.get(d, 0)) for d in outcome.changed),
        suppressed=len(verdict.suppressed),
        inputs=tuple(inputs),
        options=options,
        quiet=options.quiet,
        configuration=str(found) if found else None,
    )
    if not options.quiet or verdict.count(Severity.ERROR):
        sys.stderr.write(reports.stderr_text(verdict.findings, summary))
    if report is not None:
        reports.write_report(report, report_format or config.report_format(inputs), verdict.findings, summary)
    return verdict.exit_code


def run_convert(
    paths: list[str],
    *,
    write: bool = False,
    diff: bool = False,
    check: bool = False,
    output_dir: Path | None = None,
    report: Path | None = None,
    report_format: str | None = None,
    verbose: bool = False,
    flags: dict[str, Any],
) -> int:
    """``convert``: one output mode, the other flags over the project configuration, then the run."""
    modes = [
        m
        for m, on in (
            (OutputMode.WRITE, write),
            (OutputMode.DIFF, diff and not check),
            (OutputMode.CHECK, check and not diff),
            (OutputMode.CHECK_DIFF, check and diff),  # black's and ruff's --check --diff
            (OutputMode.OUTPUT_DIR, output_dir is not None),
        )
        if on
    ]
    if len(modes) > 1:
        raise UsageError("choose one of --write, --diff, --check (or --check --diff), --output-dir")
    mode = modes[0] if modes else OutputMode.STDOUT
    notes: list[Finding] = []
    options = build_options(paths, {**flags, "mode": mode, "output_dir": output_dir}, notes)
    if "-" in paths and options.mode in (OutputMode.WRITE, OutputMode.OUTPUT_DIR):
        raise UsageError(
            "stdin (-) cannot be combined with --write or --output-dir: the converted text goes to "
            "stdout (k8snet-convert convert - < in.yaml > out.yaml), or name the file to convert it in place"
        )
    return finish("convert", paths, options, report, report_format, notes, verbose)


def check_options(
    paths: list[str],
    quiet: bool | None = None,
    exclude: tuple[str, ...] = (),
    notes: list[Finding] | None = None,
    flags: dict[str, Any] | None = None,
) -> Options:
    """The options of ``check`` (= convert --check --to native), over the project configuration."""
    return build_options(
        paths,
        {
            **(flags or {}),
            "mode": OutputMode.CHECK,
            "to": Target.NATIVE,
            "exclude": exclude,
            "quiet": quiet,
            # Multus-era networking only (and the KEP revision the configuration asks for): DRA is where
            # networking went after the KEP, never something a pre-commit hook should undo.
            "sources": ("multus", "native"),
            "devices": Devices.KEEP,  # moving devices is a migration of its own, never a check's
        },
        notes,
    )


def run_check(
    paths: list[str],
    quiet: bool | None = None,
    exclude: tuple[str, ...] = (),
    report: Path | None = None,
    report_format: str | None = None,
    flags: dict[str, Any] | None = None,
    verbose: bool = False,
) -> int:
    """``check``: its options (with the notes on options that do nothing), then the run."""
    notes: list[Finding] = []
    options = check_options(paths, quiet, exclude, notes, flags)
    return finish("check", paths, options, report, report_format, notes, verbose)


def guarded(invoke: Callable[[], int]) -> int:
    """Run a command; user errors, bugs and Ctrl-C become exit codes and one clear line on stderr."""
    try:
        code = invoke()
        sys.stdout.flush()  # a reader that closed the pipe is found out here, not at interpreter exit
        return code
    except (BrokenPipeError, OutputClosed):
        # stdout was closed (``convert . | head -1``): the run stops delivering and ends quietly, as
        # the Unix tools that SIGPIPE ends do, with their shell status 128 + SIGPIPE.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return 130
    except UsageError as exc:  # messages name paths and values from the input: escaped
        sys.stderr.write(f"k8snet-convert: {visible(str(exc))}\n")
        return EXIT_USAGE
    except ConvertError as exc:
        sys.stderr.write(f"k8snet-convert: {visible(exc.message)}\n")
        if exc.hint:
            sys.stderr.write(f"hint: {visible(exc.hint)}\n")
        return EXIT_INVALID
    except Exception:  # a bug: say where the crash report is
        path = _crash_log()
        sys.stderr.write(f"k8snet-convert: internal error; the crash report is in {path}\n")
        return EXIT_INTERNAL


def write_stdout(text: str) -> None:
    """Results on stdout; a reader that went away ends the command quietly (see guarded)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise OutputClosed from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null: the interpreter's last flush would otherwise fail again and print
    "Exception ignored ... BrokenPipeError" (the recipe of Python's signal documentation)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file behind sys.stdout (a test's capture)
        pass


def _crash_log() -> str:
    from .crash import write_report

    return write_report(limited=False) or ""
