"""Finding input files, reading them, and writing results atomically (SPEC §6)."""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError

if TYPE_CHECKING:
    from .walk_ignore import Ignored

EXTENSIONS = (".yaml", ".yml", ".json")
EXTENSIONLESS = ("Kustomization",)  # kustomize's third file name
# Templates that may hold Multus-era networking without being manifests: Helm helpers and YAML Jinja
# templates are read to be reported (integrations/helm), never converted.
TEMPLATE_SUFFIXES = (
    ".tpl",
    ".yaml.j2",
    ".yml.j2",
    ".yaml.jinja2",
    ".yml.jinja2",
    ".yaml.jinja",
    ".yml.jinja",
)


def lexical(path: Path) -> Path:
    """An absolute, normalised path without asking the file system (``resolve`` costs a syscall per
    component: on a 10,000-file tree that was a fifth of the run). Symbolic links are not followed
    while walking, so the two agree for every path the tool reaches."""
    return Path(lexical_str(path))


def lexical_str(path: str | Path) -> str:
    """``lexical`` as a string, for hot paths that only stat, read and compare."""
    return os.path.normpath(os.path.abspath(path))


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(
        fnmatch.fnmatch(text, pat) or fnmatch.fnmatch(path.name, pat) or fnmatch.fnmatch(text, f"*/{pat}")
        for pat in patterns
    )


def discover(
    inputs: list[str],
    exclude: tuple[str, ...] = (),
    skipped: list[Path] | None = None,
    unreadable: list[tuple[str, str]] | None = None,
    gitignore: bool = True,
) -> Iterator[tuple[str, Path | None]]:
    """(display name, path) for every input file; ``-`` is stdin (path None).

    Folders are walked recursively in sorted order (a folder's files, then its sub-folders), hidden
    folders skipped. Symbolic links met while walking are never followed (no loops, nothing outside
    the roots): they are listed in ``skipped``. Folders that cannot be listed are added to
    ``unreadable`` with the reason. Files named on the command line are taken whatever their extension.
    With ``gitignore``, what git ignores is not walked (walk_ignore.py).
    """
    for display, stdin in discover_names(inputs, exclude, skipped, unreadable, gitignore):
        yield display, None if stdin else Path(display)


def discover_names(
    inputs: list[str],
    exclude: tuple[str, ...] = (),
    skipped: list[Path] | None = None,
    unreadable: list[tuple[str, str]] | None = None,
    gitignore: bool = True,
) -> Iterator[tuple[str, bool]]:
    """``discover`` without a Path per file: (display name, whether it is stdin). A file's path is
    ``Path(display)``; a run over 100,000 files builds Paths only for the files it converts."""
    for item in inputs:
        if item == "-":
            yield "-", True
            continue
        path = Path(item)
        if path.is_dir():
            ignored = None
            if gitignore:  # imported here: a pre-commit run names files and walks no folder
                from .walk_ignore import for_folder

                ignored = for_folder(item)
            for display in _walk(path.as_posix(), exclude, skipped, unreadable, ignored):
                yield display, False
        elif path.exists():
            if not _excluded(path, exclude):
                yield item, False
        else:
            raise UsageError(f"{item}: no such file or folder")


def _walk(
    top: str,
    exclude: tuple[str, ...],
    skipped: list[Path] | None,
    unreadable: list[tuple[str, str]] | None,
    ignored: Ignored | None = None,
) -> Iterator[str]:
    # os.scandir, not os.walk with Paths: the directory entries already say which names are links and
    # folders, so a 10,000-file tree costs no stat per file (walking was a tenth of a --check run).
    # Display names are built like Path(top, ...).as_posix() would build them.
    prefix = "" if top == "." else top if top.endswith("/") else top + "/"
    stack = [prefix]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder or ".") as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:  # no permission, or removed meanwhile: said, and the walk goes on
            if unreadable is not None:
                unreadable.append(((folder or "./").rstrip("/") or "/", exc.strerror or str(exc)))
            continue
        matcher = ignored.folder(folder, (e.name for e in entries)) if ignored is not None else None
        folders: list[str] = []
        for entry in entries:
            name = entry.name
            display = folder + name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()  # follows links: a link to a folder is a folder here
            except OSError:
                continue
            if is_dir:
                if name.startswith(".") or (exclude and _excluded(Path(display), exclude)):
                    continue
                if matcher is not None and matcher(name, True):
                    continue
                if is_link:
                    if skipped is not None:
                        skipped.append(Path(display))
                    continue
                folders.append(display + "/")
                continue
            wanted = (
                name in EXTENSIONLESS
                or os.path.splitext(name)[1].lower() in EXTENSIONS
                or name.lower().endswith(TEMPLATE_SUFFIXES)
            )
            if not wanted or (exclude and _excluded(Path(display), exclude)):
                continue
            if matcher is not None and matcher(name, False):
                continue
            if is_link:
                if skipped is not None:
                    skipped.append(Path(display))
                continue
            yield display
        stack.extend(reversed(folders))


def read_file(path: str | Path) -> bytes:
    """A file's bytes: plain os.open/os.read, a third of what Path.read_bytes costs per small file
    (which adds a Path, an io.FileIO and a buffer on top of the same two system calls)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class ChangedOnDisk(OSError):
    """The file is not what was read: another process changed or deleted it meanwhile."""


def write_atomic(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` on its own: temporary file in the same folder, flushed, renamed;
    mode kept (a batch of one, see StagedWrites).

    With ``expected``, the file must still hold exactly those bytes just before the rename, else
    nothing is written (ChangedOnDisk): a concurrent edit is never overwritten.
    """
    batch = StagedWrites()
    problem = batch.add(path, path, data, expected)
    if problem is not None:
        raise problem
    for _key, failure in batch.commit():
        raise failure


class StagedWrites:
    """Atomic replacements of many files, made durable together.

    Every file is written to a temporary file beside it; then the file system is flushed once (syncfs
    on Linux, else an fsync per temporary file); then each original is checked to be still what was
    read and the temporary file renamed over it; then one more flush makes the renames durable (a
    run does that once at its end, see ``commit``). A file is at every moment its old or its new
    content, and a flush that fails keeps every original. Two flushes per batch, not two per file:
    on a 10,000-file tree --write replaces or creates 1,405 files, and their fsyncs were a third of
    its time (--write/--check, medians of 7 interleaved runs on copies of the tree: 1.41 with
    syncfs, 1.83 with an fsync per file and per folder). A syncfs also waits for other programs'
    unwritten data on the same file system.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[object, str, Path, bytes | None]] = []  # key, temporary, path, expected

    def add(
        self, key: object, path: Path, data: bytes, expected: bytes | None = None, create: bool = False
    ) -> OSError | None:
        """Write ``data`` to a temporary file beside ``path``; the error if that fails (nothing staged)."""
        try:
            if path.is_symlink():
                raise ChangedOnDisk(f"{path} is a symbolic link: not replaced")
            if create and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                mode = 0o644
            else:
                mode = path.stat().st_mode & 0o7777
            import tempfile  # here, not at start-up: most runs write nothing (5 ms of a pre-commit check)

            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".k8snet-tmp", dir=path.parent)
        except OSError as exc:
            return exc
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fchmod(fd, mode)
            finally:
                os.close(fd)
        except OSError as exc:
            _remove(tmp)
            return exc
        self._staged.append((key, tmp, path, expected))
        return None

    def commit(self, defer_rename_flush: bool = False) -> list[tuple[object, OSError]]:
        """Flush, rename, flush; the keys of the files not replaced, with why (their originals kept).

        ``defer_rename_flush``: where one ``syncfs`` does it, the caller makes the renames durable
        itself (``flush_file_systems`` once at the end of a run, instead of once per batch).
        """
        staged, self._staged = self._staged, []
        if not staged:
            return []
        try:
            _flush([tmp for _key, tmp, _path, _expected in staged], files=True)
        except OSError as exc:
            for _key, tmp, _path, _expected in staged:
                _remove(tmp)
            return [(key, exc) for key, _tmp, _path, _expected in staged]
        failed: list[tuple[object, OSError]] = []
        renamed: list[str] = []
        for key, tmp, path, expected in staged:
            try:
                if expected is not None:
                    try:
                        current = read_file(path)
                    except FileNotFoundError:
                        raise ChangedOnDisk(f"{path} was deleted during the run: not recreated") from None
                    if current != expected:
                        raise ChangedOnDisk(f"{path} changed during the run: not overwritten")
                os.replace(tmp, path)
                renamed.append(os.fspath(path))
            except OSError as exc:
                _remove(tmp)
                failed.append((key, exc))
        if renamed and not (defer_rename_flush and _syncfs() is not None):
            with contextlib.suppress(OSError):  # the renames are done; their durability is best effort
                _flush(renamed, files=False)
        return failed


def flush_file_systems(paths: list[str]) -> None:
    """Make what was renamed under ``paths`` durable: one ``syncfs`` per file system (best effort).
    Without syncfs every batch flushed its own renames, and there is nothing left to do."""
    if _syncfs() is None:
        return
    with contextlib.suppress(OSError):
        _flush([p for p in paths if p != "-"], files=False)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _flush(paths: list[str], files: bool) -> None:
    """Make written data (``files``) or the folder entries of ``paths`` durable."""
    syncfs = _syncfs()
    if syncfs is not None:
        devices: dict[int, str] = {}
        for path in paths:
            with contextlib.suppress(OSError):
                devices.setdefault(os.stat(path).st_dev, path)
        for path in devices.values():
            fd = os.open(path, os.O_RDONLY)
            try:
                syncfs(fd)
            finally:
                os.close(fd)
        return
    targets = paths if files else sorted({os.path.dirname(os.path.abspath(p)) for p in paths})
    for path in targets:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@functools.cache
def _syncfs() -> Any:
    """libc's syncfs (Linux): flushes one file system in a single call. None elsewhere.

    Looked up on first use: ctypes costs a pre-commit ``check`` milliseconds it never needs."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]

    def call(fd: int) -> None:
        if function(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))

    return call
