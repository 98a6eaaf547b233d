"""Crash reports: a bug's traceback in a file of its own, so the message on stderr stays one line."""

from __future__ import annotations

import os
import sys

from . import __version__

# A tree of thousands of files that all trip one bug would otherwise leave thousands of reports.
MAX_REPORTS = 20
_written = 0


def write_report(context: str = "", limited: bool = True) -> str | None:
    """Write the exception being handled, with version and command line, to a new temporary file;
    its path (None when ``limited`` and MAX_REPORTS were written by this process already)."""
    global _written
    if limited and _written >= MAX_REPORTS:
        return None
    _written += 1
    import tempfile  # only when something went wrong: not on every run's start-up
    import traceback

    fd, path = tempfile.mkstemp(prefix="k8snet-convert-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"k8snet-convert {__version__}\nargv: {sys.argv!r}\n")
        handle.write(f"{context}\n\n" if context else "\n")
        handle.write(traceback.format_exc())
    return path
