"""Edit plans: what a conversion does to a file, said as intentions, applied as span edits at the end.

A conversion is ``retire(source) + emit(target)``: the source dialect's footprint leaves a pod template
(annotations, ``spec`` keys, ``resourceClaims`` items, objects) and the target's constructs arrive. Said
one by one, removals and additions collide (the last annotation goes, a new one comes: is the map
emptied?), so they are collected here first and turned into edits once, by the one piece of code that
knows how an emptied map, a missing ``metadata:`` or a run of removed documents is written. Every dialect
uses it; none removes or adds pod-template keys on its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import render
from .edit import Edit, Editor, content_end, removed_runs
from .objects import K8sObject, PodTemplate
from .yamldoc import Document, get, get_pair

Pair = tuple[Any, Any]  # (key node, value node)

# Characters JSON leaves raw that YAML forbids in a document (YAML 1.1 "printable" excludes them).
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
# The single JSON object a writer wrapped into a List to add objects (SPEC §6).
_JSON_LIST_HEAD = re.compile(r'\{(\r?\n)( +)"apiVersion": "v1",\1\2"kind": "List",\1\2"items": \[\1')


@dataclass
class TemplateEdits:
    """What changes in one pod template."""

    template: PodTemplate
    drop_annotations: list[Pair] = field(default_factory=list)
    # New annotations, in the order they are written: the last takes the place of the first dropped one
    # (a round trip then puts the main annotation back where it was), the others are appended.
    new_annotations: list[tuple[str, str]] = field(default_factory=list)
    drop_spec: list[Pair] = field(default_factory=list)
    new_spec: list[tuple[str, Any]] = field(default_factory=list)
    drop_claims: list[Node] = field(default_factory=list)  # items of spec.resourceClaims
    new_claims: list[dict[str, Any]] = field(default_factory=list)  # appended to spec.resourceClaims

    @property
    def empty(self) -> bool:
        return not (
            self.drop_annotations
            or self.new_annotations
            or self.drop_spec
            or self.new_spec
            or self.drop_claims
            or self.new_claims
        )


@dataclass
class EditPlan:
    """The intentions of one file's conversion; ``apply`` turns them into the Editor's span edits."""

    editor: Editor
    docs: list[Document]
    is_json: bool
    templates: dict[int, TemplateEdits] = field(default_factory=dict)
    removed: dict[int, K8sObject] = field(default_factory=dict)  # by id(object node)
    added: dict[int, tuple[K8sObject, list[dict[str, Any]]]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.editor.text

    def template(self, template: PodTemplate) -> TemplateEdits:
        key = id(template.node)
        if key not in self.templates:
            self.templates[key] = TemplateEdits(template)
        return self.templates[key]

    def remove_object(self, obj: K8sObject) -> None:
        self.removed[id(obj.node)] = obj

    def add_objects_after(self, anchor: K8sObject, objects: list[dict[str, Any]]) -> None:
        if objects:
            self.added.setdefault(id(anchor.node), (anchor, []))[1].extend(objects)

    def is_removed(self, obj: K8sObject) -> bool:
        return id(obj.node) in self.removed

    def apply(self) -> None:
        for edits in self.templates.values():
            if not edits.empty:
                _TemplateWriter(self, edits).apply()
        self._remove_objects()
        for anchor, objects in self.added.values():
            self._add_after(anchor, objects)

    # -- raw span edits, for what no Editor operation says -------------------------------------------

    def raw(self, start: int, end: int, text: str) -> None:
        self.editor.edits.append(Edit(start, end, text, len(self.editor.edits)))

    # -- objects -------------------------------------------------------------------------------------

    def _add_after(self, anchor: K8sObject, objects: list[dict[str, Any]]) -> None:
        editor = self.editor
        if anchor.list_seq is not None:
            editor.add_sequence_items_after(anchor.list_seq, anchor.node, objects)
        elif self.is_json:
            editor.wrap_json_in_list(anchor.node, objects)
        else:
            editor.add_documents_after(anchor.doc.root, objects)

    def _remove_objects(self) -> None:
        """Whole documents one by one (each up to its content's end: what follows stays), List items one by
        one in block lists and in runs in flow lists (one edit per item would overlap)."""
        if not self.removed:
            return
        gone = self.removed
        docs = self.docs
        top = {id(o.doc.root) for o in gone.values() if o.list_seq is None}
        kept = [doc.root for doc in docs if id(doc.root) not in top]
        for i, doc in enumerate(docs):
            if id(doc.root) in top:
                # The first document kept after it: it takes the place of a first document removed.
                after = next((r for r in kept if r.start_mark.index > doc.root.start_mark.index), None)
                self.editor.remove_document(doc.root, after if i == 0 else None)
        sequences: dict[int, SequenceNode] = {}
        for obj in gone.values():
            if obj.list_seq is not None:
                sequences[id(obj.list_seq)] = obj.list_seq
        for seq in sequences.values():
            removed = [id(item) in gone for item in seq.value]
            if seq.flow_style or self.is_json:
                self._remove_flow_items(seq, removed)
            else:
                for item, drop in zip(seq.value, removed, strict=True):
                    if drop:
                        self.editor.remove_sequence_item(seq, item)

    def _remove_flow_items(self, seq: SequenceNode, removed: list[bool]) -> None:
        """Runs of removed items of a flow sequence, each as one edit (one per item would overlap)."""
        text, items = self.text, seq.value
        if self._unwrap_json_list(seq, removed):
            return
        for i, j in removed_runs(removed):
            if j + 1 < len(items):
                span = (int(items[i].start_mark.index), int(items[j + 1].start_mark.index))
            elif i > 0:
                span = (content_end(text, items[i - 1]), content_end(text, items[j]))
            else:
                span = (int(seq.start_mark.index) + 1, int(seq.end_mark.index) - 1)
            self.raw(span[0], span[1], "")

    def _unwrap_json_list(self, seq: SequenceNode, removed: list[bool]) -> bool:
        """A JSON object a writer wrapped into a List is itself again once the List holds only it."""
        if not self.is_json or len(removed) < 2 or removed[0] or not all(removed[1:]):
            return False
        root = next(
            (
                d.root
                for d in self.docs
                if isinstance(d.root, MappingNode) and any(v is seq for _, v in d.root.value)
            ),
            None,
        )
        if not isinstance(root, MappingNode) or [str(k.value) for k, _ in root.value] != [
            "apiVersion",
            "kind",
            "items",
        ]:
            return False
        first = seq.value[0]
        head = self.text[int(root.start_mark.index) : int(first.start_mark.index)]
        if not _JSON_LIST_HEAD.fullmatch(head):
            return False
        self.raw(int(root.start_mark.index), int(first.start_mark.index), "")
        self.raw(content_end(self.text, first), int(root.end_mark.index), "")
        return True


@dataclass
class _TemplateWriter:
    """Turns one template's intentions into edits."""

    plan: EditPlan
    edits: TemplateEdits
    # Comments that described what left the template: they go with what takes its place (SPEC §7: a
    # comment goes with the key it describes), or with it where nothing does.
    moved: list[str] = field(default_factory=list)

    @property
    def editor(self) -> Editor:
        return self.plan.editor

    @property
    def template(self) -> PodTemplate:
        return self.edits.template

    def _flow(self, node: Node | None) -> bool:
        return bool(getattr(node, "flow_style", False)) or self.plan.is_json

    def apply(self) -> None:
        edits = self.edits
        metadata_created = bool(edits.new_annotations) and self.template.metadata is None
        self._annotations_removed()
        self._spec(keep_empty=metadata_created and self._flow(self.template.node))
        self._annotations()

    def _take(self, mapping: MappingNode, key: Node, value: Node) -> None:
        """Remove a pair, and the comments above and inside it, which move with what replaces it."""
        if not self._flow(mapping):
            start, lines = self.editor.comments_above(key)
            self.editor.remove_text(start, self.editor.line_start(int(key.start_mark.index)))
            self.moved += lines
        self.moved += self.editor.remove_pair(mapping, key, value, keep_comments=False)

    def _annotations_removed(self) -> None:
        """Dropped annotations that nothing takes the place of (their comments move to the new keys)."""
        edits = self.edits
        if edits.new_annotations or not edits.drop_annotations:
            return
        annotations = self.template.annotations
        assert annotations is not None
        if len(annotations.value) <= len(edits.drop_annotations):
            self._remove_annotations_map()
        else:
            for key, value in edits.drop_annotations:
                self._take(annotations, key, value)

    # -- annotations ---------------------------------------------------------------------------------

    def _annotations(self) -> None:
        edits = self.edits
        drop, new = edits.drop_annotations, edits.new_annotations
        annotations = self.template.annotations
        if drop and new:
            assert annotations is not None
            flow = self._flow(annotations)
            # An annotation written again takes its own place; the main new one (the last) the place of
            # the first dropped one left; the others are appended.
            places = {str(key.value): (key, value) for key, value in drop}
            kept = [(name, text) for name, text in new if name in places]
            fresh = [(name, text) for name, text in new if name not in places]
            for name, text in kept:
                key, value = places.pop(name)
                self.editor.replace_pair(key, value, name, text, flow)
            left = [pair for pair in drop if str(pair[0].value) in places]
            if left and fresh:
                (key, value), left = left[0], left[1:]
                self.editor.replace_pair(key, value, fresh[-1][0], fresh[-1][1], flow)
                fresh = fresh[:-1]
            for key, value in left:
                self.editor.remove_pair(annotations, key, value)
            for name, text in fresh:
                self.editor.add_pair(annotations, name, text)
        elif new:
            self._add_annotations(new)

    def _remove_annotations_map(self) -> None:
        """An emptied ``annotations:`` goes; an emptied template ``metadata:`` with it (a Pod keeps its
        own metadata: it holds the name)."""
        template = self.template
        metadata = template.metadata
        assert metadata is not None
        pair = get_pair(metadata, "annotations")
        assert pair is not None
        meta_pair = get_pair(template.node, "metadata")
        if len(metadata.value) == 1 and template.obj.kind != "Pod" and meta_pair is not None:
            self._take(template.node, meta_pair[0], meta_pair[1])
        else:
            self._take(metadata, pair[0], pair[1])

    def _add_annotations(self, values: list[tuple[str, str]]) -> None:
        editor, template = self.editor, self.template
        data = dict(values)
        annotations = template.annotations
        if annotations is not None and (annotations.value or annotations.flow_style):
            for name, text in values:
                editor.add_pair(annotations, name, text, self._comments())
            return
        metadata = template.metadata
        if metadata is not None:
            pair = get_pair(metadata, "annotations")
            if pair is not None:  # ``annotations:``, ``annotations: null`` or an empty block
                self._fill_null(pair[1], data)
            elif metadata.value:
                # A Pod's own metadata usually says its annotations before its labels (the corpus: 58 of 65
                # pods with both); a pod template's, after them (50 of 72 templates).
                labels = (
                    get_pair(metadata, "labels") if template.obj.kind == "Pod" and not template.path else None
                )
                before = labels[0] if labels is not None else None
                editor.add_pair(metadata, "annotations", data, self._comments(), before)
            else:
                self._fill_null(metadata, {"annotations": data})
            return
        pair = get_pair(template.node, "metadata")
        if pair is not None:  # ``metadata:`` with no value
            self._fill_null(pair[1], {"annotations": data})
        elif not self._insert_before_spec({"annotations": data}):
            editor.add_pair(template.node, "metadata", {"annotations": data}, self._comments())

    def _insert_before_spec(self, metadata: dict[str, Any]) -> bool:
        """``metadata:`` on its own lines right before ``spec:``, where a conversion removed it."""
        editor, node = self.editor, self.template.node
        spec_pair = get_pair(node, "spec")
        if spec_pair is None or self._flow(node):
            return False
        key = spec_pair[0]
        start = int(key.start_mark.index)
        line = editor.line_start(start)
        if editor.text[line:start].strip():  # ``- spec:``: not a line of its own
            return False
        col = int(key.start_mark.column)
        text = "".join(" " * col + c + editor.newline for c in self._comments())
        text += render.pair_text("metadata", metadata, col, editor.style, editor.newline)
        self.plan.raw(line, line, text)
        return True

    def _comments(self) -> list[str]:
        """The moved comments, once: the first key written takes them."""
        comments, self.moved = self.moved, []
        return comments

    def _fill_null(self, node: Node, data: dict[str, Any]) -> None:
        """Replace an empty or ``null`` value by a flow mapping (valid in YAML and JSON alike)."""
        start, end = int(node.start_mark.index), int(node.end_mark.index)
        rendered = _NOT_YAML_PRINTABLE.sub(
            lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False)
        )
        if isinstance(node, MappingNode) and node.flow_style:  # ``{}``
            self.plan.raw(start, end, rendered)
            return
        pad = " " if start == end and start > 0 and self.plan.text[start - 1] == ":" else ""
        self.plan.raw(start, end, pad + rendered)

    # -- spec ----------------------------------------------------------------------------------------

    def _spec(self, keep_empty: bool) -> None:
        edits, editor, template = self.edits, self.editor, self.template
        spec = template.spec
        drop = list(edits.drop_spec)
        new = list(edits.new_spec)
        claims = get(spec, "resourceClaims")
        if edits.drop_claims or edits.new_claims:
            assert claims is None or isinstance(claims, SequenceNode | ScalarNode)
            items = claims.value if isinstance(claims, SequenceNode) else []
            kept = [item for item in items if not any(item is d for d in edits.drop_claims)]
            pair = get_pair(spec, "resourceClaims")
            if kept and edits.new_claims:
                assert isinstance(claims, SequenceNode)
                for item in edits.drop_claims:
                    editor.remove_sequence_item(claims, item)
                editor.add_sequence_items_after(claims, items[-1], edits.new_claims)
            elif kept:
                assert isinstance(claims, SequenceNode)
                for item in edits.drop_claims:
                    editor.remove_sequence_item(claims, item)
            else:  # the list is emptied or absent (``resourceClaims: []`` or null): written anew
                if pair is not None:
                    drop.append(pair)
                if edits.new_claims:
                    new.append(("resourceClaims", edits.new_claims))
        if spec is None:
            if new:  # a patch or fragment with metadata only: the spec comes with the new keys
                empty = get_pair(template.node, "spec")  # ``spec:`` with no value
                if empty is not None:
                    editor.remove_pair(template.node, empty[0], empty[1])
                editor.add_pair(template.node, "spec", dict(new), self._comments())
            return
        spec_pair = get_pair(template.node, "spec")
        emptied = len(spec.value) <= len(drop)
        if emptied and new and self._flow(spec):
            # Removing a flow mapping's last pair and appending to it would overlap: written anew.
            self.plan.raw(int(spec.start_mark.index), int(spec.end_mark.index), render.dumps(dict(new)))
            return
        if drop and not new and emptied and spec_pair is not None and not keep_empty:
            # The forward conversion added the whole spec to a patch that had none: it goes again.
            self._take(template.node, spec_pair[0], spec_pair[1])
            return
        for key, value in drop:
            self._take(spec, key, value)
        for name, value in new:
            editor.add_pair(spec, name, value, self._comments())
