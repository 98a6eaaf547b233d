"""Lint of Multus manifests: the reader's checks and the conversion checks, without converting.

The native writer is where the Multus-side rules of SPEC §4.7 live (duplicate interfaces, default
routes, hostNetwork...), so lint runs it on the file and throws its edits away; the findings that only
describe a conversion (``Stage.CONVERT`` in the catalogue) are dropped by the caller. That keeps one
implementation of every rule, so lint and convert can never disagree.
"""

from __future__ import annotations

from ..context import FileContext
from ..dialects.multus import reader as multus_reader
from ..dialects.native.writer import NativeFileWriter
from ..manifests import helm
from ..pipeline import record_cross_file
from ..results import FileResult


def check(ctx: FileContext, result: FileResult) -> None:
    helm.check_values_file(ctx)  # a chart's values that set the annotation (convert checks it too)
    multus = multus_reader.read_file(ctx)
    record_cross_file(result, ctx, multus)
    if multus.nads or multus.workloads:
        # Unlike convert, run the checks even when the file has errors already: one lint run should
        # show every problem, not the first file-stopping one.
        NativeFileWriter(ctx, multus).write()
