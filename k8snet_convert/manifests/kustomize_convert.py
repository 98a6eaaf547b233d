"""Kustomize (SPEC §6): JSON 6902 patches on the Multus annotation, inline patches, namespace configuration.

* **JSON 6902 patches** — inline in a kustomization (``patches[].patch``, legacy ``patchesJson6902``) or in
  patch files — that add, replace or remove ``k8s.v1.cni.cncf.io/networks`` (or
  ``v1.multus-cni.io/default-network``) at a pod-template path, or the whole annotations object (or an
  object above it) holding them, become operations on ``spec.networks`` at the matching spec path. The new
  value is computed by converting a synthetic workload that carries the patch's annotations with the real
  reader and writer, so entries, interface names, gateway flags, carriers and findings are exactly those of
  a workload conversion. A patch converts as if its annotations were the pod's whole Multus configuration
  (as a strategic-merge patch does): the target's base is not consulted.
* **Inline strategic-merge patches** (``patches[].patch``, ``patchesStrategicMerge`` strings) are converted
  like workload files; patch files are converted by the pipeline like any workload.
* **Namespace transformer**: a kustomization that sets ``namespace:`` over resources that hold (or will
  hold after conversion) PodNetworks or PodNetworkAttachments gains a transformer configuration, so that
  ``spec.parametersRefs[].namespace`` follows the objects it names, and a transformer that takes the
  namespace off the cluster-scoped PodNetwork again (kustomize treats kinds it does not know as
  namespaced, and only a custom OpenAPI schema could tell it otherwise — which would replace the built-in
  schema and break strategic merges of built-in kinds).

Edits, not re-serialisation, also inside a patch held in a string: the patch text is edited like a file,
and only the lines that changed are written back into the block scalar.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import namespaces, prefilter
from ..context import FileContext
from ..dialects.multus.nad import NAD_KIND
from ..dialects.multus.reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY
from ..dialects.native.profiles import ATTACHMENT_KIND, PARAMS_ANNOTATION, PODNETWORK_KIND
from ..errors import ConvertError
from ..files import lexical, lexical_str, read_file
from ..model import Finding, Severity
from ..options import AttachmentParams, Options, Target
from ..results import KUSTOMIZATION_NAMESPACE_MARKER, nad_use
from . import plain, render
from .edit import Editor, content_end
from .kustomize import (
    PatchTarget,
    is_json6902,
    json6902_targets,
    resource_stamps,
    target_namespace,
)
from .objects import GUESSED_TEMPLATE_PATHS, POD_TEMPLATE_PATHS, iter_objects
from .render import Style
from .source import SourceText, decode
from .yamldoc import Document, get, get_pair, parse_documents, scalar, to_python

if TYPE_CHECKING:
    from ..results import FileResult

MULTUS_KEYS = (NETWORKS_KEY, DEFAULT_NETWORK_KEY)

NAMESPACE_CONFIG = "k8snet-convert-namespace.yaml"
SCOPE_TRANSFORMER = "k8snet-convert-cluster-scoped.yaml"

NAMESPACE_CONFIG_TEXT = """\
# Written by k8snet-convert. PodNetwork and PodNetworkAttachment name their parameters objects (a
# NetworkAttachmentDefinition, a ConfigMap) by namespace. kustomize's namespace transformer does not know
# these fields: without this configuration the references would keep the old namespace while the objects
# they name move into the kustomization's namespace.
namespace:
- kind: PodNetwork
  path: spec/parametersRefs/namespace
- kind: PodNetworkAttachment
  path: spec/parametersRefs/namespace
"""

SCOPE_TRANSFORMER_TEXT = """\
# Written by k8snet-convert. PodNetwork is cluster-scoped, but kustomize treats kinds it does not know as
# namespaced and gives them the kustomization's namespace. This transformer runs after the namespace
# transformer and takes the namespace off again (the add makes the remove safe when there is none).
apiVersion: builtin
kind: PatchTransformer
metadata:
  name: k8snet-convert-podnetwork-cluster-scoped
patch: |-
  [{"op": "add", "path": "/metadata/namespace", "value": ""},
   {"op": "remove", "path": "/metadata/namespace"}]
target:
  kind: PodNetwork
"""

UNSUPPORTED = "kustomize-patch-unsupported"
REVIEW = "kustomize-patch-review"
PATCH_HINT = "--attachment-params annotation carries the parameters in a pod-template annotation instead"


# -- JSON pointers -----------------------------------------------------------------------------------


def pointer_tokens(pointer: str) -> tuple[str, ...] | None:
    """RFC 6901 tokens of a JSON pointer (None when it is not one)."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        return None
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


def pointer(tokens: tuple[str, ...] | list[str]) -> str:
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


# -- where findings go -------------------------------------------------------------------------------


@dataclass
class _Embedded:
    """A patch held in a string scalar of the kustomization: its text, and how it maps back to the file."""

    node: ScalarNode
    file_text: str
    newline: str
    flow: bool  # the scalar sits inside a flow collection (no block scalars there)
    column: int  # the column of the key that holds it, for a new block scalar's indentation
    step: int
    first_line: int = field(init=False)  # 0-based line of the first content line (= 1-based header line)
    indent: int = field(init=False)
    line_starts: list[int] = field(init=False)  # file index of each content line, plus the end

    @property
    def text(self) -> str:
        return str(self.node.value)

    @property
    def literal(self) -> bool:
        """A literal block scalar whose lines map one to one onto the patch's lines.

        With an explicit indentation indicator (``|2``) the content indentation is not the first line's,
        so such a scalar is rewritten whole, like a quoted one.
        """
        if self.node.style != "|":
            return False
        start = int(self.node.start_mark.index)
        end = self.file_text.find("\n", start)
        header = self.file_text[start : len(self.file_text) if end < 0 else end].split("#", 1)[0]
        return not any(c.isdigit() for c in header)

    def __post_init__(self) -> None:
        self.first_line = self.node.start_mark.line + 1
        self.indent = 0
        self.line_starts = []
        if not self.literal:
            return
        lines = _lines(self.text)
        pos = self.file_text.find("\n", int(self.node.start_mark.index))
        pos = len(self.file_text) if pos < 0 else pos + 1
        indent: int | None = None
        for _ in lines:
            self.line_starts.append(pos)
            nxt = self.file_text.find("\n", pos)
            end = len(self.file_text) if nxt < 0 else nxt + 1
            line = self.file_text[pos:end].rstrip("\r\n")
            if indent is None and line.strip():
                indent = len(line) - len(line.lstrip(" "))
            pos = end
        self.line_starts.append(pos)
        self.indent = indent or 0

    def location(self, line: int, column: int) -> tuple[int, int]:
        """File position (1-based) of a 1-based position in the patch text."""
        if not self.literal or line < 1:
            return self.node.start_mark.line + 1, self.node.start_mark.column + 1
        return self.first_line + line, self.indent + column

    def write_back(self, editor: Editor, new_text: str) -> None:
        if self.literal and new_text:
            self._write_lines(editor, new_text)
            return
        node = self.node
        if node.style == '"' or (self.flow and "\n" in new_text) or new_text[:1] in (" ", "\t"):
            rendered = json.dumps(new_text, ensure_ascii=False)
        elif "\n" in new_text and not self.flow:
            chomp = "-" if not new_text.endswith("\n") else ("+" if new_text.endswith("\n\n") else "")
            pad = " " * (self.column + self.step)
            body = new_text[:-1] if new_text.endswith("\n") else new_text
            rendered = (
                "|" + chomp + "".join(self.newline + (pad + ln if ln else "") for ln in body.split("\n"))
            )
        else:
            rendered = render.scalar(new_text)
        _replace(editor, int(node.start_mark.index), content_end(self.file_text, node), rendered)

    def _write_lines(self, editor: Editor, new_text: str) -> None:
        """Only the lines that changed are rewritten: everything else stays byte for byte."""
        old, new = _lines(self.text), _lines(new_text)
        pad = " " * self.indent
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        file_len = len(self.file_text)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            start, end = self.line_starts[i1], self.line_starts[i2]
            text = "".join((pad + ln if ln else "") + self.newline for ln in new[j1:j2])
            if end == file_len and not self.file_text.endswith("\n"):
                # The block is the last thing in a file without a final newline: keep it that way.
                text = text[: -len(self.newline)] if text else text
                if i1 == i2 == len(old) and text:
                    text = self.newline + text
            _replace(editor, start, end, text)


def _lines(text: str) -> list[str]:
    """Lines of a block scalar's value (its final line break ends the last line, it adds none)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _replace(editor: Editor, start: int, end: int, text: str) -> None:
    # The Editor's public operations each know one YAML shape; a plain span replacement is what both a
    # rewritten block-scalar line and a rewritten value are, so it goes through the one primitive.
    editor._add(start, end, text)


@dataclass
class _Where:
    """Reports findings about nodes of a patch, at their place in the file."""

    ctx: FileContext
    base_path: str  # YAML path of the patch inside the file ("" for a patch file)
    embedded: _Embedded | None = None

    def location(self, node: Node) -> tuple[int, int]:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if self.embedded is not None:
            return self.embedded.location(line, column)
        return line, column

    def report(
        self, rule: str, severity: Severity, message: str, node: Node, path: str = "", hint: str = ""
    ) -> None:
        line, column = self.location(node)
        self.ctx.report(
            rule, severity, message, path=self.base_path + path, hint=hint, line=line, column=column
        )

    def relocate(self, finding: Finding, node: Node | None, path: str) -> None:
        """A finding of an inner conversion, moved to the file (at ``node``, or its own line in the patch)."""
        if node is not None:
            line, column = self.location(node)
        elif self.embedded is not None:
            line, column = self.embedded.location(finding.line, finding.column)
        else:
            line, column = finding.line, finding.column
        self.ctx.report(
            finding.rule,
            finding.severity,
            finding.message,
            path=self.base_path + path,
            hint=finding.hint,
            line=line,
            column=column,
        )


# -- one annotation value, converted -----------------------------------------------------------------


@dataclass
class _Converted:
    entries: list[dict[str, Any]]  # the pod's whole spec.networks
    params: str | None  # the attachment-params annotation value (--attachment-params annotation)
    refs: list[tuple[str, str]]  # NADs used, (namespace, name)


def _synthetic_context(
    ctx: FileContext, text: str, docs: list[Document], style: Style, path: Path | None
) -> FileContext:
    return FileContext(
        display=ctx.display,
        path=path,
        source=SourceText(text=text, encoding="utf-8", bom=b"", newline="\n"),
        docs=docs,
        options=ctx.options,
        editor=Editor(text, "\n", style),
        is_json=style.json,
    )


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        items = data.get("items")
        if str(data.get("kind", "")).endswith("List") and isinstance(items, list):
            yield from (i for i in items if isinstance(i, dict))
        else:
            yield data


# -- JSON 6902 ---------------------------------------------------------------------------------------


@dataclass
class _KeyOp:
    """One operation on one Multus annotation key."""

    index: int
    item: MappingNode
    op: str
    key: str
    value: Node | None


@dataclass
class _ContainerOp:
    """An add/replace whose value holds the annotations map (the map itself, metadata, the template...)."""

    index: int
    item: MappingNode
    tokens: tuple[str, ...]
    value: Node
    annotations: MappingNode
    holder: MappingNode  # the mapping whose ``annotations`` (or the op's ``value``) the map is
    holder_key: str


@dataclass
class _Group:
    """The operations of one patch on one pod template."""

    prefix: tuple[str, ...]
    keys: list[_KeyOp] = field(default_factory=list)
    containers: list[_ContainerOp] = field(default_factory=list)
    native: list[MappingNode] = field(default_factory=list)


class _PatchRewriter:
    """Rewrites one JSON 6902 patch (a sequence of operations) through an Editor on its text."""

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

    # -- reading the operations --------------------------------------------------------------------

    def run(self) -> None:
        prefixes, reported = self._prefixes()
        groups = {p: _Group(p) for p in prefixes}
        before = len(self.ctx.findings)
        for index, item in enumerate(self.seq.value):
            if not isinstance(item, MappingNode):
                continue
            op = scalar(get(item, "op")) or ""
            path, source_path = scalar(get(item, "path")), scalar(get(item, "from"))
            tokens = pointer_tokens(path) if path is not None else None
            if tokens is None:
                continue
            source = pointer_tokens(source_path) if source_path is not None else None
            for prefix in prefixes:
                self._read_op(groups[prefix], index, item, op, tokens, source)
            for kind, prefix in reported:
                self._report_unconverted(index, item, kind, prefix, tokens)
        if any(f.severity is Severity.ERROR for f in self.ctx.findings[before:]):
            return
        for group in groups.values():
            self._rewrite_group(group)

    def _read_op(
        self,
        group: _Group,
        index: int,
        item: MappingNode,
        op: str,
        tokens: tuple[str, ...],
        source: tuple[str, ...] | None,
    ) -> None:
        prefix = group.prefix
        annotations = (*prefix, "metadata", "annotations")
        for touched, what in ((tokens, "path"), (source, "from")):
            if touched is None or (what == "from" and op not in ("move", "copy", "test")):
                continue
            if (
                len(touched) == len(annotations) + 1
                and touched[:-1] == annotations
                and touched[-1] in MULTUS_KEYS
            ):
                if op in ("add", "replace", "remove") and what == "path":
                    group.keys.append(_KeyOp(index, item, op, touched[-1], get(item, "value")))
                else:
                    self._unsupported(
                        item,
                        index,
                        f"a {op!r} operation on the {touched[-1]} annotation cannot be rewritten: the "
                        "converted target no longer has that annotation",
                        "edit the patch by hand: spec.networks holds the networks after conversion",
                    )
        if tokens[: len(prefix) + 2] == (*prefix, "spec", "networks"):
            group.native.append(item)
            return
        if len(tokens) > len(annotations) or tokens != annotations[: len(tokens)]:
            return
        value = get(item, "value")
        holder, key = _annotations_holder(value, annotations[len(tokens) :], item)
        found = get(holder, key) if holder is not None else None
        if not isinstance(found, MappingNode) or not any(scalar(k) in MULTUS_KEYS for k, _ in found.value):
            return
        if op in ("add", "replace"):
            assert holder is not None and value is not None
            group.containers.append(_ContainerOp(index, item, tokens, value, found, holder, key))
        else:
            self._unsupported(
                item,
                index,
                f"a {op!r} operation on an object holding the Multus annotation cannot be rewritten",
                "edit the patch by hand: spec.networks holds the networks after conversion",
            )

    def _report_unconverted(
        self, index: int, item: MappingNode, kind: str, prefix: tuple[str, ...], tokens: tuple[str, ...]
    ) -> None:
        annotations = (*prefix, "metadata", "annotations")
        key = tokens[-1] if tokens[:-1] == annotations and tokens else None
        if key not in MULTUS_KEYS:
            if len(tokens) > len(annotations) or tokens != annotations[: len(tokens)]:
                return
            holder, name = _annotations_holder(get(item, "value"), annotations[len(tokens) :], item)
            found = get(holder, name) if holder is not None else None
            if not isinstance(found, MappingNode):
                return
            key = next((scalar(k) for k, _ in found.value if scalar(k) in MULTUS_KEYS), None)
            if key is None:
                return
        what = (
            f"the patch target's kind {kind} is not a workload k8snet-convert knows"
            if kind
            else "the patch has no target kind, and /metadata/annotations is a pod's own only if the "
            "target is a Pod"
        )
        self.where.report(
            "unknown-workload-kind",
            Severity.WARNING,
            f"JSON patch operation {index} sets {key} at {pointer(annotations)}, but {what}; it is not "
            "converted",
            item,
            path=f"[{index}]",
            hint="give the patch a target with the workload's kind in the kustomization"
            if not kind
            else "convert the rendered output (kustomize build | k8snet-convert convert -)",
        )

    def _unsupported(self, item: MappingNode, index: int, message: str, hint: str) -> None:
        self.where.report(
            UNSUPPORTED, Severity.ERROR, f"JSON patch operation {index}: {message}", item, f"[{index}]", hint
        )

    # -- rewriting ---------------------------------------------------------------------------------

    def _rewrite_group(self, group: _Group) -> None:
        if not group.keys and not group.containers:
            return
        first = (group.keys or group.containers)[0]
        if group.native:
            self.where.report(
                "networks-exist",
                Severity.ERROR,
                f"the patch sets spec.networks at {pointer(group.prefix)} and the Multus annotation too",
                first.item,
                path=f"[{first.index}]",
                hint="remove one of the two by hand: k8snet-convert will not merge them",
            )
            return
        if group.keys and group.containers:
            self._unsupported(
                first.item,
                first.index,
                "the patch sets a Multus annotation both on its own and inside a whole annotations object",
                "set the annotations in one operation",
            )
            return
        for container in group.containers:
            self._rewrite_container(group.prefix, container)
        if group.keys:
            self._rewrite_keys(group.prefix, group.keys)

    def _networks_path(self, prefix: tuple[str, ...]) -> str:
        return pointer((*prefix, "spec", "networks"))

    def _rewrite_keys(self, prefix: tuple[str, ...], ops: list[_KeyOp]) -> None:
        by_key: dict[str, _KeyOp] = {}
        for op in ops:
            if op.key in by_key:
                self._unsupported(
                    op.item,
                    op.index,
                    f"the patch changes {op.key} twice",
                    "keep one operation per annotation",
                )
                return
            by_key[op.key] = op
        values: dict[str, str | None] = {}
        for key, op in by_key.items():
            if op.op == "remove":
                values[key] = None
                continue
            text = self._annotation_value(op)
            if text is None:
                return
            values[key] = text
        networks, default = by_key.get(NETWORKS_KEY), by_key.get(DEFAULT_NETWORK_KEY)
        path = self._networks_path(prefix)
        if networks is not None and default is None:
            if networks.op == "remove":
                self._rewrite_op(networks.item, {"op": "remove", "path": path})
                return
            converted = self._convert(values[NETWORKS_KEY], None, networks)
            if converted is not None:
                self._rewrite_op(networks.item, {"op": networks.op, "path": path, "value": converted.entries})
                self._params_op(prefix, networks.item, converted)
            return
        if networks is None and default is not None:
            self._rewrite_primary(prefix, default, values[DEFAULT_NETWORK_KEY])
            return
        assert networks is not None and default is not None
        later, earlier = (networks, default) if networks.index > default.index else (default, networks)
        if values[NETWORKS_KEY] is None and values[DEFAULT_NETWORK_KEY] is None:
            self._rewrite_op(later.item, {"op": "remove", "path": path})
            self.editor.remove_sequence_item(self.seq, earlier.item)
            return
        converted = self._convert(values[NETWORKS_KEY], values[DEFAULT_NETWORK_KEY], later)
        if converted is not None:
            # add, not replace: either annotation alone may have been what the target had.
            self._rewrite_op(later.item, {"op": "add", "path": path, "value": converted.entries})
            self.editor.remove_sequence_item(self.seq, earlier.item)
            self._params_op(prefix, later.item, converted)

    def _rewrite_primary(self, prefix: tuple[str, ...], op: _KeyOp, value: str | None) -> None:
        """Only the default network changes: rewrite the first spec.networks entry, field by field.

        Field by field keeps the gateway flags, which depend on the other networks the patch does not see
        (the primary owns every family no attachment claims, whichever network is primary).
        """
        keys = _profile_keys(self.ctx.options)
        if value is None:
            entry: dict[str, Any] = {keys[0]: "default"}
            if not self.ctx.options.implicit_interfaces:
                entry["interfaceName"] = "eth0"
        else:
            converted = self._convert(None, value, op)
            if converted is None:
                return
            if converted.params is not None:
                self._unsupported(
                    op.item,
                    op.index,
                    f"the {DEFAULT_NETWORK_KEY} value has per-attachment parameters, which would have to be "
                    f"merged into the target's {PARAMS_ANNOTATION} annotation",
                    f"set {NETWORKS_KEY} in the same patch, or edit the converted patch by hand",
                )
                return
            entry = {k: v for k, v in converted.entries[0].items() if k in (*keys, "interfaceName")}
            self.where.report(
                REVIEW,
                Severity.WARNING,
                f"JSON patch operation {op.index} sets only {DEFAULT_NETWORK_KEY}: it becomes a change of "
                "the first spec.networks entry, which assumes the target already has spec.networks (its own "
                "Multus annotations, converted); kustomize fails on this patch when it has none",
                op.item,
                path=f"[{op.index}]",
                hint=f"if the target has no Multus annotation, set {NETWORKS_KEY} in this patch as well",
            )
        base = (*prefix, "spec", "networks", "0")
        ops: list[dict[str, Any]] = []
        for key in (*keys, "interfaceName"):
            if key in entry:
                ops.append({"op": "add", "path": pointer((*base, key)), "value": entry[key]})
            else:
                # add-then-remove removes a field whether or not the entry has it.
                ops.append({"op": "add", "path": pointer((*base, key)), "value": ""})
                ops.append({"op": "remove", "path": pointer((*base, key))})
        self._rewrite_op(op.item, ops[0])
        self._insert_after(op.item, ops[1:])

    def _rewrite_container(self, prefix: tuple[str, ...], container: _ContainerOp) -> None:
        annotations = container.annotations
        values: dict[str, str | None] = {NETWORKS_KEY: None, DEFAULT_NETWORK_KEY: None}
        multus_pairs: list[tuple[Node, Node]] = []
        for key_node, value_node in annotations.value:
            key = scalar(key_node)
            if key in MULTUS_KEYS:
                text = self._string(value_node, key, container.index, container.item)
                if text is None:
                    return
                values[key] = text
                multus_pairs.append((key_node, value_node))
        dummy = _KeyOp(container.index, container.item, "add", NETWORKS_KEY, None)
        converted = self._convert(values[NETWORKS_KEY], values[DEFAULT_NETWORK_KEY], dummy)
        if converted is None:
            return
        flow = bool(annotations.flow_style) or self.flow
        remaining = len(annotations.value) - len(multus_pairs)
        if converted.params is not None:
            key_node, value_node = multus_pairs[0]
            self.editor.replace_pair(key_node, value_node, PARAMS_ANNOTATION, converted.params, flow)
            for key_node, value_node in multus_pairs[1:]:
                self.editor.remove_pair(annotations, key_node, value_node)
        elif remaining == 0:
            # An emptied map stays a map ({}), as the patch wrote one (the API server drops empty maps).
            pair = get_pair(container.holder, container.holder_key)
            assert pair is not None
            self._set_value(pair[0], pair[1], {}, bool(container.holder.flow_style))
        else:
            for key_node, value_node in multus_pairs:
                self.editor.remove_pair(annotations, key_node, value_node)
        inside = prefix[len(container.tokens) :] if len(container.tokens) <= len(prefix) else None
        template = _navigate(container.value, inside) if inside is not None else None
        if inside is None or not isinstance(template, MappingNode):
            self._insert_after(
                container.item,
                [{"op": "add", "path": self._networks_path(prefix), "value": converted.entries}],
            )
            return
        spec = get(template, "spec")
        if isinstance(spec, MappingNode):
            if get(spec, "networks") is not None:
                self.where.report(
                    "networks-exist",
                    Severity.ERROR,
                    f"JSON patch operation {container.index} sets spec.networks and the Multus annotation",
                    container.item,
                    path=f"[{container.index}]",
                    hint="remove one of the two by hand: k8snet-convert will not merge them",
                )
                return
            self.editor.add_pair(spec, "networks", converted.entries)
        elif spec is None:
            self.editor.add_pair(template, "spec", {"networks": converted.entries})
        else:
            self._unsupported(
                container.item, container.index, "the pod template's spec is not an object", "fix the patch"
            )

    def _params_op(self, prefix: tuple[str, ...], after: MappingNode, converted: _Converted) -> None:
        if converted.params is None:
            return
        path = pointer((*prefix, "metadata", "annotations", PARAMS_ANNOTATION))
        self._insert_after(after, [{"op": "add", "path": path, "value": converted.params}])
        # JSON patch cannot create a missing parent: when the Multus annotation was the target's only
        # one, its conversion removed the whole annotations map, and this add has nowhere to go.
        index = next(i for i, item in enumerate(self.seq.value) if item is after)
        self.where.report(
            REVIEW,
            Severity.WARNING,
            f"JSON patch operation {index}: the per-attachment parameters become an add of the "
            f"{PARAMS_ANNOTATION} annotation, which assumes the target's pod template still has "
            "annotations after conversion (others than the Multus ones); kustomize fails on this patch when "
            "it has none",
            after,
            path=f"[{index}]",
            hint="if the target has no other pod-template annotation, add the whole annotations object "
            "instead",
        )

    def _annotation_value(self, op: _KeyOp) -> str | None:
        if op.value is None:
            self._unsupported(op.item, op.index, f"{op.op!r} without a value", "give the operation a value")
            return None
        return self._string(op.value, op.key, op.index, op.item)

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

    # -- the synthetic workload --------------------------------------------------------------------

    def _convert(self, networks: str | None, default: str | None, op: _KeyOp) -> _Converted | None:
        """Convert a workload of the target's kind that carries the patch's annotations."""
        from ..dialects.multus import reader as multus_reader
        from ..dialects.native import writer as native_writer

        annotations = {
            k: v for k, v in ((NETWORKS_KEY, networks), (DEFAULT_NETWORK_KEY, default)) if v is not None
        }
        template: dict[str, Any] = {"metadata": {"annotations": annotations}, "spec": {}}
        obj: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": self.kind,
            "metadata": {"name": self.name, "namespace": self.namespace},
        }
        holder = obj
        path = POD_TEMPLATE_PATHS[self.kind]
        for key in path[:-1]:
            holder = holder.setdefault(key, {})
        if path:
            holder[path[-1]] = template
        else:  # a Pod: the template is the object itself
            obj["metadata"].update(template["metadata"])
            obj["spec"] = template["spec"]
        text = json.dumps(obj, ensure_ascii=False)
        sctx = _synthetic_context(self.ctx, text, parse_documents(text), Style(json=True), None)
        multus = multus_reader.read_file(sctx)
        if not sctx.has_errors:
            native_writer.write(sctx, multus)
        objects = list(_objects(yaml.safe_load(sctx.editor.result()))) if not sctx.has_errors else []
        creates = [o for o in objects if o.get("kind") == ATTACHMENT_KIND]
        at = op.value if op.value is not None else op.item
        for finding in sctx.findings:
            if creates and finding.rule == "attachment-params-moved":
                continue
            self.where.relocate(finding, at, f"[{op.index}].value")
        if creates:
            self.where.report(
                "attachment-params-in-patch",
                Severity.ERROR,
                f"JSON patch operation {op.index}: per-attachment parameters need a PodNetworkAttachment and "
                "ConfigMap, which a patch cannot create",
                at,
                path=f"[{op.index}].value",
                hint=PATCH_HINT,
            )
            return None
        if sctx.has_errors or not objects:
            return None
        converted_template = _dig(objects[0], path)
        spec = converted_template.get("spec") if isinstance(converted_template, dict) else None
        entries = spec.get("networks") if isinstance(spec, dict) else None
        if not isinstance(entries, list):
            return None
        meta = converted_template.get("metadata") or {}
        params = (meta.get("annotations") or {}).get(PARAMS_ANNOTATION) if isinstance(meta, dict) else None
        refs = [
            (p.namespace, p.element.name)
            for wl in multus.workloads
            for p in [*wl.networks, *([wl.default_network] if wl.default_network else [])]
        ]
        self._record_refs(refs, at, op.index)
        return _Converted(entries, params if isinstance(params, str) else None, refs)

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

    # -- edits -------------------------------------------------------------------------------------

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


def _profile_keys(options: Options) -> tuple[str, str]:
    """(network key, attachment key) of pod entries in the chosen profile."""
    from ..dialects.native import profiles

    keys = profiles.keys_for(options.profile)
    return keys.network, keys.attachment


def _navigate(node: Node | None, keys: tuple[str, ...]) -> Node | None:
    for key in keys:
        node = get(node, key)
    return node


def _annotations_holder(
    value: Node | None, rest: tuple[str, ...], item: MappingNode
) -> tuple[MappingNode | None, str]:
    """The mapping holding the annotations map inside an operation's value, and the key it is under.

    ``rest`` is the path from the operation's target down to the annotations map; when it is empty the
    value is the map itself, held by the operation under ``value``.
    """
    if not rest:
        return item, "value"
    holder = _navigate(value, rest[:-1])
    return (holder if isinstance(holder, MappingNode) else None), rest[-1]


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


# -- entry points ------------------------------------------------------------------------------------


def _json6902_root(docs: list[Document]) -> SequenceNode | None:
    if len(docs) != 1 or not isinstance(docs[0].root, SequenceNode):
        return None
    root = docs[0].root
    return root if is_json6902(to_python(root)) else None


def convert_patch_file(ctx: FileContext, result: FileResult) -> bool:
    """Convert a JSON 6902 patch file; False when the file is not one (the pipeline goes on with it).

    Its targets come from the kustomizations at or above it that reference it; one that none references
    is converted at the pod-template paths every kind with them shares (see ``_PatchRewriter._prefixes``).
    Only the Multus -> native direction rewrites patches.
    """
    root = _json6902_root(ctx.docs)
    if root is None or ctx.options.to is not Target.NATIVE:
        return False
    targets = json6902_targets(ctx.path) if ctx.path is not None else []
    step = _flow_step(root)
    if step and root.flow_style and not ctx.editor.edits:
        # Inserted operations are indented like the file's own (a JSON file's style shows only here).
        ctx.editor.style = dataclasses.replace(ctx.editor.style, step=step)
    _PatchRewriter(ctx, _Where(ctx, ""), ctx.editor, root, targets, result).run()
    return True


def _flow_step(root: SequenceNode) -> int:
    """The indentation step of a pretty-printed JSON list of operations (0 when it does not show)."""
    for item in root.value:
        if isinstance(item, MappingNode) and item.value:
            key = item.value[0][0]
            if key.start_mark.line > item.start_mark.line:
                return int(key.start_mark.column - item.start_mark.column)
    return 0


def convert(ctx: FileContext, result: FileResult) -> None:
    """A kustomization: inline patches, then the namespace transformer configuration."""
    if ctx.options.to is not Target.NATIVE or len(ctx.docs) != 1:
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
    if not ctx.has_errors:
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
    if node.tag != "tag:yaml.org,2002:str" or not prefilter.may_contain_networking(text.encode()):
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
        _PatchRewriter(ctx, where, editor, root, [target] if target else [], result).run()
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
    """Convert an inline strategic-merge patch like a workload file; it may not gain objects."""
    from ..dialects.multus import reader as multus_reader
    from ..dialects.native import writer as native_writer

    # The kustomization's own path: namespaces resolve as for a file next to it.
    sctx = _synthetic_context(ctx, text, docs, style, ctx.path)
    multus = multus_reader.read_file(sctx)
    # A patch of a NAD changes the NAD its base defines; that base's conversion adds the PodNetwork.
    multus.nads.clear()
    if not sctx.has_errors:
        native_writer.write(sctx, multus)
    grows = False
    if sctx.editor.edits and not sctx.has_errors:
        grows = len(parse_documents(sctx.editor.result())) > len(docs)
    for finding in sctx.findings:
        if grows and finding.rule == "attachment-params-moved":
            continue
        where.relocate(finding, None, "." + finding.path if finding.path else "")
    if grows:
        where.report(
            "attachment-params-in-patch",
            Severity.ERROR,
            "the inline patch has per-attachment parameters, which need a PodNetworkAttachment and ConfigMap "
            "that a patch cannot create",
            docs[0].root,
            hint=PATCH_HINT,
        )
    for wl in multus.workloads:
        ref = wl.networks_ref or wl.default_ref
        assert ref is not None
        parsed = [*wl.networks, *([wl.default_network] if wl.default_network else [])]
        refs = [(p.namespace, p.element.name) for p in parsed]
        line, column = where.location(ref.value)
        subject = f"{wl.obj.kind} {wl.name} (inline patch)"
        for nad in refs:
            result.nad_refs.append(nad_use(nad, subject, ctx.display, line, column, where.base_path))
    return sctx.editor if not grows else Editor(text, "\n", style)


# -- the namespace transformer configuration ---------------------------------------------------------


@lru_cache(maxsize=4096)
def _builds_native_objects_cached(path: str, stamp: tuple[int, int], options: Options) -> bool:
    return _builds_native_objects(path, options)


def _builds_native_objects(path: str, options: Options) -> bool:
    """Whether a resource file holds, or after conversion will hold, PodNetworks or PodNetworkAttachments.

    NADs count too: a file whose conversion fails keeps its NADs, and gets its PodNetworks later. The
    answer is the same before and after the file is converted, so it does not depend on whether a run
    with --write has reached the file yet.
    """
    from ..pipeline import convert_file

    try:
        data = read_file(path)
    except OSError:
        return False
    if not prefilter.may_contain_networking(data):
        return False
    wanted = {PODNETWORK_KIND, ATTACHMENT_KIND, NAD_KIND}
    if _holds_kinds(data, wanted):
        return True
    # Only a workload with per-attachment parameters makes objects (a PodNetworkAttachment): that takes
    # the conversion itself, so it is done last and only for files that may hold such a workload.
    if b"cni.cncf.io" not in data or options.attachment_params is not AttachmentParams.CONFIGMAP:
        return False
    converted = convert_file(path, Path(path), data, options)
    return converted.new is not None and _holds_kinds(converted.new, wanted)


def _holds_kinds(data: bytes, kinds: set[str]) -> bool:
    try:
        documents = parse_documents(decode(data).text)
    except ConvertError:
        return False
    return any(obj.kind in kinds for doc in documents for obj in iter_objects(doc))


# What the caller has just learnt about files (absolute, normalised paths) while converting them:
# files without any networking marker, and files that define NADs. ``needs_namespace_config`` need
# not read those again. Set only inside ``known_files``.
_KNOWN_PLAIN: frozenset[str] | set[str] = frozenset()
_KNOWN_NADS: frozenset[str] | set[str] = frozenset()


@contextmanager
def known_files(plain: set[str], nads: set[str]) -> Iterator[None]:
    """While converting kustomizations, trust that ``plain`` files make no PodNetworks and that
    ``nads`` files hold NADs (so their kustomizations need the namespace configuration)."""
    global _KNOWN_PLAIN, _KNOWN_NADS
    prior = _KNOWN_PLAIN, _KNOWN_NADS
    _KNOWN_PLAIN, _KNOWN_NADS = plain, nads
    try:
        yield
    finally:
        _KNOWN_PLAIN, _KNOWN_NADS = prior


def needs_namespace_config(kustomization: Path | str, options: Options) -> bool:
    """A kustomization's resources (through its bases) hold PodNetwork-making objects."""
    for file, stamp in dict.fromkeys(resource_stamps(os.fspath(kustomization))):
        if file in _KNOWN_PLAIN:
            continue
        if file in _KNOWN_NADS:
            return True
        try:
            found = _builds_native_objects_cached(file, stamp, options)
        except TypeError:  # an Options value that cannot be hashed: no cache
            found = _builds_native_objects(file, options)
        if found:
            return True
    return False


def may_change(kustomization: Path, data: bytes, options: Options) -> bool:
    """Whether converting a kustomization can change it or report on it; False is certain.

    Parsing every kustomization with marks was half of a 10,000-file ``--check``. One without any
    networking marker (so without patches to convert) changes only when it sets a namespace over
    resources that make PodNetworks, which the plain-data reading of it and its resources tells.
    """
    if options.to is not Target.NATIVE:
        return prefilter.may_contain_networking(data, options.to is Target.MULTUS)
    if prefilter.may_contain_networking(data):
        return True
    if KUSTOMIZATION_NAMESPACE_MARKER not in data:
        return False
    path = lexical_str(kustomization)  # the key _resources reads it under
    content = plain.load(path)
    if plain.unreadable(content):
        return True  # the full reading reports why
    namespace = content.get("namespace") if isinstance(content, dict) else None
    return bool(namespace) and isinstance(namespace, str) and needs_namespace_config(path, options)


def _references(root: MappingNode, key: str, folder: Path, file: Path) -> bool:
    items = get(root, key)
    if not isinstance(items, SequenceNode):
        return False
    return any(
        isinstance(v, ScalarNode) and lexical(folder / str(v.value)) == lexical(file) for v in items.value
    )


def _namespace_config(ctx: FileContext, result: FileResult, root: MappingNode) -> None:
    namespace = scalar(get(root, "namespace"))
    if not namespace or ctx.path is None or not needs_namespace_config(ctx.path, ctx.options):
        return
    folder = ctx.path.parent
    changed: list[str] = []
    created: list[tuple[Path, bytes]] = []
    for name, list_key, content in (
        (NAMESPACE_CONFIG, "configurations", NAMESPACE_CONFIG_TEXT),
        (SCOPE_TRANSFORMER, "transformers", SCOPE_TRANSFORMER_TEXT),
    ):
        file = folder / name
        referenced = _references(root, list_key, folder, file)
        if file.exists():
            try:
                same = read_file(file, limit=len(content.encode())) == content.encode()
            except OSError:
                same = False
            if not same and not referenced:
                ctx.report(
                    "kustomize-config-exists",
                    Severity.WARNING,
                    f"{name} exists next to the kustomization with other content: it is not overwritten "
                    f"nor added to {list_key}",
                    node=root,
                    path=list_key,
                    hint="rename or remove the file, then convert again (it is k8snet-convert's own name)",
                )
                continue
        else:
            created.append((file, content.encode()))
        if not referenced:
            _append_reference(ctx, root, list_key, name)
            changed.append(f"{list_key}: {name}")
    if not changed and not created:
        return
    ctx.report(
        "kustomize-namespace-config",
        Severity.INFO,
        f"the kustomization sets namespace {namespace!r} over PodNetworks: "
        + (", ".join(changed) if changed else "configuration files restored")
        + " (PodNetworks stay cluster-scoped, their parametersRefs follow the namespace)",
        node=get(root, "namespace") or root,
        path="namespace",
    )
    if not ctx.has_errors:
        result.created.extend(created)


def _append_reference(ctx: FileContext, root: MappingNode, key: str, name: str) -> None:
    editor = ctx.editor
    pair = get_pair(root, key)
    if pair is None:
        editor.add_pair(root, key, [name])
        return
    items = pair[1]
    if isinstance(items, SequenceNode) and items.value:
        # Strings render like objects in a sequence (the Editor's signature names only objects).
        editor.add_sequence_items_after(items, items.value[-1], cast(list[dict[str, Any]], [name]))
        return
    # ``configurations: []`` or an empty value: write the list in place.
    flow = bool(getattr(items, "flow_style", False)) or ctx.is_json
    rendered = json.dumps([name]) if flow or isinstance(items, SequenceNode) else None
    start = int(pair[0].end_mark.index)
    end = content_end(ctx.text, items)
    if rendered is None:
        col = int(pair[0].start_mark.column)
        text = render.pair_text("k", [name], col, editor.style, editor.newline)
        _replace(editor, start, end, text[col + 1 : -len(editor.newline)])
    else:
        _replace(editor, start, end, ": " + rendered)


__all__ = [
    "NAMESPACE_CONFIG",
    "SCOPE_TRANSFORMER",
    "convert",
    "convert_patch_file",
    "needs_namespace_config",
    "pointer",
    "pointer_tokens",
]
