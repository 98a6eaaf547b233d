"""Files -> results: read, classify, convert one file at a time, then the cross-file checks.

Each file is converted on its own (SPEC §6); what looks across files (NADs referenced but not among the
inputs, PodNetwork name collisions between files) is reported after all files, never changing output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import prefilter
from .context import FileContext
from .errors import ConvertError
from .files import TooLarge, read_failure
from .manifests import helm
from .manifests.edit import Editor
from .manifests.render import detect_style
from .manifests.source import SourceText, decode
from .manifests.yamldoc import (
    MERGE_KEY_HINT,
    MERGE_KEY_MESSAGE,
    Document,
    YamlSyntaxError,
    iter_duplicate_keys,
    iter_merge_keys,
    parse_documents,
)
from .model import Finding, Severity
from .options import Options, OutputMode, Target
from .results import (
    FileResult,
    InputNad,
    cross_file_findings,
    error_finding,
    is_kustomization,
    nad_use,
    needs_parsing,
)

if TYPE_CHECKING:  # the dialects are imported when a file needs them
    from .dialects.dra.reader import DraFile
    from .dialects.multus.reader import MultusFile

__all__ = ["FileResult", "InputNad", "convert_file", "cross_file_findings", "load", "needs_parsing"]


def load(result: FileResult, options: Options, prefilter_bytes: bool = True) -> FileContext | None:
    """Decode and parse a file; None when it has nothing for us or cannot be read (findings say why).

    ``prefilter_bytes=False`` parses files without any marker too (lint reads native pods that way).
    """
    if len(result.original) > options.max_file_size:  # reported whatever it holds: it is not read
        too_large = TooLarge(len(result.original), options.max_file_size)
        result.findings.append(read_failure(result.display, too_large))
        return None
    templated = helm.template_reason(result.path)
    if templated:
        if prefilter.may_contain_networking(result.original):
            result.findings.append(helm.templated_finding(result.display, templated))
        return None
    if prefilter_bytes and not needs_parsing(result.path, result.original, options.to is Target.MULTUS):
        return None
    try:
        source: SourceText = decode(result.original)
    except ConvertError as exc:
        result.findings.append(error_finding(result, exc))
        return None
    try:
        docs: list[Document] = parse_documents(source.text)
    except YamlSyntaxError as exc:
        if "{{" in source.text:
            result.findings.append(helm.templated_finding(result.display, "it contains {{ and is not YAML"))
            return None
        result.findings.append(error_finding(result, exc))
        return None
    for doc in docs if "{{" in source.text else ():  # no "{{" in the text, none in a scalar
        node = helm.plain_template_scalar(doc.root)
        if node is not None:
            result.findings.append(
                helm.templated_finding(
                    result.display,
                    f"line {node.start_mark.line + 1} holds template syntax {{{{ ... }}}} outside quotes",
                )
            )
            return None
    is_json = result.path is not None and result.path.suffix.lower() == ".json"
    style = detect_style([d.root for d in docs], is_json)
    ctx = FileContext(
        display=result.display,
        path=result.path,
        source=source,
        docs=docs,
        options=options,
        editor=Editor(source.text, source.newline, style),
        is_json=is_json,
    )
    for doc in docs:
        for key, name in iter_duplicate_keys(doc.root):
            ctx.report(
                "duplicate-key",
                Severity.ERROR,
                f"key {name!r} appears twice in one mapping (the API server rejects or collapses it)",
                node=key,
                hint="remove one of them",
            )
    for merge in iter_merge_keys(*(doc.root for doc in docs)) if "<<" in source.text else ():
        ctx.report("merge-key", Severity.ERROR, MERGE_KEY_MESSAGE, node=merge, hint=MERGE_KEY_HINT)
    return ctx


def convert_file(
    display: str,
    path: Path | None,
    data: bytes,
    options: Options,
    run_nads: dict[tuple[str, str], InputNad] | None = None,
) -> FileResult:
    result = FileResult(display, path, data)
    if is_kustomization(path) and path is not None:
        from .manifests import kustomize_convert

        if not kustomize_convert.may_change(path, data, options):
            return result
    ctx = load(result, options)
    if ctx is None:
        return result
    if run_nads:
        ctx.run_nads = run_nads
    helm.check_values_file(ctx)
    from .dialects.multus import reader as multus_reader

    if is_kustomization(path):
        # kustomization.yaml: JSON 6902 patches and the namespace transformer configuration
        from .manifests import kustomize_convert

        kustomize_convert.convert(ctx, result)
    elif options.to is Target.NATIVE and _json6902_patch(ctx, result):
        pass  # a kustomize JSON 6902 patch file: its operations were rewritten
    elif options.to is Target.MULTUS:
        # Reads native (and DRA) objects itself: the reverse direction.
        from .dialects.dra import to_multus as dra_to_multus
        from .dialects.multus import writer as multus_writer

        if dra_to_multus.has_dra_networks(ctx):
            # CNI-DRA claims back to the annotation (touches no native object)
            _record_dra_refs(result, ctx, dra_to_multus.convert(ctx))
        multus_writer.write(ctx)
    else:
        multus = multus_reader.read_file(ctx)
        record_cross_file(result, ctx, multus)
        if not ctx.has_errors:
            if options.to is Target.NATIVE:
                from .dialects.native import writer as native_writer

                native_writer.write(ctx, multus)
            else:
                from .dialects.dra import writer as dra_writer

                dra_writer.write(ctx, multus)
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
    return result


def _json6902_patch(ctx: FileContext, result: FileResult) -> bool:
    from .manifests import kustomize_convert

    return kustomize_convert.convert_patch_file(ctx, result)


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


def _record_dra_refs(result: FileResult, ctx: FileContext, dra: DraFile) -> None:
    """--to multus from DRA: the NADs the claims were made from must exist somewhere in the run."""
    from .dialects.multus.nad import is_nad
    from .manifests.objects import iter_objects
    from .namespaces import resolve

    for doc in ctx.docs:
        for obj in iter_objects(doc):
            if is_nad(obj):
                result.nads.append((resolve(obj.namespace, ctx.options.namespace, ctx.path)[0], obj.name))
    for source in dra.sources:
        if source.nad is None:
            continue
        mark = source.obj.node.start_mark
        result.nad_refs.append(
            (
                source.nad,
                Finding(
                    rule="nad-not-found",
                    severity=Severity.WARNING,
                    message=f"{source.kind} {source.name} was made from NetworkAttachmentDefinition "
                    f"{source.nad[0]}/{source.nad[1]}, which is not among the inputs",
                    file=result.display,
                    line=mark.line + 1,
                    column=mark.column + 1,
                    path=source.obj.path + "metadata.annotations",
                    hint="the converted pods name it: restore it (--drop-nads?) or convert its file too",
                ),
            )
        )


def record_cross_file(result: FileResult, ctx: FileContext, multus: MultusFile) -> None:
    """What the run's cross-file checks need from one file: its NADs, their uses, PodNetwork names."""
    from .dialects.multus.nad import nad_identity
    from .dialects.native.profiles import apply_template

    for nad in multus.nads:
        result.nads.append(nad.key)
        if ctx.options.to is Target.NATIVE:  # PodNetwork names only exist for --to native
            name = apply_template(ctx.options.name_template, nad.namespace, nad.name)
            result.podnetworks.append((name, nad.key, nad_identity(nad)))
    for wl in multus.workloads:
        ref = wl.networks_ref or wl.default_ref
        assert ref is not None
        line, column = ref.value.start_mark.line + 1, ref.value.start_mark.column + 1
        path = wl.template.key_path("metadata", "annotations", str(ref.key.value))
        for parsed in [*wl.networks, *([wl.default_network] if wl.default_network else [])]:
            used = (parsed.namespace, parsed.element.name)
            result.nad_refs.append(
                nad_use(used, f"{wl.obj.kind} {wl.name}", result.display, line, column, path)
            )


def _nad_meaning(nad: InputNad) -> tuple[object, str | None]:
    """What makes two definitions of one NAD the same: its parsed config (not its formatting)."""
    import json

    try:
        config: object = json.loads(nad.config) if nad.config else None
    except (ValueError, RecursionError):
        config = nad.config
    return config, nad.resource_name


def collect_nads(
    files: Iterable[tuple[str, Path | None, bytes]], options: Options
) -> dict[tuple[str, str], InputNad]:
    """Every NAD of the run's inputs. Only --inject-resources and --to dra look across files."""
    from .dialects.multus.nad import NAD_KIND, RESOURCE_NAME_KEY
    from .manifests.objects import iter_objects
    from .manifests.yamldoc import get_path, scalar
    from .namespaces import resolve

    found: dict[tuple[str, str], InputNad] = {}
    for display, path, data in files:
        if not prefilter.may_contain_networking(data) or NAD_KIND.encode() not in data:
            continue
        try:
            docs = parse_documents(decode(data).text)
        except ConvertError:
            continue
        for doc in docs:
            for obj in iter_objects(doc):
                if obj.kind != NAD_KIND:
                    continue
                ns, _ = resolve(obj.namespace, options.namespace, path)
                nad = InputNad(
                    file=display,
                    config=scalar(get_path(obj.node, "spec", "config")),
                    resource_name=scalar(get_path(obj.node, "metadata", "annotations", RESOURCE_NAME_KEY)),
                )
                prior = found.get((ns, obj.name))
                if prior is not None and _nad_meaning(prior) != _nad_meaning(nad):
                    nad = replace(prior, conflicts=(*prior.conflicts, display))
                elif prior is not None:
                    nad = prior  # the same definition twice: the first file names it
                found[(ns, obj.name)] = nad
    return found
