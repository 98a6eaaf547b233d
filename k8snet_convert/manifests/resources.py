"""Containers' ``resources`` in a pod template: what they request, and the edits that move device
requests (``--devices``): extended resources out of ``requests``/``limits`` and claim names into
``claims``, or back.

Every change to one mapping or list is planned at once, so that removals and additions never overlap: in
block YAML each pair is its own lines, but in a flow mapping or JSON the commas between pairs belong to
their neighbours. An emptied ``requests:``, ``limits:``, ``claims:`` or ``resources:`` goes with its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import render
from .edit import Edit, Editor, content_end, removed_runs
from .objects import PodTemplate
from .yamldoc import get, get_pair, scalar

Pair = tuple[ScalarNode, Node]
SECTIONS = ("requests", "limits")


@dataclass
class Container:
    """One container (or init container) of a pod template."""

    node: MappingNode
    name: str
    path: str  # YAML path, for findings
    first: bool  # spec.containers[0], where the network-resources-injector adds its requests

    @property
    def resources(self) -> MappingNode | None:
        value = get(self.node, "resources")
        return value if isinstance(value, MappingNode) else None

    def section(self, which: str) -> MappingNode | None:
        value = get(self.resources, which)
        return value if isinstance(value, MappingNode) else None

    def amounts(self, which: str) -> dict[str, Pair]:
        """``requests`` or ``limits`` by resource name (the last of a duplicate key, as the API reads)."""
        section = self.section(which)
        pairs = section.value if section is not None else []
        return {str(k.value): (k, v) for k, v in pairs if isinstance(k, ScalarNode)}

    def claim_refs(self) -> list[tuple[str, Node]]:
        """The names in ``resources.claims``, with their items."""
        claims = get(self.resources, "claims")
        items = claims.value if isinstance(claims, SequenceNode) else []
        return [(scalar(get(item, "name")) or "", item) for item in items]


def containers(template: PodTemplate) -> list[Container]:
    """``spec.containers``, then ``spec.initContainers`` (both can hold device requests and claims)."""
    found: list[Container] = []
    for key in ("containers", "initContainers"):
        seq = get(template.spec, key)
        for i, item in enumerate(seq.value if isinstance(seq, SequenceNode) else []):
            if isinstance(item, MappingNode):
                name = scalar(get(item, "name")) or f"{key}[{i}]"
                path = template.key_path("spec", f"{key}[{i}]")
                found.append(Container(item, name, path, key == "containers" and i == 0))
    return found


@dataclass
class ContainerEdits:
    """What changes in one container's ``resources``."""

    container: Container
    drop: list[str] = field(default_factory=list)  # extended resources whose requests and limits go
    add: dict[str, str] = field(default_factory=dict)  # resource -> amount, into requests and limits
    drop_claims: list[Node] = field(default_factory=list)  # items of resources.claims
    new_claims: list[str] = field(default_factory=list)  # names appended to resources.claims

    def apply(self, editor: Editor) -> None:
        node = self.container.node
        drop_keys: list[Pair] = []
        new_keys: list[tuple[str, Any]] = []
        for which in SECTIONS:
            self._section(editor, which, drop_keys, new_keys)
        self._claims(editor, drop_keys, new_keys)
        pair = get_pair(node, "resources")
        value = pair[1] if pair is not None else None
        if pair is not None and isinstance(value, MappingNode):
            if value.value and len(drop_keys) == len(value.value) and not new_keys:
                editor.remove_pair(node, *pair)
            elif drop_keys or new_keys:
                # Requests come before limits, as the device plugin's examples and the injector write them.
                limits = get_pair(value, "limits")
                kept = limits is not None and not any(limits[0] is key for key, _ in drop_keys)
                edit_mapping(editor, value, drop_keys, new_keys, limits[0] if kept and limits else None)
        elif new_keys:
            edit_mapping(editor, node, [pair] if pair is not None else [], [("resources", dict(new_keys))])

    def _section(
        self, editor: Editor, which: str, drop_keys: list[Pair], new_keys: list[tuple[str, Any]]
    ) -> None:
        current = self.container.amounts(which)
        drops = [current[r] for r in self.drop if r in current]
        adds = [(r, n) for r, n in self.add.items() if r not in current]
        pair = get_pair(self.container.resources, which)
        if pair is not None and isinstance(pair[1], MappingNode):
            if pair[1].value and len(drops) == len(pair[1].value) and not adds:
                drop_keys.append(pair)
            elif drops or adds:
                edit_mapping(editor, pair[1], drops, adds)
        elif adds:
            if pair is not None:  # ``requests:`` without a value: written anew
                drop_keys.append(pair)
            new_keys.append((which, dict(adds)))

    def _claims(self, editor: Editor, drop_keys: list[Pair], new_keys: list[tuple[str, Any]]) -> None:
        pair = get_pair(self.container.resources, "claims")
        items = [{"name": name} for name in self.new_claims]
        if pair is not None and isinstance(pair[1], SequenceNode):
            seq = pair[1]
            gone = [item for item in seq.value if any(item is d for d in self.drop_claims)]
            if seq.value and len(gone) == len(seq.value) and not items:
                drop_keys.append(pair)
            elif gone or items:
                edit_sequence(editor, seq, gone, items)
        elif items:
            if pair is not None:
                drop_keys.append(pair)
            new_keys.append(("claims", items))


# -- one mapping or list, every change at once ----------------------------------------------------------


def _flow(editor: Editor, node: MappingNode | SequenceNode) -> bool:
    return bool(node.flow_style) or editor.style.json


def edit_mapping(
    editor: Editor,
    mapping: MappingNode,
    drop: list[Pair],
    add: list[tuple[str, Any]],
    requests_before: ScalarNode | None = None,
) -> None:
    """Remove ``drop`` from ``mapping`` and append ``add`` (the caller removes a mapping it empties); a
    new ``requests`` goes right before the key ``requests_before`` (a kept ``limits``) instead."""
    first = [(n, v) for n, v in add if n == "requests"] if requests_before is not None else []
    add = [(n, v) for n, v in add if not any(n == f for f, _ in first)]
    if not _flow(editor, mapping):
        for key, value in drop:
            editor.remove_pair(mapping, key, value)
        for name, value in first:
            assert requests_before is not None
            column = int(requests_before.start_mark.column)
            start = editor.line_start(int(requests_before.start_mark.index))
            if editor.text[start : int(requests_before.start_mark.index)].strip():  # ``- limits:``
                add.insert(0, (name, value))
                continue
            _raw(editor, start, start, render.pair_text(name, value, column, editor.style, editor.newline))
        if add:
            _append_block(editor, mapping, add)
        return
    spans = [(int(k.start_mark.index), content_end(editor.text, v)) for k, v in mapping.value]
    removed = [any(k is d[0] for d in drop) for k, _ in mapping.value]
    for name, value in first:
        assert requests_before is not None
        at = int(requests_before.start_mark.index)
        layout = _layout(editor, mapping, spans)
        part = render.dumps(name) + ": " + _render(editor, value, layout)
        _raw(editor, at, at, part + layout.separator)
    _edit_flow(editor, mapping, spans, removed, [(render.dumps(name) + ": ", value) for name, value in add])


def _append_block(editor: Editor, mapping: MappingNode, add: list[tuple[str, Any]]) -> None:
    """New pairs after a block mapping's last pair (its lines removed or not) and after the comments that
    follow it at its keys' indentation: a comment left there was about a key removed below it (a device
    request --devices dra moved), and the key coming back goes under it again."""
    column = int(mapping.value[0][0].start_mark.column)
    pos = editor.line_end(content_end(editor.text, mapping.value[-1][1]))
    text = editor.text
    while pos < len(text):
        line = text[pos : editor.line_end(pos)]
        if not (line.lstrip().startswith("#") and len(line) - len(line.lstrip(" ")) == column):
            break
        pos = editor.line_end(pos)
    style, newline = editor.style, editor.newline
    block = "".join(render.pair_text(name, value, column, style, newline) for name, value in add)
    if pos == len(text) and text and not text.endswith("\n"):
        block = editor.newline + block[: -len(editor.newline)]
    editor.edits.append(Edit(pos, pos, block, len(editor.edits), -column))


def edit_sequence(editor: Editor, seq: SequenceNode, drop: list[Node], add: list[dict[str, Any]]) -> None:
    """Remove the items ``drop`` from ``seq`` and append ``add``."""
    if not _flow(editor, seq):
        for item in drop:
            editor.remove_sequence_item(seq, item)
        if add:
            editor.add_sequence_items_after(seq, seq.value[-1], add)
        return
    spans = [(int(item.start_mark.index), content_end(editor.text, item)) for item in seq.value]
    removed = [any(item is d for d in drop) for item in seq.value]
    _edit_flow(editor, seq, spans, removed, [("", item) for item in add])


def _edit_flow(
    editor: Editor,
    node: MappingNode | SequenceNode,
    spans: list[tuple[int, int]],
    removed: list[bool],
    entries: list[tuple[str, Any]],
) -> None:
    """Runs of removed entries of a flow collection (a run is one edit: one per entry would overlap at the
    commas), then the new entries (``prefix``, value) after the last one, in the collection's layout: on
    one line, or one entry a line as JSON files are laid out."""
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    layout = _layout(editor, node, spans)
    parts = [prefix + _render(editor, value, layout) for prefix, value in entries]
    separator = layout.separator
    if all(removed):  # emptied, or empty: the inside is written anew
        body = separator.join(parts)
        if body and layout.multiline:
            body = editor.newline + layout.indent + body + editor.newline + layout.closing
        _raw(editor, start + 1, end - 1, body)
        return
    for i, j in removed_runs(removed):
        if j + 1 < len(spans):
            _raw(editor, spans[i][0], spans[j + 1][0], "")
        else:  # the last run: the comma before it goes with it
            _raw(editor, spans[i - 1][1], spans[j][1], "")
    if parts:
        _raw(editor, spans[-1][1], spans[-1][1], "".join(separator + part for part in parts))


@dataclass(frozen=True)
class _Layout:
    """How a flow collection is laid out: on one line, or (JSON files) one entry a line."""

    multiline: bool
    indent: str  # before each entry
    closing: str  # before the closing bracket
    separator: str


def _layout(editor: Editor, node: Node, spans: list[tuple[int, int]]) -> _Layout:
    text = editor.text
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    multiline = editor.style.json and text.count("\n", start, end) > 0
    closing = _indent(text, end - 1)
    indent = _indent(text, spans[0][0]) if spans else closing + " " * editor.style.step
    return _Layout(multiline, indent, closing, "," + editor.newline + indent if multiline else ", ")


def _render(editor: Editor, value: Any, layout: _Layout) -> str:
    if layout.multiline:
        return render.json_text(value, len(layout.indent), editor.style.step, editor.newline)
    return render.dumps(value)


def _raw(editor: Editor, start: int, end: int, text: str) -> None:
    editor.edits.append(Edit(start, end, text, len(editor.edits)))


def _indent(text: str, index: int) -> str:
    """The blanks before ``index`` when nothing else precedes it on its line."""
    line = text.rfind("\n", 0, index) + 1
    return text[line:index] if not text[line:index].strip() else ""
