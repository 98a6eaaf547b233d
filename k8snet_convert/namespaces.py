"""Namespace resolution for objects without ``metadata.namespace`` (SPEC §4.2)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .files import lexical
from .results import KUSTOMIZATION_NAMES

__all__ = ["KUSTOMIZATION_NAMES", "kustomization_namespace", "resolve"]


@lru_cache(maxsize=4096)
def kustomization_namespace(folder: Path) -> tuple[str, Path] | None:
    """The ``namespace:`` of the nearest kustomization file at or above ``folder``.

    The nearest kustomization decides: when it sets no namespace, objects keep the default one.
    """
    for current in (folder, *folder.parents):
        for name in KUSTOMIZATION_NAMES:
            candidate = current / name
            if candidate.is_file():
                try:
                    data = yaml.load(candidate.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
                except (OSError, UnicodeDecodeError, yaml.YAMLError):
                    return None
                namespace = data.get("namespace") if isinstance(data, dict) else None
                return (namespace, candidate) if isinstance(namespace, str) and namespace else None
    return None


def resolve(given: str | None, flag: str | None, file: Path | None) -> tuple[str, str]:
    """(namespace, source): source is ``object``, ``flag``, ``kustomization`` or ``default``."""
    if given:
        return given, "object"
    if flag:
        return flag, "flag"
    if file is not None:
        found = kustomization_namespace(lexical(file).parent)
        if found:
            return found[0], "kustomization"
    return "default", "default"
