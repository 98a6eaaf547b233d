"""Go-template actions as opaque text: each action of a chart template is replaced by a placeholder that
keeps the YAML valid, so the engine converts the template like any manifest; the actions come back after.

This module only lexes (where each ``{{ … }}`` starts and ends, whether it stands on a line of its own,
which block it opens or closes): rendering is Helm's business, and the tests prove conversions with
Helm's own engine.

* An **inline** action (inside a scalar or a key) becomes a token, ``hv`` and six base-32 letters: a
  valid DNS label and interface name, so a name built from actions (``{{ .Values.n3.name }}-{{ include
  "x.fullname" $ }}``) still parses as a Multus network name and generated names derive from it. The token
  depends only on the action's expression, so one action says the same name in every template of a chart
  (the run-wide inventory matches a NAD of one template with its use in another).
* A **line** of actions (``{{- if … }}``, ``{{- end }}``, ``{{- include … | nindent 8 }}`` alone on their
  line) becomes something YAML skips or reads as one harmless entry: nothing (a blank line, which no
  Editor operation carries along as it does comments) for actions that write nothing (control structure,
  variables, comments), an entry of the surrounding mapping or sequence for actions that write text
  (``include``, ``toYaml``), so that a map holding one never reads as empty. The ``else`` branches of a
  block written on its own lines become blank lines too: YAML reads the first branch (two spellings of a
  key are not a duplicate). Every line keeps its number.
* A string value that Multus checks as an address (``"ips": ["{{ .ip }}/{{ .cidr }}"]``, ``mac``)
  becomes a **synthetic value** of that type, unique in the file (``198.18.1xx.1yy/32``,
  ``0e:5a:f0:00:xx:yy``), which the engine carries like any address.

Every placeholder is unique in the file and absent from its text, so putting the actions back is exact:
text the conversion did not touch comes back byte for byte from the original; text it wrote gets each
inline action in its canonical spelling ``{{ expression }}``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ...errors import ConvertError

TOKEN_PREFIX = "hv"
TOKEN_LENGTH = 8
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_WHITESPACE = " \t\r\n"
RELEASE_NAMESPACE = ".Release.Namespace"

# Actions that write nothing: control structure, variable declarations and assignments, comments.
_CONTROL = re.compile(r"(?:if|else|end|range|with|define|break|continue)\b")
_VARIABLE = re.compile(r"\$\w*\s*:?=(?!=)")
_WORD = re.compile(r"[a-z]+\b")
# Every placeholder a conversion may write: tokens (a repaired line's comment too), synthetic addresses.
_PLACEHOLDER = re.compile(
    r"#?hv[a-z2-7]{6}|198\.18\.1\d\d\.1\d\d(?:/32)?|0e:5a:f0:00:[0-9a-f]{2}:[0-9a-f]{2}"
)
OPENERS = ("if", "with", "range", "define", "block")


class TemplateSyntaxError(ConvertError):
    """The template's actions cannot be lexed (an unclosed ``{{``)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message, rule="helm-template-unparsed")
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Action:
    start: int  # span of ``{{ … }}`` in the original text
    end: int
    expr: str  # what is between the delimiters, without trim markers and surrounding whitespace
    keyword: str = field(init=False)  # the leading keyword (``if``, ``end``…), or "" for a value

    def __post_init__(self) -> None:
        match = _WORD.match(self.expr)
        word = match.group() if match else ""
        object.__setattr__(self, "keyword", word if _CONTROL.fullmatch(word) or word == "block" else "")

    @property
    def writes_nothing(self) -> bool:
        expr = self.expr
        if expr.startswith("/*"):
            return True
        if _VARIABLE.match(expr):
            return True
        return self.keyword not in ("", "block")

    @property
    def canonical(self) -> str:
        return "{{ " + self.expr + " }}"


# What ends an action, or starts something inside it that may hold ``}}``.
_INSIDE = re.compile(r"\}\}|[\"'`]|/\*")


def _line_col(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def find_actions(text: str) -> list[Action]:
    """Every action of a Go template, in order (Go's lexer: strings, raw strings, characters and comments
    may hold ``}}``). Raises TemplateSyntaxError for an action that is never closed."""
    actions: list[Action] = []
    pos = 0
    size = len(text)
    while (start := text.find("{{", pos)) >= 0:
        body = start + 2
        if text.startswith("-", body) and body + 1 < size and text[body + 1] in _WHITESPACE:
            body += 1  # ``{{- ``: a left trim marker
        i = body
        while (found := _INSIDE.search(text, i)) is not None:
            i = found.start()
            token = found.group()
            if token == "}}":
                break
            if token in "\"'":
                i = _skip_quoted(text, i, token)
            elif token == "`":
                close = text.find("`", i + 1)
                i = size if close < 0 else close + 1
            else:  # a comment
                close = text.find("*/", i + 2)
                i = size if close < 0 else close + 2
        else:
            i = size
        if i >= size:
            line, column = _line_col(text, start)
            raise TemplateSyntaxError("a template action {{ is never closed", line, column)
        end = i + 2
        inner_end = i - 1 if i - 2 >= body and text[i - 1] == "-" and text[i - 2] in _WHITESPACE else i
        actions.append(Action(start, end, text[body:inner_end].strip()))
        pos = end
    return actions


def _skip_quoted(text: str, i: int, quote: str) -> int:
    """Past a Go string or character literal (backslash escapes; never past a line break)."""
    j = i + 1
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == quote:
            return j + 1
        if char == "\n":
            return j  # not a literal after all (an apostrophe in text): the lexer goes on from here
        j += 1
    return j


# -- lines of actions and blocks -------------------------------------------------------------------------


@dataclass
class Group:
    """Consecutive actions standing alone on their line(s): placeholders say them as one unit."""

    actions: list[Action]
    kind: str = ""  # "control" (writes nothing) or "content"

    @property
    def start(self) -> int:
        return self.actions[0].start

    @property
    def end(self) -> int:
        return self.actions[-1].end


@dataclass
class Block:
    """``if``/``with``/``range``/``define`` … ``end``, by index into the file's actions."""

    opener: int
    end: int
    middles: list[int] = field(default_factory=list)  # ``else`` / ``else if``

    def keyword(self, actions: list[Action]) -> str:
        return actions[self.opener].keyword


_TRAILING_COMMENT = re.compile(r"[ \t]+#")


def line_groups(text: str, actions: list[Action]) -> tuple[list[Group], set[int]]:
    """The groups of actions alone on their lines, and the indexes of actions inside them."""
    groups: list[Group] = []
    grouped: set[int] = set()
    i = 0
    while i < len(actions):
        first = actions[i]
        line_start = text.rfind("\n", 0, first.start) + 1
        j = i
        while j + 1 < len(actions) and not text[actions[j].end : actions[j + 1].start].strip(" \t"):
            j += 1
        line_end = text.find("\n", actions[j].end)
        after = text[actions[j].end : len(text) if line_end < 0 else line_end]
        alone = not after.strip(" \t\r") or _TRAILING_COMMENT.match(after) is not None
        if not text[line_start : first.start].strip(" \t") and alone:
            members = actions[i : j + 1]
            kind = "control" if all(a.writes_nothing for a in members) else "content"
            groups.append(Group(members, kind))
            grouped.update(range(i, j + 1))
        i = j + 1
    return groups, grouped


def blocks(actions: list[Action]) -> list[Block]:
    """The file's blocks; an unbalanced ``end`` or opener is left out (Helm would refuse the file)."""
    found: list[Block] = []
    stack: list[Block] = []
    for index, action in enumerate(actions):
        word = action.keyword
        if word in OPENERS:
            stack.append(Block(index, -1))
        elif word == "else" and stack:
            stack[-1].middles.append(index)
        elif word == "end" and stack:
            block = stack.pop()
            block.end = index
            found.append(block)
    found.sort(key=lambda b: b.opener)
    return found


# -- placeholders ----------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)  # charts repeat their expressions (.Values.x, include "c.fullname" $)
def _token(seed: str, salt: int) -> str:
    digest = int.from_bytes(hashlib.blake2b(f"{salt}\x00{seed}".encode(), digest_size=8).digest(), "big")
    letters = []
    for _ in range(TOKEN_LENGTH - len(TOKEN_PREFIX)):
        letters.append(_ALPHABET[digest & 31])
        digest >>= 5
    return TOKEN_PREFIX + "".join(letters)


@dataclass
class Piece:
    """One replaced span: ``original[start:end]`` is ``placeholder`` in the masked text."""

    start: int
    end: int
    placeholder: str
    kind: str  # "inline", "inline-control", "control", "content", "hidden" or "value"
    masked_start: int = 0
    restored: str = ""  # what the placeholder becomes in text the conversion writes
    top: str = ""  # how it is said where ``.`` is the root (``.Values.x``), when that differs
    token: str = ""  # a line's token, for the other ways ``repair`` may say it

    @property
    def masked_end(self) -> int:
        return self.masked_start + len(self.placeholder)


@dataclass
class Masked:
    """A chart template with its actions replaced, and the way back."""

    original: str
    actions: list[Action]
    groups: list[Group]
    pieces: list[Piece]
    tokens: Tokens
    text: str = ""
    release_namespace: str = ""  # the token of ``{{ .Release.Namespace }}``
    _tokens: dict[str, str] = field(default_factory=dict)  # placeholder -> restored text
    _masked_lines: list[int] = field(default_factory=list)
    _original_lines: list[int] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)  # masked start of each piece
    _deferred: list[Piece] = field(default_factory=list)
    _top: dict[str, str] = field(default_factory=dict)

    # -- building ----------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """The masked text from the pieces (sorted, non-overlapping)."""
        self.pieces.sort(key=lambda p: p.start)
        out: list[str] = []
        pos = 0
        shift = 0
        for piece in self.pieces:
            out.append(self.original[pos : piece.start])
            piece.masked_start = piece.start + shift
            out.append(piece.placeholder)
            shift += len(piece.placeholder) - (piece.end - piece.start)
            pos = piece.end
        out.append(self.original[pos:])
        self.text = "".join(out)
        self._starts = [p.masked_start for p in self.pieces]
        # Placeholders as they may stand in written text (a line's only when a repair made it a word).
        self._tokens = {p.placeholder.strip(): p.restored for p in self.pieces if p.placeholder.strip()}
        self._tokens.setdefault(self.release_namespace, "{{ $" + RELEASE_NAMESPACE + " }}")
        self._top = {**self._tokens, **{p.placeholder: p.top for p in self.pieces if p.top}}  # inline
        self._top[self.release_namespace] = "{{ " + RELEASE_NAMESPACE + " }}"
        self._masked_lines = []  # computed when a finding needs them

    def defer_value(self, start: int, end: int, placeholder: str) -> None:
        """Say ``original[start:end]`` (text holding actions, or a key) as one value, from the next
        ``apply_deferred`` on (offsets meanwhile stay those of the current masked text)."""
        self._deferred.append(Piece(start, end, placeholder, "value", restored=self.original[start:end]))

    def apply_deferred(self) -> bool:
        if not self._deferred:
            return False
        for new in self._deferred:
            self.pieces = [p for p in self.pieces if not (new.start <= p.start and p.end <= new.end)]
            self.pieces.append(new)
        self._deferred = []
        self.rebuild()
        return True

    # -- reading -----------------------------------------------------------------------------------

    def pieces_within(self, masked_start: int, masked_end: int) -> list[Piece]:
        """Pieces a span of the masked text holds, or removes when an edit replaces it: one whose
        placeholder is empty (a line of actions that writes nothing) where the span starts is in it,
        where it ends is not (the span maps to the original text from before that line's actions)."""
        return [
            p
            for p in self.pieces
            if masked_start <= p.masked_start
            and p.masked_end <= masked_end
            and (p.placeholder or p.masked_start < masked_end)
        ]

    def chart_wide(self) -> dict[str, str]:
        """Placeholder -> action, for the actions that mean the same in every template of the chart (said
        from the root: ``{{ $.Values.x }}``, ``{{ include "c.name" $ }}``)."""
        return {p.placeholder: p.restored for p in self.pieces if p.top}

    def learn(self, actions: dict[str, str]) -> None:
        """Actions of other templates of the chart (the inventory's) that a conversion may copy here."""
        foreign = {t: a for t, a in actions.items() if t not in self._tokens}
        if not foreign:
            return
        self._tokens.update(foreign)
        self._top.update(foreign)

    def tokens_in(self, text: str) -> list[str]:
        return [t for t in _PLACEHOLDER.findall(text) if t in self._tokens]

    def is_token(self, text: str) -> bool:
        return text in self._tokens

    def restore(self, text: str, top: bool = False) -> str:
        """Written text with each placeholder said as its action (inline actions in canonical form);
        ``top``: the text lands where ``.`` is the root (outside with/range), so ``.Values`` may be said."""
        table = self._top if top else self._tokens

        def said(match: re.Match[str]) -> str:
            found = match.group()
            if found in table:
                return table[found]
            if found.startswith("#") and found[1:] in table:  # a comment that ends in a token
                return "#" + table[found[1:]]
            return found  # text that only looks like a placeholder

        return _PLACEHOLDER.sub(said, text)

    def readable(self, text: str) -> str:
        """A message with the actions in it instead of placeholders."""
        return self.restore(text, top=True) if text else text

    def to_original(self, index: int) -> int | None:
        """The original offset of a masked offset; None inside a placeholder (an edit may not cut one)."""
        at = bisect.bisect_right(self._starts, index) - 1
        if at < 0:
            return index
        piece = self.pieces[at]
        if index == piece.masked_start:
            return piece.start
        if index < piece.masked_end:
            return None
        return piece.end + (index - piece.masked_end)

    def original_line_col(self, line: int, column: int) -> tuple[int, int]:
        """The original (line, column) of a 1-based masked one; inside a placeholder, its start."""
        if not self._masked_lines:
            self._masked_lines = [0, *(m.end() for m in re.finditer("\n", self.text))]
            self._original_lines = [0, *(m.end() for m in re.finditer("\n", self.original))]
        if line < 1 or line > len(self._masked_lines):
            return line, column
        index = self._masked_lines[line - 1] + max(column - 1, 0)
        at = bisect.bisect_right(self._starts, index) - 1
        original = index
        if at >= 0:
            piece = self.pieces[at]
            original = piece.start if index < piece.masked_end else piece.end + (index - piece.masked_end)
        row = bisect.bisect_right(self._original_lines, original)
        return row, original - self._original_lines[row - 1] + 1


class Tokens:
    """Tokens of one file: one per expression, none already in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.by_expr: dict[str, str] = {}
        self.taken: set[str] = set()
        self.values = 0  # synthetic values handed out

    def of(self, seed: str) -> str:
        known = self.by_expr.get(seed)
        if known is not None:
            return known
        salt = 0
        token = _token(seed, salt)
        while token in self.taken or token in self.text:
            salt += 1
            token = _token(seed, salt)
        self.by_expr[seed] = token
        self.taken.add(token)
        return token

    def value(self, kind: str) -> str:
        """A synthetic address nobody wrote: ``ip``, ``cidr`` (``ip/32``) or ``mac``; fixed width, so
        none is a prefix of another."""
        while True:
            number = self.values
            self.values += 1
            high, low = divmod(number, 100)
            if kind == "mac":
                candidate = f"0e:5a:f0:00:{high % 256:02x}:{low:02x}"
            else:
                candidate = f"198.18.{100 + high % 100}.{100 + low}" + ("/32" if kind == "cidr" else "")
            if candidate not in self.taken and candidate not in self.text:
                self.taken.add(candidate)
                return candidate


def mask(text: str) -> Masked:
    """The template with every action replaced (see the module's docstring). Raises TemplateSyntaxError."""
    actions = find_actions(text)
    groups, grouped = line_groups(text, actions)
    tokens = Tokens(text)
    release = tokens.of(_rooted(RELEASE_NAMESPACE))
    pieces: list[Piece] = []
    scoped = scoped_actions(actions)
    for index, action in enumerate(actions):
        if index in grouped:
            continue
        if action.writes_nothing:
            # A control action amid text (``x{{ if .a }}-a{{ end }}``): a token of its own place (two
            # ``end`` are not one expression), copied as written along with the text around it.
            placeholder = tokens.of(f"\x00{action.start}")
            original = text[action.start : action.end]
            pieces.append(Piece(action.start, action.end, placeholder, "inline-control", restored=original))
            continue
        if scoped[index]:  # inside with/range/define: ``.`` is not the root, the expression is its own
            token = tokens.of(action.expr)
            pieces.append(Piece(action.start, action.end, token, "inline", restored=action.canonical))
            continue
        # At the top of a template ``.`` is the root, ``$``: ``.Values.x`` and ``$.Values.x`` are one
        # value, one token (a NAD's name and its use inside a ``with`` meet), and text the conversion
        # writes says it from the root, which means the same in any block it lands in.
        rooted = _rooted(action.expr)
        token = tokens.of(rooted)
        restored = "{{ " + rooted + " }}"
        pieces.append(
            Piece(action.start, action.end, token, "inline", restored=restored, top=action.canonical)
        )
    for number, group in enumerate(groups):
        token = tokens.of(f"\x01{number}\x00{text[group.start : group.end]}")
        original = text[group.start : group.end]
        start = group.start
        if group.kind == "control":
            # Nothing: a line YAML skips, that nothing reads as a comment to carry along with a key.
            placeholder = ""
        else:
            # ``{{- include … | nindent 8 }}`` writes at column 8 wherever it stands (often column 0):
            # the entry stands where the text will.
            indent = _INDENT.search(group.actions[-1].expr)
            if indent is not None:
                start = text.rfind("\n", 0, group.start) + 1
                column = int(indent.group(1))
                placeholder = " " * column + _content_placeholder(text, group, token, column)
            else:
                placeholder = _content_placeholder(text, group, token, None)
            original = text[start : group.end]
        placeholder += "\n" * text.count("\n", start, group.end)  # lines keep their numbers
        pieces.append(Piece(start, group.end, placeholder, group.kind, restored=original, token=token))
    for start, end in _other_branches(text, actions, grouped):
        pieces = [p for p in pieces if not (start <= p.start and p.end <= end)]
        token = tokens.of(f"\x03{start}\x00{text[start:end]}")
        placeholder = "\n" * text.count("\n", start, end)
        pieces.append(Piece(start, end, placeholder, "hidden", restored=text[start:end], token=token))
    masked = Masked(text, actions, groups, pieces, tokens, release_namespace=release)
    masked.rebuild()
    return masked


def _other_branches(text: str, actions: list[Action], grouped: set[int]) -> list[tuple[int, int]]:
    """The ``else`` branches of blocks written on lines of their own, from the first ``else`` to the
    ``end``: the engine reads the first branch only (two spellings of one key would read as a duplicate,
    two of one document's tail as one), and they come back as they were."""
    spans: list[tuple[int, int]] = []
    for block in blocks(actions):
        if not block.middles or block.end < 0:
            continue
        middle = block.middles[0]
        if middle not in grouped or block.end not in grouped:
            continue
        start, end = actions[middle].start, actions[block.end].start
        if any(a <= start and end <= b for a, b in spans):
            continue  # inside an outer block's hidden branch
        spans = [(a, b) for a, b in spans if not (start <= a and b <= end)]
        spans.append((start, end))
    return spans


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
_DOT_FIELD = re.compile(r"(?<![\w$)\]])\.(?=[A-Za-z_])")
_DOT_ALONE = re.compile(r"(?<![\w$)\]])\.(?![\w.])")
SCOPES = ("with", "range", "define", "block")


def _rooted(expr: str) -> str:
    """``expr`` with the top-level dot said as ``$`` (outside string literals)."""
    parts = _STRING.split(expr)
    strings = _STRING.findall(expr)
    out = []
    for i, part in enumerate(parts):
        out.append(_DOT_ALONE.sub("$", _DOT_FIELD.sub("$.", part)))
        if i < len(strings):
            out.append(strings[i])
    return "".join(out)


def scoped_actions(actions: list[Action]) -> list[bool]:
    """Whether each action stands inside a block that changes ``.`` (with, range, define, block); an
    opener's own expression is evaluated outside its block."""
    inside = [False] * len(actions)
    for block in blocks(actions):
        if block.keyword(actions) not in SCOPES:
            continue
        last = block.end if block.end >= 0 else len(actions)
        for index in range(block.opener + 1, last):
            inside[index] = True
    return inside


def repair(masked: Masked, line: int) -> bool:
    """The masked text does not parse at ``line``: say the nearest line of actions before it another way
    (a comment, or a word continuing a plain multi-line scalar). False when nothing is left to try."""
    for piece in sorted(masked.pieces, key=lambda p: p.masked_start, reverse=True):
        if piece.kind not in ("control", "content"):
            continue
        if masked.text.count("\n", 0, piece.masked_start) + 1 > line:
            continue
        token = piece.token
        forms = ["", "#" + token, token]
        current = piece.placeholder.strip()
        later = forms[forms.index(current) + 1 :] if current in forms else forms[1:]
        if not later:
            continue
        lead = piece.placeholder[: len(piece.placeholder) - len(piece.placeholder.lstrip(" "))]
        tail = piece.placeholder[len(piece.placeholder.rstrip("\n")) :]
        piece.placeholder = lead + later[0] + tail
        masked.rebuild()
        return True
    return False


# -- where a line of content actions stands --------------------------------------------------------------


def _significant_lines(text: str, start: int, forward: bool) -> Iterable[tuple[int, str]]:
    """(indentation, stripped line) of the lines before or after ``start``, skipping blank lines, comments
    and lines that hold only actions."""
    if forward:
        pos = text.find("\n", start)
        while pos >= 0:
            nxt = text.find("\n", pos + 1)
            line = text[pos + 1 : len(text) if nxt < 0 else nxt]
            pos = nxt
            yield from _significant(line)
    else:
        pos = text.rfind("\n", 0, start)
        while pos > 0:
            prev = text.rfind("\n", 0, pos)
            line = text[prev + 1 : pos]
            pos = prev
            yield from _significant(line)


def _significant(line: str) -> Iterable[tuple[int, str]]:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return
    if _ONLY_ACTIONS.fullmatch(stripped):
        return
    yield len(line) - len(line.lstrip(" ")), stripped


_INDENT = re.compile(r"\bn?indent\s+(\d+)\s*$")
_ONLY_ACTIONS = re.compile(r"(?:\{\{.*?\}\}\s*)+")
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*$")


def _content_placeholder(text: str, group: Group, token: str, column: int | None) -> str:
    """An entry of the mapping or sequence the line stands in (by its siblings, else its parent)."""
    if column is None:
        column = group.start - (text.rfind("\n", 0, group.start) + 1)
    for indent, line in _significant_lines(text, group.end, forward=True):
        if indent == column:
            return f"- {token}" if line == "-" or line.startswith("- ") else f"{token}: {token}"
        break
    for indent, line in _significant_lines(text, group.start, forward=False):
        if indent == column:
            return f"- {token}" if line == "-" or line.startswith("- ") else f"{token}: {token}"
        if indent < column:
            if _BLOCK_SCALAR.search(line):
                return token  # text of a block scalar
            return f"{token}: {token}" if line.endswith(":") else token
    return f"{token}: {token}"
