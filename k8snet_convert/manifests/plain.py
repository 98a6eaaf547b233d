"""Plain data (dicts and lists, no marks) of small files the tool consults but does not edit.

Kustomization files are read to learn namespaces, resources and patch lists. They need no node tree:
libyaml's loader builds the Python values directly, several times faster than composing nodes and
converting them. The same guards as for every input apply (flow nesting before libyaml sees the text;
aliases are never expanded here — the loader shares one object per anchor).

Reads are cached by (path, modification time, size): a run that rewrites a kustomization (``--write``)
and reads it again sees the new content, and many overlays over one base read that base once.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import yaml

from ..errors import ConvertError
from ..files import read_file
from .source import decode
from .yamldoc import check_flow_depth, plain_loader


def stamp(path: str) -> tuple[int, int] | None:
    """(modification time, size) of a regular file, None when it is not one (or is unreadable)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if (st.st_mode & 0o170000) != 0o100000:
        return None
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=4096)
def _load_cached(path: str, _stamp: tuple[int, int]) -> Any:
    try:
        text = decode(read_file(path)).text
        check_flow_depth(text)
        return yaml.load(text, Loader=plain_loader())
    except (OSError, ConvertError, yaml.YAMLError, RecursionError):
        return _UNREADABLE


_UNREADABLE = object()


def load(path: str) -> Any:
    """The file's only document as plain data; ``UNREADABLE`` when it cannot be read or parsed,
    or holds several documents; None when it is missing."""
    key = stamp(path)
    if key is None:
        return None
    return _load_cached(path, key)


def load_mapping(path: str) -> dict[str, Any]:
    """A kustomization's content ({} when it is missing, unreadable or not a mapping)."""
    data = load(path)
    return data if isinstance(data, dict) else {}


def unreadable(data: Any) -> bool:
    return data is _UNREADABLE
