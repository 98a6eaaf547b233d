"""Files -> results: read a file, hand it to the integration it belongs to (a kustomization, a JSON 6902
patch) or to the engine, and guard what comes out.

Each file's output is its own text with its own edits (SPEC §6); references resolve through the run's
inventory, built before any file is converted. What the run reports across files (NADs used but defined
nowhere, PodNetwork names claimed twice) is recorded here and checked once all files are done.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from . import chunked, verdict
from .context import FileContext
from .integrations import helm
from .loading import check_documents, load
from .manifests.yamldoc import YamlSyntaxError, parse_documents
from .model import Finding, Inventory, Severity
from .options import Options, OutputMode
from .results import (
    FileResult,
    cross_file_findings,
    is_kustomization,
    nad_use,
    needs_parsing,
)

if TYPE_CHECKING:  # the dialects are imported when a file needs them
    from .dialects.base import Reading

__all__ = ["FileResult", "collect_inventory", "convert_file", "cross_file_findings", "load", "needs_parsing"]


def convert_file(
    display: str,
    path: Path | None,
    data: bytes,
    options: Options,
    inventory: Inventory | None = None,
) -> FileResult:
    """One file converted; ``inventory`` holds the run's facts (without one, the file's own)."""
    result = FileResult(display, path, data)
    if helm.template_kind(path) is not None:  # a chart's template: converted with its actions masked
        from .integrations.helm.chart import convert_template

        return convert_template(result, options, inventory, record_cross_file, check_documents)
    if is_kustomization(path) and path is not None:
        from .integrations import kustomize

        if not kustomize.may_change(path, data, options):
            return result
    if chunked.chunkable(path, data, options) and chunked.convert_in_chunks(
        result, options, inventory, record_cross_file
    ):
        return result  # a big file, a run of documents at a time
    ctx = load(result, options)
    if ctx is None:
        return result
    from .scan import file_inventory

    ctx.inventory = inventory if inventory is not None else file_inventory(ctx)
    helm.check_values(ctx)
    if is_kustomization(path):
        # kustomization.yaml: JSON 6902 patches and the namespace transformer configuration
        from .integrations import kustomize

        kustomize.convert(ctx, result)
    elif not _json6902_patch(ctx, result):
        from . import engine
        from .integrations.kustomize.reading import is_patch_file, patch_namespace

        if path is not None:
            ctx.patch_test = lambda: is_patch_file(path)
            ctx.patch_namespace = lambda obj: patch_namespace(path, obj.kind, obj.name)
        record_cross_file(result, ctx, engine.convert(ctx).readings)
    new_text = ctx.editor.result() if ctx.editor.edits and not ctx.has_errors else None
    if new_text is not None and options.verify_roundtrip:
        from .roundtrip import verify_roundtrip

        verify_roundtrip(ctx, new_text)
    result.findings.extend(sorted(ctx.findings, key=Finding.sort_key))
    if new_text is not None and not result.failed:
        # Re-parsing the output guards what is written, printed or diffed. --check shows no output,
        # only that the file would change, so it skips that second parse (~0.2 ms a converted file,
        # a seventh of the CPU of a 10,000-file check).
        if options.mode is not OutputMode.CHECK:
            _verify(result, new_text)
        if not result.failed:
            result.new = ctx.source.encode(new_text)
    verdict.finish_file(result, ctx)  # suppression comments; check's would-convert finding
    return result


def _json6902_patch(ctx: FileContext, result: FileResult) -> bool:
    from .integrations import kustomize

    return kustomize.convert_patch_file(ctx, result)


def _verify(result: FileResult, new_text: str) -> None:
    """Black's habit: never write what does not parse back."""
    try:
        parse_documents(new_text)
    except YamlSyntaxError as exc:
        result.findings.append(
            Finding(
                rule="internal-error",
                severity=Severity.ERROR,
                message=f"the converted text does not parse ({exc.message}); the file is left untouched",
                file=result.display,
                line=exc.line,
                column=exc.column,
                hint="please report this with the input file",
            )
        )


def record_cross_file(result: FileResult, ctx: FileContext, readings: dict[str, Reading]) -> None:
    """What the run's cross-file checks need from one file: its NADs, the NADs its converted workloads
    use, the PodNetwork names its NADs get."""
    from .model.names import apply_template

    options = ctx.options
    for reading in readings.values():
        for nad in reading.nads:
            result.nads.append(nad.key)
            if options.to.value == "native":  # PodNetwork names only exist for --to native
                name = apply_template(options.name_template, nad.namespace, nad.name)
                result.podnetworks.append((name, nad.key, repr(nad.network.meaning())))
        for wl in reading.workloads:
            line, column = wl.anchor.start_mark.line + 1, wl.anchor.start_mark.column + 1
            for attachment in wl.attachments:
                result.nad_refs.append(
                    nad_use(attachment.nad, wl.label, result.display, line, column, wl.anchor_path)
                )


def collect_inventory(files: Iterable[tuple[str, Path | None, bytes]], options: Options) -> Inventory:
    """The inventory of the given files (a run builds it in its workers; tests and callers use this)."""
    inventory = Inventory()
    for display, path, data in files:
        helm.scan_bytes(display, path, data, options, inventory)
    return inventory
