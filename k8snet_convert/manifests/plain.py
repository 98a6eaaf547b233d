"""Plain data (dicts and lists, no marks) of small files the tool consults but does not edit.

Kustomization files are read to learn namespaces, resources and patch lists: a 10,000-file repository
has thousands. They go through the same guarded parser as every input (flow nesting, alias bombs), and
their nodes become values by a small converter: strings as they are, other scalars through PyYAML's
safe constructor (remembered), one object per anchor (aliases are never expanded). PyYAML's generic
constructor took 1.7 times as long on these small files.

Reads are cached by (path, modification time, size): a run that rewrites a kustomization (``--write``)
and reads it again sees the new content, and many overlays over one base read that base once.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ConvertError
from ..files import current_read_limit, read_file
from .source import decode
from .yamldoc import STR, parse_documents, to_python

MERGE = "tag:yaml.org,2002:merge"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"


def stamp(path: str) -> tuple[int, int] | None:
    """(modification time, size) of a regular file, None when it is not one (or is unreadable)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=4096)
def _load_cached(path: str, _stamp: tuple[int, int]) -> Any:
    try:
        return data(decode(read_file(path)).text)
    except (OSError, ConvertError, yaml.YAMLError, RecursionError, TypeError):
        return _UNREADABLE  # TypeError: a mapping or list used as a key


def data(text: str) -> Any:
    """The only document of ``text`` as plain data (None when there is none), through the guarded
    parser: an alias bomb, deep nesting or a syntax error is a YamlSyntaxError with its line, several
    documents a ConvertError; TypeError when a mapping or list is used as a key."""
    documents = parse_documents(text)
    if len(documents) > 1:
        line = documents[1].root.start_mark.line + 1
        raise ConvertError(f"a second YAML document starts at line {line}: one is expected", line=line)
    return _value(documents[0].root, {}) if documents else None


def _value(node: Node, memo: dict[int, Any]) -> Any:
    known = memo.get(id(node), memo)
    if known is not memo:
        return known
    value: Any
    if isinstance(node, ScalarNode):
        value = node.value if node.tag == STR else _scalar(node.tag, node.value)
    elif isinstance(node, SequenceNode) and node.tag == SEQ:
        value = memo[id(node)] = []
        value.extend(_value(item, memo) for item in node.value)
    elif isinstance(node, MappingNode) and node.tag == MAP and not any(k.tag == MERGE for k, _ in node.value):
        value = memo[id(node)] = {}
        for key, item in node.value:
            value[_value(key, memo)] = _value(item, memo)
    else:  # merge keys (``<<: *base``), !!set, !!omap: PyYAML's own rules
        value = to_python(node)
    memo[id(node)] = value
    return value


@lru_cache(maxsize=1024)
def _scalar(tag: str, text: str) -> Any:
    return to_python(ScalarNode(tag, text))


_UNREADABLE = object()


def load(path: str) -> Any:
    """The file's only document as plain data; ``UNREADABLE`` when it cannot be read or parsed,
    or holds several documents; None when it is missing or empty."""
    key = stamp(path)
    if key is None:
        return None
    if key[1] > current_read_limit():  # decided outside the cache: the limit is the run's
        return _UNREADABLE
    return _load_cached(path, key)


def value_of(content: bytes) -> Any:
    """What ``load`` gives for a file of these bytes (``UNREADABLE`` when they cannot be read)."""
    try:
        return data(decode(content).text)
    except (ConvertError, yaml.YAMLError, RecursionError, TypeError):
        return _UNREADABLE


def load_mapping(path: str) -> dict[str, Any]:
    """A kustomization's content ({} when it is missing, unreadable or not a mapping)."""
    data = load(path)
    return data if isinstance(data, dict) else {}


def unreadable(data: Any) -> bool:
    return data is _UNREADABLE


def load_all(path: str) -> list[Any]:
    """Every document of a manifest file as plain data ([] when it cannot be read or parsed)."""
    try:
        documents = parse_documents(decode(read_file(path)).text)
        return [_value(d.root, {}) for d in documents if d.root is not None]
    except (OSError, ConvertError, yaml.YAMLError, RecursionError, TypeError):
        return []
