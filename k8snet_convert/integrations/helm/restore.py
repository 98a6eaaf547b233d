"""Writing a converted chart template back: the engine's edits on the original text, actions in place.

The engine edited the masked text. Each edit is moved onto the original text (a placeholder is never cut
in two: edits replace whole scalars, pairs and lines), and what it writes gets its actions back. These
rules keep the template's structure:

* a line of actions is never deleted: one an edit removes (``{{- end }}`` after a removed PodNetwork
  document) comes back right after what the edit writes;
* what a workload gains (``spec.networks``, objects after it) goes inside the ``if``/``with`` blocks its
  converted construct was in (``{{- if .Values.multus }}`` around the annotation), when they do not
  already enclose the place it goes; a block the conversion left empty goes;
* a document added after one whose end lies in an ``if``/``else`` opened inside it (two spellings of a
  NAD's ``spec``) goes at the end of every branch, and leaves every branch on the way back;
* nothing may depend on which placeholders stood for the actions: a generated name whose hash was taken
  over actions, or an action of another template, cannot be written as a template, and the template is
  left untouched (``helm-template-unsupported``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from ...errors import ConvertError
from ...manifests.edit import Edit, content_end
from .mask import SCOPES, Block, Masked, blocks, find_actions, line_groups

if TYPE_CHECKING:
    from ...engine import Conversion
    from ...model import Workload
    from .template_context import TemplateContext

_TOKEN = re.compile(r"hv[a-z2-7]{6}")
# A generated name with a short hash (names.short_hash: five hex digits after a dash).
_HASHED_NAME = re.compile(r"[a-z0-9][-a-z0-9.]*-[0-9a-f]{5}\b")
GUARD_KEYWORDS = ("if", "with")
LINE_KINDS = ("control", "content", "hidden")  # pieces that stand for whole lines of actions


class Unsupported(ConvertError):
    """The conversion cannot be written into the template; the message says why."""

    def __init__(self, message: str, line: int = 0, hint: str = "") -> None:
        super().__init__(message, rule="helm-template-unsupported", hint=hint)
        self.line = line


def restore(ctx: TemplateContext, conversion: Conversion) -> str:
    """The template with the conversion's edits and its actions. Raises Unsupported."""
    masked = ctx.masked
    assert masked is not None
    masked.learn(ctx.inventory.template_actions)
    edits = sorted(ctx.editor.edits, key=lambda e: (e.start, e.end, e.rank, e.seq))
    wraps = _guard_wraps(ctx, conversion, edits)
    original = masked.original
    every = blocks(masked.actions)
    scopes = [b for b in every if b.keyword(masked.actions) in SCOPES and b.end >= 0]
    placed: list[tuple[int, int, str]] = []
    for edit in edits:
        start, end = masked.to_original(edit.start), masked.to_original(edit.end)
        if start is None or end is None:
            raise Unsupported("an edit falls inside a template action", _line(original, edit.start))
        _check_tokens(masked, edit.text, _line(original, start))
        top = not any(_encloses(masked, b, start) for b in scopes)
        gone = _removed_document(masked, edit, start, end)
        text = masked.restore(edit.text, top) + _kept_lines(masked, edit, gone)
        for block in wraps.get(id(edit), []):
            text = _wrap(masked, block, text, _line(original, start), ctx.editor.newline)
        placed.append((start, end, text))
        if start == end and edit.text.startswith("---"):
            placed += _other_branches(ctx, every, edit, start, text)
        elif gone:
            placed += _removed_from_other_branches(masked, edit, gone)
    out: list[str] = []
    pos = 0
    for start, end, text in sorted(placed, key=lambda p: (p[0], p[1])):  # stable: edits keep their order
        if start < pos:
            raise Unsupported("two edits overlap", _line(original, start))
        out.append(original[pos:start])
        out.append(text)
        pos = end
    out.append(original[pos:])
    _check_hashes(ctx, conversion, edits)
    return _drop_emptied_blocks(original, "".join(out))


def _other_branches(
    ctx: TemplateContext, every: list[Block], edit: Edit, at: int, text: str
) -> list[tuple[int, int, str]]:
    """Documents added after a document whose end lies in an ``if``/``else`` opened inside it (two
    spellings of its spec): they go at the end of every branch, so whichever renders, they follow it."""
    masked = ctx.masked
    assert masked is not None
    root = next(
        (d.root for d in ctx.docs if ctx.editor.line_end(content_end(ctx.editor.text, d.root)) == edit.start),
        None,
    )
    if root is None:
        return []
    doc_start = masked.to_original(int(root.start_mark.index)) or 0
    inner = [
        b
        for b in every
        if b.end >= 0 and _encloses(masked, b, at) and masked.actions[b.opener].start >= doc_start
    ]
    if not inner:
        return []
    block = inner[0]
    if block.keyword(masked.actions) != "if":
        raise Unsupported(
            f"a document ends inside a {{{{ {block.keyword(masked.actions)} }}}} block it opens; what "
            "follows it cannot be placed",
            _line(masked.original, at),
        )
    extra = []
    for index in [*block.middles, block.end]:
        action = masked.actions[index]
        line_start = masked.original.rfind("\n", 0, action.start) + 1
        if masked.original[line_start : action.start].strip():
            raise Unsupported("a branch does not end on a line of its own", _line(masked.original, at))
        if line_start != at:
            extra.append((line_start, line_start, text))
    return extra


def _removed_document(masked: Masked, edit: Edit, start: int, end: int) -> str:
    """The text of the documents an edit removes (up to the lines of actions it keeps), or ""."""
    if edit.text or start >= end:
        return ""
    kept = [p for p in masked.pieces_within(edit.start, edit.end) if p.kind in LINE_KINDS]
    gone = masked.original[start : kept[0].start if kept else end]
    gone = gone[: gone.rfind("\n") + 1] if kept else gone
    return gone if gone.startswith("---") else ""


def _without_copies(region: str, gone: str) -> str:
    """A hidden branch without the copies of a removed document that stand at the end of a branch (where
    ``_other_branches`` wrote them)."""
    at = region.find(gone)
    while at >= 0:
        rest = region[at + len(gone) :].lstrip(" ")
        if not rest or rest.startswith("{{"):
            region = region[:at] + region[at + len(gone) :]
        else:
            at += len(gone)
        at = region.find(gone, at)
    return region


def _removed_from_other_branches(masked: Masked, edit: Edit, gone: str) -> list[tuple[int, int, str]]:
    """A document removed (a PodNetwork going back to its NAD) that ``_other_branches`` wrote at the end
    of every branch: its copies in the other branches go too."""
    extra = []
    for piece in masked.pieces:
        if piece.kind != "hidden" or edit.start <= piece.masked_start < edit.end:
            continue
        region = masked.original[piece.start : piece.end]
        cleaned = _without_copies(region, gone)
        if cleaned != region:
            extra.append((piece.start, piece.end, cleaned))
    return extra


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _check_tokens(masked: Masked, text: str, line: int) -> None:
    """Every placeholder a conversion writes must be one this template can say: its own, or a chart-wide
    action of another template (a NAD's config embedded from the inventory, said from the root)."""
    for token in _TOKEN.findall(text):
        if not masked.is_token(token) and token not in masked.original:
            raise Unsupported(
                "it would copy an action of another template that means something else here (inside "
                "its with or range block)",
                line,
                hint="keep the NAD and the workloads that use it in one template, or convert by hand",
            )


def _kept_lines(masked: Masked, edit: Edit, gone: str) -> str:
    """The lines of actions an edit removes and does not write again, as they were (a hidden branch
    without its copies of the ``gone`` document)."""
    original = masked.original
    spans: list[list[int]] = []  # whole lines, merged where pieces share one
    for piece in masked.pieces_within(edit.start, edit.end):
        written = piece.placeholder.strip()
        if piece.kind not in LINE_KINDS or (written and written in edit.text):
            continue
        if piece.masked_start == edit.start and piece.masked_end == edit.end:
            continue
        first = original.rfind("\n", 0, piece.start) + 1
        last = original.find("\n", piece.end)
        last = len(original) if last < 0 else last + 1
        if spans and first < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    lines = [_without_copies(original[a:b], gone) if gone else original[a:b] for a, b in spans]
    if not lines:
        return ""
    for piece in masked.pieces_within(edit.start, edit.end):
        if piece.kind == "inline-control" and piece.placeholder not in edit.text:
            raise Unsupported(
                "it would remove a template action written amid text", _line(original, piece.start)
            )
    lead = "" if not edit.text or edit.text.endswith("\n") else "\n"
    return lead + "".join(lines)


# -- guards -------------------------------------------------------------------------------------------------


def _guard_wraps(ctx: TemplateContext, conversion: Conversion, edits: list[Edit]) -> dict[int, list[Block]]:
    """For each edit that writes something for a converted workload: the blocks around the workload's
    source construct that do not already enclose where the edit writes (outermost first)."""
    masked = ctx.masked
    assert masked is not None
    every = blocks(masked.actions)
    wraps: dict[int, list[Block]] = {}
    for wl in conversion.written:
        guards = ctx.analysis.guards.get(id(wl.template.node), [])
        if not guards:
            continue
        if any(b.opener < 0 for b in guards):
            raise Unsupported(
                f"{masked.readable(wl.label)} says its networks in template blocks that cannot be said "
                "again around what replaces them (an else branch, or two different blocks)",
                _line(masked.original, masked.to_original(int(wl.anchor.start_mark.index)) or 0),
            )
        for edit in _edits_of(ctx, wl, edits):
            if not edit.text:
                continue
            at = masked.to_original(edit.start)
            assert at is not None
            around = {masked.actions[b.opener].expr for b in every if b.end >= 0 and _encloses(masked, b, at)}
            outside = [
                b
                for b in guards
                if not _encloses(masked, b, at) and masked.actions[b.opener].expr not in around
            ]
            if outside:
                wraps[id(edit)] = outside
    return wraps


def _edits_of(ctx: TemplateContext, wl: Workload, edits: list[Edit]) -> list[Edit]:
    """The edits inside a workload's pod template, and the documents added right after it."""
    node = wl.template.node
    text = ctx.editor.text
    start = int(node.start_mark.index)
    end = ctx.editor.line_end(content_end(text, node))
    after = ctx.editor.line_end(content_end(text, wl.template.obj.doc.root))
    return [
        e
        for e in edits
        if start <= e.start <= end or (e.start == e.end == after and e.text.startswith("---"))
    ]


def _encloses(masked: Masked, block: Block, at: int) -> bool:
    return masked.actions[block.opener].end <= at <= masked.actions[block.end].start


def _wrap(masked: Masked, block: Block, text: str, line: int, newline: str) -> str:
    opener = masked.actions[block.opener]
    if opener.keyword not in GUARD_KEYWORDS:
        raise Unsupported(
            f"the converted networks stand inside a {{{{ {opener.keyword} }}}} block of their own", line
        )
    if not text.endswith(newline):
        raise Unsupported("what the conversion writes is not on lines of its own", line)
    indent = "" if text.startswith("---") else text[: len(text) - len(text.lstrip(" "))]
    original = masked.original
    end = masked.actions[block.end]
    return (
        indent
        + original[opener.start : opener.end]
        + newline
        + text
        + indent
        + original[end.start : end.end]
        + newline
    )


# An ``if``/``with`` line right before an ``end`` line: a block that may have been emptied.
_EMPTY_BLOCK = re.compile(r"\{\{-?\s*(?:if|with)\b[^\n]*\}\}[ \t]*\r?\n[ \t]*\{\{-?\s*end\s*-?\}\}")


def _drop_emptied_blocks(original: str, text: str) -> str:
    """An ``if``/``with`` line directly followed by its ``end`` line, where the template had something
    between them: the conversion emptied the block, which goes."""
    if len(_EMPTY_BLOCK.findall(text)) <= len(_EMPTY_BLOCK.findall(original)):
        return text  # no block emptied (the common case: one regular expression, no lexing)
    before = Counter(_empty_blocks(original))
    actions = find_actions(text)
    groups, _ = line_groups(text, actions)
    alone = {g.actions[0].start: g for g in groups if len(g.actions) == 1}
    drop: list[tuple[int, int]] = []
    for block in blocks(actions):
        opener, end = actions[block.opener], actions[block.end] if block.end >= 0 else None
        if end is None or block.middles or opener.keyword not in GUARD_KEYWORDS:
            continue
        if opener.start not in alone or end.start not in alone or text[opener.end : end.start].strip():
            continue
        key = (text[opener.start : opener.end], text[end.start : end.end])
        if before[key] > 0:
            before[key] -= 1
            continue
        first = text.rfind("\n", 0, opener.start) + 1
        last = text.find("\n", end.end)
        drop.append((first, len(text) if last < 0 else last + 1))
    for first, last in sorted(drop, reverse=True):
        text = text[:first] + text[last:]
    return text


def _empty_blocks(text: str) -> list[tuple[str, str]]:
    actions = find_actions(text)
    found = []
    for block in blocks(actions):
        if block.end < 0 or block.middles:
            continue
        opener, end = actions[block.opener], actions[block.end]
        if not text[opener.end : end.start].strip():
            found.append((text[opener.start : opener.end], text[end.start : end.end]))
    return found


# -- names that depend on the placeholders -------------------------------------------------------------------


def _check_hashes(ctx: TemplateContext, conversion: Conversion, edits: list[Edit]) -> None:
    """A generated name with a hash suffix (a collision, a name too long or altered, a DRA claim of a
    network with parameters) where the workload's networks hold actions: the hash was taken over
    placeholders, and the rendered chart would need one taken over the values."""
    masked = ctx.masked
    assert masked is not None
    templated = False
    for wl in conversion.written:
        for key, value in wl.footprint.annotations + wl.footprint.spec:
            if masked.pieces_within(int(key.start_mark.index), content_end(ctx.editor.text, value)):
                templated = True
        if masked.tokens_in(wl.name):
            templated = True
    if not templated:
        return
    for edit in edits:
        for name in _HASHED_NAME.findall(edit.text):
            if name not in ctx.editor.text:
                raise Unsupported(
                    f"the generated name {masked.readable(name)!r} ends in a hash, which would be taken "
                    "over the template's placeholders instead of the rendered values",
                    _line(masked.original, masked.to_original(edit.start) or 0),
                    hint="give the networks literal names, or convert the rendered chart instead",
                )
