"""Multus writer (``--to multus``): native objects of one file -> NADs and pod annotations, as span edits.

The reverse of the native writer (SPEC §5). It reads the file itself with the native reader, then:

* removes every PodNetwork whose ``parametersRefs`` name a NAD (the NAD is the Multus object; it stays) and
  the ``default`` PodNetwork; a PodNetwork with no Multus form is kept and reported as an error;
* turns each pod's ``spec.networks`` into ``k8s.v1.cni.cncf.io/networks`` (and
  ``v1.multus-cni.io/default-network`` when the primary network is not the cluster's default), in the short
  form when every element is short-form safe, JSON otherwise (``--annotation-style``);
* removes the PodNetworkAttachments and ConfigMaps whose parameters went back into the elements.

The native writer inserts its objects as whole documents (or List items) and edits only the spans it must,
so undoing those edits gives back the original bytes in the common cases: a removed generated document
takes its ``---`` line with it, the attachment-params annotation is replaced in place, and pod template
metadata removed by the forward run is re-created where it was (before ``spec``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...context import FileContext
from ...manifests import render
from ...manifests.edit import Edit, content_end
from ...manifests.objects import K8sObject, PodTemplate
from ...manifests.yamldoc import get, get_pair
from ...model import Severity
from ...options import AnnotationStyle
from ..native import reader as native_reader
from ..native.profiles import DEFAULT_NETWORK, SELECTION_KEY
from ..native.reader import NativeAttachment, NativeFile, NativePodNetwork, NativeWorkload, SelectionCarrier
from .annotation import format_annotation
from .reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY

# What the native writer emits for each object; anything more is not the tool's, so the object is kept.
_GENERATED_SHAPES: dict[str, dict[str, frozenset[str]]] = {
    "PodNetwork": {
        "": frozenset({"apiVersion", "kind", "metadata", "spec", "status"}),
        # kustomize's namespace transformer gives PodNetworks a namespace (SPEC §6): not a user's field.
        "metadata": frozenset({"name", "namespace"}),
        "spec": frozenset({"enabled", "provider", "parametersRefs", "parametersRef"}),
    },
    "PodNetworkAttachment": {
        "": frozenset({"apiVersion", "kind", "metadata", "spec", "status"}),
        "metadata": frozenset({"name", "namespace"}),
        "spec": frozenset({"podNetworkName", "parametersRefs", "parametersRef"}),
    },
    "ConfigMap": {
        "": frozenset({"apiVersion", "kind", "metadata", "data"}),
        "metadata": frozenset({"name", "namespace"}),
        "data": frozenset({SELECTION_KEY}),
    },
}
_STYLES: dict[AnnotationStyle, Literal["auto", "short", "json"]] = {
    AnnotationStyle.AUTO: "auto",
    AnnotationStyle.SHORT: "short",
    AnnotationStyle.JSON: "json",
}
# Characters JSON leaves raw that YAML forbids in a document (YAML 1.1 "printable" excludes them).
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
# The single JSON object the native writer wrapped into a List to add objects (SPEC §6).
_JSON_LIST_HEAD = re.compile(r'\{(\r?\n)( +)"apiVersion": "v1",\1\2"kind": "List",\1\2"items": \[\1')


def extra_fields(obj: K8sObject) -> list[str]:
    """Fields of a PodNetwork, PodNetworkAttachment or ConfigMap that the native writer never emits."""
    found: list[str] = []
    for section, allowed in _GENERATED_SHAPES[obj.kind].items():
        node = obj.node if not section else get(obj.node, section)
        if not isinstance(node, MappingNode):
            continue
        for key, _ in node.value:
            if str(key.value) not in allowed:
                found.append(f"{section}.{key.value}" if section else str(key.value))
    return found


@dataclass
class MultusFileWriter:
    ctx: FileContext
    native: NativeFile
    removals: list[K8sObject] = field(default_factory=list)

    def report(
        self, rule: str, severity: Severity, message: str, node: Node | None, path: str, hint: str = ""
    ) -> None:
        self.ctx.report_strict(rule, severity, message, node, path, hint)

    # -- entry point ---------------------------------------------------------------------------------

    def write(self) -> None:
        for pn in self.native.podnetworks:
            self._podnetwork(pn)
        consumed: dict[int, NativeAttachment] = {}
        carriers: dict[int, SelectionCarrier] = {}
        blocked: set[int] = set()
        for wl in self.native.workloads:
            converted = wl.ok and self._workload(wl)
            for attachment in wl.attachments:
                if converted:
                    consumed[id(attachment.obj.node)] = attachment
                else:
                    blocked.add(id(attachment.obj.node))
            for carrier in wl.carriers:
                if converted:
                    carriers[id(carrier.obj.node)] = carrier
                else:
                    blocked.add(id(carrier.obj.node))
        self._attachments(consumed, carriers, blocked)
        self._apply_removals()

    # -- PodNetworks ---------------------------------------------------------------------------------

    def _podnetwork(self, pn: NativePodNetwork) -> None:
        node, path = pn.obj.node, pn.obj.path + "metadata.name"
        if pn.name == DEFAULT_NETWORK and pn.nad is None:
            self.report(
                "default-podnetwork-dropped",
                Severity.INFO,
                "PodNetwork default is the cluster's default network, which Multus configures on the nodes; "
                "it has no Multus form and is removed",
                node,
                path,
            )
            self.removals.append(pn.obj)
            return
        if pn.problem is not None:
            self.report(
                pn.problem_rule,
                Severity.ERROR,
                f"PodNetwork {pn.name} has no Multus form: {pn.problem}; it is kept",
                node,
                path,
                hint="Multus attaches NetworkAttachmentDefinitions: give the PodNetwork one in "
                "parametersRefs, or keep this network native",
            )
            return
        assert pn.nad is not None
        if not pn.enabled:
            self.report(
                "podnetwork-disabled",
                Severity.WARNING,
                f"PodNetwork {pn.name} is disabled (spec.enabled: false); Multus has no such switch, so pods "
                f"that use NetworkAttachmentDefinition {pn.nad[0]}/{pn.nad[1]} will attach to it",
                node,
                path,
                hint="remove the network from the pods that must not use it",
            )
        extras = extra_fields(pn.obj) + [f"spec.parametersRefs ({r.kind} {r.name})" for r in pn.other_refs]
        if extras:
            self.report(
                "podnetwork-fields-dropped",
                Severity.WARNING,
                f"PodNetwork {pn.name} is removed (NetworkAttachmentDefinition {pn.nad[0]}/{pn.nad[1]} is "
                f"its Multus form) with {', '.join(extras)}, which Multus has no place for",
                node,
                path,
                hint="move what matters onto the NetworkAttachmentDefinition",
            )
        self.removals.append(pn.obj)

    # -- workloads -----------------------------------------------------------------------------------

    def _workload(self, wl: NativeWorkload) -> bool:
        style = _STYLES[self.ctx.options.annotation_style]
        values: list[tuple[str, str]] = []
        try:
            if wl.default_network is not None:
                values.append((DEFAULT_NETWORK_KEY, format_annotation([wl.default_network.element], style)))
            if wl.networks:
                values.append((NETWORKS_KEY, format_annotation([p.element for p in wl.networks], style)))
        except ValueError as exc:
            self.report(
                "short-form-impossible",
                Severity.ERROR,
                f"{wl.label}: --annotation-style short: {exc}",
                wl.networks_pair[1],
                wl.template.key_path("spec", "networks"),
                hint="use --annotation-style auto (the short form where it is lossless, JSON otherwise)",
            )
            return False
        _WorkloadEdits(self.ctx, wl).apply(values)
        return True

    # -- carriers ------------------------------------------------------------------------------------

    def _attachments(
        self, consumed: dict[int, NativeAttachment], carriers: dict[int, SelectionCarrier], blocked: set[int]
    ) -> None:
        kept_refs: set[tuple[str, str]] = set()
        for attachment in self.native.attachments:
            key = id(attachment.obj.node)
            node, path = attachment.obj.node, attachment.obj.path + "metadata.name"
            if key in blocked:
                kept_refs.update((r.namespace or attachment.namespace, r.name) for r in attachment.refs)
                continue
            if key not in consumed:
                self.report(
                    "carrier-kept",
                    Severity.WARNING,
                    f"PodNetworkAttachment {attachment.namespace}/{attachment.name} is used by no workload "
                    "in this file; it has no Multus form and is left as it is",
                    node,
                    path,
                    hint="convert it together with the workloads that use it",
                )
                kept_refs.update((r.namespace or attachment.namespace, r.name) for r in attachment.refs)
                continue
            extras = extra_fields(attachment.obj)
            if extras:
                self.report(
                    "carrier-kept",
                    Severity.WARNING,
                    f"PodNetworkAttachment {attachment.namespace}/{attachment.name} was read back into the "
                    f"Multus annotation but is kept: it has {', '.join(extras)}, which k8snet-convert never "
                    "writes",
                    node,
                    path,
                    hint="delete it by hand once nothing else needs it",
                )
                kept_refs.update((r.namespace or attachment.namespace, r.name) for r in attachment.refs)
                continue
            self.removals.append(attachment.obj)
        for key, carrier in carriers.items():
            if key in blocked or (carrier.namespace, carrier.name) in kept_refs:
                continue
            extras = extra_fields(carrier.obj)
            if extras:
                self.report(
                    "carrier-kept",
                    Severity.WARNING,
                    f"ConfigMap {carrier.namespace}/{carrier.name} was read back into the Multus annotation "
                    f"but is kept: it has {', '.join(extras)}, which k8snet-convert never writes",
                    carrier.obj.node,
                    carrier.obj.path + "metadata.name",
                    hint="delete it by hand once nothing else needs it",
                )
                continue
            self.removals.append(carrier.obj)

    # -- removing documents and List items -----------------------------------------------------------

    def _apply_removals(self) -> None:
        editor = self.ctx.editor
        gone = {id(obj.node) for obj in self.removals}
        position = {id(doc.root): i for i, doc in enumerate(self.ctx.docs)}
        documents = sorted(position[id(o.doc.root)] for o in self.removals if o.list_seq is None)
        # Every document but the first starts with a ``---`` line and is removed on its own; a run that
        # starts with a first document without one is removed at once (its successor's ``---`` goes with it).
        start = 0
        while start < len(documents):
            end = start
            if documents[start] == 0:
                while end + 1 < len(documents) and documents[end + 1] == documents[end] + 1:
                    end += 1
            after = documents[end] + 1
            next_root = self.ctx.docs[after].root if after < len(self.ctx.docs) else None
            editor.remove_document(self.ctx.docs[documents[start]].root, next_root)
            start = end + 1
        sequences: dict[int, SequenceNode] = {}
        for obj in self.removals:
            if obj.list_seq is not None:
                sequences[id(obj.list_seq)] = obj.list_seq
        for seq in sequences.values():
            removed = [id(item) in gone for item in seq.value]
            if seq.flow_style or self.ctx.is_json:
                self._remove_flow_items(seq, removed)
            else:
                for item, drop in zip(seq.value, removed, strict=True):
                    if drop:
                        editor.remove_sequence_item(seq, item)

    def _remove_flow_items(self, seq: SequenceNode, removed: list[bool]) -> None:
        """Runs of removed items of a flow sequence, each as one edit (one per item would overlap)."""
        text, items = self.ctx.text, seq.value
        if self._unwrap_json_list(seq, removed):
            return
        i = 0
        while i < len(items):
            if not removed[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(items) and removed[j + 1]:
                j += 1
            if j + 1 < len(items):
                span = (int(items[i].start_mark.index), int(items[j + 1].start_mark.index))
            elif i > 0:
                span = (content_end(text, items[i - 1]), content_end(text, items[j]))
            else:
                span = (int(seq.start_mark.index) + 1, int(seq.end_mark.index) - 1)
            _raw_edit(self.ctx, span[0], span[1], "")
            i = j + 1

    def _unwrap_json_list(self, seq: SequenceNode, removed: list[bool]) -> bool:
        """A JSON object the native writer wrapped into a List is itself again once the List holds only it."""
        if not self.ctx.is_json or len(removed) < 2 or removed[0] or not all(removed[1:]):
            return False
        root = next(
            (d.root for d in self.ctx.docs if isinstance(d.root, MappingNode) and seq in _values(d.root)),
            None,
        )
        if not isinstance(root, MappingNode) or [str(k.value) for k, _ in root.value] != [
            "apiVersion",
            "kind",
            "items",
        ]:
            return False
        first = seq.value[0]
        head = self.ctx.text[int(root.start_mark.index) : int(first.start_mark.index)]
        if not _JSON_LIST_HEAD.fullmatch(head):
            return False
        _raw_edit(self.ctx, int(root.start_mark.index), int(first.start_mark.index), "")
        _raw_edit(self.ctx, content_end(self.ctx.text, first), int(root.end_mark.index), "")
        return True


def _values(mapping: MappingNode) -> Iterable[Node]:
    return (value for _, value in mapping.value)


def _raw_edit(ctx: FileContext, start: int, end: int, text: str) -> None:
    """A span edit the Editor has no operation for (see the report: Editor.remove_sequence_items et al.)."""
    editor = ctx.editor
    editor.edits.append(Edit(start, end, text, len(editor.edits)))


@dataclass
class _WorkloadEdits:
    """``spec.networks`` out, the Multus annotations in, for one pod template."""

    ctx: FileContext
    wl: NativeWorkload

    @property
    def template(self) -> PodTemplate:
        return self.wl.template

    def apply(self, values: list[tuple[str, str]]) -> None:
        needs_metadata = bool(values) and self.template.metadata is None and self.wl.params_pair is None
        self._remove_networks(keep_empty_spec=needs_metadata and self._flow(self.template.node))
        if self.wl.params_pair is not None:
            self._replace_params(values)
        else:
            self._add_annotations(values)

    def _flow(self, node: Node) -> bool:
        return bool(getattr(node, "flow_style", False)) or self.ctx.is_json

    def _remove_networks(self, keep_empty_spec: bool) -> None:
        editor = self.ctx.editor
        spec = self.template.spec
        assert spec is not None
        key, value = self.wl.networks_pair
        spec_pair = get_pair(self.template.node, "spec")
        if len(spec.value) == 1 and spec_pair is not None and not keep_empty_spec:
            # The native writer added the whole spec to a patch that had none: it goes again.
            editor.remove_pair(self.template.node, spec_pair[0], spec_pair[1])
        else:
            editor.remove_pair(spec, key, value)

    def _replace_params(self, values: list[tuple[str, str]]) -> None:
        """The networks annotation goes where the native writer put the attachment-params annotation."""
        assert self.wl.params_pair is not None
        key, value = self.wl.params_pair
        annotations = self.template.annotations
        assert annotations is not None
        if not values:
            self._remove_annotation(annotations, key, value)
            return
        in_place = values[-1]  # the networks annotation when there is one, as the native writer chose
        self.ctx.editor.replace_pair(key, value, in_place[0], in_place[1], self._flow(annotations))
        for name, text in values[:-1]:
            self.ctx.editor.add_pair(annotations, name, text)

    def _remove_annotation(self, annotations: MappingNode, key: ScalarNode, value: Node) -> None:
        editor, template = self.ctx.editor, self.template
        metadata = template.metadata
        assert metadata is not None
        if len(annotations.value) > 1:
            editor.remove_pair(annotations, key, value)
            return
        pair = get_pair(metadata, "annotations")
        assert pair is not None
        meta_pair = get_pair(template.node, "metadata")
        if len(metadata.value) == 1 and template.obj.kind != "Pod" and meta_pair is not None:
            editor.remove_pair(template.node, meta_pair[0], meta_pair[1])
        else:
            editor.remove_pair(metadata, pair[0], pair[1])

    def _add_annotations(self, values: list[tuple[str, str]]) -> None:
        if not values:
            return
        editor, template = self.ctx.editor, self.template
        data = dict(values)
        annotations = template.annotations
        if annotations is not None:
            for name, text in values:
                editor.add_pair(annotations, name, text)
            return
        metadata = template.metadata
        if metadata is not None:
            pair = get_pair(metadata, "annotations")
            if pair is not None:  # ``annotations:`` / ``annotations: null``
                _fill_null(self.ctx, pair[1], data)
            elif metadata.value:
                editor.add_pair(metadata, "annotations", data)
            else:
                _fill_null(self.ctx, metadata, {"annotations": data})
            return
        pair = get_pair(template.node, "metadata")
        if pair is not None:  # ``metadata:`` with no value
            _fill_null(self.ctx, pair[1], {"annotations": data})
        elif not self._insert_before_spec({"annotations": data}):
            editor.add_pair(template.node, "metadata", {"annotations": data})

    def _insert_before_spec(self, metadata: dict[str, Any]) -> bool:
        """``metadata:`` on its own lines right before ``spec:``, where the native writer removed it."""
        editor, node = self.ctx.editor, self.template.node
        spec_pair = get_pair(node, "spec")
        if spec_pair is None or self._flow(node):
            return False
        key = spec_pair[0]
        start = int(key.start_mark.index)
        line = editor.line_start(start)
        if editor.text[line:start].strip():  # ``- spec:``: not a line of its own
            return False
        text = render.pair_text(
            "metadata", metadata, int(key.start_mark.column), editor.style, editor.newline
        )
        _raw_edit(self.ctx, line, line, text)
        return True


def _fill_null(ctx: FileContext, node: Node, data: dict[str, Any]) -> None:
    """Replace an empty or ``null`` value by a flow mapping (valid in YAML and JSON alike)."""
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    # JSON keeps DEL and C1 controls raw, which YAML does not allow in a document: escaped.
    rendered = _NOT_YAML_PRINTABLE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False)
    )
    if isinstance(node, MappingNode) and node.flow_style:  # ``{}``
        _raw_edit(ctx, start, end, rendered)
        return
    pad = " " if start == end and start > 0 and ctx.text[start - 1] == ":" else ""
    _raw_edit(ctx, start, end, pad + rendered)


def write(ctx: FileContext) -> None:
    """Convert one file to Multus: edits in ``ctx.editor``, findings in ``ctx.findings``."""
    MultusFileWriter(ctx, native_reader.read_file(ctx)).write()
