"""Where a file stands: a chart's template or helper (a chart is a folder with Chart.yaml, SPEC §6.1).

Asked of every file a run converts, so it stays cheap: one cached stat per folder, nothing parsed.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ...files import lexical_str

if TYPE_CHECKING:
    from yaml.nodes import Node

    from ...findings import Finding

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")
MULTUS_MARKERS = ("cni.cncf.io/networks", "multus-cni.io/default-network", "NetworkAttachmentDefinition")


def chart_root(path: Path | str) -> Path | None:
    return _chart_root_of(os.path.dirname(lexical_str(path)))


def _chart_root_of(folder: str) -> Path | None:
    root = _chart_folder(folder)
    return Path(root) if root is not None else None


@lru_cache(maxsize=8192)
def _chart_folder(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` with a Chart.yaml (cached: one stat per folder; strings,
    not Paths: asked of every file a run converts)."""
    if os.path.isfile(os.path.join(folder, "Chart.yaml")):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else _chart_folder(parent)


def template_kind(path: Path | str | None) -> str | None:
    """``template`` (a YAML file under a chart's templates/), ``helper`` (any other file there: ``_*.tpl``,
    NOTES.txt), or None."""
    return None if path is None else _kind(str(path))


@lru_cache(maxsize=16384)
def _kind(given: str) -> str | None:
    folder, name = os.path.split(lexical_str(given))
    root = _chart_folder(folder)
    if root is None:
        return None
    relative = os.path.relpath(folder, root).split(os.sep)
    if relative[0] != "templates":
        return None
    if name.startswith("_") or not name.lower().endswith(TEMPLATE_SUFFIXES):
        return "helper"
    return "template"


def holds_multus(text: str) -> int:
    """The index of the first Multus-era marker in ``text`` outside comment lines, or -1."""
    return first_marker(text, MULTUS_MARKERS)


def first_marker(text: str, markers: tuple[str, ...]) -> int:
    """The index of the first of ``markers`` in ``text`` that is not on a comment line (``#``, or a
    template comment ``{{/*``), or -1."""
    found = -1
    for marker in markers:
        at = text.find(marker)
        while at >= 0 and (found < 0 or at < found):
            line = text[text.rfind("\n", 0, at) + 1 : at].lstrip(" \t")
            if not line.startswith(("#", "{{/*", "{{- /*")):
                found = at
                break
            at = text.find(marker, at + len(marker))
    return found


def is_values_file(path: Path | None, globs: tuple[str, ...] = ()) -> bool:
    """A chart's values file: ``values*.yaml`` next to a Chart.yaml, any ``*values.yaml`` (charts copied
    out of their folder keep the name), or a file matched by one of ``globs`` (``--values-files``)."""
    if path is None:
        return False
    name = path.name.lower()
    if name.endswith(("values.yaml", "values.yml")):
        return True
    if (
        name.startswith("values")
        and name.endswith((".yaml", ".yml"))
        and (path.parent / "Chart.yaml").is_file()
    ):
        return True
    text = path.as_posix()
    return any(
        fnmatch.fnmatch(text, glob) or fnmatch.fnmatch(path.name, glob) or fnmatch.fnmatch(text, f"*/{glob}")
        for glob in globs
    )


def line_start(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of the content of the line holding ``index`` (a marker inside a key is
    reported where the key starts)."""
    start = text.rfind("\n", 0, index) + 1
    column = len(text[start:index]) - len(text[start:index].lstrip(" \t")) + 1
    return text.count("\n", 0, index) + 1, column


def suppressed(text: str, roots: Iterable[Node], finding: Finding) -> bool:
    """Whether an inline ``# k8snet-convert: ignore[rule]`` comment covers a finding that says Multus-era
    networking is left for a person (``check`` would fail on it otherwise)."""
    if "k8snet-convert:" not in text:
        return False
    from ... import rules, suppress

    return suppress.parse(text, roots, rules.RULES).covers(finding)
