"""Edits, not re-serialisation: replace exact character spans of the original text.

Everything outside the edited spans (comments, quoting, key order, blank lines, markers, line endings)
comes back unchanged. Each operation knows block and flow (JSON) layouts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import render
from .render import Style


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str
    seq: int  # creation order, so several inserts at one point keep their order
    rank: int = 0  # among inserts at one point: lower first (deeper keys before their parents' keys)


class EditConflict(Exception):
    """Two edits overlap: a bug in a writer, never a user error."""


def apply(text: str, edits: list[Edit]) -> str:
    ordered = sorted(edits, key=lambda e: (e.start, e.end, e.rank, e.seq))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos:
            raise EditConflict(f"overlapping edits at {edit.start} (previous ends at {pos})")
        out.append(text[pos : edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def content_end(text: str, node: Node) -> int:
    """Where a node's own text ends (block collections' marks run on past comments and blank lines)."""
    if isinstance(node, ScalarNode):
        end = int(node.end_mark.index)
        if node.style in ("|", ">"):
            start = int(node.start_mark.index)
            while end > start and text[end - 1] in " \t\r\n":
                end -= 1
        return end
    if isinstance(node, MappingNode | SequenceNode):
        if node.flow_style or not node.value:
            return int(node.end_mark.index)
        last = node.value[-1]
        if isinstance(node, MappingNode):
            return max(content_end(text, last[0]), content_end(text, last[1]))
        return content_end(text, last)
    return int(node.end_mark.index)


def _block_scalar_ranges(node: Node) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            if current.style in ("|", ">"):
                ranges.append((int(current.start_mark.index), int(current.end_mark.index)))
        elif isinstance(current, MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return ranges


@dataclass
class Editor:
    text: str
    newline: str
    style: Style
    edits: list[Edit] = field(default_factory=list)

    # -- primitives ----------------------------------------------------------------------------------

    def _add(self, start: int, end: int, text: str, rank: int = 0) -> None:
        self.edits.append(Edit(start, end, text, len(self.edits), rank))

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """Index just past the line break of the line holding ``index`` (or the end of the text)."""
        nl = self.text.find("\n", index)
        return len(self.text) if nl < 0 else nl + 1

    def result(self) -> str:
        text = apply(self.text, self.edits)
        if self.text and not self.text.endswith("\n") and text.endswith("\n"):
            # A file without a final newline keeps it so, whatever was removed at its end.
            text = text[: -len(self.newline)] if text.endswith(self.newline) else text[:-1]
        return text

    def _insert_lines(self, pos: int, block: str, rank: int = 0) -> None:
        """Insert whole lines at ``pos`` (a line start, or the end of a file without final newline)."""
        if pos == len(self.text) and self.text and not self.text.endswith("\n"):
            block = self.newline + block[: -len(self.newline)]
        self._add(pos, pos, block, rank)

    # -- mapping pairs -------------------------------------------------------------------------------

    def remove_pair(
        self, mapping: MappingNode, key: Node, value: Node, keep_comments: bool = True
    ) -> list[str]:
        """Remove a pair; returns the own-line comments it held (stripped), which stay in place unless
        ``keep_comments`` is False: then they go with the pair, for the caller to put where it belongs."""
        pairs = mapping.value
        index = next(i for i, (k, _) in enumerate(pairs) if k is key)
        if mapping.flow_style:
            self._remove_flow_pair(mapping, index)
            return []
        start = int(key.start_mark.index)
        ls = self.line_start(start)
        if self.text[ls:start].strip():
            # ``- key: v`` or ``--- key: v``: the next key moves up onto this line.
            if index + 1 < len(pairs):
                self._add(start, int(pairs[index + 1][0].start_mark.index), "")
            else:
                self._add(start, content_end(self.text, value), "{}")
            return []
        end = self.line_end(content_end(self.text, value))
        protected = _block_scalar_ranges(value)
        kept: list[str] = []
        pos = self.line_end(start)
        while pos < end:
            nxt = self.line_end(pos)
            line = self.text[pos:nxt]
            inside_scalar = any(a <= pos < b for a, b in protected)
            if line.lstrip().startswith("#") and not inside_scalar:
                kept.append(line)
            pos = nxt
        self._add(ls, end, "".join(kept) if keep_comments else "")
        return [line.strip() for line in kept]

    def comments_above(self, key: Node) -> tuple[int, list[str]]:
        """The own-line comments right above a key's line (no blank line between), which describe it:
        where they start, and their text (stripped)."""
        start = self.line_start(int(key.start_mark.index))
        lines: list[str] = []
        while start > 0:
            prev = self.line_start(start - 1)
            line = self.text[prev:start].strip()
            if not line.startswith("#"):
                break
            lines.insert(0, line)
            start = prev
        return start, lines

    def remove_text(self, start: int, end: int) -> None:
        """Remove a span that is whole lines (comments a caller moves elsewhere)."""
        if start < end:
            self._add(start, end, "")

    def _remove_flow_pair(self, mapping: MappingNode, index: int) -> None:
        pairs = mapping.value
        key, value = pairs[index]
        if len(pairs) == 1:
            self._add(int(mapping.start_mark.index) + 1, int(mapping.end_mark.index) - 1, "")
        elif index + 1 < len(pairs):
            self._add(int(key.start_mark.index), int(pairs[index + 1][0].start_mark.index), "")
        else:
            prev_value = pairs[index - 1][1]
            self._add(content_end(self.text, prev_value), content_end(self.text, value), "")

    def replace_pair(self, key: Node, value: Node, new_key: str, new_value: str, flow: bool) -> None:
        """Replace a ``key: scalar`` pair in place by another key with a string value."""
        if flow:
            rendered = json.dumps(new_key) + ": " + render.dumps(new_value)
        else:
            rendered = render.scalar(new_key) + ": " + render.scalar(new_value)
        self._add(int(key.start_mark.index), content_end(self.text, value), rendered)

    def replace_scalar(self, value: ScalarNode, new_value: str, flow: bool) -> None:
        rendered = render.dumps(new_value) if flow else render.scalar(new_value)
        self._add(int(value.start_mark.index), content_end(self.text, value), rendered)

    def add_pair(
        self,
        mapping: MappingNode,
        key: str,
        value: Any,
        comments: list[str] | tuple[str, ...] = (),
        before: Node | None = None,
    ) -> None:
        """Add ``key: value`` as the mapping's last pair (or on its own lines right before the key
        ``before``), with ``comments`` on the lines above it (block style only)."""
        if mapping.flow_style or self.style.json:
            self._add_flow_pair(mapping, key, value)
            return
        col = int(mapping.value[0][0].start_mark.column)
        block = "".join(" " * col + c + self.newline for c in comments)
        block += render.pair_text(key, value, col, self.style, self.newline)
        if before is not None:
            at = self.line_start(int(before.start_mark.index))
            if not self.text[at : int(before.start_mark.index)].strip():
                self._insert_lines(self.comments_above(before)[0], block)
                return
        _last_key, last_value = mapping.value[-1]
        pos = self.line_end(content_end(self.text, last_value))
        # Several mappings can end on one line: the deepest one's new key goes first.
        self._insert_lines(pos, block, rank=-col)

    def _add_flow_pair(self, mapping: MappingNode, key: str, value: Any) -> None:
        step = self.style.step if self.style.json else 0
        if not mapping.value:
            pos = int(mapping.start_mark.index) + 1
            self._add(pos, pos, json.dumps(key) + ": " + render.dumps(value))
            return
        last_key, last_value = mapping.value[-1]
        pos = content_end(self.text, last_value)
        if last_key.start_mark.line != mapping.start_mark.line:
            col = int(last_key.start_mark.column)
            body = render.json_text(value, col, step or 2, self.newline)
            self._add(pos, pos, "," + self.newline + " " * col + json.dumps(key) + ": " + body)
        else:
            self._add(pos, pos, ", " + json.dumps(key) + ": " + render.dumps(value))

    # -- whole objects -------------------------------------------------------------------------------

    def add_documents_after(self, root: Node, objects: list[dict[str, Any]]) -> None:
        """New YAML documents right after the document whose root is ``root``."""
        if not objects:
            return
        pos = self.line_end(content_end(self.text, root))
        block = "".join(
            "---" + self.newline + render.document_text(o, self.style, self.newline) for o in objects
        )
        self._insert_lines(pos, block)

    def add_sequence_items_after(self, seq: SequenceNode, item: Node, objects: list[dict[str, Any]]) -> None:
        """New items right after ``item`` of a List's ``items`` sequence (block or flow)."""
        if not objects:
            return
        if seq.flow_style or self.style.json:
            pos = content_end(self.text, item)
            col = int(item.start_mark.column)
            step = self.style.step if self.style.json else 2
            parts = [
                "," + self.newline + " " * col + render.json_text(o, col, step, self.newline) for o in objects
            ]
            self._add(pos, pos, "".join(parts))
            return
        dash_col = int(seq.start_mark.column)
        pos = self.line_end(content_end(self.text, item))
        lines: list[str] = []
        for obj in objects:
            inner = render.block_lines(obj, dash_col + 2, self.style)
            lines.append(" " * dash_col + "- " + inner[0][dash_col + 2 :])
            lines.extend(inner[1:])
        self._insert_lines(pos, "".join(line + self.newline for line in lines))

    def document_start(self, root: Node) -> tuple[int, bool]:
        """Where a document's text starts: its ``---`` line (True) or its root's line (False)."""
        root_start = int(root.start_mark.index)
        ls = self.line_start(root_start)
        if self.text.startswith("---", ls):
            return ls, True
        pos = ls
        while pos > 0:
            prev = self.line_start(pos - 1)
            line = self.text[prev:pos].strip()
            if line.startswith("---"):
                return prev, True
            if line and not line.startswith("#"):
                break
            pos = prev
        return ls, False

    def remove_document(self, root: Node, next_root: Node | None) -> None:
        """Remove a document: from its ``---`` line (and the comments that open it) to the end of its
        content's last line.

        What follows the content stays where it is — blank lines, comments, a ``...`` marker, the end of
        the file: writers insert a document as ``---`` + body right after another's content, so removing it
        gives back the original bytes, and a comment is never dropped with a document it does not open.
        A first document without ``---`` takes ``next_root``'s marker with it, when there is one, so the
        next document does not start the file with an empty one.
        """
        start, has_marker = self.document_start(root)
        self._add(start, self.line_end(content_end(self.text, root)), "")
        if not has_marker and next_root is not None:
            marker, next_marker = self.document_start(next_root)
            if next_marker:
                self._add(marker, self.line_end(marker), "")

    def remove_sequence_item(self, seq: SequenceNode, item: Node) -> None:
        """Remove one item of a block or flow sequence (a ``List``'s ``items``)."""
        items = seq.value
        index = next(i for i, it in enumerate(items) if it is item)
        if seq.flow_style or self.style.json:
            if len(items) == 1:
                self._add(int(seq.start_mark.index) + 1, int(seq.end_mark.index) - 1, "")
            elif index + 1 < len(items):
                self._add(int(item.start_mark.index), int(items[index + 1].start_mark.index), "")
            else:
                self._add(content_end(self.text, items[index - 1]), content_end(self.text, item), "")
            return
        dash = self.text.rfind("-", 0, int(item.start_mark.index) + 1)
        self._add(self.line_start(dash), self.line_end(content_end(self.text, item)), "")

    def wrap_json_in_list(self, root: MappingNode, objects: list[dict[str, Any]]) -> None:
        """A single JSON object that gains objects becomes a ``kind: List`` (SPEC §6)."""
        step = self.style.step or 2
        nl = self.newline
        pad = " " * step
        head = "{" + nl + f'{pad}"apiVersion": "v1",{nl}{pad}"kind": "List",{nl}{pad}"items": [{nl}'
        tail = "".join("," + nl + pad * 2 + render.json_text(o, step * 2, step, nl) for o in objects)
        start, end = int(root.start_mark.index), int(root.end_mark.index)
        self._add(start, start, head)
        self._add(end, end, tail + nl + pad + "]" + nl + "}")


def removed_runs(removed: list[bool]) -> Iterator[tuple[int, int]]:
    """(first, last) index of each run of consecutive removed items: a run is removed by one edit, since
    the commas between flow items belong to their neighbours (one edit per item would overlap)."""
    i = 0
    while i < len(removed):
        if not removed[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(removed) and removed[j + 1]:
            j += 1
        yield i, j
        i = j + 1
