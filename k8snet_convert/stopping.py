"""SIGINT (Ctrl-C) and SIGTERM during a run: stop between two files, never inside one.

The first signal only raises a flag. Whoever converts files (the main process, or each worker of the
pool) looks at it before each file: it then removes the temporary files of its batch, whose renames
had not begun, and raises ``Stopped``. A batch that was renaming finishes, so every file is wholly
old or wholly new and every written file is counted. The run then says what it wrote and exits
128 + the signal's number (130, 143). A second signal stops at once (temporary files may stay).

With a pool the flag lives in shared memory, so a signal to the main process reaches the workers, and
one to a worker (a process group killed by a CI runner) reaches the main process.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(Exception):
    """A batch given up because a stop was asked for (its temporary files are removed)."""


class _Flag:
    value = 0


_flag: Any = _Flag()  # .value: 0, or the number of the signal that asked to stop
_received = False  # whether this process had a signal already (a second one stops it at once)


def requested() -> int:
    """The number of the signal that asked the run to stop, or 0."""
    return int(_flag.value)


def check() -> None:
    """Raise Stopped when a stop was asked for."""
    if _flag.value:
        raise Stopped()


def shared_flag() -> Any:
    """The flag in shared memory, for a pool's workers (multiprocessing is imported only then)."""
    global _flag
    from multiprocessing import sharedctypes

    shared = sharedctypes.RawValue("i", _flag.value)
    _flag = shared
    return shared


def _raise_flag(signum: int, _frame: object) -> None:
    global _received
    if _received:  # asked twice: stop now
        raise KeyboardInterrupt
    _received = True
    if not _flag.value:  # the first signal of the run names it, whichever process received it
        _flag.value = signum


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """For the block, SIGINT and SIGTERM raise the flag (in the main thread; elsewhere Python
    delivers no signals, and a library caller's own handling is left alone)."""
    global _flag, _received
    prior_flag = _flag
    _flag, _received = _Flag(), False
    if threading.current_thread() is not threading.main_thread():
        try:
            yield
        finally:
            _flag = prior_flag
        return
    prior = {signum: signal.signal(signum, _raise_flag) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in prior.items():
            signal.signal(signum, handler)
        _flag = prior_flag


def worker_init(flag: Any) -> None:
    """A pool worker: share the run's flag, raise it on a signal, end when the run is killed."""
    global _flag, _received
    _flag, _received = flag, False
    for signum in SIGNALS:
        signal.signal(signum, _raise_flag)
    if sys.platform.startswith("linux"):
        # SIGKILL leaves workers waiting on their queue forever: they die with their parent.
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
