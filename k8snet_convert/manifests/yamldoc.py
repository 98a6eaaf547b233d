"""Documents of a file as node trees with exact character spans.

The libyaml-backed composer of PyYAML gives every node a start and end mark (character index, line,
column), which is all span editing needs. Values are resolved with YAML 1.1 rules, as Kubernetes' own
decoder (go-yaml via sigs.k8s.io/yaml) resolves them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ConvertError

try:  # the C composer is ~5x faster; the pure one behaves the same
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader

# The composer asks the (pure Python) resolver for the tag of every node: on manifests that was 40% of
# parsing. The answer depends only on (kind, value, implicit), and manifests repeat the same keys and
# values, so it is remembered. Bounded: a file of unique scalars only clears it.
_TAGS: dict[tuple[Any, Any, Any], str] = {}
_TAGS_MAX = 65_536


class _Loader(_Base):  # type: ignore[valid-type,misc]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_TAGS) >= _TAGS_MAX:
                _TAGS.clear()
            _TAGS[key] = tag
        return tag

    # Path resolvers (``add_path_resolver``) are never registered on the safe loader: skip their
    # bookkeeping, which the composer otherwise calls twice per node.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


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
    def __init__(self, message: str, line: int, column: int, rule: str = "invalid-yaml") -> None:
        super().__init__(message, rule=rule)
        self.line = line
        self.column = column


# libyaml's composer recurses in C: flow collections nested some 25,000 deep overflow the stack and
# kill the process. Go's encoding/json (which Kubernetes uses) stops at 10,000 levels; so do we.
MAX_FLOW_DEPTH = 10_000


def _check_flow_depth(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return  # cannot be nested that deep: skip the scan
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise YamlSyntaxError(
                f"flow collections are nested more than {MAX_FLOW_DEPTH:,} levels deep; the file is not read",
                line,
                match.start() - text.rfind("\n", 0, match.start()),
                rule="too-large",
            )
        depth = max(depth, 0)


def parse_documents(text: str) -> list[Document]:
    """Compose every document; a syntax error becomes a YamlSyntaxError with line and column."""
    _check_flow_depth(text)
    try:
        roots = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        problem = exc.problem or str(exc)
        context = f" ({exc.context})" if exc.context else ""
        if "nesting depth" in problem:  # PyYAML >= 6.0.4 stops at 1,000 levels itself
            raise YamlSyntaxError(
                f"the document is nested too deeply to be read ({problem})", line, column, rule="too-large"
            ) from None
        raise YamlSyntaxError(f"YAML syntax error: {problem}{context}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {exc}", 0, 0) from None
    except RecursionError:
        raise YamlSyntaxError(
            "the document is nested too deeply to be read", 0, 0, rule="too-large"
        ) from None
    if "*" in text:  # without an alias nothing can expand: the common case skips the count
        for root in roots:
            if root is not None:
                _check_expansion(root)
    return [Document(i, root) for i, root in enumerate(roots) if root is not None]


# Aliases make the node graph a DAG whose expansion can be exponential ("billion laughs"). Every walk
# over a document is bounded by its expanded size, so refuse documents that expand past this.
MAX_EXPANDED_NODES = 200_000


def _check_expansion(root: Node) -> None:
    """Count the nodes a document expands to (memoised per node, so linear in the graph)."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()  # nodes whose children are being counted: the path from the root
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done and id(node) in entered:
            # An alias inside its own anchor (``&a [*a]``): the node contains itself. Every walk
            # over it would loop forever.
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            raise YamlSyntaxError(
                "an anchor's value contains an alias to itself (a recursive structure, which Kubernetes' "
                "decoder refuses too); the file is not read",
                line,
                column,
            )
        if isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        else:
            sizes[id(node)] = 1
            continue
        if not children_done:
            entered.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        total = 1 + sum(sizes[id(c)] for c in children)
        if total > MAX_EXPANDED_NODES:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            raise YamlSyntaxError(
                f"aliases expand this document past {MAX_EXPANDED_NODES:,} nodes (an alias bomb?); "
                "it is not read",
                line,
                column,
                rule="too-large",
            )
        sizes[id(node)] = total


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


MERGE = "tag:yaml.org,2002:merge"
MERGE_KEY_MESSAGE = (
    "a YAML merge key (<<): Kubernetes' decoder applies it, so it may carry networks, a namespace or a "
    "pod template that is not converted; the file is left untouched (converting through it would edit "
    "a mapping that other objects share)"
)
MERGE_KEY_HINT = "write the merged keys out where they are used (no <<), then convert"


def iter_merge_keys(*nodes: Node) -> Iterator[ScalarNode]:
    """Merge keys (``<<``, resolved as YAML 1.1 merges) anywhere below ``nodes``, each once (a mapping
    reached through several aliases is looked at once)."""
    stack = list(reversed(nodes))
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, MappingNode):
            for k, v in current.value:
                if isinstance(k, ScalarNode) and k.tag == MERGE:
                    yield k
                stack.append(v)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


def line_col(node: Node) -> tuple[int, int]:
    """1-based line and column of a node's start."""
    return node.start_mark.line + 1, node.start_mark.column + 1
