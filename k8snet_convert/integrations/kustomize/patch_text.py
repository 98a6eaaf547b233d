"""A patch as text: JSON pointers, patches held in a kustomization's strings (and how their lines map back
to the file), where a patch's findings go, and a patch's text as a file of its own.

Edits, not re-serialisation, also inside a patch held in a string: the patch text is edited like a file,
and only the lines that changed are written back into the block scalar.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yaml.nodes import Node, ScalarNode

from ...context import FileContext
from ...manifests import render
from ...manifests.edit import Editor, content_end
from ...manifests.render import Style
from ...manifests.source import SourceText
from ...manifests.yamldoc import Document, get
from ...model import Finding, Severity
from ...options import Options

if TYPE_CHECKING:
    pass


# -- JSON pointers -----------------------------------------------------------------------------------


def pointer_tokens(pointer: str) -> tuple[str, ...] | None:
    """RFC 6901 tokens of a JSON pointer (None when it is not one)."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        return None
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


def pointer(tokens: tuple[str, ...] | list[str]) -> str:
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


# -- where findings go -------------------------------------------------------------------------------


@dataclass
class _Embedded:
    """A patch held in a string scalar of the kustomization: its text, and how it maps back to the file."""

    node: ScalarNode
    file_text: str
    newline: str
    flow: bool  # the scalar sits inside a flow collection (no block scalars there)
    column: int  # the column of the key that holds it, for a new block scalar's indentation
    step: int
    first_line: int = field(init=False)  # 0-based line of the first content line (= 1-based header line)
    indent: int = field(init=False)
    line_starts: list[int] = field(init=False)  # file index of each content line, plus the end

    @property
    def text(self) -> str:
        return str(self.node.value)

    @property
    def literal(self) -> bool:
        """A literal block scalar whose lines map one to one onto the patch's lines.

        With an explicit indentation indicator (``|2``) the content indentation is not the first line's,
        so such a scalar is rewritten whole, like a quoted one.
        """
        if self.node.style != "|":
            return False
        start = int(self.node.start_mark.index)
        end = self.file_text.find("\n", start)
        header = self.file_text[start : len(self.file_text) if end < 0 else end].split("#", 1)[0]
        return not any(c.isdigit() for c in header)

    def __post_init__(self) -> None:
        self.first_line = self.node.start_mark.line + 1
        self.indent = 0
        self.line_starts = []
        if not self.literal:
            return
        lines = _lines(self.text)
        pos = self.file_text.find("\n", int(self.node.start_mark.index))
        pos = len(self.file_text) if pos < 0 else pos + 1
        indent: int | None = None
        for _ in lines:
            self.line_starts.append(pos)
            nxt = self.file_text.find("\n", pos)
            end = len(self.file_text) if nxt < 0 else nxt + 1
            line = self.file_text[pos:end].rstrip("\r\n")
            if indent is None and line.strip():
                indent = len(line) - len(line.lstrip(" "))
            pos = end
        self.line_starts.append(pos)
        self.indent = indent or 0

    def location(self, line: int, column: int) -> tuple[int, int]:
        """File position (1-based) of a 1-based position in the patch text."""
        if not self.literal or line < 1:
            return self.node.start_mark.line + 1, self.node.start_mark.column + 1
        return self.first_line + line, self.indent + column

    def write_back(self, editor: Editor, new_text: str) -> None:
        if self.literal and new_text:
            self._write_lines(editor, new_text)
            return
        node = self.node
        if node.style == '"' or (self.flow and "\n" in new_text) or new_text[:1] in (" ", "\t"):
            rendered = json.dumps(new_text, ensure_ascii=False)
        elif "\n" in new_text and not self.flow:
            chomp = "-" if not new_text.endswith("\n") else ("+" if new_text.endswith("\n\n") else "")
            pad = " " * (self.column + self.step)
            body = new_text[:-1] if new_text.endswith("\n") else new_text
            rendered = (
                "|" + chomp + "".join(self.newline + (pad + ln if ln else "") for ln in body.split("\n"))
            )
        else:
            rendered = render.scalar(new_text)
        _replace(editor, int(node.start_mark.index), content_end(self.file_text, node), rendered)

    def _write_lines(self, editor: Editor, new_text: str) -> None:
        """Only the lines that changed are rewritten: everything else stays byte for byte."""
        old, new = _lines(self.text), _lines(new_text)
        pad = " " * self.indent
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        file_len = len(self.file_text)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            start, end = self.line_starts[i1], self.line_starts[i2]
            text = "".join((pad + ln if ln else "") + self.newline for ln in new[j1:j2])
            if end == file_len and not self.file_text.endswith("\n"):
                # The block is the last thing in a file without a final newline: keep it that way.
                text = text[: -len(self.newline)] if text else text
                if i1 == i2 == len(old) and text:
                    text = self.newline + text
            _replace(editor, start, end, text)


def _lines(text: str) -> list[str]:
    """Lines of a block scalar's value (its final line break ends the last line, it adds none)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _replace(editor: Editor, start: int, end: int, text: str) -> None:
    # The Editor's public operations each know one YAML shape; a plain span replacement is what both a
    # rewritten block-scalar line and a rewritten value are, so it goes through the one primitive.
    editor._add(start, end, text)


@dataclass
class _Where:
    """Reports findings about nodes of a patch, at their place in the file."""

    ctx: FileContext
    base_path: str  # YAML path of the patch inside the file ("" for a patch file)
    embedded: _Embedded | None = None

    def location(self, node: Node) -> tuple[int, int]:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if self.embedded is not None:
            return self.embedded.location(line, column)
        return line, column

    def report(
        self, rule: str, severity: Severity, message: str, node: Node, path: str = "", hint: str = ""
    ) -> None:
        line, column = self.location(node)
        self.ctx.report(
            rule, severity, message, path=self.base_path + path, hint=hint, line=line, column=column
        )

    def relocate(self, finding: Finding, node: Node | None, path: str) -> None:
        """A finding of an inner conversion, moved to the file (at ``node``, or its own line in the patch)."""
        if node is not None:
            line, column = self.location(node)
        elif self.embedded is not None:
            line, column = self.embedded.location(finding.line, finding.column)
        else:
            line, column = finding.line, finding.column
        self.ctx.report(
            finding.rule,
            finding.severity,
            finding.message,
            path=self.base_path + path,
            hint=finding.hint,
            line=line,
            column=column,
        )


# -- one annotation value, converted -----------------------------------------------------------------


@dataclass
class _Converted:
    entries: list[dict[str, Any]]  # the pod's whole spec.networks
    params: str | None  # the attachment-params annotation value (--attachment-params annotation)
    refs: list[tuple[str, str]]  # NADs used, (namespace, name)


def _synthetic_context(
    ctx: FileContext, text: str, docs: list[Document], style: Style, path: Path | None
) -> FileContext:
    """A patch's text as a file of its own: a patch cannot create objects (``is_patch``)."""
    return FileContext(
        display=ctx.display,
        path=path,
        source=SourceText(text=text, encoding="utf-8", bom=b"", newline="\n"),
        docs=docs,
        options=ctx.options,
        editor=Editor(text, "\n", style),
        is_json=style.json,
        inventory=ctx.inventory,
        patch_test=lambda: True,
    )


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        items = data.get("items")
        if str(data.get("kind", "")).endswith("List") and isinstance(items, list):
            yield from (i for i in items if isinstance(i, dict))
        else:
            yield data


def _profile_keys(options: Options) -> tuple[str, str]:
    """(network key, attachment key) of pod entries in the chosen profile."""
    from ...dialects.native import profiles

    keys = profiles.keys_for(options.profile)
    return keys.network, keys.attachment


def _navigate(node: Node | None, keys: tuple[str, ...]) -> Node | None:
    for key in keys:
        node = get(node, key)
    return node


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data
