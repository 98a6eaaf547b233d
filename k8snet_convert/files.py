"""Finding input files, reading them, and writing results atomically (SPEC §6)."""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import functools
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .findings import Finding, Severity
from .options import DEFAULT_MAX_FILE_SIZE

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
    *,
    special: list[tuple[str, str]] | None = None,
) -> Iterator[tuple[str, Path | None]]:
    """(display name, path) for every input file; ``-`` is stdin (path None).

    Folders are walked recursively in sorted order (a folder's files, then its sub-folders), hidden
    folders skipped. Symbolic links met while walking are never followed (no loops, nothing outside
    the roots): they are listed in ``skipped``. Folders that cannot be listed are added to
    ``unreadable`` with the reason. Only regular files are yielded: FIFOs, sockets and devices (met in
    a folder, or named, or named through a link) are never opened, since reading them may block
    forever or never end; they are added to ``special`` with what they are. Files named on the command
    line are taken whatever their extension. With ``gitignore``, what git ignores is not walked
    (walk_ignore.py).
    """
    names = discover_names(inputs, exclude, skipped, unreadable, gitignore, special=special)
    for display, stdin in names:
        yield display, None if stdin else Path(display)


def discover_names(
    inputs: list[str],
    exclude: tuple[str, ...] = (),
    skipped: list[Path] | None = None,
    unreadable: list[tuple[str, str]] | None = None,
    gitignore: bool = True,
    *,
    special: list[tuple[str, str]] | None = None,
    prune: os.stat_result | None = None,
) -> Iterator[tuple[str, bool]]:
    """``discover`` without a Path per file: (display name, whether it is stdin). A file's path is
    ``Path(display)``; a run over 100,000 files builds Paths only for the files it converts.

    ``prune``: a folder (by its stat) that is not walked into wherever it is met (an --output-dir
    inside an input folder holds results, not inputs).
    """
    for item in inputs:
        if item == "-":
            yield "-", True
            continue
        try:
            mode = os.stat(item).st_mode  # follows links: a named link is taken for what it names
        except (FileNotFoundError, NotADirectoryError):
            raise UsageError(f"{item}: no such file or folder") from None
        except OSError:  # e.g. a folder on the way that cannot be searched: the read says why
            mode = stat.S_IFREG
        if stat.S_ISDIR(mode):
            ignored = None
            if gitignore:  # imported here: a pre-commit run names files and walks no folder
                from .walk_ignore import for_folder

                ignored = for_folder(item, read_file)
            for display in _walk(
                Path(item).as_posix(), exclude, skipped, unreadable, special, prune, ignored
            ):
                yield display, False
        elif not _excluded(Path(item), exclude):
            if stat.S_ISREG(mode):
                yield item, False
            elif special is not None:
                special.append((item, file_kind(mode)))


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for messages."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "a special file"


def _walk(
    top: str,
    exclude: tuple[str, ...],
    skipped: list[Path] | None,
    unreadable: list[tuple[str, str]] | None,
    special: list[tuple[str, str]] | None,
    prune: os.stat_result | None,
    ignored: Ignored | None = None,
) -> Iterator[str]:
    # os.scandir, not os.walk with Paths: the directory entries already say which names are folders,
    # regular files, links or something else, so a 10,000-file tree costs no stat per file (walking
    # was a tenth of a --check run). Display names are built like Path(top, ...).as_posix() would.
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
                kind = _entry_kind(entry)
            except OSError:
                continue
            if kind in ("folder", "folder-link"):
                if name.startswith(".") or (exclude and _excluded(Path(display), exclude)):
                    continue
                if matcher is not None and matcher(name, True):
                    continue
                if kind == "folder-link":
                    if skipped is not None:
                        skipped.append(Path(display))
                elif prune is None or not _is_pruned(entry, display, prune):
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
            if kind == "file":
                yield display
            elif kind == "link":
                if skipped is not None:
                    skipped.append(Path(display))
            elif special is not None:  # a FIFO, socket or device named like a manifest: never opened
                with contextlib.suppress(OSError):
                    special.append((display, file_kind(entry.stat(follow_symlinks=False).st_mode)))
        stack.extend(reversed(folders))


def _entry_kind(entry: os.DirEntry[str]) -> str:
    """folder, file, folder-link, link (to a file, or dangling) or other, from the directory entry
    alone (no stat, except for links: their target decides how they are reported)."""
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    if entry.is_file(follow_symlinks=False):
        return "file"
    if entry.is_symlink():
        return "folder-link" if entry.is_dir() else "link"
    return "other"


def _is_pruned(entry: os.DirEntry[str], display: str, prune: os.stat_result) -> bool:
    # The inode in the directory entry rules out nearly every folder without a stat.
    return entry.inode() == prune.st_ino and os.path.samestat(os.stat(display), prune)


def check_report_path(path: Path, inputs: list[str], exclude: tuple[str, ...] = ()) -> None:
    """``--report PATH``, before any work: a UsageError when writing it could lose data or land
    somewhere else than named. Refused: a symbolic link; an input file; a file named like a manifest
    inside an input folder (the next run would read the report as an input, and a run with --write
    would have replaced a converted manifest by it); a path whose folder is a file, or that cannot be
    created or written."""
    where = f"--report {path}"
    if os.path.islink(path):
        raise UsageError(f"{where}: a symbolic link; name the file itself")
    existing = os.path.dirname(os.path.abspath(path))
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise UsageError(f"{where}: {existing} is a file, not a folder")
    if os.path.lexists(path):
        if not os.path.isfile(path):
            raise UsageError(f"{where}: {file_kind(os.stat(path).st_mode)}, not a file")
        if not os.access(path, os.W_OK):
            raise UsageError(f"{where}: the file cannot be written (permissions)")
    elif not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{where}: cannot be created in {existing} (permissions)")
    real = os.path.realpath(path)
    name = os.path.basename(real)
    manifest_like = name in EXTENSIONLESS or os.path.splitext(name)[1].lower() in EXTENSIONS
    for item in inputs:
        if item == "-" or not os.path.exists(item):
            continue
        root = os.path.realpath(item)
        if real == root:
            raise UsageError(f"{where} is the input {item}: it would be overwritten; write it elsewhere")
        if not (manifest_like and os.path.isdir(root) and real.startswith(root.rstrip(os.sep) + os.sep)):
            continue
        inner = os.path.relpath(real, root).split(os.sep)
        if any(part.startswith(".") for part in inner[:-1]) or any(
            _excluded(Path(item, *inner[:depth]), exclude) for depth in range(1, len(inner) + 1)
        ):
            continue  # the walk does not go there (hidden or excluded folder), or leaves the file out
        raise UsageError(
            f"{where} is inside the input folder {item} and named like a manifest: the run would read it "
            "as an input; write it outside the inputs, give it another extension (.sarif, .md, .xml), "
            "or --exclude it"
        )


class TooLarge(OSError):
    """A file over the size limit: not read beyond the limit."""

    def __init__(self, size: int | None, limit: int) -> None:
        said = f"is {size:,} bytes, " if size is not None else "is "
        super().__init__(errno.EFBIG, f"the file {said}over the size limit ({limit:,} bytes)")
        self.size = size
        self.limit = limit


class NotRegularFile(OSError):
    """A FIFO, socket or device: never read (it may block forever, or never end)."""

    def __init__(self, kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a regular file")
        self.kind = kind


def read_failure(display: str, exc: OSError) -> Finding:
    """Why a file was not read, as its error finding: too large, not a regular file, or the system's
    reason."""
    if isinstance(exc, TooLarge):
        return _not_read(
            display,
            rule="too-large",
            message=f"{exc.strerror} (--max-file-size): it is not read",
            hint="raise --max-file-size if the file is really a manifest, or --exclude it",
        )
    if isinstance(exc, NotRegularFile):
        return _not_read(
            display,
            rule="not-a-file",
            message=f"{exc.kind}, not a regular file: it is not read (it might never end, or block)",
            hint="name the regular file it stands for, or --exclude it",
        )
    return _not_read(
        display,
        rule="unreadable-file",
        message=f"cannot read the file: {exc.strerror or exc}",
        hint="check its permissions",
    )


def _not_read(display: str, *, rule: str, message: str, hint: str) -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, file=display, hint=hint)


# Every file the tool reads, inputs and the files it reads for context alike (kustomization resources,
# patch files, the configuration), is bounded by the run's --max-file-size: ``read_limit`` sets it.
_limit = DEFAULT_MAX_FILE_SIZE


@contextlib.contextmanager
def read_limit(limit: int) -> Iterator[None]:
    """Within the block, ``read_file`` refuses files over ``limit`` bytes."""
    global _limit
    prior, _limit = _limit, limit
    try:
        yield
    finally:
        _limit = prior


def current_read_limit() -> int:
    return _limit


def read_file(path: str | Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, at most ``limit`` of them (default: the run's --max-file-size).

    Plain os.open/os.read, a third of what Path.read_bytes costs per small file. The file is opened
    without blocking (a FIFO put in its place after the walk cannot hang the run) and must be a
    regular file (else NotRegularFile) no larger than the limit (else TooLarge, and nothing is read).
    The fstat costs no extra system call: knowing the size, one read gets the whole file, where
    reading to the end took a second read. Reading stops after ``limit + 1`` bytes whatever the size
    said (a file growing meanwhile).
    """
    if limit is None:
        limit = _limit
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
            raise NotRegularFile(file_kind(info.st_mode))
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        return _read_bounded(fd, limit, info.st_size)
    finally:
        os.close(fd)


def read_stdin(limit: int | None = None) -> bytes:
    """Standard input's bytes, at most ``limit`` of them (TooLarge beyond)."""
    limit = _limit if limit is None else limit
    data: bytes = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(None, limit)
    return data


def _read_bounded(fd: int, limit: int, size: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    want = size + 1
    while chunk := os.read(fd, min(want, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise TooLarge(None, limit)
        if total == size:  # what fstat said: the end (a regular file reads whole)
            break
        want = 1 << 20
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)  # one chunk: no copy


class ChangedOnDisk(OSError):
    """The file is not what was read: another process changed or deleted it meanwhile."""


class LinkRefused(ChangedOnDisk):
    """A symbolic link where a file is to be written: nothing is written through it."""


class HardLinked(OSError):
    """The file has other hard links: replacing it would break them, writing into it would not be
    atomic, so it is not written."""

    def __init__(self, path: Path, links: int) -> None:
        super().__init__(
            errno.EMLINK,
            f"{path} has {links - 1} other hard link(s): replacing it would break them, and writing "
            "into it would not be atomic",
        )


def write_atomic(path: Path, data: bytes, expected: bytes | None = None, create: bool = False) -> None:
    """Replace ``path`` with ``data`` on its own: temporary file in the same folder, flushed, renamed;
    mode, owner and extended attributes kept (a batch of one, see StagedWrites).

    With ``expected``, the file must still hold exactly those bytes just before the rename, else
    nothing is written (ChangedOnDisk): a concurrent edit is never overwritten. With ``create``, a
    missing file (and its folders) is created.
    """
    batch = StagedWrites()
    problem = batch.add(path, path, data, expected, create)
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

    What is replaced is never written through: a symbolic link, a file with other hard links and
    anything but a regular file are refused. The new file keeps the old one's mode, owner, group and
    extended attributes (as ``install`` and ``cp --preserve`` do), so far as the system permits.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[object, str, Path, bytes | None]] = []  # key, temporary, path, expected

    def add(
        self, key: object, path: Path, data: bytes, expected: bytes | None = None, create: bool = False
    ) -> OSError | None:
        """Write ``data`` to a temporary file beside ``path``; the error if that fails (nothing staged)."""
        try:
            try:
                old: os.stat_result | None = os.lstat(path)
            except FileNotFoundError:
                if not create:
                    raise
                old = None
                path.parent.mkdir(parents=True, exist_ok=True)
            if old is not None:
                if stat.S_ISLNK(old.st_mode):
                    raise LinkRefused(f"{path} is a symbolic link: not replaced")
                if not stat.S_ISREG(old.st_mode):
                    raise NotRegularFile(file_kind(old.st_mode))
                if old.st_nlink > 1:
                    raise HardLinked(path, old.st_nlink)
            import tempfile  # here, not at start-up: most runs write nothing (5 ms of a pre-commit check)

            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".k8snet-tmp", dir=path.parent)
        except OSError as exc:
            return exc
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                if old is not None:
                    _keep_owner_and_attributes(fd, path, old)
                os.fchmod(fd, old.st_mode & 0o7777 if old is not None else 0o644)
            finally:
                os.close(fd)
        except OSError as exc:
            _remove(tmp)
            return exc
        except BaseException:  # interrupted: no temporary file is left behind
            _remove(tmp)
            raise
        self._staged.append((key, tmp, path, expected))
        return None

    def discard(self) -> None:
        """Remove every temporary file not yet renamed: the originals stay (a run that is stopped)."""
        staged, self._staged = self._staged, []
        for _key, tmp, _path, _expected in staged:
            _remove(tmp)

    def commit(self, defer_rename_flush: bool = False) -> list[tuple[object, OSError]]:
        """Flush, rename, flush; the keys of the files not replaced, with why (their originals kept).

        ``defer_rename_flush``: where one ``syncfs`` does it, the caller makes the renames durable
        itself (``flush_file_systems`` once at the end of a run, instead of once per batch).
        """
        staged, self._staged = self._staged, []
        if not staged:
            return []
        failed: list[tuple[object, OSError]] = []
        renamed: list[str] = []
        done = 0  # entries renamed or given up (their temporary file removed)
        try:
            try:
                _flush([tmp for _key, tmp, _path, _expected in staged], files=True)
            except OSError as exc:
                return [(key, exc) for key, _tmp, _path, _expected in staged]
            for key, tmp, path, expected in staged:
                try:
                    if expected is not None:
                        _still_as_read(path, expected)
                    os.replace(tmp, path)
                    renamed.append(os.fspath(path))
                except OSError as exc:
                    _remove(tmp)
                    failed.append((key, exc))
                done += 1
        finally:  # a failed flush, or an interruption: no temporary file outlives the batch
            for _key, tmp, _path, _expected in staged[done:]:
                _remove(tmp)
        if renamed and not (defer_rename_flush and _syncfs() is not None):
            with contextlib.suppress(OSError):  # the renames are done; their durability is best effort
                _flush(renamed, files=False)
        return failed


def _still_as_read(path: Path, expected: bytes) -> None:
    """ChangedOnDisk unless ``path`` holds exactly ``expected`` (read no further than that)."""
    try:
        current = read_file(path, limit=len(expected))
    except FileNotFoundError:
        raise ChangedOnDisk(f"{path} was deleted during the run: not recreated") from None
    except (TooLarge, NotRegularFile):
        current = None
    if current != expected:
        raise ChangedOnDisk(f"{path} changed during the run: not overwritten")


# Errors that mean "this attribute cannot be kept here" (no permission, no xattr support on the file
# system, a namespace the kernel reserves): the file is still written, as ``cp --preserve`` does.
_CANNOT_KEEP = (errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EINVAL, errno.ENODATA)


def _keep_owner_and_attributes(fd: int, path: Path, old: os.stat_result) -> None:
    """Give the temporary file the replaced file's owner, group and extended attributes (``user.*``,
    ``security.*``, ACLs in ``system.*``). Before the mode is set: changing the owner clears set-id bits.

    Root can give any owner; another user keeps at least the group when it belongs to it. A file system
    without extended attributes, or an attribute the process may not set, is tolerated."""
    if hasattr(os, "fchown"):
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except PermissionError:
            with contextlib.suppress(PermissionError):
                os.fchown(fd, -1, old.st_gid)
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(path)
    except OSError as exc:
        if exc.errno in _CANNOT_KEEP:
            return
        raise
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(path, name))
        except OSError as exc:
            if exc.errno not in _CANNOT_KEEP:
                raise


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
                info = os.stat(path)
                if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):  # never open a FIFO or device
                    devices.setdefault(info.st_dev, path)
        for path in devices.values():
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
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
