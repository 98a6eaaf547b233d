"""Reading files for lint and explain.

``pipeline.load`` reads every file that carries one of the prefilter's markers (``cni.cncf.io``,
``PodNetwork``...), which every *Multus* spelling contains. A native pod in the KEP's last revision
(``networks: [{name: dataplane}]``) contains none of them, yet lint must check it: such files (they
mention ``networks``) go through ``load_unmarked``, the same steps without the prefilter.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .. import files, pipeline, prefilter
from ..context import FileContext
from ..options import Options
from ..results import FileResult, symlink_findings

__all__ = ["load", "load_unmarked", "may_matter", "read_inputs", "symlink_findings"]


def may_matter(data: bytes) -> bool:
    """Files lint reads: the pre-filter's markers, plus native pods (``networks``) and DRA pods
    (``resourceClaims``), which carry no marker of their own."""
    return prefilter.may_contain_networking(data) or b"networks" in data or b"resourceClaims" in data


def read_inputs(
    inputs: list[str],
    options: Options,
    skipped: list[Path] | None = None,
    unreadable: list[tuple[str, str]] | None = None,
) -> Iterator[FileResult]:
    """A FileResult per input file; a file that cannot be read (too large, not a regular file, refused
    by the system) carries the finding that says why.

    Symbolic links met in folders are not followed; they are added to ``skipped``, and folders that
    cannot be listed to ``unreadable``.
    """
    special: list[tuple[str, str]] = []
    for display, path in files.discover(
        inputs, options.exclude, skipped, unreadable, options.respect_gitignore, special=special
    ):
        try:
            if path is None:
                data = files.read_stdin(options.max_file_size)
            else:
                data = files.read_file(path, options.max_file_size)
        except OSError as exc:
            result = FileResult(display, path, b"")
            result.findings.append(files.read_failure(display, exc))
            yield result
            continue
        yield FileResult(display, path, data)
    for display, kind in special:
        result = FileResult(display, Path(display), b"")
        result.findings.append(files.read_failure(display, files.NotRegularFile(kind)))
        yield result


def load(result: FileResult, options: Options, charts: bool = False) -> FileContext | None:
    """The parsed file, or None when it has nothing to check or cannot be read (findings say why);
    ``charts``: chart templates are read with their actions masked (lint), else skipped and said."""
    if prefilter.may_contain_networking(result.original) or not may_matter(result.original):
        return pipeline.load(result, options, charts=charts)
    return load_unmarked(result, options, charts)


def load_unmarked(result: FileResult, options: Options, charts: bool = False) -> FileContext | None:
    """``pipeline.load`` for a file without markers: native pods of the KEP's last revision have none."""
    return pipeline.load(result, options, prefilter_bytes=False, charts=charts)
