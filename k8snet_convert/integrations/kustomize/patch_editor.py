"""What every rewriter of a JSON 6902 patch shares: its targets (kind, name, namespace, the pod-template
paths it can touch), and edits that change one operation while keeping the text around it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ... import namespaces
from ...context import FileContext
from ...dialects.multus.reader import MULTUS_POD_KEYS
from ...errors import ConvertError
from ...manifests import render
from ...manifests.edit import Editor, content_end
from ...manifests.objects import GUESSED_TEMPLATE_PATHS, POD_TEMPLATE_PATHS
from ...manifests.yamldoc import get_pair, parse_documents, to_python
from ...model import Finding, Severity
from .reading import (
    PatchTarget,
    target_namespace,
)

if TYPE_CHECKING:
    from ...results import FileResult
from .patch_text import _replace, _Where

MULTUS_KEYS = MULTUS_POD_KEYS  # the two annotations a pod says its Multus networks with
UNSUPPORTED = "kustomize-patch-unsupported"
REVIEW = "kustomize-patch-review"
PATCH_HINT = "--attachment-params annotation carries the parameters in a pod-template annotation instead"


class PatchEditor:
    """One JSON 6902 patch (a sequence of operations) and the edits that rewrite its operations, through
    an Editor on its text. Subclasses say what to rewrite: to native (``to_native``), back to Multus
    (``to_multus``), or the refusal for DRA (``patches``)."""

    def __init__(
        self,
        ctx: FileContext,
        where: _Where,
        editor: Editor,
        seq: SequenceNode,
        targets: list[PatchTarget],
        result: FileResult | None,
    ) -> None:
        self.ctx = ctx
        self.where = where
        self.editor = editor
        self.seq = seq
        self.targets = targets or [PatchTarget(None, None, None)]
        self.result = result
        self.flow = bool(seq.flow_style)
        first = self.targets[0]
        known = [t.kind for t in self.targets if t.kind in POD_TEMPLATE_PATHS]
        self.kind = known[0] if known else "Pod"
        self.name = first.name or "patch-target"
        self.namespace = self._namespace(first)

    def run(self) -> None:
        """Read the operations and rewrite them."""
        raise NotImplementedError

    def _namespace(self, target: PatchTarget) -> str:
        """The target's namespace: the selector's, --namespace, what its kustomization gives it, or the
        namespace of the nearest kustomization (as for any file)."""
        given = target.namespace or self.ctx.options.namespace
        if given is None and target.kustomization is not None:
            given = target_namespace(target.kustomization, target.kind, target.name)
        ns, source = namespaces.resolve(given, None, self.ctx.path)
        if source == "default" and "{namespace}" in self.ctx.options.name_template:
            self.where.report(
                "default-namespace",
                Severity.INFO,
                f"the patch target {target.kind or ''} {self.name} has no namespace: assuming 'default'",
                self.seq,
                hint="give the patch target a namespace, pass --namespace, or set namespace: in the "
                "kustomization",
            )
        return ns

    # -- which pod templates the patch can touch ---------------------------------------------------

    def _prefixes(self) -> tuple[list[tuple[str, ...]], list[tuple[str, tuple[str, ...]]]]:
        """(pod-template paths to convert at, (kind, path) where the annotation is only reported)."""
        convert: list[tuple[str, ...]] = []
        report: list[tuple[str, tuple[str, ...]]] = []
        for target in self.targets:
            if target.kind is None:
                # Without a kind only the paths that are pod templates in every kind that has them are
                # converted; /metadata/annotations is a pod's own only if the target is a Pod.
                convert.extend(p for p in GUESSED_TEMPLATE_PATHS if p)
                report.append(("", ()))
            elif target.kind in POD_TEMPLATE_PATHS:
                convert.append(POD_TEMPLATE_PATHS[target.kind])
            else:
                report.extend((target.kind, p) for p in GUESSED_TEMPLATE_PATHS)
        unique = list(dict.fromkeys(convert))
        return unique, [(k, p) for k, p in dict.fromkeys(report) if p not in unique]

    def _unsupported(self, item: MappingNode, index: int, message: str, hint: str) -> None:
        self.where.report(
            UNSUPPORTED, Severity.ERROR, f"JSON patch operation {index}: {message}", item, f"[{index}]", hint
        )

    def _string(self, node: Node, key: str, index: int, item: MappingNode) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            return str(node.value)
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return ""
        self.where.report(
            "invalid-annotation",
            Severity.ERROR,
            f"JSON patch operation {index}: annotation {key} must be a string (annotations are "
            "map[string]string)",
            node,
            path=f"[{index}].value",
            hint="quote the value",
        )
        return None

    def _record_refs(self, refs: list[tuple[str, str]], at: Node, index: int) -> None:
        if self.result is None:
            return
        line, column = self.where.location(at)
        for namespace, name in refs:
            self.result.nad_refs.append(
                (
                    (namespace, name),
                    Finding(
                        rule="nad-not-found",
                        severity=Severity.INFO,
                        message=f"JSON patch operation {index} uses NetworkAttachmentDefinition "
                        f"{namespace}/{name}, which is not among the inputs",
                        file=self.ctx.display,
                        line=line,
                        column=column,
                        path=f"{self.where.base_path}[{index}].value",
                        hint="convert it too, or make sure it exists in the cluster "
                        "(its PodNetwork must be created from it)",
                    ),
                )
            )

    def _rewrite_op(self, item: MappingNode, new: dict[str, Any]) -> None:
        """Make an operation say ``new``, touching only the fields that differ."""
        # ``- {op: add, ...}`` in a block list is a flow mapping: its values are written as JSON.
        flow = self.flow or self.editor.style.json or bool(item.flow_style)
        for key, value in new.items():
            pair = get_pair(item, key)
            if pair is None:
                self.editor.add_pair(item, key, value)
            elif isinstance(pair[1], ScalarNode) and isinstance(value, str):
                if to_python(pair[1]) != value:
                    _replace(
                        self.editor,
                        int(pair[1].start_mark.index),
                        content_end(self.editor.text, pair[1]),
                        _scalar_like(pair[1], value, flow, self.flow or self.editor.style.json),
                    )
            elif not isinstance(pair[1], ScalarNode) or to_python(pair[1]) != value:
                self._set_value(pair[0], pair[1], value, flow)
        for key in ("value", "from"):
            pair = get_pair(item, key)
            if key not in new and pair is not None:
                self.editor.remove_pair(item, pair[0], pair[1])

    def _set_value(self, key: Node, value: Node, new: Any, flow: bool = False) -> None:
        """Replace the value of a ``key: value`` pair, keeping the key's own text."""
        col = int(key.start_mark.column)
        start = int(key.end_mark.index)
        end = content_end(self.editor.text, value)
        if flow or self.flow or self.editor.style.json:
            line = self.editor.text.count("\n", 0, start)
            one_line = self.seq.start_mark.line == self.seq.end_mark.line or line == value.end_mark.line
            body = (
                json.dumps(new, ensure_ascii=False)
                if one_line or not isinstance(new, dict | list) or not new
                else render.json_text(new, col, self.editor.style.step or 2, self.editor.newline)
            )
            _replace(self.editor, start, end, ": " + body)
            return
        text = render.pair_text("k", new, col, self.editor.style, self.editor.newline)
        _replace(self.editor, start, end, text[col + 1 : -len(self.editor.newline)])

    def _insert_after(self, item: MappingNode, ops: list[dict[str, Any]]) -> None:
        if not ops:
            return
        if self.flow and self.seq.start_mark.line == self.seq.end_mark.line:
            pos = content_end(self.editor.text, item)
            _replace(self.editor, pos, pos, "".join(", " + json.dumps(o, ensure_ascii=False) for o in ops))
            return
        if self.flow or self.editor.style.json:
            self.editor.add_sequence_items_after(self.seq, item, ops)
            return
        # Block items are written here rather than by the Editor, so that a JSON pointer stays a plain
        # scalar like the ones around it (the generic renderer quotes anything starting with "/").
        editor = self.editor
        dash = int(self.seq.start_mark.column)
        col = dash + 2
        lines: list[str] = []
        for op in ops:
            text = "".join(
                render.pair_text(key, value, col, editor.style, editor.newline)
                if key != "path"
                else " " * col + "path: " + _plain_or_quoted(value) + editor.newline
                for key, value in op.items()
            )
            lines.append(" " * dash + "- " + text[col:])
        pos = editor.line_end(content_end(editor.text, item))
        block = "".join(lines)
        if pos == len(editor.text) and editor.text and not editor.text.endswith("\n"):
            block = editor.newline + block[: -len(editor.newline)]
        _replace(editor, pos, pos, block)


def _plain_or_quoted(value: str) -> str:
    """A string as a plain YAML scalar when it reads back as itself, else as the renderer quotes it."""
    if value and value.isprintable() and value.strip() == value and ": " not in value and " #" not in value:
        try:
            documents = parse_documents(value)
        except ConvertError:
            documents = []
        node = documents[0].root if len(documents) == 1 else None
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value == value:
            return value
    return render.scalar(value)


def _scalar_like(node: ScalarNode, value: str, flow: bool, json_text: bool) -> str:
    """``value`` written in the quoting style of the scalar it replaces, where that reads back the same."""
    if json_text or node.style == '"':
        return json.dumps(value, ensure_ascii=False)
    if node.style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if not node.style and not (flow and any(c in value for c in ",[]{}")):
        plain = _plain_or_quoted(value)
        if plain == value:
            return plain
    return json.dumps(value, ensure_ascii=False) if flow else render.scalar(value)
