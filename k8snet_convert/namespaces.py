"""Namespace resolution for objects without ``metadata.namespace`` (SPEC §4.2)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from .files import lexical, lexical_str
from .manifests import plain
from .results import KUSTOMIZATION_NAMES

__all__ = ["KUSTOMIZATION_NAMES", "kustomization_namespace", "nearest_kustomization", "resolve"]


def kustomization_namespace(folder: Path) -> tuple[str, Path] | None:
    """The ``namespace:`` of the nearest kustomization file at or above ``folder``.

    The nearest kustomization decides: when it sets no namespace, objects keep the default one.
    """
    kustomization = nearest_kustomization(folder)
    if kustomization is None:
        return None
    data = plain.load(os.fspath(kustomization))
    namespace = data.get("namespace") if isinstance(data, dict) else None
    return (namespace, kustomization) if isinstance(namespace, str) and namespace else None


def resolve(
    given: str | None, flag: str | None, file: Path | None, targets: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """(namespace, source): source is ``object``, ``flag``, ``flux``, ``kustomization`` or ``default``.

    ``targets``: folders (absolute) that a Flux ``Kustomization`` deploys with ``spec.targetNamespace``.
    """
    if given:
        return given, "object"
    if flag:
        return flag, "flag"
    if file is not None:
        folder = lexical(file).parent
        if targets:
            target = flux_target(os.fspath(folder), targets)
            if target is not None:
                return target, "flux"
        found = kustomization_namespace(folder)
        if found:
            return found[0], "kustomization"
    return "default", "default"


def flux_target(folder: str, targets: Mapping[str, str]) -> str | None:
    """The ``targetNamespace`` of the Flux Kustomization whose path holds ``folder`` (the nearest)."""
    current = folder
    while True:
        if current in targets:
            return targets[current]
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def flux_folder(kustomization_file: str, path: str) -> str:
    """The folder a Flux Kustomization's ``spec.path`` names: relative to its source repository's root,
    taken as the nearest folder above the Kustomization's file where that path exists (else the file's
    folder)."""
    start = os.path.dirname(lexical_str(kustomization_file))
    current = start
    relative = path[2:] if path.startswith("./") else path.lstrip("/")
    while True:
        candidate = os.path.normpath(os.path.join(current, relative))
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return os.path.normpath(os.path.join(start, relative))
        current = parent


# -- where the kustomizations are -------------------------------------------------------------------


def kustomization_in(folder: str) -> str | None:
    """The kustomization file of a folder (kustomize accepts exactly these names)."""
    names = _names_in(folder)
    for name in KUSTOMIZATION_NAMES:
        if name in names:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
    return None


def _names_in(folder: str) -> frozenset[str]:
    """The kustomization names present in ``folder``, cached while the folder does not change.

    Every candidate file asks about each folder above it; one stat of the folder replaces a stat per
    kustomization name, and a folder's modification time changes whenever a file is added or removed.
    """
    try:
        st = os.stat(folder)
    except (OSError, ValueError):
        return frozenset()
    return _names_in_cached(folder, st.st_mtime_ns, st.st_ino)


@lru_cache(maxsize=8192)
def _names_in_cached(folder: str, _mtime: int, _ino: int) -> frozenset[str]:
    return frozenset(name for name in KUSTOMIZATION_NAMES if os.path.lexists(os.path.join(folder, name)))


def kustomizations_above(folder: Path) -> list[Path]:
    return [Path(k) for k in kustomization_files_above(lexical_str(folder))]


def kustomization_files_above(folder: str) -> Iterator[str]:
    current = folder
    while True:
        yield from _kustomizations_at(current)
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def _kustomizations_at(folder: str) -> list[str]:
    names = _names_in(folder)
    if not names:
        return []
    return [
        os.path.join(folder, name)
        for name in KUSTOMIZATION_NAMES
        if name in names and os.path.isfile(os.path.join(folder, name))
    ]


def nearest_kustomization(folder: Path) -> Path | None:
    """The kustomization file at or above ``folder`` that is nearest to it."""
    found = next(kustomization_files_above(lexical_str(folder)), None)
    return Path(found) if found is not None else None
