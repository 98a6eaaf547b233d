"""Project configuration (SPEC §7): ``[tool.k8snet-convert]`` in pyproject.toml or ``.k8snet-convert.yaml``.

Found by walking up from an input, like yamllint and ruff do, so pre-commit, CI and manual runs agree;
the walk stops at the repository root (the first folder holding ``.git``, a folder or a file, as ruff
and pre-commit see a repository), or at the home folder when no repository is on the way: a file above
the checkout (a shared CI workspace, a planted ``/tmp/.k8snet-convert.yaml``) never configures a run.
Flags override it; it overrides the defaults. It is read like a manifest: bounded in size, through the
guarded YAML reader (an alias bomb is a usage error, not minutes of work).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import ConvertError, UsageError

CONFIG_FILE = ".k8snet-convert.yaml"

# Option name (as in the file, dashes or underscores) -> how to read its value.
_STRINGS = {
    "to",
    "profile",
    "api-version",
    "provider",
    "name-template",
    "attachment-params",
    "annotation-style",
    "multus-namespace",
    "namespace",
    "report-format",
    "device-class",
    "dra-api-version",
    "devices",
}
_BOOLS = {
    "implicit-interfaces",
    "strict",
    "inject-resources",
    "verify-roundtrip",
    "quiet",
    "emit-device-class",
    "drop-nads",
    "verify-helm",
    "respect-gitignore",
}
_INTS = {"jobs", "max-file-size"}
_LISTS = {"exclude", "inventory", "values-files"}
KNOWN = _STRINGS | _BOOLS | _INTS | _LISTS


def find(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (a file or folder), no higher than the
    repository root, or the home folder outside a repository."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    home = _home()
    for current in (folder, *folder.parents):
        candidate = current / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = current / "pyproject.toml"
        if pyproject.is_file() and _pyproject_section(pyproject) is not None:
            return pyproject
        if os.path.lexists(current / ".git") or current == home:
            return None
    return None


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, OSError):  # no home folder known
        return None


def for_inputs(inputs: list[str]) -> Path | None:
    """The configuration file of a run: the nearest to its first input (the working folder for stdin)."""
    start = Path(inputs[0]) if inputs and inputs[0] != "-" else Path.cwd()
    return find(start) if start.exists() else None


def report_format(inputs: list[str]) -> str | None:
    """The configured ``report-format`` of a run, if any."""
    found = for_inputs(inputs)
    value = load(found).get("report-format") if found else None
    return str(value) if value else None


def _pyproject_section(path: Path) -> dict[str, Any] | None:
    import tomllib

    from .files import read_file

    try:
        raw = read_file(path)
        if b"k8snet-convert" not in raw:  # most pyproject files: no TOML parse needed
            return None
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:  # as for .k8snet-convert.yaml: a usage error, never ignored
        raise UsageError(f"{path}:{_toml_position(exc)}: not valid TOML: {_toml_problem(exc)}") from None
    section = data.get("tool", {}).get("k8snet-convert")
    return section if isinstance(section, dict) else None


def _toml_position(exc: Exception) -> str:
    """``line:column`` of a TOML error (tomllib says it in the message before Python 3.14)."""
    import re

    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(match[1]), int(match[2])) if match else (1, 1)
    return f"{line}:{column}"


def _toml_problem(exc: Exception) -> str:
    import re

    where = r"\s*\(at (line \d+, column \d+|end of document)\)"
    return str(getattr(exc, "msg", None) or re.sub(where, "", str(exc)))


def _yaml_problem(path: Path, exc: Exception) -> str:
    """``path:line:column: problem`` of a YAML error (PyYAML's marks are 0-based)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    text = " ".join(str(part) for part in (context, problem) if part) or str(exc)
    return f"{where}: not valid YAML: {text}"


# How each kind of value is named in messages.
_KIND_WORDS = {bool: "true or false", int: "a whole number", list: "a list of strings", str: "a string"}


def load(path: Path) -> dict[str, Any]:
    """The settings of one configuration file, keys normalised to dashes, values type-checked."""
    if path.name == "pyproject.toml":
        raw: Any = _pyproject_section(path) or {}
    else:
        raw = _yaml_settings(path)
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: the configuration must be a mapping of option names to values")
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("_", "-")
        if name not in KNOWN:
            import difflib

            close = difflib.get_close_matches(name, sorted(KNOWN), n=1)
            guess = f"did you mean {close[0]!r}? " if close else ""
            raise UsageError(
                f"{path}: unknown option {key!r}; {guess}known options: {', '.join(sorted(KNOWN))}"
            )
        expected: type
        if name in _BOOLS:
            expected = bool
        elif name in _INTS:
            expected = int
        elif name in _LISTS:
            expected = list
        else:
            expected = str
        wrong = not isinstance(value, expected) or (name in _INTS and isinstance(value, bool))
        if wrong or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            raise UsageError(f"{path}: option {key!r} must be {_KIND_WORDS[expected]}, not {value!r}")
        if isinstance(value, list):
            value = tuple(value)
        settings[name] = value
    return settings


def _yaml_settings(path: Path) -> Any:
    """``.k8snet-convert.yaml`` as plain data, read like a manifest (size limit, alias bombs, depth)."""
    import yaml

    from .files import read_file
    from .manifests.plain import data
    from .manifests.source import decode

    try:
        return data(decode(read_file(path)).text) or {}
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from None
    except ConvertError as exc:  # a syntax error (file:line:column, as for TOML) or a guard's refusal
        if exc.rule == "invalid-yaml" and exc.line:
            raise UsageError(f"{path}:{exc.line}:{exc.column}: not valid YAML: {exc.message}") from None
        where = f" (line {exc.line})" if exc.line else ""
        raise UsageError(f"{path}: cannot read the configuration{where}: {exc.message}") from None
    except (TypeError, RecursionError, yaml.YAMLError) as exc:  # a list as a key, a bad !!binary...
        raise UsageError(f"{path}: cannot read the configuration: {exc}") from None
