"""A kustomization's patches converted to the run's target: patch files and inline patches.

* **JSON 6902 patches** (files, and strings in ``patches[].patch`` / ``patchesJson6902``): to native by
  ``to_native``, back to Multus by ``to_multus``; to DRA they are refused (a patch cannot create the
  ResourceClaimTemplates that network claims need).
* **Inline strategic-merge patches** (``patches[].patch``, ``patchesStrategicMerge`` strings) are converted
  like workload files, through the engine; patch files are converted by the pipeline like any workload.
* Then, to native, the namespace transformer configuration (``namespace_config``) and the check that a
  name template with ``{namespace}`` can follow the kustomization's namespace (``namespace_template``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ... import prefilter
from ...context import FileContext
from ...errors import ConvertError
from ...manifests import render
from ...manifests.edit import Editor
from ...manifests.render import Style
from ...manifests.yamldoc import Document, get, get_pair, parse_documents, scalar, to_python
from ...model import Severity
from ...options import Target
from ...results import nad_use, pod_markers
from .reading import (
    PatchTarget,
    is_json6902,
    json6902_targets,
    target_namespace,
)

if TYPE_CHECKING:
    from ...results import FileResult
from .namespace_config import _namespace_config
from .namespace_template import check_namespace_template
from .patch_editor import MULTUS_KEYS, PatchEditor
from .patch_text import _Embedded, _synthetic_context, _Where, pointer_tokens
from .to_multus import ReversePatch
from .to_native import ToNative


def _json6902_root(docs: list[Document]) -> SequenceNode | None:
    if len(docs) != 1 or not isinstance(docs[0].root, SequenceNode):
        return None
    root = docs[0].root
    return root if is_json6902(to_python(root)) else None


def convert_patch_file(ctx: FileContext, result: FileResult) -> bool:
    """Convert a JSON 6902 patch file; False when the file is not one (the pipeline goes on with it).

    Its targets come from the kustomizations at or above it that reference it; one that none references
    is converted at the pod-template paths every kind with them shares (see ``_PatchRewriter._prefixes``).
    To native, annotation operations become operations on spec.networks; to Multus, the reverse
    (``kustomize_undo``); to DRA, they are refused (a patch cannot create claim templates).
    """
    root = _json6902_root(ctx.docs)
    if root is None:
        return False
    targets = json6902_targets(ctx.path) if ctx.path is not None else []
    step = _flow_step(root)
    if step and root.flow_style and not ctx.editor.edits:
        # Inserted operations are indented like the file's own (a JSON file's style shows only here).
        ctx.editor.style = dataclasses.replace(ctx.editor.style, step=step)
    _rewriter(ctx)(ctx, _Where(ctx, ""), ctx.editor, root, targets, result).run()
    return True


def _rewriter(ctx: FileContext) -> type[PatchEditor]:
    """The JSON 6902 rewriter of the run's target: to native, back to Multus, or the refusal for DRA."""
    if ctx.options.to is Target.NATIVE:
        return ToNative
    if ctx.options.to is Target.MULTUS:
        return ReversePatch
    return _DraRefusal


class _DraRefusal(PatchEditor):
    """--to dra: a patch cannot create the ResourceClaimTemplates that network claims need, so an
    operation on the Multus annotation or on spec.networks is an error (the kustomization would otherwise
    render half-migrated)."""

    def run(self) -> None:
        for index, item in enumerate(self.seq.value):
            path = scalar(get(item, "path")) if isinstance(item, MappingNode) else None
            tokens = pointer_tokens(path) if path is not None else None
            if not tokens or not isinstance(item, MappingNode):
                continue
            touches = any(k in tokens for k in MULTUS_KEYS) or (
                len(tokens) >= 2 and tokens[-2:] == ("spec", "networks")
            )
            value = get(item, "value")
            if not touches and value is not None:
                text = self.editor.text[int(value.start_mark.index) : int(value.end_mark.index)]
                touches = any(k in text for k in MULTUS_KEYS) or "networks" in text
            if touches:
                self._unsupported(
                    item,
                    index,
                    "a patch of the pod's networks cannot be converted to DRA: network claims need "
                    "ResourceClaimTemplates, which a patch cannot create",
                    "move the networks into the base's workloads, or convert the rendered output "
                    "(kubectl kustomize DIR | k8snet-convert convert --to dra -)",
                )
                return


def _flow_step(root: SequenceNode) -> int:
    """The indentation step of a pretty-printed JSON list of operations (0 when it does not show)."""
    for item in root.value:
        if isinstance(item, MappingNode) and item.value:
            key = item.value[0][0]
            if key.start_mark.line > item.start_mark.line:
                return int(key.start_mark.column - item.start_mark.column)
    return 0


def convert(ctx: FileContext, result: FileResult) -> None:
    """A kustomization: inline patches, then (to native) the namespace transformer configuration."""
    if len(ctx.docs) != 1:
        return
    root = ctx.docs[0].root
    if not isinstance(root, MappingNode):
        return
    for list_key in ("patches", "patchesJson6902"):
        items = get(root, list_key)
        if not isinstance(items, SequenceNode):
            continue
        for i, item in enumerate(items.value):
            pair = get_pair(item, "patch")
            if pair is None or not isinstance(pair[1], ScalarNode):
                continue
            target_node = get(item, "target")
            target = PatchTarget.from_data(
                to_python(target_node) if target_node is not None else None, ctx.path
            )
            _inline_patch(
                ctx,
                result,
                pair[0],
                pair[1],
                f"{list_key}[{i}].patch",
                target,
                bool(item.flow_style) if isinstance(item, MappingNode) else False,
                smp=list_key == "patches",
            )
    smp_items = get(root, "patchesStrategicMerge")
    if isinstance(smp_items, SequenceNode):
        for i, item in enumerate(smp_items.value):
            if isinstance(item, ScalarNode) and "\n" in str(item.value):
                _inline_patch(
                    ctx,
                    result,
                    item,
                    item,
                    f"patchesStrategicMerge[{i}]",
                    None,
                    bool(smp_items.flow_style),
                    True,
                )
    if ctx.options.to is Target.NATIVE:
        check_namespace_template(ctx, root)
    if not ctx.has_errors and ctx.options.to is Target.NATIVE:
        _namespace_config(ctx, result, root)


def _inline_patch(
    ctx: FileContext,
    result: FileResult,
    key: Node,
    node: ScalarNode,
    path: str,
    target: PatchTarget | None,
    flow: bool,
    smp: bool,
) -> None:
    text = str(node.value)
    if node.tag != "tag:yaml.org,2002:str" or not prefilter.may_contain_networking(
        text.encode(), pod_markers(ctx.options)
    ):
        return
    embedded = _Embedded(
        node,
        ctx.text,
        ctx.source.newline,
        flow,
        int(key.start_mark.column),
        ctx.editor.style.step,
    )
    where = _Where(ctx, path, embedded)
    try:
        docs = parse_documents(text)
    except ConvertError as exc:
        line, column = embedded.location(getattr(exc, "line", 0), getattr(exc, "column", 0))
        ctx.report(
            exc.rule,
            Severity.ERROR,
            f"the inline patch does not parse: {exc.message}",
            path=path,
            line=line,
            column=column,
            hint="kustomize cannot read it either: fix the patch",
        )
        return
    before = len(ctx.findings)
    root = _json6902_root(docs)
    style = _inner_style(docs, ctx.editor.style)
    if root is not None:
        editor = Editor(text, "\n", style)
        _rewriter(ctx)(ctx, where, editor, root, [target] if target else [], result).run()
    elif smp:
        editor = _inline_smp(ctx, result, where, text, docs, style)
    else:
        return
    if editor.edits and not any(f.severity is Severity.ERROR for f in ctx.findings[before:]):
        embedded.write_back(ctx.editor, editor.result())


def _inner_style(docs: list[Document], outer: Style) -> Style:
    """The patch's own indentation when it shows one, else the kustomization's."""
    roots = [d.root for d in docs]
    is_json = bool(roots) and all(getattr(r, "flow_style", False) for r in roots)
    style = render.detect_style(roots, is_json)
    if style == Style(json=is_json):
        return Style(step=outer.step, seq_offset=outer.seq_offset, json=is_json)
    return style


def _inline_smp(
    ctx: FileContext, result: FileResult, where: _Where, text: str, docs: list[Document], style: Style
) -> Editor:
    """Convert an inline strategic-merge patch like a workload file. A patch makes no objects: per-attachment
    parameters in ConfigMaps are an error (the writer's), and a patch of a NAD changes the NAD its base
    defines, whose own conversion adds the PodNetwork."""
    from ... import engine

    # The kustomization's own path: namespaces resolve as for a file next to it.
    sctx = _synthetic_context(ctx, text, docs, style, ctx.path)
    if ctx.path is not None:
        kustomization = ctx.path
        sctx.patch_namespace = lambda obj: target_namespace(kustomization, obj.kind or None, obj.name or None)
    conversion = engine.convert(sctx)
    for finding in sctx.findings:
        where.relocate(finding, None, "." + finding.path if finding.path else "")
    for wl in (w for r in conversion.readings.values() for w in r.workloads):
        line, column = where.location(wl.anchor)
        subject = f"{wl.label} (inline patch)"
        for attachment in wl.attachments:
            result.nad_refs.append(
                nad_use(attachment.nad, subject, ctx.display, line, column, where.base_path)
            )
    return sctx.editor
