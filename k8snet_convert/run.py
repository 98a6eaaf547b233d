"""One run over many files: discovery, conversion, output modes, exit code (SPEC §6, §7)."""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import files, prefilter, stopping
from .delivery import Progress, deliver, not_written, stage, write_failed
from .errors import UsageError
from .findings import Finding, Severity
from .options import Options, OutputMode
from .output_dir import OutputDir
from .results import (
    FileResult,
    cross_file_findings,
    is_kustomization,
    needs_parsing,
    symlink_findings,
    too_deep,
    unreadable_folder_findings,
)
from .verdict import INTERNAL_ERROR, Verdict, judge

if TYPE_CHECKING:  # the pool machinery is imported only for runs big enough to use it
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

    from .model import Inventory
    from .suppress import Suppressions

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
    suppressions: dict[str, Suppressions] = field(default_factory=dict)  # by display name

    def exit_code(self, options: Options) -> int:
        return self.verdict(options).exit_code

    def verdict(self, options: Options, extra: Iterable[Finding] = ()) -> Verdict:
        """The run's final findings (with ``extra`` run-level ones), suppressions applied once."""
        return judge([*self.findings, *extra], self.suppressions, options)


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


# Standard input, read once: the inventory pass and the conversion both need its bytes.
_STDIN: bytes | OSError | None = None
# The run's inventory, set before workers start (forked workers share it) and in the main process.
_INVENTORY: Inventory | None = None


def _stdin() -> bytes:
    """Standard input, read once (bounded by --max-file-size: TooLarge beyond, every time asked)."""
    global _STDIN
    if _STDIN is None:
        try:
            _STDIN = files.read_stdin()
        except OSError as exc:
            _STDIN = exc
    if isinstance(_STDIN, OSError):
        raise _STDIN
    return _STDIN


def _read_one(display: str, path: Path | str | None) -> bytes | Finding:
    """A file's bytes (standard input's for None), no more than the run's --max-file-size."""
    try:
        return _stdin() if path is None else files.read_file(path)
    except OSError as exc:
        return files.read_failure(display, exc)


def _jobs(options: Options) -> int:
    """Worker processes: --jobs, at most the cores this process may run on (more only compete for
    them: --jobs 1500 on two cores started 1,500 processes)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if options.jobs is not None:
        if options.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        return min(options.jobs, cores)
    return cores


def _convert(display: str, path: Path | None, data: bytes, options: Options) -> FileResult:
    """One file, in a worker or inline; any error becomes the file's finding (the file is left as it
    is) and the run goes on to the next file."""
    from . import pipeline  # the parsing half: imported only when a file needs it

    try:
        if len(data) > PAUSE_COLLECTION_ABOVE:
            with _collection_paused():
                result = pipeline.convert_file(display, path, data, options, _INVENTORY)
        else:
            result = pipeline.convert_file(display, path, data, options, _INVENTORY)
        if options.verify_helm and result.new is not None:
            from .integrations.helm.verify import verify_result

            verify_result(result, options)
        return result
    except RecursionError:
        return too_deep(display, path, data)
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


# Files smaller than this convert between two collections anyway; pausing costs more than it saves.
PAUSE_COLLECTION_ABOVE = 256 * 1024


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


# What the survey learnt, shared with the conversion's workers (forked, or set by their initializer):
# files without any marker (a kustomization need not read them again) and files that define NADs.
_PLAIN: frozenset[str] = frozenset()
_NAD_FILES: frozenset[str] = frozenset()


def _process(entries: list[Entry], options: Options, units: list[str | None] | None = None) -> list[Outcome]:
    """Read, pre-filter and convert files (in a worker, or inline for small runs and stdin).

    Kustomizations come last within a batch; whether one needs the namespace configuration depends on
    its resources, which the survey has classified already (results still come back in input order).
    ``units``: each entry's kustomization unit, when it shares one with other entries of the batch (they
    are all in it): a unit's files are written together or not at all (``kustomize.units.block``).
    """
    writes = files.StagedWrites() if options.mode is OutputMode.WRITE else None
    try:
        with files.read_limit(options.max_file_size):
            return _process_batch(entries, options, units, writes)
    finally:  # stopped, or a bug: the batch's temporary files go (a committed batch has none left)
        if writes is not None:
            writes.discard()


def _process_batch(
    entries: list[Entry],
    options: Options,
    units: list[str | None] | None,
    writes: files.StagedWrites | None,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    kustomizations: list[int] = []
    for display, stdin in entries:
        stopping.check()
        if not stdin and is_kustomization(display):
            kustomizations.append(len(outcomes))
            outcomes.append(None)
            continue
        outcomes.append(_process_one(display, stdin, options))
    if kustomizations:
        from .integrations.kustomize import known_files

        with known_files(_PLAIN, _NAD_FILES):
            for index in kustomizations:
                stopping.check()
                display, stdin = entries[index]
                outcomes[index] = _process_one(display, stdin, options)
    if units is not None and any(units):
        from .integrations.kustomize.units import block

        unit_of = {display: unit for (display, _), unit in zip(entries, units, strict=True) if unit}
        block([o for o in outcomes if isinstance(o, FileResult)], unit_of)
    if writes is not None:
        for outcome in outcomes:
            if isinstance(outcome, FileResult):
                stage(outcome, writes)
        stopping.check()  # the last moment to stop: once renaming begins, the batch finishes
        for result, exc in writes.commit(defer_rename_flush=True):  # run() flushes the renames
            assert isinstance(result, FileResult)
            not_written(result, exc)
    keep = options.mode in (OutputMode.STDOUT, OutputMode.OUTPUT_DIR)
    return [o if keep or not isinstance(o, FileResult) or not _says_nothing(o) else None for o in outcomes]


def _process_one(display: str, stdin: bool, options: Options) -> Outcome:
    data = _read_one(display, None if stdin else display)
    if isinstance(data, Finding):
        return data
    if needs_parsing(None if stdin else display, data, options):
        return _convert(display, None if stdin else Path(display), data, options)
    if options.mode in (OutputMode.STDOUT, OutputMode.OUTPUT_DIR):
        # printed or copied output needs every file's bytes
        return FileResult(display, None if stdin else Path(display), data)
    return None  # nothing to convert, nothing to deliver: on a big tree, most files


def _says_nothing(result: FileResult) -> bool:
    return not (result.changed or result.findings or result.nads or result.nad_refs or result.podnetworks)


@dataclass
class _Survey:
    """The first pass over the inputs: the run-wide inventory, and which files to convert."""

    inventory: Inventory
    candidates: list[Entry] = field(default_factory=list)  # files that can hold something to convert
    plain: list[str] = field(default_factory=list)  # absolute paths of files without any marker
    unreadable: list[Finding] = field(default_factory=list)
    # Each kustomization (absolute path) with the files it reads directly: the units of conversion.
    kustomizations: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    seen: int = 0

    def merge(self, other: _Survey) -> None:
        self.inventory.merge(other.inventory)
        self.candidates += other.candidates
        self.plain += other.plain
        self.unreadable += other.unreadable
        self.kustomizations += other.kustomizations
        self.seen += other.seen


def _survey_batch(entries: list[Entry], options: Options, facts_only: bool = False) -> _Survey:
    """Read a batch: the facts of the files that hold NADs, PodNetworks or claims (only those are
    parsed), and whether each file can hold anything to convert (in a worker, or inline)."""
    from .model import Inventory

    survey = _Survey(Inventory(), seen=0 if facts_only else len(entries))
    cwd = os.getcwd()
    for display, stdin in entries:
        stopping.check()
        data = _read_one(display, None if stdin else display)
        if isinstance(data, Finding):
            if not facts_only:
                survey.unreadable.append(data)
            continue
        if prefilter.may_hold_facts(data):
            from .integrations.helm import scan_bytes  # the parsing half: only for files with facts

            scan_bytes(display, None if stdin else Path(display), data, options, survey.inventory)
        if facts_only:
            continue
        if not stdin and is_kustomization(display):
            from .integrations.kustomize.units import links
            from .manifests import plain

            here = os.path.normpath(os.path.join(cwd, display))
            content = plain.value_of(data)
            survey.kustomizations.append((here, links(here, content if isinstance(content, dict) else {})))
        if stdin or needs_parsing(display, data, options):
            survey.candidates.append((display, stdin))
        else:
            survey.plain.append(os.path.normpath(os.path.join(cwd, display)))
    return survey


def _survey(
    inputs: list[str],
    options: Options,
    jobs: int,
    walked: _Walked,
    every: list[Entry] | None,
    progress: Progress,
) -> _Survey:
    """Every NAD, PodNetwork and CNI-DRA claim of the inputs and of the configuration's ``inventory``
    paths, and the files to convert: one walk and one read of every file, in batches of a worker pool
    merged in input order (the same for any --jobs). ``every`` collects every input file, for the modes
    that deliver them all."""
    from .model import Inventory

    batches: Iterator[tuple[list[Entry], bool]] = itertools.chain(
        _batches(
            files.discover_names(
                inputs,
                options.exclude,
                walked.links,
                walked.unlisted,
                options.respect_gitignore,
                special=walked.special,
                prune=walked.prune,
            ),
            every,
            False,
        ),
        _batches(
            files.discover_names(
                list(options.inventory), options.exclude, None, None, options.respect_gitignore
            ),
            None,
            True,
        ),
    )
    head = list(itertools.islice(batches, 2))
    survey = _Survey(Inventory())

    def merge(part: _Survey) -> None:
        survey.merge(part)
        progress.scan(part.seen)

    if jobs == 1 or sum(len(batch) for batch, _ in head) < SMALL_RUN:
        for batch, facts_only in itertools.chain(head, batches):
            stopping.check()
            merge(_survey_batch(batch, options, facts_only))
        return survey
    from concurrent.futures import ProcessPoolExecutor

    _prepare_fork()
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_fork_context(),
        initializer=stopping.worker_init,
        initargs=(stopping.shared_flag(),),
    )
    try:
        pending: deque[Future[_Survey] | _Survey] = deque()
        for batch, facts_only in itertools.chain(head, batches):
            stopping.check()
            if batch[0][1]:  # stdin: read here, never in a worker
                pending.append(_survey_batch(batch, options, facts_only))
            else:
                pending.append(pool.submit(_survey_batch, batch, options, facts_only))
            while len(pending) > WINDOW_FILES // BATCH_FILES:
                done = pending.popleft()
                merge(done if isinstance(done, _Survey) else done.result())
        for done in pending:
            merge(done if isinstance(done, _Survey) else done.result())
    finally:
        pool.shutdown(cancel_futures=True)
        gc.unfreeze()
    return survey


def _batches(
    entries: Iterator[Entry], every: list[Entry] | None, facts_only: bool
) -> Iterator[tuple[list[Entry], bool]]:
    """Entries in batches growing from FIRST_BATCH to BATCH_FILES; stdin alone, in its place."""
    batch: list[Entry] = []
    size = FIRST_BATCH
    for entry in entries:
        if every is not None:
            every.append(entry)
        if entry[1]:
            if batch:
                yield batch, facts_only
                batch = []
            yield [entry], facts_only
            continue
        batch.append(entry)
        if len(batch) >= size:
            yield batch, facts_only
            batch = []
            size = min(size * 2, BATCH_FILES)
    if batch:
        yield batch, facts_only


def _units(survey: _Survey, cwd: str) -> dict[str, str]:
    """{display: kustomization unit} of the candidate files that share a unit with another one."""
    if not survey.kustomizations:
        return {}
    from .integrations.kustomize.units import units

    absolute = {
        os.path.normpath(os.path.join(cwd, display)): display
        for display, stdin in survey.candidates
        if not stdin
    }
    return {absolute[file]: unit for file, unit in units(survey.kustomizations, absolute).items()}


def _unit_batches(entries: list[Entry], unit_of: dict[str, str]) -> Iterator[list[int]]:
    """Batches of entry indices, growing from FIRST_BATCH to BATCH_FILES, in input order except that a
    kustomization unit's files all join the batch of its first file; stdin alone, in its place."""
    members: dict[str, list[int]] = {}
    for index, (display, stdin) in enumerate(entries):
        unit = None if stdin else unit_of.get(display)
        if unit is not None:
            members.setdefault(unit, []).append(index)
    taken: set[int] = set()
    batch: list[int] = []
    size = FIRST_BATCH
    for index, (display, stdin) in enumerate(entries):
        if index in taken:
            continue
        if stdin:
            if batch:
                yield batch
                batch = []
            yield [index]
            continue
        unit = unit_of.get(display)
        group = members[unit] if unit is not None else [index]
        taken.update(group)
        batch.extend(group)
        if len(batch) >= size:
            yield batch
            batch = []
            size = min(size * 2, BATCH_FILES)
    if batch:
        yield batch


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

    Two passes. The survey reads every file once: the run-wide inventory (SPEC §6) from the few files
    that hold NADs, PodNetworks or claims, and which files can hold anything to convert. The conversion
    then reads only those (every file, for the modes that print or copy them all). The main process only
    walks the folders and delivers results: workers read, pre-filter and convert batches of files. Every
    file the run reads, for context too, is bounded by --max-file-size. SIGINT or SIGTERM stop it
    between two files (Interrupted).
    """
    output = None
    if options.mode is OutputMode.OUTPUT_DIR:
        assert options.output_dir is not None
        output = OutputDir.plan(options.output_dir, inputs, options.exclude)  # before any work
    with files.read_limit(options.max_file_size), stopping.handled():
        return _run(inputs, options, stdout if stdout is not None else sys.stdout, output)


def _run(inputs: list[str], options: Options, out: TextIO, output: OutputDir | None) -> RunResult:
    global _INVENTORY, _STDIN, _PLAIN, _NAD_FILES
    outcome = RunResult()
    walked = _Walked(prune=output.prune if output is not None else None)
    jobs = _jobs(options)
    _STDIN = None
    every: list[Entry] | None = [] if options.mode in (OutputMode.STDOUT, OutputMode.OUTPUT_DIR) else None
    progress = Progress.start(options)
    try:
        survey = _survey(inputs, options, jobs, walked, every, progress)
    except stopping.Stopped:
        progress.stop()
        raise Interrupted(stopping.requested(), outcome, options.mode) from None
    except BaseException:
        progress.stop()
        raise
    if survey.inventory.target_namespaces:
        from .scan import settle

        settle(survey.inventory, options)
    _INVENTORY = survey.inventory
    cwd = os.getcwd()  # absolute paths, as the kustomizations' resources are resolved
    _PLAIN = frozenset(survey.plain)
    _NAD_FILES = frozenset(
        os.path.normpath(os.path.join(cwd, n.file)) for ns in _INVENTORY.definitions.values() for n in ns
    )
    outcome.files_seen = survey.seen
    outcome.findings.extend(survey.unreadable)
    entries: list[Entry] = every if every is not None else survey.candidates
    unit_of = _units(survey, cwd)
    many = survey.seen > 1
    # Batches in dispatch order (indices into ``entries``): their outcomes, or the worker task computing
    # them. A batch holds whole kustomization units, so it may hold entries further on: outcomes wait in
    # ``ready`` until every entry before them is delivered (input order, whatever --jobs is).
    pending: deque[tuple[list[int], list[Outcome] | Future[list[Outcome]]]] = deque()
    ready: dict[int, Outcome] = {}
    next_index = 0
    in_flight = 0  # files dispatched and not yet delivered
    pool: ProcessPoolExecutor | None = None

    def deliver_ready(block: bool) -> None:
        nonlocal in_flight, next_index
        while pending:
            stopping.check()
            indices, head_batch = pending[0]
            if not isinstance(head_batch, list):
                if not (block or head_batch.done()):
                    break
                head_batch = head_batch.result()
            pending.popleft()
            ready.update(zip(indices, head_batch, strict=True))
            block = False
        while next_index in ready:
            _take(ready.pop(next_index), options, out, many, output, outcome, progress)
            next_index += 1
            in_flight -= 1
        if output is not None:
            commit_output(output, outcome)

    def dispatch(batch: list[int]) -> None:
        nonlocal in_flight
        stopping.check()
        in_flight += len(batch)
        chosen = [entries[i] for i in batch]
        units = [unit_of.get(e[0]) for e in chosen] if unit_of else None
        if pool is None or chosen[0][1]:  # stdin is read here, never in a worker
            pending.append((batch, _process(chosen, options, units)))
        else:
            pending.append((batch, pool.submit(_process, chosen, options, units)))
        deliver_ready(block=in_flight > WINDOW_FILES)

    try:
        if jobs > 1 and len(entries) >= SMALL_RUN:
            from concurrent.futures import ProcessPoolExecutor

            _prepare_fork()
            pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=_fork_context(),
                initializer=_start_worker,
                initargs=(stopping.shared_flag(), _INVENTORY, _PLAIN, _NAD_FILES),
            )
        for batch in _unit_batches(entries, unit_of):
            dispatch(batch)
        while pending:
            deliver_ready(block=True)
        assert not ready and next_index == len(entries)
    except stopping.Stopped:
        _count_finished_writes(pending, ready, options, outcome)
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
    outcome.findings.extend(symlink_findings(walked.links))
    outcome.findings.extend(unreadable_folder_findings(walked.unlisted))
    outcome.findings.extend(
        files.read_failure(name, files.NotRegularFile(kind)) for name, kind in walked.special
    )
    outcome.findings.extend(cross_file_findings(outcome.results, set(_INVENTORY.nad_keys)))
    outcome.findings.sort(key=Finding.sort_key)
    return outcome


@dataclass
class _Walked:
    """What the walk meets besides the files it yields: links it does not follow, folders it cannot
    list, FIFOs/sockets/devices it never opens; and the folder it must not walk into (--output-dir)."""

    prune: os.stat_result | None = None
    links: list[Path] = field(default_factory=list)
    unlisted: list[tuple[str, str]] = field(default_factory=list)
    special: list[tuple[str, str]] = field(default_factory=list)


def _count_finished_writes(
    pending: deque[tuple[list[int], list[Outcome] | Future[list[Outcome]]]],
    ready: dict[int, Outcome],
    options: Options,
    outcome: RunResult,
) -> None:
    """After a stop: batches that were renaming finish; their files are written and counted, as are
    the written files that waited for an earlier one to be delivered (nothing else is delivered: no
    output, no new writes)."""
    if options.mode is OutputMode.WRITE:
        for item in ready.values():
            if isinstance(item, FileResult):
                _record(outcome, item)
    for _indices, batch in pending:
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


def commit_output(output: OutputDir, outcome: RunResult) -> None:
    for display, exc in output.commit():
        assert isinstance(display, str)
        outcome.findings.append(write_failed(display, exc))
        with contextlib.suppress(ValueError):
            outcome.changed.remove(display)


def _take(
    item: Outcome,
    options: Options,
    out: TextIO,
    many: bool,
    output: OutputDir | None,
    outcome: RunResult,
    progress: Progress,
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
        deliver(item, options, out, many, output)
    except BrokenPipeError:  # stdout was closed (``| head``): the run ends, quietly (commands.guarded)
        raise
    except OSError as exc:  # read-only folder, full disk, changed meanwhile: original kept
        item.findings.append(write_failed(item.display, exc))
    _record(outcome, item)
    progress.advance(item)


def _prepare_fork() -> None:
    """Import what every conversion needs once, before forking, and keep the collector off it.

    Forked workers share the parent's memory until they write to it: modules imported by then cost
    them nothing, and ``gc.freeze`` stops their first collections from touching (copying) every page.
    """
    import gc

    from . import engine, pipeline, scan  # noqa: F401
    from .integrations import kustomize  # noqa: F401

    gc.freeze()  # undone when the run ends (a library caller's later garbage must stay collectable)


def _start_worker(flag: Any, inventory: Inventory, plain: frozenset[str], nad_files: frozenset[str]) -> None:
    """A conversion worker: it knows what the survey learnt, stops with the run (stopping.worker_init)
    and ends with it."""
    global _INVENTORY, _PLAIN, _NAD_FILES
    _INVENTORY, _PLAIN, _NAD_FILES = inventory, plain, nad_files
    stopping.worker_init(flag)


def _fork_context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds with the modules already imported; elsewhere, spawn.
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _record(outcome: RunResult, result: FileResult) -> None:
    """Keep findings and the small cross-file facts; let go of the file's bytes."""
    outcome.findings.extend(result.findings)
    if result.suppressions is not None:
        outcome.suppressions[result.display] = result.suppressions
    if result.changed:
        from .results import first_changed_line

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
