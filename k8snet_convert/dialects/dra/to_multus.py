"""DRA -> Multus: the CNI-DRA claims of one file back to the ``k8s.v1.cni.cncf.io/networks`` annotation.

A generated template names its NAD (``k8snet-convert.io/network``) and the per-attachment fields the writer
wrote into its config (``k8snet-convert.io/embedded-params``), so each request becomes the selection element
it came from: name and namespace from the NAD reference, ``interface`` from ``ifName`` (left out when it is
Multus's own ``net<k>``), the embedded fields restored. Claims and templates that become unused in the file
are removed, and so is the DeviceClass the writer emitted.

NADs are never re-created: the NAD stays where it was (the writer keeps it unless ``--drop-nads``); one that
is gone is reported by the run's cross-file check (``DraFile.nad_refs``), since a file cannot know which
other file should hold it, and two files re-creating it would collide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from yaml.nodes import MappingNode, Node

from ...context import FileContext
from ...manifests import render
from ...manifests.edit import Edit, content_end
from ...manifests.objects import K8sObject, iter_objects, pod_template
from ...manifests.yamldoc import Document, get, get_pair, scalar, to_python
from ...model import InvalidElement, SelectionElement, Severity
from ...namespaces import resolve
from ...options import Target
from ..multus.annotation import format_annotation
from ..multus.reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY
from . import DEVICE_CLASS_KIND, MANAGED_BY, MANAGED_BY_LABEL, NETWORK_ANNOTATION
from .reader import ClaimSource, DraFile, DraWorkload, PodClaim, read_file
from .writer import DraFileWriter, NadConfig, embed


@dataclass
class _Reverse:
    ctx: FileContext
    dra: DraFile
    converted: set[int] = field(default_factory=set)  # ids of converted PodClaim nodes

    def run(self) -> None:
        if self.ctx.has_errors:
            return  # the reader found broken claims: nothing is written
        for wl in self.dra.workloads:
            self._workload(wl)
        if self.ctx.has_errors:
            return
        self._remove_sources()

    # -- one workload --------------------------------------------------------------------------------

    def _workload(self, wl: DraWorkload) -> None:
        ctx = self.ctx
        claims: list[PodClaim] = []
        for claim in wl.network_claims:
            source = claim.source
            assert source is not None
            if source.other_requests:
                ctx.report(
                    "dra-mixed-claim",
                    Severity.WARNING,
                    f"{wl.obj.kind} {wl.name}: claim {claim.name!r} also requests devices of other drivers "
                    f"({', '.join(source.other_requests)}); it is left as it is",
                    node=claim.node,
                    path=wl.template.key_path("spec", "resourceClaims"),
                    hint="split the network requests into a claim of their own",
                )
            elif source.nad is None:
                ctx.report(
                    "dra-unknown-network",
                    Severity.WARNING,
                    f"{wl.obj.kind} {wl.name}: {source.kind} {source.name} was not written by "
                    "k8snet-convert, so no NetworkAttachmentDefinition is known for its CNI config; it is "
                    "left as it is",
                    node=claim.node,
                    path=wl.template.key_path("spec", "resourceClaims"),
                    hint=f"create a NAD with that config and annotate the {source.kind} with "
                    f"{NETWORK_ANNOTATION}: <namespace>/<nad name>, then convert again",
                )
            else:
                claims.append(claim)
        if not claims:
            return
        annotations = wl.template.annotations
        for key in (NETWORKS_KEY, DEFAULT_NETWORK_KEY):
            present = get_pair(annotations, key)
            if present is not None:
                ctx.report(
                    "networks-exist",
                    Severity.ERROR,
                    f"{wl.obj.kind} {wl.name}: the pod template already has {key} next to network claims",
                    node=present[0],
                    path=wl.template.key_path("metadata", "annotations", key),
                    hint="remove one of the two by hand: k8snet-convert will not merge them",
                )
                return
        elements = self._elements(wl, claims)
        if elements is None:
            return
        self.converted.update(id(c.node) for c in claims)
        self._edit(wl, claims, format_annotation(elements, ctx.options.annotation_style.value))

    def _elements(self, wl: DraWorkload, claims: list[PodClaim]) -> list[SelectionElement] | None:
        elements: list[SelectionElement] = []
        for claim in claims:
            source = claim.source
            assert source is not None and source.nad is not None
            for request in source.requests:
                k = len(elements) + 1
                data: dict[str, Any] = {"name": source.nad[1]}
                if source.nad[0] != wl.namespace:
                    data["namespace"] = source.nad[0]
                if request.if_name is not None and request.if_name != f"net{k}":
                    data["interface"] = request.if_name  # net<k> is what Multus names it anyway
                # The record only ever holds per-attachment fields; it never renames the network.
                identity = ("name", "namespace", "interface")
                data.update({k: v for k, v in source.embedded.items() if k not in identity})
                try:
                    element = SelectionElement.model_validate(data)
                except InvalidElement as exc:
                    self.ctx.report(
                        "dra-invalid-provenance",
                        Severity.ERROR,
                        f"{source.kind} {source.name}: the recorded parameters are not a selection element: "
                        f"{exc}",
                        node=source.obj.node,
                        path=source.obj.path + "metadata.annotations",
                    )
                    return None
                self._check_config(source, request.config, element)
                elements.append(element)
        return elements

    def _check_config(
        self, source: ClaimSource, config: dict[str, Any] | None, element: SelectionElement
    ) -> None:
        """A claim edited after conversion no longer says what its NAD says: Multus will use the NAD's."""
        assert source.nad is not None
        nad_config = _nad_config(self.ctx, source.nad)
        if nad_config is None or config is None:
            return
        expected = embed(nad_config, source.nad[1], element)
        if expected.config != config or set(expected.params) != set(source.embedded):
            self.ctx.report(
                "dra-config-differs",
                Severity.WARNING,
                f"{source.kind} {source.name}: its CNI config differs from what NetworkAttachmentDefinition "
                f"{source.nad[0]}/{source.nad[1]} and the recorded parameters give; under Multus the NAD's "
                "config applies",
                node=source.obj.node,
                path=source.obj.path + "spec",
                hint="copy the claim's config into the NAD's spec.config if it is the one you want",
            )

    def _edit(self, wl: DraWorkload, claims: list[PodClaim], value: str) -> None:
        editor = self.ctx.editor
        template = wl.template
        spec = template.spec
        assert spec is not None
        if len(claims) == len(wl.claims):
            pair = get_pair(spec, "resourceClaims")
            assert pair is not None
            if len(spec.value) == 1:  # the writer added ``spec:`` for the claims alone
                spec_pair = get_pair(template.node, "spec")
                assert spec_pair is not None
                editor.remove_pair(template.node, spec_pair[0], spec_pair[1])
            else:
                editor.remove_pair(spec, pair[0], pair[1])
        else:
            for claim in claims:
                editor.remove_sequence_item(wl.claims_node, claim.node)
        metadata = template.metadata
        annotations = get(metadata, "annotations")
        if isinstance(annotations, MappingNode) and (annotations.value or annotations.flow_style):
            editor.add_pair(annotations, NETWORKS_KEY, value)
        elif metadata is not None and (metadata.value or metadata.flow_style):
            pair = get_pair(metadata, "annotations")
            if pair is not None:  # ``annotations:`` null or an empty block: written anew
                editor.remove_pair(metadata, pair[0], pair[1])
            editor.add_pair(metadata, "annotations", {NETWORKS_KEY: value})
        else:
            pair = get_pair(template.node, "metadata")
            if pair is not None:  # ``metadata:`` with no value
                editor.remove_pair(template.node, pair[0], pair[1])
            if pair is not None or not self._insert_before_spec(wl, {"annotations": {NETWORKS_KEY: value}}):
                editor.add_pair(template.node, "metadata", {"annotations": {NETWORKS_KEY: value}})

    def _insert_before_spec(self, wl: DraWorkload, metadata: dict[str, Any]) -> bool:
        """``metadata:`` on its own lines right before ``spec:``, where the writer removed it (block style
        only; the Editor can only append pairs, so this is a raw span edit)."""
        editor = self.ctx.editor
        node = wl.template.node
        spec_pair = get_pair(node, "spec")
        if spec_pair is None or node.flow_style or self.ctx.is_json:
            return False
        key = spec_pair[0]
        start = int(key.start_mark.index)
        line = editor.line_start(start)
        if editor.text[line:start].strip():  # ``- spec:`` or ``--- spec:``: not a line of its own
            return False
        text = render.pair_text(
            "metadata", metadata, int(key.start_mark.column), editor.style, editor.newline
        )
        editor.edits.append(Edit(line, line, text, len(editor.edits)))
        return True

    # -- claims, templates and the DeviceClass -------------------------------------------------------

    def _remove_sources(self) -> None:
        removed: list[K8sObject] = []
        for source in self.dra.sources:
            users = [c for wl in self.dra.workloads for c in wl.claims if c.source is source]
            if users and all(id(c.node) in self.converted for c in users):
                removed.append(source.obj)
            elif not users and source.generated:
                self.ctx.report(
                    "dra-claim-unused",
                    Severity.INFO,
                    f"{source.kind} {source.name} is kept: no workload in this file uses it",
                    node=source.obj.node,
                    path=source.obj.path.rstrip(".") or "metadata",
                    hint="convert it together with the workloads that claim it",
                )
        if not removed:
            return
        for obj in self.dra.device_classes:
            labels = get(get(obj.node, "metadata"), "labels")
            if scalar(get(labels, MANAGED_BY_LABEL)) == MANAGED_BY and obj.kind == DEVICE_CLASS_KIND:
                removed.append(obj)
        self._remove_objects(removed)

    def _remove_objects(self, objects: list[K8sObject]) -> None:
        editor = self.ctx.editor
        gone = {id(o.node) for o in objects}
        for obj in objects:
            if obj.list_seq is not None:
                editor.remove_sequence_item(obj.list_seq, obj.node)
        # Whole documents go in runs, so that neighbours' ``---`` lines are never edited twice.
        docs = self.ctx.docs
        top = {id(o.doc.root) for o in objects if o.list_seq is None and id(o.node) in gone}
        i = 0
        while i < len(docs):
            if id(docs[i].root) not in top:
                i += 1
                continue
            j = i
            while j + 1 < len(docs) and id(docs[j + 1].root) in top:
                j += 1
            editor.remove_document(docs[i].root, docs[j + 1].root if j + 1 < len(docs) else None)
            i = j + 1


def _nad_config(ctx: FileContext, nad: tuple[str, str]) -> dict[str, Any] | None:
    """The NAD's config from this file, else from the run's inputs (when the run collected them)."""
    for doc in ctx.docs:
        for obj in iter_objects(doc):
            if (
                obj.kind == "NetworkAttachmentDefinition"
                and obj.name == nad[1]
                and resolve(obj.namespace, ctx.options.namespace, ctx.path)[0] == nad[0]
            ):
                return _parse(scalar(get(get(obj.node, "spec"), "config")))
    seen = ctx.run_nads.get(nad)
    return _parse(seen.config) if seen is not None else None


def _parse(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def convert(ctx: FileContext) -> DraFile:
    """Convert the CNI-DRA claims of one file back to Multus, as span edits; returns what was read (its
    ``nad_refs()`` feed the run's "NAD not among the inputs" check)."""
    dra = read_file(ctx)
    _Reverse(ctx, dra).run()
    return dra


def write(ctx: FileContext) -> None:
    """Convert the CNI-DRA claims of one file back to Multus, as span edits."""
    convert(ctx)


def has_dra_networks(ctx: FileContext) -> bool:
    """Whether the file holds a CNI-DRA claim or template (for dispatching ``--to multus``)."""
    from . import CLAIM_KINDS, DRIVER

    return any(
        obj.kind in CLAIM_KINDS and DRIVER in ctx.text[obj.node.start_mark.index : obj.node.end_mark.index]
        for doc in ctx.docs
        for obj in iter_objects(doc)
    )


# -- the round trip (--verify-roundtrip) --------------------------------------------------------------------


def roundtrip_problems(ctx: FileContext, converted: str) -> list[str]:
    """How ``converted`` (this file's --to dra output) fails to come back to ``ctx``'s Multus text.

    Semantic equality as SPEC §5 defines it, restricted to what DRA can carry: NAD documents byte-identical
    (skipped under --drop-nads, which is outside the guarantee), the same ordered selection elements per
    workload (canonical; the fields the writer reported as dropped left out), the rest of each workload
    equal as data, every other document byte-identical.
    """
    back_ctx = _load(ctx, converted, Target.MULTUS)
    if back_ctx is None:
        return ["the converted text cannot be read back"]
    write(back_ctx)
    errors = [f.message for f in back_ctx.findings if f.severity is Severity.ERROR]
    if errors:
        return [f"converting back fails: {message}" for message in errors]
    back = back_ctx.editor.result() if back_ctx.editor.edits else converted
    before_ctx = _load(ctx, ctx.text, Target.DRA)
    after_ctx = _load(ctx, back, Target.MULTUS)
    if before_ctx is None or after_ctx is None:
        return ["the converted-back text cannot be read"]
    want = _semantics(before_ctx, carried=True)
    got = _semantics(after_ctx, carried=False)
    problems = []
    for i in range(max(len(want), len(got))):
        a = want[i] if i < len(want) else None
        b = got[i] if i < len(got) else None
        if a != b:
            problems.append(f"object {i + 1}: expected {_show(a)}, got back {_show(b)}")
    return problems


def verify_roundtrip(ctx: FileContext, converted: str) -> None:
    """Report, as errors, every way ``converted`` does not convert back (--verify-roundtrip, --to dra)."""
    for problem in roundtrip_problems(ctx, converted):
        ctx.report(
            "roundtrip-mismatch",
            Severity.ERROR,
            f"multus -> dra -> multus: {problem}",
            hint="please report this with the input file",
        )


def _load(ctx: FileContext, text: str, to: Target) -> FileContext | None:
    """A scratch context for ``text`` (no pre-filter: a converted file may have no marker left)."""
    from ...manifests.edit import Editor
    from ...manifests.render import detect_style
    from ...manifests.yamldoc import YamlSyntaxError, parse_documents

    try:
        docs = parse_documents(text)
    except YamlSyntaxError:
        return None
    style = detect_style([d.root for d in docs], ctx.is_json)
    return FileContext(
        display=ctx.display,
        path=ctx.path,
        source=replace(ctx.source, text=text),
        docs=docs,
        options=replace(ctx.options, to=to),
        editor=Editor(text, ctx.source.newline, style),
        is_json=ctx.is_json,
        run_nads=ctx.run_nads,
    )


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if value is not None else "nothing"
    return text if len(text) <= 300 else text[:297] + "..."


def _semantics(ctx: FileContext, carried: bool) -> list[Any]:
    """The file as comparable data: one entry per object (List containers left out)."""
    from ..multus.reader import read_file as read_multus

    multus = read_multus(ctx)
    by_node = {id(wl.obj.node): wl for wl in multus.workloads}
    writer = DraFileWriter(ctx, multus)
    entries: list[Any] = []
    for doc in ctx.docs:
        for obj in iter_objects(doc):
            if obj.kind.endswith("List") and obj.list_seq is None and get(obj.node, "items") is not None:
                continue
            if obj.kind == "NetworkAttachmentDefinition":
                if not ctx.options.drop_nads:
                    entries.append(["nad", _span(ctx, doc, obj)])
                continue
            template = pod_template(obj)
            if template is None:
                entries.append(["object", _span(ctx, doc, obj)])
                continue
            wl = by_node.get(id(obj.node))
            elements = []
            for k, parsed in enumerate(wl.networks if wl else [], start=1):
                data = {
                    "name": parsed.element.name,
                    "namespace": parsed.namespace,
                    "interface": parsed.interface or f"net{k}",
                }
                params = parsed.element.params()
                if carried:
                    found = writer.nad_config(parsed.namespace, parsed.element.name)
                    if isinstance(found, NadConfig):
                        params = embed(found.config, parsed.element.name, parsed.element).params
                data.update(params)
                elements.append(data)
            entries.append(["workload", obj.kind, obj.name, elements, _without_networks(obj, template.path)])
    return entries


def _span(ctx: FileContext, doc: Document, obj: K8sObject) -> str:
    node: Node = obj.node
    return ctx.text[int(node.start_mark.index) : content_end(ctx.text, node)]


def _without_networks(obj: K8sObject, template_path: str) -> Any:
    """The object as data with the networks annotation gone (and an emptied annotations/metadata)."""
    data = to_python(obj.node)
    holder = data
    for key in template_path.split(".") if template_path else []:
        holder = holder.get(key) if isinstance(holder, dict) else None
    if isinstance(holder, dict):
        metadata = holder.get("metadata")
        if isinstance(metadata, dict):
            annotations = metadata.get("annotations")
            if isinstance(annotations, dict):
                annotations.pop(NETWORKS_KEY, None)
                if not annotations:
                    metadata.pop("annotations")
            if not metadata and obj.kind != "Pod":
                holder.pop("metadata")
        spec = holder.get("spec")
        if isinstance(spec, dict) and spec.get("resourceClaims") in ([], None) and "resourceClaims" in spec:
            spec.pop("resourceClaims")
        if "spec" in holder and holder["spec"] is None:  # ``spec:`` alone says nothing
            holder.pop("spec")
    return data
