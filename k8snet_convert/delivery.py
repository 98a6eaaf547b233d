"""Delivering a run's results: printing, diffing, staging writes, the progress line.

What the main process and the workers do with a converted file once its conversion is known; nothing
here converts, reads inputs or decides the exit code (run.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import files
from .escape import visible
from .findings import Finding, Severity
from .options import Options, OutputMode
from .results import FileResult

if TYPE_CHECKING:
    from .output_dir import OutputDir


def stage(result: FileResult, writes: files.StagedWrites) -> None:
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
            not_written(result, problem)
            return  # nothing after a failure: the file stays as it was read


def not_written(result: FileResult, exc: OSError) -> None:
    """The file's write failed: said, and it no longer counts as changed."""
    result.findings.append(write_failed(result.display, exc))
    result.new = None
    result.created = []


def write_failed(display: str, exc: OSError) -> Finding:
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


class Progress:
    """A rich progress line on stderr for long runs on a terminal; otherwise nothing.

    The number of files is not known in advance (the tree is walked as it is surveyed), so the bar
    appears once a run has scanned enough files to be worth watching: files count as scanned in the
    survey, and the conversion adds what it finds.
    """

    SHOW_AFTER = 200  # files

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None
        self.scanned = self.converted = self.findings = 0

    @classmethod
    def start(cls, options: Options) -> Progress:
        return cls(not options.quiet and sys.stderr.isatty())

    def scan(self, files: int) -> None:
        self.scanned += files
        self.advance(None)

    def advance(self, result: FileResult | None) -> None:
        if not self.enabled:
            return
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


def deliver(result: FileResult, options: Options, out: TextIO, many: bool, output: OutputDir | None) -> None:
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
            out.write(f"---\n# Source: {path.as_posix()} (new)\n{_text(data)}")
    elif mode.diffs:
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
                not_written(result, problem)
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
