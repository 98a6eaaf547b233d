"""Documents of a file as node trees with exact character spans.

The libyaml-backed composer of PyYAML gives every node a start and end mark (character index, line,
column), which is all span editing needs. Values are resolved with YAML 1.1 rules, as Kubernetes' own
decoder (go-yaml via sigs.k8s.io/yaml) resolves them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ConvertError

try:  # the C composer is ~5x faster; the pure one behaves the same
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"


@dataclass
class Document:
    """One YAML document (or JSON value) of a file."""

    index: int
    root: Node

    @property
    def start(self) -> int:
        return int(self.root.start_mark.index)


class YamlSyntaxError(ConvertError):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message, rule="invalid-yaml")
        self.line = line
        self.column = column


def parse_documents(text: str) -> list[Document]:
    """Compose every document; a syntax error becomes a YamlSyntaxError with line and column."""
    try:
        roots = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        problem = exc.problem or str(exc)
        context = f" ({exc.context})" if exc.context else ""
        raise YamlSyntaxError(f"YAML syntax error: {problem}{context}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {exc}", 0, 0) from None
    except RecursionError:
        raise YamlSyntaxError("the document is nested too deeply to be read", 0, 0) from None
    return [Document(i, root) for i, root in enumerate(roots) if root is not None]


# --- navigation -------------------------------------------------------------------------------------


def get(node: Node | None, key: str) -> Node | None:
    """The value of ``key`` in a mapping node (the last one, as Kubernetes' decoder keeps)."""
    pair = get_pair(node, key)
    return pair[1] if pair else None


def get_pair(node: Node | None, key: str) -> tuple[ScalarNode, Node] | None:
    if not isinstance(node, MappingNode):
        return None
    found: tuple[ScalarNode, Node] | None = None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            found = (k, v)
    return found


def get_path(node: Node | None, *keys: str) -> Node | None:
    for key in keys:
        node = get(node, key)
        if node is None:
            return None
    return node


def scalar(node: Node | None) -> str | None:
    """The text of a string-like scalar (None for anything else, including null)."""
    if isinstance(node, ScalarNode) and node.tag != NULL:
        return str(node.value)
    return None


def is_true(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.tag == BOOL and to_python(node) is True


def to_python(node: Node) -> Any:
    """Plain Python value of a node (for small subtrees: element values, configs, kinds)."""
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def iter_duplicate_keys(node: Node) -> Iterator[tuple[ScalarNode, str]]:
    """Keys that occur twice in one mapping, anywhere below ``node``."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: set[str] = set()
            for k, v in current.value:
                if isinstance(k, ScalarNode):
                    if k.value in seen:
                        yield k, str(k.value)
                    seen.add(k.value)
                stack.append(v)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


def line_col(node: Node) -> tuple[int, int]:
    """1-based line and column of a node's start."""
    return node.start_mark.line + 1, node.start_mark.column + 1
