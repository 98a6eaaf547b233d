"""The Python API: convert the text of a manifest without the command line (docs/api.md).

    >>> import k8snet_convert
    >>> result = k8snet_convert.convert_text(text, to="native", profile="kep-3698-rev2")
    >>> result.changed, result.text, [f.rule for f in result.errors]

It is the command line's engine on one text: the same options (every field of ``Options``, by
keyword, checked here), the same findings, suppression comments applied the same way, and the exit
code the command line would give for a file holding the text.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Any

from .findings import Finding, Severity
from .options import Options, Target

__all__ = ["ConversionResult", "convert_text"]

TEXT_NAME = "<text>"  # the file name findings carry when no ``filename`` is given


@dataclass(frozen=True)
class ConversionResult:
    """What converting one text gave."""

    text: str  # the converted text; the input itself when nothing changes or the conversion failed
    original: str
    findings: tuple[Finding, ...]  # sorted by line; suppressed ones left out
    suppressed: tuple[Finding, ...] = ()  # hidden by ``# k8snet-convert: ignore[...]`` comments
    # files the conversion adds beside the text (a kustomization's namespace configuration): path, text
    created: tuple[tuple[str, str], ...] = ()
    exit_code: int = 0  # what the command line would exit with (2 for errors; 1 for work under check)

    @property
    def changed(self) -> bool:
        return self.text != self.original or bool(self.created)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Error findings: when there is one, the text was left as it was."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """No error: the text (converted or not) is what the command line would write."""
        return not self.errors


def convert_text(
    text: str, *, to: Target | str = Target.NATIVE, filename: str | None = None, **options: Any
) -> ConversionResult:
    """Convert the manifests in ``text`` (YAML or JSON, one or many documents) to ``to``.

    ``options`` are the fields of ``Options`` by keyword (``profile="kep-3698-rev2"``,
    ``attachment_params="annotation"``, ``strict=True``...): enum values as their strings or members.
    A keyword that is not an option is a TypeError; a wrong value a TypeError (wrong type) or a
    ValueError (not one of the choices). Nothing is written anywhere: ``mode="check"`` adds the
    ``would-convert`` finding that ``check`` reports (and skips re-parsing the result); the other modes
    give the same text.

    ``filename`` names the text in findings and stands for its path: ``.json`` keeps JSON output,
    and a chart's ``templates/`` file or a kustomization is treated as such (files beside it on disk
    are read as for that path). Without it the text is like stdin.
    """
    if not isinstance(text, str):
        raise TypeError(f"convert_text() expects the manifest as str, not {type(text).__name__}")
    settings = _options({"to": to, **options})
    from . import pipeline
    from .results import cross_file_findings, too_deep
    from .verdict import judge

    display = filename or TEXT_NAME
    path = Path(filename) if filename else None
    data = text.encode("utf-8")
    try:
        result = pipeline.convert_file(display, path, data, settings)
    except RecursionError:  # as the command line does: a pathological text is a finding
        result = too_deep(display, path, data, "the text is left as it was")
    suppressions = {display: result.suppressions} if result.suppressions is not None else {}
    verdict = judge([*result.findings, *cross_file_findings([result])], suppressions, settings)
    new = result.new if result.new is not None and not result.failed else None
    return ConversionResult(
        text=_decode(new) if new is not None else text,
        original=text,
        findings=tuple(verdict.findings),
        suppressed=tuple(verdict.suppressed),
        created=tuple((p.as_posix(), _decode(d)) for p, d in result.created),
        exit_code=verdict.exit_code,
    )


def _decode(data: bytes) -> str:
    from .manifests.source import decode

    return decode(data).text


def _options(given: Mapping[str, Any]) -> Options:
    """``Options`` from keywords, each checked against the field's type."""
    hints = typing.get_type_hints(Options)
    # ``given`` is not an option but a record of them: the keywords passed (a normalisation within one
    # dialect happens only when asked for, as on the command line).
    known = {f.name for f in fields(Options)} - {"given"}
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in known:
            raise TypeError(
                f"convert_text() got an unexpected keyword argument {name!r} "
                f"(options: {', '.join(sorted(known - {'to'}))})"
            )
        values[name] = _value(name, value, hints[name])
    for name in ("jobs", "max_file_size"):
        if values.get(name) is not None and values[name] < 1:
            raise ValueError(f"{name} must be at least 1, not {values[name]}")
    options = Options(**values, given=frozenset(values) - {"to"})
    from .model.names import check_template

    problem = check_template(options.name_template)
    if problem:
        raise ValueError(problem)
    return options


def _value(name: str, value: Any, hint: Any) -> Any:
    """``value`` as option ``name`` (of type ``hint``) takes it; TypeError or ValueError if it cannot."""
    optional = isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)
    if value is None and optional:
        return None
    kind = next(k for k in typing.get_args(hint) if k is not type(None)) if optional else hint
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(str(member.value) for member in kind)
            raise ValueError(f"{name}={value!r} is not one of: {choices}") from None
    if kind is Path:
        if isinstance(value, str | Path):
            return Path(value)
    elif typing.get_origin(kind) is tuple:  # exclude: globs
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise TypeError(f"{name} must be a list of strings, not {value!r}")
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, kind):
        return value
    raise TypeError(f"{name} must be {getattr(kind, '__name__', kind)}, not {type(value).__name__}")
