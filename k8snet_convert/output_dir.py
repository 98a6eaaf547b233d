"""--output-dir DIR (SPEC §6, §7): the results mirror the input tree under DIR.

Three promises, checked before any work where they can be: the output never overwrites an input (DIR is
not an input folder, and no result lands on an input file); two inputs never share one output path
(``a/x.yaml b/x.yaml`` both map to ``DIR/x.yaml``: a usage error, so nothing is silently replaced);
and nothing is written through a symbolic link already inside DIR (a file link or a folder link on
the way is refused, as ``--write`` refuses to replace a link). Writes are ``--write``'s: a temporary
file beside the target, flushed, renamed (files.StagedWrites). When DIR is inside an input folder, the
walk leaves it out: reruns would otherwise convert their own results.

A folder input maps its files below it (``convert deploy --output-dir out``: ``deploy/a/x.yaml`` ->
``out/a/x.yaml``); a file input maps to its name (``convert deploy/a/x.yaml --output-dir out``:
``out/x.yaml``), as before. Inputs are checked with one walk of their names before the run.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from . import files
from .errors import UsageError


class OutputDir:
    """Where each result of a run goes, and the staged writes of a batch of results."""

    def __init__(self, root: Path, inputs: list[str]) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.folders = [Path(item) for item in inputs if item != "-" and os.path.isdir(item)]
        self.sources: set[str] = set()  # every input file, resolved: never a target
        self.prune: os.stat_result | None = None  # DIR, when it exists: not walked as an input
        self._checked: set[str] = set()  # folders under DIR known to be real folders (no link)
        self._writes = files.StagedWrites()

    @classmethod
    def plan(cls, root: Path, inputs: list[str], exclude: tuple[str, ...]) -> OutputDir:
        """Check the whole run's targets before any work (UsageError), and create DIR."""
        plan = cls(root, inputs)
        for folder in plan.folders:
            if os.path.realpath(folder) == plan.real_root:
                raise UsageError(
                    f"--output-dir {root} is the input folder {folder}: the results would overwrite "
                    "the inputs; choose another folder"
                )
        if os.path.isdir(root):
            plan.prune = os.stat(root)
        targets: dict[str, tuple[str, str]] = {}  # target -> (display name, resolved path) of its source
        for display, real in plan._sources(inputs, exclude):
            plan.sources.add(real)
            target = os.path.join(plan.real_root, plan.relative(Path(display)))
            first, first_real = targets.setdefault(target, (display, real))
            if first_real != real:  # the same file reached twice (``convert a a/b``) is no clash
                raise UsageError(
                    f"--output-dir: {first} and {display} would both be written to "
                    f"{root / plan.relative(Path(display))}; convert them in separate runs, or name "
                    "the folder that holds both"
                )
        for target, (display, _real) in targets.items():
            if target in plan.sources:
                raise UsageError(
                    f"--output-dir: the result of {display} would overwrite the input {target}; "
                    "choose a folder outside the inputs"
                )
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--output-dir {root}: cannot create it ({exc.strerror or exc})") from None
        if not root.is_dir():
            raise UsageError(f"--output-dir {root}: not a folder")
        plan.prune = os.stat(root)
        return plan

    def _sources(self, inputs: list[str], exclude: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        """(display name, resolved path) of every input file, folders on the way resolved once."""
        named = set(inputs)  # files named on the command line may be links; walked files never are
        resolved: dict[str, str] = {}
        for display, stdin in files.discover_names(inputs, exclude, prune=self.prune):
            if stdin:
                continue
            if display in named:
                yield display, os.path.realpath(display)
                continue
            folder, name = os.path.split(display)
            real_folder = resolved.get(folder)
            if real_folder is None:
                real_folder = resolved[folder] = os.path.realpath(folder or ".")
            yield display, os.path.join(real_folder, name)

    def relative(self, path: Path) -> Path:
        """A result's path below DIR: below the input folder it was found in, else its name."""
        for folder in self.folders:
            try:
                return path.relative_to(folder)
            except ValueError:
                continue
        return Path(path.name)

    def stage(self, display: str, path: Path, data: bytes) -> OSError | None:
        """Write ``data`` as the result of ``path`` (temporary file; ``commit`` renames); the error
        if it is refused (nothing staged)."""
        relative = self.relative(path)
        target = self.root / relative
        if os.path.join(self.real_root, relative) in self.sources:
            return files.ChangedOnDisk(f"{target} is an input: not overwritten")
        try:
            self._real_folders(relative.parent)
            if _holds(target, data):
                return None  # already the result: not rewritten (its time stamp stays)
        except OSError as exc:
            return exc
        return self._writes.add(display, target, data, create=True)

    def _real_folders(self, relative: Path) -> None:
        """Create the folders of ``relative`` under DIR; refuse one that is a link (or no folder)."""
        current = self.root
        for part in relative.parts:
            current = current / part
            key = current.as_posix()
            if key in self._checked:
                continue
            try:
                mode = os.lstat(current).st_mode
            except FileNotFoundError:
                current.mkdir()
            else:
                if stat.S_ISLNK(mode):
                    raise files.LinkRefused(f"{current} is a symbolic link: nothing is written through it")
                if not stat.S_ISDIR(mode):
                    raise NotADirectoryError(f"{current} is not a folder")
            self._checked.add(key)

    def commit(self) -> list[tuple[object, OSError]]:
        """Rename the staged results into place; the display names not written, with why. The
        renames are made durable once at the end of the run (files.flush_file_systems)."""
        return self._writes.commit(defer_rename_flush=True)

    def discard(self) -> None:
        self._writes.discard()


def _holds(target: Path, data: bytes) -> bool:
    """Whether ``target`` is a plain file (no link, no other hard link) that holds ``data`` already."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1 or info.st_size != len(data):
        return False  # a link, another file, or different content: the write decides (and says why)
    try:
        return files.read_file(target, limit=len(data)) == data
    except OSError:
        return False
