"""Project configuration (SPEC §7): ``[tool.k8snet-convert]`` in pyproject.toml or ``.k8snet-convert.yaml``.

Found by walking up from an input, like yamllint and ruff do, so pre-commit, CI and manual runs agree.
Flags override it; it overrides the defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import UsageError

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
}
_INTS = {"jobs", "max-file-size"}
_LISTS = {"exclude", "inventory", "values-files"}
KNOWN = _STRINGS | _BOOLS | _INTS | _LISTS


def find(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (a file or folder)."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for current in (folder, *folder.parents):
        candidate = current / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = current / "pyproject.toml"
        if pyproject.is_file() and _pyproject_section(pyproject) is not None:
            return pyproject
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

    if b"k8snet-convert" not in path.read_bytes():  # most pyproject files: no TOML parse needed
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):  # TOMLDecodeError is a ValueError
        return None
    section = data.get("tool", {}).get("k8snet-convert")
    return section if isinstance(section, dict) else None


def load(path: Path) -> dict[str, Any]:
    """The settings of one configuration file, keys normalised to dashes, values type-checked."""
    if path.name == "pyproject.toml":
        raw: Any = _pyproject_section(path) or {}
    else:
        import yaml

        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise UsageError(f"{path}: cannot read the configuration: {exc}") from None
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: the configuration must be a mapping of option names to values")
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("_", "-")
        if name not in KNOWN:
            raise UsageError(f"{path}: unknown option {key!r} (known: {', '.join(sorted(KNOWN))})")
        expected: type | tuple[type, ...]
        if name in _BOOLS:
            expected = bool
        elif name in _INTS:
            expected = int
        elif name in _LISTS:
            expected = list
        else:
            expected = str
        if not isinstance(value, expected) or (name in _INTS and isinstance(value, bool)):
            raise UsageError(f"{path}: option {key!r} must be a {getattr(expected, '__name__', expected)}")
        if isinstance(value, list):
            value = tuple(str(v) for v in value)
        settings[name] = value
    return settings
