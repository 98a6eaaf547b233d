"""``--to native`` on JSON 6902 patches (SPEC §6).

Patches — inline in a kustomization (``patches[].patch``, legacy ``patchesJson6902``) or in patch files —
that add, replace or remove ``k8s.v1.cni.cncf.io/networks`` (or ``v1.multus-cni.io/default-network``) at a
pod-template path, or the whole annotations object (or an object above it) holding them, become
operations on ``spec.networks`` at the matching spec path. The new value is computed by converting a
synthetic workload that carries the patch's annotations with the real reader and writer, so entries,
interface names, gateway flags, carriers and findings are exactly those of a workload conversion. A patch
converts as if its annotations were the pod's whole Multus configuration (as a strategic-merge patch
does): the target's base is not consulted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node

from ...dialects.multus.reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY
from ...dialects.native.profiles import ATTACHMENT_KIND, PARAMS_ANNOTATION
from ...manifests.objects import POD_TEMPLATE_PATHS
from ...manifests.render import Style
from ...manifests.yamldoc import get, get_pair, parse_documents, scalar
from ...model import Severity

if TYPE_CHECKING:
    pass
from .patch_editor import MULTUS_KEYS, PATCH_HINT, REVIEW, PatchEditor
from .patch_text import _dig, _navigate, _objects, _profile_keys, _synthetic_context, pointer, pointer_tokens


@dataclass
class _Converted:
    entries: list[dict[str, Any]]  # the pod's whole spec.networks
    params: str | None  # the attachment-params annotation value (--attachment-params annotation)
    refs: list[tuple[str, str]]  # NADs used, (namespace, name)


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


class ToNative(PatchEditor):
    """Rewrites the Multus annotation operations of one patch into operations on ``spec.networks``."""

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

    def _convert(self, networks: str | None, default: str | None, op: _KeyOp) -> _Converted | None:
        """Convert a workload of the target's kind that carries the patch's annotations."""
        from ... import engine

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
        conversion = engine.convert(sctx)
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
        refs = [a.nad for r in conversion.readings.values() for wl in r.workloads for a in wl.attachments]
        self._record_refs(refs, at, op.index)
        return _Converted(entries, params if isinstance(params, str) else None, refs)


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
