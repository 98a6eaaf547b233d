"""What kustomize says about a file: is it a patch, which targets does it patch, what do kustomizations use.

Everything here reads kustomization files from disk with PyYAML (no marks needed). A kustomization may
read the files it references (resources, patches) to decide how to convert itself, since they are its own
inputs; a patch file may read the kustomizations next to or above it to learn its targets.

Reads are cached by (path, modification time, size): a run that rewrites a kustomization (``--write``)
and reads it again sees the new content, and a repository with many overlays over one base reads that
base once.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from yaml.nodes import SequenceNode

from ... import files
from ...errors import ConvertError
from ...files import lexical
from ...manifests import plain
from ...manifests.objects import iter_objects
from ...manifests.source import decode
from ...manifests.yamldoc import Document, get, parse_documents
from ...namespaces import kustomization_files_above, kustomization_in, kustomizations_above

JSON6902_OPS = frozenset({"add", "remove", "replace", "move", "copy", "test"})


def _stat_key(path: Path) -> tuple[int, int] | None:
    return plain.stamp(os.fspath(path))


def _documents(path: Path) -> list[Document]:
    """A file's documents, through the same guarded reader and parser as every input (size limit,
    regular files only, alias bombs, depth)."""
    try:
        return parse_documents(decode(files.read_file(path)).text)
    except (OSError, ConvertError):
        return []


def _load(path: Path | str) -> dict[str, Any]:
    """A kustomization's content as plain data ({} when it is missing or unreadable)."""
    return plain.load_mapping(os.fspath(path))


def _patch_paths(kustomization: str) -> frozenset[str]:
    """Files a kustomization uses as patches (strategic-merge or JSON 6902), absolute and normalised."""
    key = plain.stamp(kustomization)
    return _patch_paths_cached(kustomization, key) if key is not None else frozenset()


@lru_cache(maxsize=4096)
def _patch_paths_cached(kustomization: str, _stamp: tuple[int, int]) -> frozenset[str]:
    return patch_paths_of(_load(kustomization), kustomization)


def patch_paths_of(data: dict[str, Any], kustomization: str) -> frozenset[str]:
    """The patch files a kustomization's content names, absolute and normalised."""
    base = os.path.dirname(os.path.abspath(kustomization))
    found: set[str] = set()
    for item in data.get("patchesStrategicMerge") or []:
        if isinstance(item, str) and "\n" not in item:
            found.add(item)
    for key in ("patches", "patchesJson6902"):
        for item in data.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                found.add(item["path"])
    return frozenset(os.path.normpath(os.path.join(base, item)) for item in found)


def is_patch_file(path: Path) -> bool:
    # Strings, not Paths: every candidate file asks this of each folder above it.
    resolved = files.lexical_str(path)
    return any(resolved in _patch_paths(k) for k in kustomization_files_above(os.path.dirname(resolved)))


# -- JSON 6902 ---------------------------------------------------------------------------------------


def is_json6902(value: Any) -> bool:
    """A JSON 6902 patch: a non-empty list of ``{op, path[, value | from]}`` objects.

    kustomize itself decides between JSON 6902 and strategic merge by whether the patch reads as such
    a list, so the shape is what makes a patch file a JSON 6902 patch.
    """
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(op, dict) and op.get("op") in JSON6902_OPS and isinstance(op.get("path"), str)
            for op in value
        )
    )


@dataclass(frozen=True)
class PatchTarget:
    """A patch's ``target:`` selector (only what conversion needs)."""

    kind: str | None
    name: str | None
    namespace: str | None
    kustomization: Path | None = None  # where the reference is, for messages

    @classmethod
    def from_data(cls, data: Any, kustomization: Path | None = None) -> PatchTarget:
        if not isinstance(data, dict):
            return cls(None, None, None, kustomization)

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        return cls(text("kind"), text("name"), text("namespace"), kustomization)


def json6902_targets(patch_file: Path) -> list[PatchTarget]:
    """The targets of every reference to ``patch_file`` as a patch from a kustomization at or above it.

    ``patches:`` entries carry their own ``target:``; legacy ``patchesJson6902:`` entries require one.
    A reference without a target (a strategic-merge use) gives a target with no kind.
    """
    resolved = lexical(patch_file)
    found: list[PatchTarget] = []
    for kustomization in kustomizations_above(resolved.parent):
        data = _load(kustomization)
        for key in ("patches", "patchesJson6902"):
            for item in data.get(key) or []:
                if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                    continue
                if lexical(kustomization.parent / item["path"]) == resolved:
                    found.append(PatchTarget.from_data(item.get("target"), kustomization))
    return found


# -- resources ---------------------------------------------------------------------------------------


def resource_files(kustomization: Path) -> Iterator[Path]:
    """Local files a kustomization builds from: its resources, and those of its bases and components.

    Remote resources (URLs, git references) are not on disk and are skipped, as are generators: their
    objects are not files we convert.
    """
    for file, _namespace in _resources(kustomization):
        yield file


def _resources(kustomization: Path) -> Iterator[tuple[Path, str | None]]:
    """Resource files with the namespace the kustomizations on the way give their objects.

    Each kustomization's namespace transformer runs over what its bases built, so the outermost
    ``namespace:`` on the way wins.
    """
    for file, namespace in _resource_paths(files.lexical_str(kustomization)):
        yield Path(file), namespace


def _resource_paths(kustomization: str) -> Iterator[tuple[str, str | None]]:
    for file, namespace, _stamp in _resource_entries(kustomization):
        yield file, namespace


def _resource_entries(kustomization: str) -> Iterator[tuple[str, str | None, tuple[int, int]]]:
    # Strings, not Paths, and one stat per resource: a 10,000-file repository asks this for every
    # kustomization, and callers key their caches on the (modification time, size) given here.
    seen: set[str] = set()
    stack: list[tuple[str, str | None]] = [(kustomization, None)]
    while stack:
        current, outer = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        data = _load(current)
        own = data.get("namespace")
        namespace = outer or (own if isinstance(own, str) and own else None)
        folder = os.path.dirname(current)
        for key in ("resources", "bases", "components"):
            for item in data.get(key) or []:
                if not isinstance(item, str):
                    continue
                target = os.path.normpath(os.path.join(folder, item))
                try:
                    st = os.stat(target)
                except (OSError, ValueError):
                    continue  # a URL, a git reference, or missing
                if stat.S_ISDIR(st.st_mode):
                    inner = kustomization_in(target)
                    if inner is not None:
                        stack.append((inner, namespace))
                elif stat.S_ISREG(st.st_mode):
                    yield target, namespace, (st.st_mtime_ns, st.st_size)


def resource_stamps(kustomization: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """Resource files (absolute, normalised) with their (modification time, size), bases included."""
    for file, _namespace, stamp in _resource_entries(files.lexical_str(kustomization)):
        yield file, stamp


@lru_cache(maxsize=1024)
def _objects_cached(path: Path, _stamp: tuple[int, int]) -> tuple[tuple[str, str, str | None], ...]:
    """(kind, name, namespace) of every object of a manifest file."""
    found: list[tuple[str, str, str | None]] = []
    for doc in _documents(path):
        for obj in iter_objects(doc):
            is_list = obj.list_seq is None and isinstance(get(obj.node, "items"), SequenceNode)
            if not (is_list and obj.kind.endswith("List")):  # a List's items count, not the List
                found.append((obj.kind, obj.name, obj.namespace))
    return tuple(found)


def patch_namespace(patch_file: Path, kind: str, name: str) -> str | None:
    """The namespace of the object that the kustomizations using ``patch_file`` as a patch apply it to
    (the patch's own object of that kind and name), when they agree and it is known."""
    resolved = files.lexical_str(patch_file)
    found: set[str] = set()
    for kustomization in kustomization_files_above(os.path.dirname(resolved)):
        if resolved in _patch_paths(kustomization):
            namespace = target_namespace(Path(kustomization), kind or None, name or None)
            if namespace:
                found.add(namespace)
    return found.pop() if len(found) == 1 else None


def target_namespace(kustomization: Path, kind: str | None, name: str | None) -> str | None:
    """The namespace of the objects a patch of ``kustomization`` targets, when they agree and it is known.

    A target's ``name`` is a regular expression in kustomize; it is matched as one (whole name).
    """
    if kind is None and name is None:
        return None
    try:
        pattern = re.compile(name) if name is not None else None
    except re.error:
        pattern = re.compile(re.escape(name or ""))
    found: set[str | None] = set()
    for file, namespace in _resources(kustomization):
        stamp = _stat_key(file)
        if stamp is None:
            continue
        for obj_kind, obj_name, obj_namespace in _objects_cached(file, stamp):
            if (kind is None or obj_kind == kind) and (pattern is None or pattern.fullmatch(obj_name)):
                found.add(namespace or obj_namespace)
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=256)
def _plain_objects_cached(path: str, _stamp: tuple[int, int]) -> tuple[Any, ...]:
    """Every object of a manifest file as plain data (a List's items, not the List)."""
    found: list[Any] = []
    for data in plain.load_all(path):
        if not isinstance(data, dict):
            continue
        items = data.get("items")
        if str(data.get("kind", "")).endswith("List") and isinstance(items, list):
            found.extend(i for i in items if isinstance(i, dict))
        else:
            found.append(data)
    return tuple(found)


def target_objects(target: PatchTarget) -> list[dict[str, Any]]:
    """The objects of the target's kustomization (its resources, bases included) that a patch with this
    ``target:`` selector changes, as plain data read from disk: what the patch is applied to.

    Empty when the target has no kustomization, no kind or name, or matches nothing on disk.
    """
    if target.kustomization is None or (target.kind is None and target.name is None):
        return []
    try:
        pattern = re.compile(target.name) if target.name is not None else None
    except re.error:
        pattern = re.compile(re.escape(target.name or ""))
    found: list[dict[str, Any]] = []
    for file, namespace in _resources(target.kustomization):
        stamp = _stat_key(file)
        if stamp is None:
            continue
        for obj in _plain_objects_cached(os.fspath(file), stamp):
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            if target.kind is not None and obj.get("kind") != target.kind:
                continue
            if pattern is not None and not pattern.fullmatch(str(meta.get("name") or "")):
                continue
            if target.namespace is not None and (namespace or meta.get("namespace")) != target.namespace:
                continue
            found.append(obj)
    return found
