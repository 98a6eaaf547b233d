"""Namespace resolution for objects without ``metadata.namespace`` (SPEC §4.2)."""

from __future__ import annotations

import os
from pathlib import Path

from .files import lexical
from .manifests import plain
from .manifests.kustomize import nearest_kustomization
from .results import KUSTOMIZATION_NAMES

__all__ = ["KUSTOMIZATION_NAMES", "kustomization_namespace", "resolve"]


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
