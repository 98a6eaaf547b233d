"""Report formats behind one small interface: ``render(findings, summary) -> str``.

Each format is one module, ``<format>_report.py``, with a ``render`` function, imported only when
that format is asked for (pip-audit's habit): a plain run never imports the SARIF or JUnit code.
``text`` is what people read on stderr; ``github`` adds workflow annotations to it on GitHub Actions.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..errors import UsageError
from ..findings import Finding
from ..options import Options

# Under ``check``, each file that would change is an error finding of this rule, made with the other
# findings (verdict.py): reports render it like any other, so every format counts the same list.
from ..verdict import WOULD_CONVERT as WOULD_CONVERT


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    GITHUB = "github"


@dataclass(frozen=True)
class ChangedFile:
    """A file that a run changed (or, under ``check``, would change), and its first changed line."""

    file: str
    line: int = 0


@dataclass(frozen=True)
class Summary:
    command: str
    files_scanned: int
    files_changed: int
    exit_code: int
    mode: str
    # Optional context; reports that lack it simply say less.
    changed: tuple[ChangedFile, ...] = ()
    suppressed: int = 0  # findings hidden by ``# k8snet-convert: ignore[...]`` comments
    inputs: tuple[str, ...] = ()  # what the run was given: the markdown report draws their networks
    options: Options | None = None
    quiet: bool = False  # --quiet: the text format lists only errors (its counts stay those of every finding)
    configuration: str | None = None  # the project configuration file the run used


# ``.sarif.json`` is common for SARIF (GitHub's upload action takes any name): the double suffix wins.
_BY_SUFFIX: dict[str, ReportFormat] = {
    ".sarif": ReportFormat.SARIF,
    ".json": ReportFormat.JSON,
    ".xml": ReportFormat.JUNIT,
    ".md": ReportFormat.MARKDOWN,
    ".markdown": ReportFormat.MARKDOWN,
    ".txt": ReportFormat.TEXT,
}


def format_for(path: Path, explicit: str | None, where: str = "") -> ReportFormat:
    """``--report-format`` when given, else by the report file's extension (text when unknown).

    ``where`` prefixes the error of a wrong ``explicit`` value: the configuration file it came from."""
    if explicit:
        try:
            return ReportFormat(explicit.lower())
        except ValueError:
            choices = ", ".join(f.value for f in ReportFormat)
            raise UsageError(f"{where}unknown report format {explicit!r} (choose from {choices})") from None
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-2:] == [".sarif", ".json"]:
        return ReportFormat.SARIF
    return _BY_SUFFIX.get(path.suffix.lower(), ReportFormat.TEXT)


def fix_command(files: list[str], summary: Summary | None = None) -> str:
    """The command that converts ``files`` in place (with the run's ``--to`` when not native)."""
    from ..verdict import fix_command as command

    options = summary.options if summary is not None else None
    return command(files, options.to) if options is not None else command(files)


def render(fmt: ReportFormat, findings: list[Finding], summary: Summary) -> str:
    module = importlib.import_module(f"{__name__}.{fmt.value}_report")
    text: str = module.render(findings, summary)
    return text


def on_github_actions(env: Mapping[str, str] | None = None) -> bool:
    return (env if env is not None else os.environ).get("GITHUB_ACTIONS") == "true"


def stderr_text(findings: list[Finding], summary: Summary, env: Mapping[str, str] | None = None) -> str:
    """What a run prints on stderr for people, plus workflow annotations on GitHub Actions.

    The runner turns ``::error file=...`` lines into annotations on the pull request's diff and hides
    them from the log, so the readable text stays too.
    """
    text = render(ReportFormat.TEXT, findings, summary)
    if on_github_actions(env):
        text += render(ReportFormat.GITHUB, findings, summary)
    return text


def write_report(path: Path, explicit: str | None, findings: list[Finding], summary: Summary) -> None:
    """``--report FILE``: always written, also for a clean run (CI uploads it); atomically, never
    through a link (its path was checked before the run: files.check_report_path)."""
    from ..files import write_atomic

    fmt = format_for(path, explicit)
    content = render(fmt, findings, summary)
    try:
        write_atomic(path, content.encode("utf-8"), create=True)
    except OSError as exc:
        raise UsageError(f"cannot write the report {path}: {exc.strerror or exc}") from None
