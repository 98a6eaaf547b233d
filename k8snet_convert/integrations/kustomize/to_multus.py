"""``--to multus`` on JSON 6902 patches: operations on ``spec.networks`` become the Multus annotations again.

The inverse of what ``--to native`` writes (``to_native``), so that a tree converted
to native and back renders as it did:

* an ``add``/``replace``/``remove`` of ``<template>/spec/networks`` becomes the same operation on
  ``<template>/metadata/annotations/k8s.v1.cni.cncf.io~1networks`` (plus ``v1.multus-cni.io~1default-network``
  when the first entry is not the cluster's default network), the value converted by the real native
  reader and Multus writer; the ``k8snet-convert.io/attachment-params`` operation that carried the
  per-attachment parameters is folded into it;
* the field-by-field operations on ``<template>/spec/networks/0/...`` that a change of the default network
  alone became, become that change again;
* a value that holds a pod template (or its spec) with ``networks`` in it gets the annotations inside.

JSON patch cannot create a missing parent: an ``add`` of one annotation needs the target's pod template to
have annotations. The target is looked up in its kustomization's resources (as they are on disk: the
native form, which gains annotations when it is converted back); without annotations, the whole
annotations object is added instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

from ...dialects.multus.reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY
from ...dialects.native.profiles import PARAMS_ANNOTATION
from ...manifests.objects import POD_TEMPLATE_PATHS
from ...manifests.render import Style
from ...manifests.yamldoc import get, get_pair, parse_documents, scalar, to_python
from ...model import Severity
from ...model.names import DEFAULT_NETWORK
from .patch_editor import MULTUS_KEYS, REVIEW, PatchEditor
from .patch_text import _dig, _navigate, _objects, _profile_keys, _synthetic_context, pointer, pointer_tokens
from .reading import target_objects


@dataclass
class _Op:
    index: int
    item: MappingNode
    op: str
    tokens: tuple[str, ...]


@dataclass
class _NativeGroup:
    """The operations of one patch on one pod template's networks."""

    prefix: tuple[str, ...]
    whole: list[_Op] = field(default_factory=list)  # on spec/networks itself
    fields: list[_Op] = field(default_factory=list)  # on spec/networks/0/<field>
    params: list[_Op] = field(default_factory=list)  # on the attachment-params annotation
    maps: list[_Op] = field(default_factory=list)  # add/replace of the whole annotations object
    holders: list[_Op] = field(default_factory=list)  # a value holding the template or spec, with networks
    multus: list[_Op] = field(default_factory=list)  # on a Multus annotation (the patch has both forms)


class ReversePatch(PatchEditor):
    """Rewrites one JSON 6902 patch from spec.networks back to the Multus annotations."""

    def run(self) -> None:
        prefixes, _reported = self._prefixes()
        groups = {p: _NativeGroup(p) for p in prefixes}
        before = len(self.ctx.findings)
        for index, item in enumerate(self.seq.value):
            if not isinstance(item, MappingNode):
                continue
            path = scalar(get(item, "path"))
            tokens = pointer_tokens(path) if path is not None else None
            if tokens is None:
                continue
            op = _Op(index, item, scalar(get(item, "op")) or "", tokens)
            for prefix in prefixes:
                self._read(groups[prefix], op)
        if any(f.severity is Severity.ERROR for f in self.ctx.findings[before:]):
            return
        for group in groups.values():
            self._undo(group)

    # -- reading -----------------------------------------------------------------------------------

    def _read(self, group: _NativeGroup, op: _Op) -> None:
        prefix, tokens = group.prefix, op.tokens
        nets = (*prefix, "spec", "networks")
        annotations = (*prefix, "metadata", "annotations")
        if tokens == nets:
            if op.op in ("add", "replace", "remove"):
                group.whole.append(op)
            else:
                self._unsupported(
                    op.item,
                    op.index,
                    f"a {op.op!r} operation on spec.networks cannot be rewritten: the converted target has "
                    "the Multus annotation instead",
                    "edit the patch by hand",
                )
        elif tokens[: len(nets)] == nets:
            rest = tokens[len(nets) :]
            if len(rest) == 2 and rest[0] == "0" and op.op in ("add", "remove"):
                group.fields.append(op)
            else:
                self._unsupported(
                    op.item,
                    op.index,
                    f"an operation on {pointer(tokens)} (inside spec.networks) has no Multus form: the "
                    "annotation is one string",
                    "set the whole spec.networks in the patch, or edit the converted patch by hand",
                )
        elif tokens[:-1] == annotations and tokens[-1] in MULTUS_KEYS:
            group.multus.append(op)
        elif tokens == (*annotations, PARAMS_ANNOTATION):
            group.params.append(op)
        elif tokens == annotations and op.op in ("add", "replace"):
            group.maps.append(op)
        elif len(tokens) < len(nets) and nets[: len(tokens)] == tokens and op.op in ("add", "replace"):
            spec = _navigate(get(op.item, "value"), nets[len(tokens) : -1])
            if isinstance(spec, MappingNode) and get(spec, "networks") is not None:
                group.holders.append(op)

    # -- rewriting ---------------------------------------------------------------------------------

    def _undo(self, group: _NativeGroup) -> None:
        native = group.whole + group.fields + group.holders
        if not native:
            if group.params and not group.multus:
                first = group.params[0]
                self._unsupported(
                    first.item,
                    first.index,
                    f"the {PARAMS_ANNOTATION} annotation is set without spec.networks: its parameters belong "
                    "to networks the patch does not name",
                    "set spec.networks in the same patch, or edit the patch by hand",
                )
            return
        if group.multus:
            first = group.multus[0]
            self.where.report(
                "networks-exist",
                Severity.ERROR,
                f"the patch sets the Multus annotation at {pointer(group.prefix) or '/'} and spec.networks "
                "too",
                first.item,
                path=f"[{first.index}]",
                hint="remove one of the two by hand: k8snet-convert will not merge them",
            )
            return
        if len(group.whole) > 1 or (group.whole and group.fields):
            first = native[1]
            self._unsupported(
                first.item, first.index, "the patch changes spec.networks twice", "keep one operation"
            )
            return
        params = self._params_value(group)
        for holder in group.holders:
            self._undo_holder(group, holder, params)
        if group.whole:
            self._undo_whole(group, group.whole[0], params)
        elif group.fields:
            self._undo_primary(group)
        if group.whole or group.fields:
            for op in group.params:
                self.editor.remove_sequence_item(self.seq, op.item)

    def _params_value(self, group: _NativeGroup) -> str | None:
        for op in group.params:
            value = get(op.item, "value")
            if op.op in ("add", "replace") and value is not None:
                return self._string(value, PARAMS_ANNOTATION, op.index, op.item)
        return None

    def _undo_whole(self, group: _NativeGroup, op: _Op, params: str | None) -> None:
        annotations_path = (*group.prefix, "metadata", "annotations")
        if op.op == "remove":
            self._rewrite_op(op.item, {"op": "remove", "path": pointer((*annotations_path, NETWORKS_KEY))})
            if self._target_has_primary(group.prefix):
                self._insert_after(
                    op.item, [{"op": "remove", "path": pointer((*annotations_path, DEFAULT_NETWORK_KEY))}]
                )
            return
        value = get(op.item, "value")
        entries = to_python(value) if value is not None else None
        if not isinstance(entries, list):
            self._unsupported(op.item, op.index, "spec.networks must be a list", "fix the patch")
            return
        assert value is not None
        wanted = self._multus(entries, params, value, op.index)
        if wanted is None:
            return
        if group.maps:
            self._into_map(group.maps[-1], wanted)
            self.editor.remove_sequence_item(self.seq, op.item)
            return
        ops = self._annotation_ops(group.prefix, op, wanted, op.op)
        self._rewrite_op(op.item, ops[0])
        self._insert_after(op.item, ops[1:])

    def _annotation_ops(
        self, prefix: tuple[str, ...], op: _Op, wanted: dict[str, str], kind: str
    ) -> list[dict[str, Any]]:
        """Operations that give the target's pod template the annotations ``wanted``: one per key where
        the template has annotations, else the whole annotations object (or metadata)."""
        annotations_path = (*prefix, "metadata", "annotations")
        where = self._annotations_exist(prefix, op)
        if where == "key":
            return [
                {
                    "op": kind if key == NETWORKS_KEY else "add",
                    "path": pointer((*annotations_path, key)),
                    "value": value,
                }
                for key, value in wanted.items()
            ]
        if where == "map":
            return [{"op": "add", "path": pointer(annotations_path), "value": wanted}]
        return [{"op": "add", "path": pointer((*prefix, "metadata")), "value": {"annotations": wanted}}]

    def _into_map(self, op: _Op, wanted: dict[str, str]) -> None:
        """The annotations go into the patch's own add/replace of the whole annotations object."""
        pair = get_pair(op.item, "value")
        if pair is None or not isinstance(pair[1], MappingNode):
            return
        mapping = pair[1]
        current = {scalar(k): v for k, v in mapping.value}
        if PARAMS_ANNOTATION in current:
            key_node = next(k for k, _ in mapping.value if scalar(k) == PARAMS_ANNOTATION)
            self.editor.remove_pair(mapping, key_node, current[PARAMS_ANNOTATION])
            del current[PARAMS_ANNOTATION]
        if not current:
            merged = {**wanted}
            self._set_value(pair[0], mapping, merged, bool(mapping.flow_style))
            return
        for key, value in wanted.items():
            self.editor.add_pair(mapping, key, value)

    def _undo_holder(self, group: _NativeGroup, op: _Op, params: str | None) -> None:
        """An operation whose value holds the pod template (or its spec) with spec.networks inside."""
        nets = (*group.prefix, "spec", "networks")
        inside = nets[len(op.tokens) :]
        value = get(op.item, "value")
        spec = _navigate(value, inside[:-1])
        assert isinstance(spec, MappingNode)
        pair = get_pair(spec, "networks")
        assert pair is not None
        entries = to_python(pair[1])
        if not isinstance(entries, list):
            self._unsupported(op.item, op.index, "spec.networks must be a list", "fix the patch")
            return
        template = _navigate(value, inside[:-2]) if len(inside) >= 2 else None
        meta = get(template, "metadata") if isinstance(template, MappingNode) else None
        annotations = get(meta, "annotations")
        params_pair = (
            get_pair(annotations, PARAMS_ANNOTATION) if isinstance(annotations, MappingNode) else None
        )
        if params_pair is not None:
            params = self._string(params_pair[1], PARAMS_ANNOTATION, op.index, op.item)
        wanted = self._multus(entries, params, pair[1], op.index)
        if wanted is None:
            return
        if not isinstance(template, MappingNode):
            # A spec without its metadata: the annotations get operations of their own. A spec that held
            # nothing but the networks becomes them; otherwise they follow it.
            ops = self._annotation_ops(group.prefix, op, wanted, "add")
            if len(spec.value) == 1:
                self._rewrite_op(op.item, ops[0])
                self._insert_after(op.item, ops[1:])
            else:
                self.editor.remove_pair(spec, pair[0], pair[1])
                self._insert_after(op.item, ops)
            return
        self.editor.remove_pair(spec, pair[0], pair[1])
        if len(spec.value) == 1:
            spec_pair = get_pair(template, "spec")
            assert spec_pair is not None
            self.editor.remove_pair(template, spec_pair[0], spec_pair[1])
        if isinstance(annotations, MappingNode):
            if params_pair is not None:
                self.editor.remove_pair(annotations, params_pair[0], params_pair[1])
            if not annotations.value or (params_pair is not None and len(annotations.value) == 1):
                ann_pair = get_pair(meta, "annotations")
                assert ann_pair is not None
                self._set_value(ann_pair[0], annotations, wanted, bool(annotations.flow_style))
            else:
                for key, text in wanted.items():
                    self.editor.add_pair(annotations, key, text)
        elif isinstance(meta, MappingNode) and meta.value:
            self.editor.add_pair(meta, "annotations", wanted)
        elif isinstance(template, MappingNode):
            self.editor.add_pair(template, "metadata", {"annotations": wanted}, before=template.value[0][0])

    def _undo_primary(self, group: _NativeGroup) -> None:
        """Field operations on the first entry: a change of the default network, as ``--to native`` wrote."""
        keys = (*_profile_keys(self.ctx.options), "interfaceName")
        entry: dict[str, Any] = {}
        for op in group.fields:
            name = op.tokens[-1]
            if name not in keys:
                self._unsupported(
                    op.item,
                    op.index,
                    f"an operation on spec.networks[0].{name} has no Multus form",
                    "edit the converted patch by hand",
                )
                return
            if op.op == "remove":
                entry.pop(name, None)
                continue
            value = get(op.item, "value")
            entry[name] = to_python(value) if value is not None else None
        network = entry.get(keys[0])
        first = group.fields[0]
        path = pointer((*group.prefix, "metadata", "annotations", DEFAULT_NETWORK_KEY))
        if network in (None, DEFAULT_NETWORK):
            new: dict[str, Any] = {"op": "remove", "path": path}
        else:
            primary = {**entry, "isDefaultGW4": True, "isDefaultGW6": True}
            wanted = self._multus([primary], None, first.item, first.index)
            if wanted is None:
                return
            if DEFAULT_NETWORK_KEY not in wanted:
                return
            new = {"op": "add", "path": path, "value": wanted[DEFAULT_NETWORK_KEY]}
            self.where.report(
                REVIEW,
                Severity.WARNING,
                f"JSON patch operation {first.index} changes only the first spec.networks entry: it becomes "
                f"an add of {DEFAULT_NETWORK_KEY}, which assumes the target's pod template has annotations",
                first.item,
                path=f"[{first.index}]",
                hint="check the rendered overlay (kubectl kustomize)",
            )
        self._rewrite_op(first.item, new)
        for op in group.fields[1:]:
            self.editor.remove_sequence_item(self.seq, op.item)

    # -- the target, as it is on disk --------------------------------------------------------------

    def _templates(self, prefix: tuple[str, ...]) -> list[dict[str, Any]] | None:
        """The pod templates at ``prefix`` of the objects the patch targets (None when unknown)."""
        found: list[dict[str, Any]] = []
        for target in self.targets:
            for obj in target_objects(target):
                template = _dig(obj, prefix)
                if isinstance(template, dict):
                    found.append(template)
        return found or None

    def _annotations_exist(self, prefix: tuple[str, ...], op: _Op) -> str:
        """``key`` when an annotation can be added on its own, ``map`` when the annotations object must
        be added whole (the target's template has metadata but no annotations), ``metadata`` when even
        the metadata is missing."""
        templates = self._templates(prefix)
        if templates is None:
            if self.targets[0].kustomization is not None:
                self.where.report(
                    REVIEW,
                    Severity.WARNING,
                    f"JSON patch operation {op.index}: the patch target is not among its kustomization's "
                    "resources, so it is assumed to have pod-template annotations; kustomize fails on this "
                    "patch when it has none",
                    op.item,
                    path=f"[{op.index}]",
                    hint="check the rendered overlay (kubectl kustomize)",
                )
            return "key"

        def will_have_annotations(template: dict[str, Any]) -> bool:
            meta = template.get("metadata")
            spec = template.get("spec")
            has_map = isinstance(meta, dict) and isinstance(meta.get("annotations"), dict)
            # Native networks of the target become its annotations when it is converted back.
            return has_map or (isinstance(spec, dict) and isinstance(spec.get("networks"), list))

        if all(will_have_annotations(t) for t in templates):
            return "key"
        if prefix and any(not isinstance(t.get("metadata"), dict) for t in templates):
            return "metadata"
        return "map"

    def _target_has_primary(self, prefix: tuple[str, ...]) -> bool:
        """Whether the target's native networks give it a default-network annotation when converted back."""
        for template in self._templates(prefix) or []:
            spec = template.get("spec")
            entries = spec.get("networks") if isinstance(spec, dict) else None
            if not isinstance(entries, list):
                continue
            meta = template.get("metadata")
            annotations = meta.get("annotations") if isinstance(meta, dict) else None
            params = annotations.get(PARAMS_ANNOTATION) if isinstance(annotations, dict) else None
            wanted = self._convert_entries(entries, params if isinstance(params, str) else None, quiet=True)
            if wanted is not None and DEFAULT_NETWORK_KEY in wanted[0]:
                return True
        return False

    # -- the synthetic workload --------------------------------------------------------------------

    def _multus(self, entries: list[Any], params: str | None, at: Node, index: int) -> dict[str, str] | None:
        """The Multus annotations of a workload of the target's kind with these native networks."""
        converted = self._convert_entries(entries, params)
        if converted is None:
            return None
        wanted, findings = converted
        for finding in findings:
            self.where.relocate(finding, at, f"[{index}].value")
        if any(f.severity is Severity.ERROR for f in findings):
            return None
        return wanted

    def _convert_entries(
        self, entries: list[Any], params: str | None, quiet: bool = False
    ) -> tuple[dict[str, str], list[Any]] | None:
        from ... import engine

        template: dict[str, Any] = {
            "metadata": {"annotations": {PARAMS_ANNOTATION: params}} if params is not None else {},
            "spec": {"networks": entries},
        }
        obj: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": self.kind,
            "metadata": {"name": self.name, "namespace": self.namespace},
        }
        path = POD_TEMPLATE_PATHS[self.kind]
        holder = obj
        for key in path[:-1]:
            holder = holder.setdefault(key, {})
        if path:
            holder[path[-1]] = template
        else:
            obj["metadata"].update(template["metadata"])
            obj["spec"] = template["spec"]
        text = json.dumps(obj, ensure_ascii=False)
        sctx = _synthetic_context(self.ctx, text, parse_documents(text), Style(json=True), None)
        engine.convert(sctx)
        if sctx.has_errors:
            return ({}, sctx.findings) if not quiet else None
        objects = list(_objects(yaml.safe_load(sctx.editor.result())))
        converted = _dig(objects[0], path) if objects else None
        meta = converted.get("metadata") if isinstance(converted, dict) else None
        annotations = meta.get("annotations") if isinstance(meta, dict) else None
        found = annotations if isinstance(annotations, dict) else {}
        # spec.networks with the default network alone is an explicit "no more networks" ('[]').
        wanted = {k: str(found[k]) for k in MULTUS_KEYS if k in found} or {NETWORKS_KEY: "[]"}
        return wanted, sctx.findings
