"""What kustomize says about a file: is it a patch (which cannot create new objects)?"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..namespaces import KUSTOMIZATION_NAMES


@lru_cache(maxsize=1024)
def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1024)
def patch_files(kustomization: Path) -> frozenset[Path]:
    """Files a kustomization uses as patches (strategic-merge or JSON 6902)."""
    data = _load(kustomization)
    base = kustomization.parent
    found: set[Path] = set()
    for item in data.get("patchesStrategicMerge") or []:
        if isinstance(item, str) and "\n" not in item:
            found.add((base / item).resolve())
    for key in ("patches", "patchesJson6902"):
        for item in data.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                found.add((base / item["path"]).resolve())
    return frozenset(found)


def kustomizations_above(folder: Path) -> list[Path]:
    found = []
    for current in (folder, *folder.parents):
        for name in KUSTOMIZATION_NAMES:
            candidate = current / name
            if candidate.is_file():
                found.append(candidate)
    return found


def is_patch_file(path: Path) -> bool:
    resolved = path.resolve()
    return any(resolved in patch_files(k) for k in kustomizations_above(resolved.parent))
