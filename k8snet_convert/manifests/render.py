"""Render new YAML/JSON text for inserted keys and objects, in the file's own style.

Only the small set of shapes the writers produce is needed (mappings, lists, strings, numbers, bools),
so this stays a tiny deterministic emitter instead of a full YAML dumper.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./@+-]*")
_RESOLVER = yaml.resolver.Resolver()


@dataclass(frozen=True)
class Style:
    """Indentation of the file: mapping step and how far ``-`` sits from its parent key."""

    step: int = 2
    seq_offset: int = 0
    json: bool = False


def detect_style(roots: list[Node], is_json: bool = False) -> Style:
    """The file's indentation, read from its first nested mapping and block sequence."""
    step: int | None = None
    seq_offset: int | None = None
    # Breadth first, so the outermost levels decide; a deque, since a file of 60,000 documents put
    # that many roots in the queue (list.pop(0) made this quadratic).
    stack: deque[Node] = deque(roots)
    while stack and (step is None or seq_offset is None):
        node = stack.popleft()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(value, MappingNode) and value.value:
                    first = value.value[0][0]
                    delta = first.start_mark.column - key.start_mark.column
                    if step is None and delta > 0 and first.start_mark.line > key.start_mark.line:
                        step = delta
                elif isinstance(value, SequenceNode) and value.value and not value.flow_style:
                    delta = value.start_mark.column - key.start_mark.column
                    if seq_offset is None and delta >= 0 and value.start_mark.line > key.start_mark.line:
                        seq_offset = delta
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return Style(step=step or 2, seq_offset=seq_offset if seq_offset is not None else 0, json=is_json)


# Characters YAML does not allow in a stream even inside quotes (YAML 1.1 §5.1): DEL, C1 controls but
# NEL, lone surrogates, U+FFFE/U+FFFF. JSON allows them raw, so every JSON we embed escapes them.
_NOT_YAML = re.compile("[\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps that keeps non-ASCII text readable but escapes what a YAML stream cannot carry."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _resolves_to_str(text: str) -> bool:
    """A plain scalar that YAML 1.1 reads back as a string (not a bool, number or null)."""
    tag: str = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == "tag:yaml.org,2002:str"


def scalar(value: Any) -> str:
    """One YAML scalar, plain when that reads back as the same string, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return _string_scalar(str(value))


@lru_cache(maxsize=8192)
def _string_scalar(text: str) -> str:
    # Remembered: the same keys and names are rendered for every PodNetwork of a run.
    if _PLAIN.fullmatch(text) and _resolves_to_str(text):
        return text
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return dumps(text)


def block_lines(value: Any, col: int, style: Style) -> list[str]:
    """A mapping or list as block YAML lines, starting at column ``col`` (no line endings)."""
    pad = " " * col
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            lines.extend(_pair_lines(str(key), item, col, style))
        return lines
    if isinstance(value, list):
        for item in value:
            if (isinstance(item, dict) and item) or (isinstance(item, list) and item):
                inner = block_lines(item, col + 2, style)
                lines.append(pad + "- " + inner[0][col + 2 :])
                lines.extend(inner[1:])
            else:
                lines.append(pad + "- " + _inline(item))
        return lines
    return [pad + scalar(value)]


def _inline(value: Any) -> str:
    if isinstance(value, dict | list):
        return dumps(value)  # only empty ones reach here
    return scalar(value)


def _pair_lines(key: str, value: Any, col: int, style: Style) -> list[str]:
    pad = " " * col
    if isinstance(value, dict) and value:
        return [f"{pad}{scalar(key)}:", *block_lines(value, col + style.step, style)]
    if isinstance(value, list) and value:
        return [f"{pad}{scalar(key)}:", *block_lines(value, col + style.seq_offset, style)]
    return [f"{pad}{scalar(key)}: {_inline(value)}"]


def pair_text(key: str, value: Any, col: int, style: Style, newline: str) -> str:
    """A ``key: value`` block, each line ended by ``newline``."""
    return "".join(line + newline for line in _pair_lines(key, value, col, style))


def document_text(obj: dict[str, Any], style: Style, newline: str) -> str:
    return "".join(line + newline for line in block_lines(obj, 0, style))


def json_text(value: Any, col: int, step: int, newline: str) -> str:
    """JSON for insertion at column ``col``: continuation lines indented from there."""
    dumped = dumps(value, indent=step if step > 0 else None)
    return dumped.replace("\n", newline + " " * col)
