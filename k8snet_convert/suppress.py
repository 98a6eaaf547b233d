"""Inline suppression: ``# k8snet-convert: ignore[rule-a, rule-b]`` (or bare ``ignore`` for every rule).

* A comment after content on a line suppresses the named rules for findings on that line.
* A comment on a line of its own suppresses them for the whole YAML document it is in (between
  ``---`` markers); comments before the first document's content belong to the first document, and
  also cover findings about the whole file (line 0).

A ``#`` inside a quoted or block scalar is text, not a comment: matches that fall inside a scalar's
span are ignored, so a CNI config or an annotation value can never suppress anything. JSON files have
no comments and so no suppressions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .findings import Finding, Severity

ALL = "*"
# A comment starts at a ``#`` at the start of a line or after whitespace (YAML's rule).
_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*k8snet-convert:\s*ignore(?:\[(?P<rules>[^\]]*)\])?")
_MARKER = re.compile(r"(?:---|\.\.\.)(?=\s|$)")


@dataclass
class Suppressions:
    """The suppression comments of one file."""

    by_line: dict[int, set[str]] = field(default_factory=dict)  # 1-based line -> rule ids (or ALL)
    by_document: dict[int, set[str]] = field(default_factory=dict)  # document index -> rule ids
    document_starts: list[int] = field(default_factory=list)  # first line of each document (1-based)
    # (line, column, rule id) of ids that name no catalogued rule, to be reported
    unknown: list[tuple[int, int, str]] = field(default_factory=list)

    def document_of(self, line: int) -> int:
        index = 0
        for i, start in enumerate(self.document_starts):
            if line >= start:
                index = i
        return index

    def covers(self, finding: Finding) -> bool:
        rules: set[str] = set()
        if finding.line:
            rules |= self.by_line.get(finding.line, set())
            rules |= self.by_document.get(self.document_of(finding.line), set())
        else:
            rules |= self.by_document.get(0, set())
        return ALL in rules or finding.rule in rules


def _scalar_spans(roots: Iterable[Node]) -> list[tuple[int, int]]:
    """Character spans of every scalar (keys included): text there is data, never a comment."""
    spans: list[tuple[int, int]] = []
    stack: list[Node] = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            spans.append((int(node.start_mark.index), int(node.end_mark.index)))
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    spans.sort()
    return spans


def _inside(spans: list[tuple[int, int]], starts: list[int], index: int) -> bool:
    """Whether ``index`` lies inside a scalar (scalars never overlap, so one bisect finds it)."""
    at = bisect.bisect_right(starts, index) - 1
    return at >= 0 and spans[at][0] <= index < spans[at][1]


def parse(text: str, roots: Iterable[Node], known: Iterable[str]) -> Suppressions:
    """Find the suppression comments of a file, given its parsed documents' roots."""
    result = Suppressions(document_starts=[1])
    spans = _scalar_spans(roots)
    starts = [start for start, _ in spans]
    known_ids = set(known)
    content_seen = False  # in the current document: a ``---`` before any content opens no new one
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        line_start, offset = offset, offset + len(line)
        stripped = line.strip()
        is_marker = bool(_MARKER.match(line)) and not _inside(spans, starts, line_start)
        if is_marker:
            if content_seen:
                result.document_starts.append(number)
            content_seen = False
        match = _COMMENT.search(line)
        while match is not None and _inside(spans, starts, line_start + match.start()):
            match = _COMMENT.search(line, match.end())
        if match is not None:
            rules = _rule_ids(match.group("rules"))
            for rule in sorted(rules - {ALL}):
                if rule not in known_ids:
                    result.unknown.append((number, match.start() + 1, rule))
            before = line[: match.start()].strip()
            if before and not is_marker:
                result.by_line.setdefault(number, set()).update(rules)
            else:  # on a line of its own, or on the ``---`` that opens the document
                document = len(result.document_starts) - 1
                result.by_document.setdefault(document, set()).update(rules)
        if stripped and not is_marker and not stripped.startswith("#"):
            content_seen = True
    return result


def _rule_ids(raw: str | None) -> set[str]:
    if raw is None:
        return {ALL}
    ids = {part.strip() for part in raw.split(",") if part.strip()}
    return ids or {ALL}


def apply(findings: Iterable[Finding], table: Suppressions) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed)."""
    kept: list[Finding] = []
    dropped: list[Finding] = []
    for finding in findings:
        (dropped if table.covers(finding) else kept).append(finding)
    return kept, dropped


def unknown_findings(display: str, table: Suppressions) -> list[Finding]:
    return [
        Finding(
            rule="invalid-suppression",
            severity=Severity.WARNING,
            message=f"suppression comment names {rule!r}, which is not a k8snet-convert rule",
            file=display,
            line=line,
            column=column,
            hint="see the rule catalogue in docs/reports.md",
        )
        for line, column, rule in table.unknown
    ]


def merged(parts: list[tuple[int, Suppressions]]) -> Suppressions:
    """One file's table from the tables of its chunks (``chunked.py``), each with the number of documents
    before it. Lines are the file's already; document indices are shifted."""
    whole = Suppressions()
    for before, table in parts:
        for line, rules in table.by_line.items():
            whole.by_line.setdefault(line, set()).update(rules)
        for index, rules in table.by_document.items():
            whole.by_document.setdefault(before + index, set()).update(rules)
        whole.document_starts += table.document_starts
        whole.unknown += table.unknown
    return whole
