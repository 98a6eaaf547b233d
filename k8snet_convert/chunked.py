"""A big multi-document file converted a run of documents at a time, so memory stays a small multiple of
the file (SPEC §6, hostile input): the YAML layer keeps a node, with two marks, for every key and value,
about 70 times the text it was read from, and a 10 MiB file of 60,000 Pods held 750 MiB that way.

The file is cut at document markers (``---`` lines, which YAML allows nowhere else) into chunks of about
``CHUNK_CHARS``; each chunk is loaded, converted and checked on its own, then let go. A chunk's text
is preceded by as many line breaks as the file has before it, so every mark, finding, suppression comment
and ``would-convert`` line is the file's own. The outputs, put together, are the converted file.

Documents meet through the run's inventory and, within the file, through what the native writer
remembers across chunks (``FileContext.file_state``: PodNetworks added, their NADs, generated names), so
chunks are used only where nothing else ties them: Multus files converted to native (no PodNetwork,
PodNetworkAttachment or claim objects in the file, no ``--verify-roundtrip``, no ``--devices``). Anything
else, and any chunk that cannot be read on its own, goes the whole-file way. A file with an error in any
chunk is converted a second time with ``file_failed``, so that it reports what a whole file would.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import verdict
from .context import FileContext
from .errors import ConvertError
from .findings import Finding
from .manifests.source import SourceText, decode
from .options import Devices, Options, OutputMode, Target
from .results import FileResult, is_kustomization

if TYPE_CHECKING:
    from .dialects.base import Reading
    from .model import Inventory
    from .suppress import Suppressions

Recorder = Callable[[FileResult, FileContext, "dict[str, Reading]"], None]

# Files longer than this (characters) are converted in chunks of about CHUNK_CHARS.
CHUNK_ABOVE = 1024 * 1024
CHUNK_CHARS = 128 * 1024
# Objects that other documents of the file may name: a file that holds one is converted whole.
TIES = ("PodNetwork", "resource.k8s.io")


def chunkable(path: Path | None, data: bytes, options: Options) -> bool:
    """Whether ``data`` is converted in chunks (a cheap look at the bytes and options)."""
    return (
        len(data) > CHUNK_ABOVE
        and options.to is Target.NATIVE
        and not options.drop_nads
        and not options.verify_roundtrip
        and options.devices is Devices.KEEP
        and not (path is not None and path.suffix.lower() == ".json")
        and not is_kustomization(path)
        and not any(tie.encode() in data for tie in TIES)
    )


def chunks(text: str, size: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) character spans of runs of whole documents, about ``size`` long, covering ``text``.

    A line that starts with ``---`` followed by a space or its end is a document marker wherever it stands:
    YAML forbids such a line inside any scalar (block, quoted or plain), so no parse is needed to find them.
    """
    starts = [0, *(m.start() for m in _MARKER.finditer(text))]
    return _spans(text, starts, CHUNK_CHARS if size is None else size)


_MARKER = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)


def _spans(text: str, starts: list[int], size: int) -> Iterator[tuple[int, int]]:
    begin = 0
    for start in starts[1:]:
        # A document starts at its "---" line: cut at the start of that line.
        cut = text.rfind("\n", 0, start) + 1
        if cut - begin >= size:
            yield begin, cut
            begin = cut
    yield begin, len(text)


def convert_in_chunks(
    result: FileResult, options: Options, inventory: Inventory | None, record: Recorder
) -> bool:
    """Convert ``result``'s file chunk by chunk; False (nothing done) when it must be converted whole.
    ``record``: the pipeline's ``record_cross_file`` (handed in: the pipeline imports this module)."""
    try:
        source = decode(result.original)
    except ConvertError:
        return False  # the whole-file way reports it
    spans = chunks(source.text)
    return _Chunked(result, options, source, record).run(list(spans), inventory)


class _Chunked:
    def __init__(self, original: FileResult, options: Options, source: SourceText, record: Recorder) -> None:
        self.original = original
        self.record = record
        self.options = options
        self.source = source
        # Suppression comments: the file's documents are counted as the whole-file reading counts them
        # (by their "---" lines), so every chunk is read for them once the file holds one.
        self.suppressible = verdict.SUPPRESSION_MARKER in source.text
        self._reset()

    def _reset(self) -> None:
        """What a pass finds; the caller's result gets it once the file is done."""
        self.result = FileResult(self.original.display, self.original.path, self.original.original)
        self.findings: list[Finding] = []
        self.outputs: list[str] = []
        self.tables: list[tuple[int, Suppressions]] = []  # (documents before the chunk, its table)
        self.documents = 0
        self.would_convert: Finding | None = None
        self.changed = False
        self.failed = False
        self.state: dict[str, Any] = {}  # the writers' memory of the earlier chunks (FileContext.file_state)

    def run(self, spans: list[tuple[int, int]], inventory: Inventory | None) -> bool:
        if inventory is None:
            inventory = self._file_inventory(spans)
            if inventory is None:
                return False
        if not self._pass(spans, inventory, file_failed=False):
            return False
        if self.failed:
            # As for a whole file with errors: every problem is reported, and nothing that would be added
            # per network is said (the first pass said it for the chunks without errors).
            self._reset()
            if not self._pass(spans, inventory, file_failed=True):
                return False
        self._finish()
        return True

    def _pass(self, spans: list[tuple[int, int]], inventory: Inventory, file_failed: bool) -> bool:
        for start, end in spans:
            ctx = self._load(start, end, prefilter=not self.suppressible)
            if ctx is False:
                return False
            if not isinstance(ctx, FileContext):  # nothing to convert in it
                self.outputs.append(self.source.text[start:end])
                continue
            ctx.file_failed = file_failed
            ctx.file_state = self.state
            table = self._suppressions(ctx, start) if self.suppressible else None
            if not self._convert(ctx, start, end, inventory, table):
                return False
            self.failed = self.failed or ctx.has_errors
            del ctx, table
            # The run pauses the cyclic collector while a big file converts (run._collection_paused); a
            # chunk's node trees and records hold cycles, so they go here, chunk by chunk. They are all
            # in the youngest generation (nothing was collected meanwhile), so collecting it is enough.
            gc.collect(0)
        return True

    def _chunk_text(self, start: int, end: int) -> tuple[str, str]:
        text = self.source.text
        prefix = self.source.newline * text.count("\n", 0, start)
        return prefix, prefix + text[start:end]

    def _load(self, start: int, end: int, prefilter: bool = True) -> FileContext | bool | None:
        """The chunk's FileContext; None when it holds nothing to convert; False when it cannot be read
        on its own (the whole-file way then reports what is wrong)."""
        from .loading import load

        _, text = self._chunk_text(start, end)
        part = FileResult(self.result.display, self.result.path, text.encode("utf-8"))
        ctx = load(part, self.options, prefilter_bytes=prefilter)
        if part.findings:
            return False
        return ctx

    def _file_inventory(self, spans: list[tuple[int, int]]) -> Inventory | None:
        from .model import Inventory
        from .scan import scan_documents

        inventory = Inventory()
        for start, end in spans:
            ctx = self._load(start, end)
            if ctx is False:
                return None
            if isinstance(ctx, FileContext):
                scan_documents(ctx.docs, ctx.display, ctx.path, self.options, inventory)
        return inventory

    def _suppressions(self, ctx: FileContext, start: int) -> Suppressions:
        """The chunk's suppression comments, its documents numbered as in the file."""
        from . import rules, suppress

        table = suppress.parse(ctx.text, [doc.root for doc in ctx.docs], rules.RULES)
        # A chunk starts at its first document's "---" line (the file's first at line 1).
        table.document_starts[0] = self.source.text.count("\n", 0, start) + 1
        self.result.findings.extend(suppress.unknown_findings(self.result.display, table))
        self.tables.append((self.documents, table))
        self.documents += len(table.document_starts)
        return table

    def _convert(
        self, ctx: FileContext, start: int, end: int, inventory: Inventory, table: Suppressions | None
    ) -> bool:
        """Convert one chunk; False to give up on chunks (the file is converted whole)."""
        from . import engine

        path = self.result.path
        ctx.inventory = inventory
        if path is not None:
            from .integrations.kustomize.reading import is_patch_file, patch_namespace

            ctx.patch_test = lambda: is_patch_file(path)
            ctx.patch_namespace = lambda obj: patch_namespace(path, obj.kind, obj.name)
        self.record(self.result, ctx, engine.convert(ctx).readings)
        # One use per NAD is what the run's cross-file check reports (the first): 60,000 Pods on one
        # network are not kept as 60,000 uses.
        uses: dict[tuple[str, str], tuple[tuple[str, str], Finding]] = {}
        for nad, finding in self.result.nad_refs:
            uses.setdefault(nad, (nad, finding))
        self.result.nad_refs = list(uses.values())
        self.findings.extend(ctx.findings)
        prefix, text = self._chunk_text(start, end)
        new = ctx.editor.result() if ctx.editor.edits and not ctx.has_errors else text
        if not new.startswith(prefix):
            return False  # an edit reached before the chunk: convert the file whole
        if new != text:
            if self.options.mode is not OutputMode.CHECK and not self._parses(new):
                return False
            self.changed = True
            if self.would_convert is None and self.options.mode.checks:
                # at the chunk's first Multus-era construct: the file's first, since chunks come in order
                self.would_convert = verdict.would_convert(self.result, ctx, table)
        self.outputs.append(new[len(prefix) :])
        return True

    @staticmethod
    def _parses(text: str) -> bool:
        from .manifests.yamldoc import YamlSyntaxError, parse_documents

        try:
            parse_documents(text)
        except YamlSyntaxError:
            return False
        return True

    def _finish(self) -> None:
        result = self.original
        for name in ("findings", "nads", "nad_refs", "podnetworks"):
            getattr(result, name).extend(getattr(self.result, name))
        result.new = None
        result.findings.extend(sorted(self.findings, key=Finding.sort_key))
        if self.tables:
            from .suppress import merged

            result.suppressions = merged(self.tables)
        if self.changed and not result.failed:
            result.new = self.source.encode("".join(self.outputs))
            if self.would_convert is not None:
                result.findings.append(self.would_convert)
