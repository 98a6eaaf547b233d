"""One run over many files: discovery, conversion, output modes, exit code (SPEC §6, §7)."""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import files, stopping
from .errors import UsageError
from .escape import visible
from .findings import Finding, Severity
from .options import Options, OutputMode, Target
from .output_dir import OutputDir
from .results import (
    FileResult,
    InputNad,
    cross_file_findings,
    is_kustomization,
    needs_parsing,
    symlink_findings,
    unreadable_folder_findings,
)

if TYPE_CHECKING:  # the pool machinery is imported only for runs big enough to use it
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

EXIT_OK = 0
EXIT_WORK = 1
EXIT_INVALID = 2
EXIT_USAGE = 3
EXIT_INTERNAL = 4

INTERNAL_ERROR = "internal-error"


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
        if any(f.rule == INTERNAL_ERROR for f in errors):  # a bug met on a file: the others went on
            code = EXIT_INTERNAL
        return code


# A run over fewer files than this stays in one process (pre-commit runs): a pool costs more than it saves.
SMALL_RUN = 48
# Files a worker reads, filters and converts in one task. Each task costs the pool's threads and queues
# about 2 ms of CPU on this kind of machine (10k-file --check, medians of 11 runs: 1.65 s of CPU with
# 64-file tasks, 1.40 s with 256), so tasks grow from FIRST_BATCH (workers start at once) to BATCH_FILES.
FIRST_BATCH = 16
BATCH_FILES = 256
# Files handed out ahead of the oldest one not yet delivered (results come back in input order): enough
# that workers never wait for work, bounded so memory stays flat on huge trees.
WINDOW_FILES = 2048


def _read_one(display: str, path: Path | str | None) -> bytes | Finding:
    """A file's bytes (standard input's for None), no more than the run's --max-file-size."""
    try:
        return files.read_stdin() if path is None else files.read_file(path)
    except OSError as exc:
        return files.read_failure(display, exc)


def _read(inputs: list[str], options: Options) -> Iterator[tuple[str, Path | None, bytes]]:
    for display, path in files.discover(inputs, options.exclude):
        data = _read_one(display, path)
        if isinstance(data, bytes):
            yield display, path, data


def _jobs(options: Options) -> int:
    """Worker processes: --jobs, at most the cores this process may run on (more only compete for
    them: --jobs 1500 on two cores started 1,500 processes)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if options.jobs is not None:
        if options.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        return min(options.jobs, cores)
    return cores


def _convert(
    display: str,
    path: Path | None,
    data: bytes,
    options: Options,
    run_nads: dict[tuple[str, str], InputNad] | None,
) -> FileResult:
    """One file, in a worker or inline; any error becomes the file's finding (the file is left as it
    is) and the run goes on to the next file."""
    from . import pipeline  # the parsing half: imported only when a file needs it

    try:
        with _collection_paused():
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
    except Exception as exc:  # a bug met on this file: said, with the traceback kept for a report
        from . import crash

        report = crash.write_report(f"converting {display}")
        result = FileResult(display, path, data)
        result.findings.append(
            Finding(
                rule=INTERNAL_ERROR,
                severity=Severity.ERROR,
                message=f"k8snet-convert failed on this file ({type(exc).__name__}: {exc}); "
                "the file is left untouched",
                file=display,
                hint="please report this bug with the file"
                + (f"; the crash report is in {report}" if report else ""),
            )
        )
        return result


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is converted.

    A file's node trees and records are freed by reference counting when it is done; meanwhile each
    full collection walks all of them again. On a 10 MiB file of 60,000 Pods the collector's full
    passes took 9.3 s of the 12.4 s spent parsing. Cycles made while converting are collected after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


Entry = tuple[str, bool]  # (display name, whether it is stdin); a file's path is Path(display)
Outcome = FileResult | Finding | None  # a file's result, why it could not be read, or nothing to say


def _process(
    entries: list[Entry], options: Options, run_nads: dict[tuple[str, str], InputNad] | None
) -> list[Outcome]:
    """Read, pre-filter and convert files (in a worker, or inline for small runs and stdin).

    Kustomizations come last within a batch: whether one needs the namespace configuration depends
    on its resources, usually the files next to it, which by then were read here. Those without any
    marker need not be read again (results still come back in input order).
    """
    writes = files.StagedWrites() if options.mode is OutputMode.WRITE else None
    try:
        with files.read_limit(options.max_file_size):
            return _process_batch(entries, options, run_nads, writes)
    finally:  # stopped, or a bug: the batch's temporary files go (a committed batch has none left)
        if writes is not None:
            writes.discard()


def _process_batch(
    entries: list[Entry],
    options: Options,
    run_nads: dict[tuple[str, str], InputNad] | None,
    writes: files.StagedWrites | None,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    kustomizations: list[int] = []
    markerless: list[str] = []  # files of this batch without any networking marker
    for display, stdin in entries:
        stopping.check()
        if not stdin and is_kustomization(display):
            kustomizations.append(len(outcomes))
            outcomes.append(None)
            continue
        outcomes.append(_process_one(display, stdin, options, run_nads, markerless, writes))
    if kustomizations:
        from .manifests.kustomize_convert import known_files

        plain: set[str] = set()
        nads: set[str] = set()
        if options.to is Target.NATIVE:
            cwd = os.getcwd()  # absolute paths, as the kustomizations' resources are resolved
            plain = {os.path.normpath(os.path.join(cwd, name)) for name in markerless}
            nads = {
                os.path.normpath(os.path.join(cwd, item.display))
                for item in outcomes
                if isinstance(item, FileResult) and item.nads and item.path is not None
            }
        with known_files(plain, nads):
            for index in kustomizations:
                stopping.check()
                display, stdin = entries[index]
                outcomes[index] = _process_one(display, stdin, options, run_nads, None, writes)
    if writes is not None:
        stopping.check()  # the last moment to stop: once renaming begins, the batch finishes
        for result, exc in writes.commit(defer_rename_flush=True):  # run() flushes the renames
            assert isinstance(result, FileResult)
            _not_written(result, exc)
    return outcomes


def _process_one(
    display: str,
    stdin: bool,
    options: Options,
    run_nads: dict[tuple[str, str], InputNad] | None,
    markerless: list[str] | None,
    writes: files.StagedWrites | None = None,
) -> Outcome:
    data = _read_one(display, None if stdin else display)
    if isinstance(data, Finding):
        return data
    keep = options.mode in (OutputMode.STDOUT, OutputMode.OUTPUT_DIR)
    if needs_parsing(None if stdin else display, data, options.to is Target.MULTUS):
        result = _convert(display, None if stdin else Path(display), data, options, run_nads)
        if writes is not None:
            _stage(result, writes)
        return result if keep or not _says_nothing(result) else None
    if markerless is not None and not stdin:
        markerless.append(display)
    if keep:  # printed or copied output needs every file's bytes
        return FileResult(display, None if stdin else Path(display), data)
    return None  # nothing to convert, nothing to deliver: on a big tree, most files


def _says_nothing(result: FileResult) -> bool:
    return not (result.changed or result.findings or result.nads or result.nad_refs or result.podnetworks)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the run between two files (see stopping.py): what it did by then."""

    def __init__(self, signum: int, outcome: RunResult, mode: OutputMode) -> None:
        super().__init__(signum)
        self.signum = signum
        self.outcome = outcome
        self.mode = mode

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # as a shell reports a process the signal ended: 130, 143

    def message(self) -> str:
        name = signal.Signals(self.signum).name
        done = len(self.outcome.changed)
        if self.mode is OutputMode.WRITE:
            what = f"{done} file(s) written before it; every other file is as it was"
        elif self.mode is OutputMode.OUTPUT_DIR:
            what = f"{done} converted file(s) written before it; nothing else was written"
        else:
            what = f"stopped after {self.outcome.files_seen} file(s); nothing was written"
        return f"k8snet-convert: interrupted by {name}: {what}; no temporary file is left\n"


def run(inputs: list[str], options: Options, stdout: TextIO | None = None) -> RunResult:
    """Convert every input; deliver results in input order whatever --jobs is; gather findings.

    The main process only walks the folders and delivers results: workers read, pre-filter and
    convert batches of files, so that on two cores both work on files (when the main process read
    and filtered every file itself, it was the bottleneck of a 10,000-file run). Every file the run
    reads, for context too, is bounded by --max-file-size. SIGINT or SIGTERM stop it between two
    files (Interrupted).
    """
    output = None
    if options.mode is OutputMode.OUTPUT_DIR:
        assert options.output_dir is not None
        output = OutputDir.plan(options.output_dir, inputs, options.exclude)  # before any work
    with files.read_limit(options.max_file_size), stopping.handled():
        return _run(inputs, options, stdout if stdout is not None else sys.stdout, output)


def _run(inputs: list[str], options: Options, out: TextIO, output: OutputDir | None) -> RunResult:
    outcome = RunResult()
    links: list[Path] = []
    unlisted: list[tuple[str, str]] = []
    special: list[tuple[str, str]] = []
    # Streamed, not listed: on a 100,000-file tree the list of paths alone is tens of MiB.
    stream = files.discover_names(
        inputs, options.exclude, links, unlisted, special=special, prune=output.prune if output else None
    )
    head = list(itertools.islice(stream, SMALL_RUN))
    entries = itertools.chain(head, stream)
    run_nads = None
    if options.inject_resources or options.to is Target.DRA:
        from .pipeline import collect_nads

        run_nads = collect_nads(_read(inputs, options), options)
    many = len(head) > 1
    jobs = _jobs(options)
    progress = _Progress.start(options)
    # Batches in input order: their outcomes, or the worker task computing them.
    pending: deque[list[Outcome] | Future[list[Outcome]]] = deque()
    in_flight = 0  # files in ``pending``
    pool: ProcessPoolExecutor | None = None

    def deliver_ready(block: bool) -> None:
        nonlocal in_flight
        while pending:
            stopping.check()
            head_batch = pending[0]
            if not isinstance(head_batch, list):
                if not (block or head_batch.done()):
                    return
                head_batch = head_batch.result()
            pending.popleft()
            in_flight -= len(head_batch)
            for item in head_batch:
                _take(item, options, out, many, output, outcome, progress)
            if output is not None:
                _commit_output(output, outcome)
            block = False

    def dispatch(batch: list[Entry]) -> None:
        nonlocal in_flight
        stopping.check()
        outcome.files_seen += len(batch)
        in_flight += len(batch)
        if pool is None or batch[0][1]:  # stdin is read here, never in a worker
            pending.append(_process(batch, options, run_nads))
        else:
            pending.append(pool.submit(_process, batch, options, run_nads))
        deliver_ready(block=in_flight > WINDOW_FILES)

    try:
        if jobs > 1 and len(head) >= SMALL_RUN:
            from concurrent.futures import ProcessPoolExecutor

            _prepare_fork()
            pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=_fork_context(),
                initializer=stopping.worker_init,
                initargs=(stopping.shared_flag(),),
            )
        batch: list[Entry] = []
        size = FIRST_BATCH
        for entry in entries:
            if entry[1]:  # stdin: alone, in its place
                if batch:
                    dispatch(batch)
                    batch = []
                dispatch([entry])
                continue
            batch.append(entry)
            if len(batch) >= size:
                dispatch(batch)
                batch = []
                size = min(size * 2, BATCH_FILES)
        if batch:
            dispatch(batch)
        while pending:
            deliver_ready(block=True)
    except stopping.Stopped:
        _count_finished_writes(pending, options, outcome)
        raise Interrupted(stopping.requested(), outcome, options.mode) from None
    finally:
        if output is not None:
            output.discard()
        if options.mode in (OutputMode.WRITE, OutputMode.OUTPUT_DIR) and outcome.changed:
            files.flush_file_systems(  # the renames, once for the whole run
                [str(options.output_dir)] if output is not None else inputs
            )
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            gc.unfreeze()
        progress.stop()
    # Links, unreadable folders and special files are met while walking: only now are they all known.
    outcome.findings.extend(symlink_findings(links))
    outcome.findings.extend(unreadable_folder_findings(unlisted))
    outcome.findings.extend(files.read_failure(name, files.NotRegularFile(kind)) for name, kind in special)
    outcome.findings.extend(cross_file_findings(outcome.results))
    outcome.findings.sort(key=Finding.sort_key)
    return outcome


def _count_finished_writes(
    pending: deque[list[Outcome] | Future[list[Outcome]]], options: Options, outcome: RunResult
) -> None:
    """After a stop: batches that were renaming finish; their files are written and counted (nothing
    else is delivered: no output, no new writes)."""
    for batch in pending:
        if not isinstance(batch, list):
            if batch.cancel():
                continue
            try:
                batch = batch.result()
            except stopping.Stopped:
                continue
        if options.mode is OutputMode.WRITE:
            for item in batch:
                if isinstance(item, FileResult):
                    _record(outcome, item)


def _commit_output(output: OutputDir, outcome: RunResult) -> None:
    for display, exc in output.commit():
        assert isinstance(display, str)
        outcome.findings.append(_write_failed(display, exc))
        with contextlib.suppress(ValueError):
            outcome.changed.remove(display)


def _take(
    item: Outcome,
    options: Options,
    out: TextIO,
    many: bool,
    output: OutputDir | None,
    outcome: RunResult,
    progress: _Progress,
) -> None:
    """Deliver one file's outcome (print or write it) and keep what the report needs."""
    if item is None:
        progress.advance(None)
        return
    if isinstance(item, Finding):
        outcome.findings.append(item)
        progress.advance(None)
        return
    try:
        _deliver(item, options, out, many, output)
    except OSError as exc:  # read-only folder, full disk, changed meanwhile: original kept
        item.findings.append(_write_failed(item.display, exc))
    _record(outcome, item)
    progress.advance(item)


def _stage(result: FileResult, writes: files.StagedWrites) -> None:
    """--write: the file's new content and the files its conversion adds, written where it was
    converted (in a worker: 1,405 files of a 10,000-file tree cost half a second written one by one
    in the main process). They land when the batch commits; a failure keeps the original and is the
    file's finding."""
    new = result.new if result.new is not None and result.new != result.original else None
    # The files a conversion adds first: a kustomization must not name a configuration file that
    # could not be written.
    staged: list[tuple[Path, bytes, bytes | None, bool]] = [
        (path, data, None, True) for path, data in result.created
    ]
    if new is not None and result.path is not None:
        staged.append((result.path, new, result.original, False))
    for path, data, expected, create in staged:
        problem = writes.add(result, path, data, expected, create)
        if problem is not None:
            _not_written(result, problem)
            return  # nothing after a failure: the file stays as it was read


def _not_written(result: FileResult, exc: OSError) -> None:
    """The file's write failed: said, and it no longer counts as changed."""
    result.findings.append(_write_failed(result.display, exc))
    result.new = None
    result.created = []


def _write_failed(display: str, exc: OSError) -> Finding:
    if isinstance(exc, files.HardLinked):
        return Finding(
            rule="hard-link",
            severity=Severity.ERROR,
            message=f"not written: {exc.strerror}; the file is unchanged",
            file=display,
            hint="convert a copy, or break the link (cp FILE FILE.new && mv FILE.new FILE), then run again",
        )
    reason = exc.strerror or str(exc)  # ChangedOnDisk and the like carry their message alone
    return Finding(
        rule="write-failed",
        severity=Severity.ERROR,
        message=f"not written: {reason}; the file on disk is unchanged",
        file=display,
        hint="replace the link by a file or folder, then run again"
        if isinstance(exc, files.LinkRefused)
        else "check the folder's permissions and free space, then run again",
    )


def _prepare_fork() -> None:
    """Import what every conversion needs once, before forking, and keep the collector off it.

    Forked workers share the parent's memory until they write to it: modules imported by then cost
    them nothing, and ``gc.freeze`` stops their first collections from touching (copying) every page.
    """
    import gc

    from . import pipeline  # noqa: F401
    from .dialects.multus import reader  # noqa: F401
    from .dialects.native import writer  # noqa: F401
    from .manifests import kustomize_convert  # noqa: F401

    gc.freeze()  # undone when the run ends (a library caller's later garbage must stay collectable)


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
        # One use per NAD and file is all the cross-file check reports: a file of 60,000 Pods on
        # one network kept 60,000 findings to the end of the run.
        uses: dict[tuple[str, tuple[str, str]], tuple[tuple[str, str], Finding]] = {}
        for nad, finding in result.nad_refs:
            uses.setdefault((finding.file, nad), (nad, finding))
        outcome.results.append(
            FileResult(
                result.display,
                result.path,
                b"",
                nads=result.nads,
                nad_refs=list(uses.values()),
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


def _deliver(result: FileResult, options: Options, out: TextIO, many: bool, output: OutputDir | None) -> None:
    mode = options.mode
    new = result.new if result.new is not None and result.new != result.original else None
    if mode is OutputMode.STDOUT:
        if many or result.created:
            out.write(f"---\n# Source: {visible(result.display)}\n")
        text = _text(new if new is not None else result.original)
        out.write(text)
        if (many or result.created) and text and not text.endswith("\n"):
            out.write("\n")
        for path, data in result.created:
            out.write(f"---\n# Source: {visible(path.as_posix())} (new)\n{_text(data)}")
    elif mode is OutputMode.DIFF:
        if new is not None:
            out.write(unified_diff(result.display, _text(result.original), _text(new)))
        for path, data in result.created:
            out.write(unified_diff(path.as_posix(), "", _text(data), created=True))
    elif mode is OutputMode.OUTPUT_DIR:
        assert output is not None
        if result.path is None:
            return
        # The files a conversion adds first, as --write does: a result never names a file not written.
        staged = [*result.created, (result.path, new if new is not None else result.original)]
        for path, data in staged:
            problem = output.stage(result.display, path, data)
            if problem is not None:
                _not_written(result, problem)
                return


def _text(data: bytes) -> str:
    from .errors import ConvertError
    from .manifests.source import decode

    try:
        return decode(data).text
    except ConvertError:
        return data.decode("utf-8", errors="replace")


def unified_diff(display: str, old: str, new: str, created: bool = False) -> str:
    """git-style unified diff (``a/`` and ``b/`` prefixes; ``/dev/null`` for a new file)."""
    import difflib

    name = display.removeprefix("./")
    if name.startswith("/"):
        try:
            name = Path(name).relative_to(Path.cwd()).as_posix()
        except ValueError:
            name = name.lstrip("/")
    name = visible(name)  # a name is input: a line break in it would forge the next header
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
