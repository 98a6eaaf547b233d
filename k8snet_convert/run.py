"""One run over many files: discovery, conversion, output modes, exit code (SPEC §6, §7)."""

from __future__ import annotations

import itertools
import os
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import files
from .errors import UsageError
from .findings import Finding, Severity
from .options import Options, OutputMode, Target
from .results import FileResult, InputNad, cross_file_findings, needs_parsing, symlink_findings

if TYPE_CHECKING:  # the pool machinery is imported only for runs big enough to use it
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

EXIT_OK = 0
EXIT_WORK = 1
EXIT_INVALID = 2
EXIT_USAGE = 3
EXIT_INTERNAL = 4


@dataclass
class RunResult:
    """What a run leaves behind: findings and slim per-file records (no file contents)."""

    results: list[FileResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # display names of files that (would) change
    changed_lines: dict[str, int] = field(default_factory=dict)  # their first changed line, for file:line
    files_seen: int = 0

    def exit_code(self, options: Options) -> int:
        code = EXIT_OK
        if options.mode is OutputMode.CHECK and self.changed:
            code = EXIT_WORK
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        if options.strict:
            errors += [f for f in self.findings if f.severity is Severity.WARNING]
        if errors:
            code = max(code, EXIT_INVALID)
        return code


# Below this many candidate files a worker pool costs more than it saves (pre-commit runs).
POOL_THRESHOLD = 16
# Candidate files sent to a worker in one task.
BATCH_SIZE = 8
# Files read ahead of the oldest one not yet delivered (in input order): enough that workers always have
# batches waiting (with 32 per worker they idled half the time), bounded so memory stays flat on huge
# trees — by count and by the bytes held.
WINDOW_FILES = 2048
WINDOW_BYTES = 32 * 1024 * 1024


def _read_one(display: str, path: Path | None) -> bytes | Finding:
    if path is None:
        return sys.stdin.buffer.read()
    try:
        return files.read_file(path)
    except OSError as exc:
        return Finding(
            rule="unreadable-file",
            severity=Severity.ERROR,
            message=f"cannot read the file: {exc.strerror}",
            file=display,
            hint="check its permissions",
        )


def _read(inputs: list[str], options: Options) -> Iterator[tuple[str, Path | None, bytes]]:
    for display, path in files.discover(inputs, options.exclude):
        data = _read_one(display, path)
        if isinstance(data, bytes):
            yield display, path, data


def _jobs(options: Options) -> int:
    if options.jobs is not None:
        if options.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        return options.jobs
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _convert(
    display: str,
    path: Path | None,
    data: bytes,
    options: Options,
    run_nads: dict[tuple[str, str], InputNad] | None,
) -> FileResult:
    """One file, in a worker or inline; a crash becomes a finding so the run goes on."""
    from . import pipeline  # the parsing half: imported only when a file needs it

    try:
        return pipeline.convert_file(display, path, data, options, run_nads)
    except RecursionError:
        result = FileResult(display, path, data)
        result.findings.append(
            Finding(
                rule="too-deep",
                severity=Severity.ERROR,
                message="the document is nested too deeply to be processed; the file is left untouched",
                file=display,
            )
        )
        return result


def run(inputs: list[str], options: Options, stdout: TextIO | None = None) -> RunResult:
    """Convert every input; deliver results in input order whatever --jobs is; gather findings."""
    out = stdout if stdout is not None else sys.stdout
    outcome = RunResult()
    links: list[Path] = []
    # Streamed, not listed: on a 100,000-file tree the list of paths alone is tens of MiB.
    stream = files.discover(inputs, options.exclude, links)
    head = list(itertools.islice(stream, 2))
    entries = itertools.chain(head, stream)
    outcome.findings.extend(symlink_findings(links))
    cross = options.inject_resources or options.to is Target.DRA
    run_nads = None
    if cross:
        from .pipeline import collect_nads

        run_nads = collect_nads(_read(inputs, options), options)
    many = len(head) > 1
    jobs = _jobs(options)
    progress = _Progress.start(options)
    candidates = 0
    # In input order: a finished result, or a place in a batch of files sent to a worker together
    # (one task per file costs more in pickling and queues than the conversion of a small file).
    pending: deque[FileResult | tuple[_Batch, int]] = deque()
    pending_bytes = 0
    pool: ProcessPoolExecutor | None = None
    batch: _Batch | None = None

    def submit(full: _Batch) -> None:
        assert pool is not None
        full.future = pool.submit(_convert_batch, full.items, options, run_nads)

    def ready(item: FileResult | tuple[_Batch, int], block: bool) -> bool:
        if isinstance(item, FileResult):
            return True
        owner = item[0]
        if owner.future is None:
            if not block:
                return False
            submit(owner)
        assert owner.future is not None
        return block or owner.future.done()

    def deliver_ready(block: bool) -> None:
        nonlocal pending_bytes
        while pending and ready(pending[0], block):
            item = pending.popleft()
            result = item if isinstance(item, FileResult) else item[0].result(item[1])
            pending_bytes -= len(result.original)
            try:
                _deliver(result, options, out, many, inputs)
            except OSError as exc:  # read-only folder, full disk, changed meanwhile: original kept
                result.findings.append(_write_failed(result.display, exc))
            _record(outcome, result)
            progress.advance(result)

    try:
        for display, path in entries:
            data = _read_one(display, path)
            outcome.files_seen += 1
            if isinstance(data, Finding):
                outcome.findings.append(data)
                progress.advance(None)
                continue
            if not needs_parsing(path, data, options.to is Target.MULTUS):
                pending.append(FileResult(display, path, data))
            elif jobs > 1 and (candidates := candidates + 1) > POOL_THRESHOLD:
                if pool is None:
                    from concurrent.futures import ProcessPoolExecutor

                    pool = ProcessPoolExecutor(
                        max_workers=jobs, mp_context=_fork_context(), initializer=_die_with_parent
                    )
                if batch is None or batch.future is not None:
                    batch = _Batch()
                pending.append((batch, len(batch.items)))
                batch.items.append((display, path, data))
                if len(batch.items) >= BATCH_SIZE:
                    submit(batch)
            else:
                pending.append(_convert(display, path, data, options, run_nads))
            pending_bytes += len(data)
            deliver_ready(block=len(pending) > WINDOW_FILES or pending_bytes > WINDOW_BYTES)
        deliver_ready(block=True)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        progress.stop()
    outcome.findings.extend(cross_file_findings(outcome.results))
    outcome.findings.sort(key=Finding.sort_key)
    return outcome


class _Batch:
    """Files converted by one worker task; their results come back as one list, in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Path | None, bytes]] = []
        self.future: Future[list[FileResult]] | None = None

    def result(self, index: int) -> FileResult:
        assert self.future is not None
        return self.future.result()[index]


def _convert_batch(
    items: list[tuple[str, Path | None, bytes]],
    options: Options,
    run_nads: dict[tuple[str, str], InputNad] | None,
) -> list[FileResult]:
    return [_convert(display, path, data, options, run_nads) for display, path, data in items]


def _write_failed(display: str, exc: OSError) -> Finding:
    reason = str(exc) if isinstance(exc, files.ChangedOnDisk) else (exc.strerror or str(exc))
    return Finding(
        rule="write-failed",
        severity=Severity.ERROR,
        message=f"not written: {reason}; the file on disk is unchanged",
        file=display,
        hint="check the folder's permissions and free space, then run again",
    )


def _die_with_parent() -> None:
    """Workers end when the run is killed (SIGKILL leaves them waiting on their queue forever)."""
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _fork_context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds with the modules already imported; elsewhere, spawn.
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _record(outcome: RunResult, result: FileResult) -> None:
    """Keep findings and the small cross-file facts; let go of the file's bytes."""
    outcome.findings.extend(result.findings)
    if result.changed:
        from .report import first_changed_line

        outcome.changed.append(result.display)
        outcome.changed_lines[result.display] = first_changed_line(
            result.original, result.new or result.original
        )
    if result.nads or result.nad_refs or result.podnetworks:
        outcome.results.append(
            FileResult(
                result.display,
                result.path,
                b"",
                nads=result.nads,
                nad_refs=result.nad_refs,
                podnetworks=result.podnetworks,
            )
        )


class _Progress:
    """A rich progress line on stderr for long runs on a terminal; otherwise nothing.

    The number of files is not known in advance (the tree is walked as it is converted), so the bar
    appears once a run has scanned enough files to be worth watching.
    """

    SHOW_AFTER = 200  # files

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None
        self.scanned = self.converted = self.findings = 0

    @classmethod
    def start(cls, options: Options) -> _Progress:
        return cls(not options.quiet and sys.stderr.isatty())

    def advance(self, result: FileResult | None) -> None:
        if not self.enabled:
            return
        self.scanned += 1
        if result is not None:
            self.converted += result.changed
            self.findings += len(result.findings)
        if self.bar is None and self.scanned >= self.SHOW_AFTER:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn(
                    "{task.completed} files scanned, {task.fields[converted]} to convert, "
                    "{task.fields[findings]} findings"
                ),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("files", total=None, converted=0, findings=0)
        if self.bar is not None:
            self.bar.update(
                self.task, completed=self.scanned, converted=self.converted, findings=self.findings
            )

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _deliver(result: FileResult, options: Options, out: TextIO, many: bool, inputs: list[str]) -> None:
    mode = options.mode
    new = result.new if result.new is not None and result.new != result.original else None
    if mode is OutputMode.STDOUT:
        if many or result.created:
            out.write(f"---\n# Source: {result.display}\n")
        text = _text(new if new is not None else result.original)
        out.write(text)
        if (many or result.created) and text and not text.endswith("\n"):
            out.write("\n")
        for path, data in result.created:
            out.write(f"---\n# Source: {path.as_posix()} (new)\n{_text(data)}")
    elif mode is OutputMode.WRITE:
        if new is not None and result.path is not None:
            files.write_atomic(result.path, new, expected=result.original)
        elif new is not None:
            out.write(_text(new))
        for path, data in result.created:
            files.write_new(path, data)
    elif mode is OutputMode.DIFF:
        if new is not None:
            out.write(unified_diff(result.display, _text(result.original), _text(new)))
        for path, data in result.created:
            out.write(unified_diff(path.as_posix(), "", _text(data), created=True))
    elif mode is OutputMode.OUTPUT_DIR:
        assert options.output_dir is not None
        if result.path is None:
            return
        target = options.output_dir / _relative(result.path, inputs)
        _mirror(target, new if new is not None else result.original)
        for path, data in result.created:
            _mirror(options.output_dir / _relative(path, inputs), data)


def _mirror(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)


def _text(data: bytes) -> str:
    from .errors import ConvertError
    from .manifests.source import decode

    try:
        return decode(data).text
    except ConvertError:
        return data.decode("utf-8", errors="replace")


def _relative(path: Path, inputs: list[str]) -> Path:
    for item in inputs:
        root = Path(item)
        if root.is_dir():
            try:
                return path.relative_to(root)
            except ValueError:
                continue
    return Path(path.name)


def unified_diff(display: str, old: str, new: str, created: bool = False) -> str:
    """git-style unified diff (``a/`` and ``b/`` prefixes; ``/dev/null`` for a new file)."""
    import difflib

    name = display.removeprefix("./")
    if name.startswith("/"):
        try:
            name = Path(name).relative_to(Path.cwd()).as_posix()
        except ValueError:
            name = name.lstrip("/")
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        "/dev/null" if created else f"a/{name}",
        f"b/{name}",
    )
    chunks = []
    for line in lines:
        chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)
