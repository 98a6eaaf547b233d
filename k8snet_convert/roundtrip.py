"""The round-trip guarantee (SPEC §5): what "semantically equal" means, and ``--verify-roundtrip``.

Two texts are semantically equal when:

* every NetworkAttachmentDefinition is byte-identical (same namespace/name, same text);
* every workload (a known pod-template kind) has the same ``default-network`` and the same ordered list of
  selection elements, read from the Multus annotations or from ``spec.networks`` alike, after
  canonicalisation: the namespace filled in, canonical key spelling, the short and JSON forms alike, an
  interface equal to Multus's implicit one for its position (``net<k>``; ``eth0`` for the default network)
  left out, ``default-route: []`` of the default network left out (it owns the gateway anyway), absent kept
  distinct from ``[]``/``{}``; and everything else of the workload is equal as data (an annotations map or
  template metadata that only held networking counts as absent);
* every PodNetwork says the same: same name, same NAD, same ``enabled`` (a provider that means Multus, or
  none, counts as one);
* the carriers a workload reads its parameters from (PodNetworkAttachments and their ConfigMaps, the
  attachment-params annotation) count as part of its elements, not as documents;
* every other document is byte-identical, in order. A ``List`` is only a container: its items count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from .context import FileContext
from .dialects.multus.annotation import ParsedElement
from .dialects.multus.nad import is_nad
from .dialects.multus.reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY, read_workload
from .dialects.native import reader as native_reader
from .dialects.native.profiles import PARAMS_ANNOTATION, PODNETWORK_KIND, PRIMARY_INTERFACE
from .manifests.edit import Editor, content_end
from .manifests.objects import POD_TEMPLATE_PATHS, K8sObject, iter_objects, pod_template
from .manifests.render import detect_style
from .manifests.source import SourceText, dominant_newline
from .manifests.yamldoc import YamlSyntaxError, get, parse_documents, to_python
from .model import Finding, Severity
from .options import AttachmentParams, Options, Target

RULE = "roundtrip-mismatch"
NETWORKING_ANNOTATIONS = (NETWORKS_KEY, DEFAULT_NETWORK_KEY, PARAMS_ANNOTATION)


# ----------------------------------------------------------------------------------------------------
# Converting one text, in memory


def load_text(
    text: str, options: Options, display: str = "", path: Path | None = None, is_json: bool = False
) -> FileContext:
    """A FileContext for ``text``, as ``pipeline.load`` builds one, without its byte pre-filter.

    The pre-filter looks for markers a Multus file always has; a native pod of the kep-3698-rev2 profile
    (``name``/``interfaceName`` entries only) has none, and the round trip must still read it.
    Raises YamlSyntaxError.
    """
    docs = parse_documents(text)
    newline = dominant_newline(text)
    style = detect_style([d.root for d in docs], is_json)
    return FileContext(
        display=display,
        path=path,
        source=SourceText(text=text, encoding="utf-8", bom=b"", newline=newline),
        docs=docs,
        options=options,
        editor=Editor(text, newline, style),
        is_json=is_json,
    )


def convert_text(
    text: str, options: Options, display: str = "", path: Path | None = None, is_json: bool = False
) -> tuple[str, list[Finding]]:
    """``text`` converted to ``options.to`` (native or multus) and the findings; on errors, ``text``."""
    ctx = load_text(text, options, display, path, is_json)
    if options.to is Target.MULTUS:
        from .dialects.multus import writer as multus_writer

        multus_writer.write(ctx)
    elif options.to is Target.NATIVE:
        from .dialects.multus import reader as multus_reader
        from .dialects.native import writer as native_writer

        multus = multus_reader.read_file(ctx)
        if not ctx.has_errors:
            native_writer.write(ctx, multus)
    else:
        raise ValueError(f"no in-memory conversion to {options.to.value}")
    if ctx.has_errors or not ctx.editor.edits:
        return text, ctx.findings
    return ctx.editor.result(), ctx.findings


def reverse_options(options: Options, native_text_ctx: FileContext | None = None) -> Options:
    """The options that convert a result back: the opposite target, the same everything else.

    Going back to native keeps the profile and apiVersion the native input was written in (SPEC §5).
    """
    if options.to is Target.NATIVE:
        return replace(options, to=Target.MULTUS, verify_roundtrip=False)
    back = replace(options, to=Target.NATIVE, verify_roundtrip=False)
    if native_text_ctx is not None:
        native = native_reader.read_file(native_text_ctx)
        if native.profile is not None:
            back = replace(back, profile=native.profile)
        if native.api_version is not None and native.api_version != back.pod_api_version:
            back = replace(back, api_version=native.api_version)
    return back


# ----------------------------------------------------------------------------------------------------
# The semantic content of a text


@dataclass(frozen=True)
class Item:
    """One thing compared: a label for messages, where it is, and its canonical value."""

    label: str
    line: int
    value: str


@dataclass
class Model:
    nads: dict[tuple[str, str], Item] = field(default_factory=dict)
    podnetworks: dict[str, Item] = field(default_factory=dict)
    workloads: list[tuple[Item, Item]] = field(default_factory=list)  # (everything else, networks)
    others: list[Item] = field(default_factory=list)
    pn_nads: dict[str, tuple[str, str] | None] = field(default_factory=dict)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def canonical_element(parsed: ParsedElement, position: int | None) -> dict[str, Any]:
    """One element in canonical form; ``position`` is k for the k-th network, None for the default one."""
    data = parsed.element.canonical()
    data["namespace"] = parsed.namespace
    implicit = f"net{position}" if position is not None else PRIMARY_INTERFACE
    if data.get("interface") == implicit:
        del data["interface"]
    if position is None and data.get("default-route") == []:
        del data["default-route"]
    return data


def canonical_networks(default: ParsedElement | None, networks: list[ParsedElement]) -> dict[str, Any]:
    return {
        "default-network": canonical_element(default, None) if default is not None else None,
        "networks": [canonical_element(p, k) for k, p in enumerate(networks, start=1)],
    }


def _without_networking(obj: K8sObject) -> Any:
    """The workload as data without what the conversion owns: the annotations and ``spec.networks``."""
    data = to_python(obj.node)
    template = data
    for key in POD_TEMPLATE_PATHS.get(obj.kind, ()):
        template = template.get(key) if isinstance(template, dict) else None
    if not isinstance(template, dict):
        return data
    metadata = template.get("metadata")
    if isinstance(metadata, dict):
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict):
            for key in NETWORKING_ANNOTATIONS:
                annotations.pop(key, None)
        if not annotations and "annotations" in metadata:
            del metadata["annotations"]
    if not metadata and "metadata" in template:
        del template["metadata"]
    spec = template.get("spec")
    if isinstance(spec, dict):
        spec.pop("networks", None)
    if not spec and "spec" in template:  # ``spec:`` (null) and an emptied spec are both no spec
        del template["spec"]
    return data


def _label(obj: K8sObject) -> str:
    where = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name or "(unnamed)"
    return f"{obj.kind or '(no kind)'} {where}"


def _span(text: str, node: Node) -> str:
    return text[int(node.start_mark.index) : content_end(text, node)]


def build_model(ctx: FileContext) -> Model:
    """The semantic content of one parsed text (findings of the readers land in ``ctx`` and are ignored)."""
    model = Model()
    native = native_reader.read_file(ctx)
    native_workloads = {id(wl.obj.node): wl for wl in native.workloads}
    carriers = {id(a.obj.node) for wl in native.workloads for a in wl.attachments}
    carriers |= {id(c.obj.node) for wl in native.workloads for c in wl.carriers}
    for pn in native.podnetworks:
        model.pn_nads[pn.name] = pn.nad
    text = ctx.text
    for doc in ctx.docs:
        if not isinstance(doc.root, MappingNode):
            model.others.append(Item("a document", doc.root.start_mark.line + 1, _span(text, doc.root)))
            continue
        for obj in iter_objects(doc):
            line = obj.node.start_mark.line + 1
            label = _label(obj)
            if (
                obj.list_seq is None
                and obj.kind.endswith("List")
                and isinstance(get(obj.node, "items"), SequenceNode)
            ):
                continue  # a container: its items count (a wrapped JSON object is the same object)
            if is_nad(obj):
                ns = native_reader.quiet_namespace(ctx, obj)
                model.nads[(ns, obj.name)] = Item(label, line, _span(text, obj.node))
            elif obj.kind == PODNETWORK_KIND:
                pn = next(p for p in native.podnetworks if p.obj.node is obj.node)
                value = {"nad": pn.nad, "enabled": pn.enabled, "problem": pn.problem}
                model.podnetworks[pn.name] = Item(label, line, _canonical(value))
            elif id(obj.node) in carriers:
                continue
            elif pod_template(obj) is not None:
                rest = Item(label, line, _canonical(_without_networking(obj)))
                model.workloads.append((rest, Item(label, line, _networks(ctx, obj, native_workloads))))
            else:
                model.others.append(Item(label, line, _span(text, obj.node)))
    return model


def _networks(ctx: FileContext, obj: K8sObject, native: dict[int, native_reader.NativeWorkload]) -> str:
    wl = native.get(id(obj.node))
    if wl is not None:
        if not wl.ok:
            return _canonical({"unreadable": "spec.networks"})
        return _canonical(canonical_networks(wl.default_network, wl.networks))
    template = pod_template(obj)
    assert template is not None
    before = len(ctx.findings)
    multus = read_workload(ctx, obj, template)
    if multus is None:
        failed = any(f.severity is Severity.ERROR for f in ctx.findings[before:])
        return _canonical({"unreadable": "annotation"} if failed else canonical_networks(None, []))
    return _canonical(canonical_networks(multus.default_network, multus.networks))


# ----------------------------------------------------------------------------------------------------
# Comparing


@dataclass(frozen=True)
class Difference:
    line: int  # in the first text (0: the whole file)
    message: str


def _show(value: str, limit: int = 300) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


NAMESPACE_LOST = (
    " (a PodNetwork name made with a template without {namespace} does not say the NAD's namespace: keep "
    "the NAD in this file, or use --name-template '{namespace}.{name}')"
)


def _network_changes(a: Item, b: Item) -> list[str]:
    """What differs between two workloads' canonical networks, element by element."""
    before, after = json.loads(a.value), json.loads(b.value)
    if "unreadable" in before or "unreadable" in after:
        return [f"its networks come back as {_show(b.value)} instead of {_show(a.value)}"]
    changes: list[str] = []
    pairs = [("the default network", before["default-network"], after["default-network"])]
    if len(before["networks"]) != len(after["networks"]):
        changes.append(f"{len(before['networks'])} networks come back as {len(after['networks'])}")
    else:
        pairs += [
            (f"network {k}", x, y)
            for k, (x, y) in enumerate(zip(before["networks"], after["networks"], strict=True), 1)
        ]
    for what, x, y in pairs:
        # Compared as canonical JSON: in Python 1 == True == 1.0, in JSON they differ.
        if _canonical(x) == _canonical(y):
            continue
        lost = (
            isinstance(x, dict)
            and isinstance(y, dict)
            and _canonical({**x, "namespace": None}) == _canonical({**y, "namespace": None})
        )
        changes.append(
            f"{what} comes back as {_show(_canonical(y))} instead of {_show(_canonical(x))}"
            + (NAMESPACE_LOST if lost else "")
        )
    return changes


def compare(a: Model, b: Model) -> list[Difference]:
    """Why ``b`` is not semantically equal to ``a``; empty when it is."""
    found: list[Difference] = []
    for key, item in a.nads.items():
        other = b.nads.get(key)
        if other is None:
            found.append(Difference(item.line, f"{item.label} does not come back"))
        elif other.value != item.value:
            found.append(Difference(item.line, f"{item.label} does not come back byte-identical"))
    for key, item in b.nads.items():
        if key not in a.nads:
            found.append(Difference(0, f"{item.label} appears"))
    for name, item in a.podnetworks.items():
        other = b.podnetworks.get(name)
        nad = a.pn_nads.get(name)
        if other is None:
            reason = ""
            if nad is not None and nad not in a.nads:
                reason = (
                    f": its NetworkAttachmentDefinition {nad[0]}/{nad[1]} is not in this file, and a "
                    "PodNetwork is only re-created next to its NAD"
                )
            found.append(Difference(item.line, f"{item.label} does not come back{reason}"))
        elif other.value != item.value:
            found.append(
                Difference(item.line, f"{item.label} comes back as {other.value} instead of {item.value}")
            )
    for name, item in b.podnetworks.items():
        if name not in a.podnetworks:
            found.append(Difference(0, f"{item.label} appears"))
    if len(a.workloads) != len(b.workloads):
        found.append(Difference(0, f"{len(a.workloads)} workloads come back as {len(b.workloads)}"))
    for (rest_a, net_a), (rest_b, net_b) in zip(a.workloads, b.workloads, strict=False):
        if rest_a.label != rest_b.label or rest_a.value != rest_b.value:
            found.append(
                Difference(
                    rest_a.line,
                    f"{rest_a.label} does not come back as it was (fields other than its networks differ)",
                )
            )
        if net_a.value != net_b.value:
            found.extend(
                Difference(net_a.line, f"{net_a.label}: {m}") for m in _network_changes(net_a, net_b)
            )
    others_b = [item.value for item in b.others]
    for item in a.others:
        if item.value in others_b:
            others_b.remove(item.value)
        else:
            found.append(Difference(item.line, f"{item.label} does not come back byte-identical"))
    for value in others_b:
        label = next(item.label for item in b.others if item.value == value)
        found.append(Difference(0, f"{label} appears"))
    return found


def differences(
    a: str, b: str, options: Options, path: Path | None = None, is_json: bool = False
) -> list[Difference]:
    """Why text ``b`` is not semantically equal to text ``a`` (read with ``options``); empty when equal."""
    try:
        model_a = build_model(load_text(a, options, path=path, is_json=is_json))
    except YamlSyntaxError as exc:
        return [Difference(exc.line, f"the original does not parse: {exc.message}")]
    try:
        model_b = build_model(load_text(b, options, path=path, is_json=is_json))
    except YamlSyntaxError as exc:
        return [Difference(0, f"the text that comes back does not parse: {exc.message}")]
    return compare(model_a, model_b)


def semantically_equal(
    a: str, b: str, options: Options, path: Path | None = None, is_json: bool = False
) -> bool:
    """SPEC §5's "semantically equal" (see the module docstring)."""
    return not differences(a, b, options, path, is_json)


def round_trip(
    text: str, options: Options, path: Path | None = None, is_json: bool = False
) -> tuple[str, str, list[Difference]]:
    """Convert ``text`` to ``options.to`` and back; (there, back, differences from ``text``)."""
    try:
        there, findings = convert_text(text, options, path=path, is_json=is_json)
    except YamlSyntaxError as exc:
        return text, text, [Difference(exc.line, f"it does not parse: {exc.message}")]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        return text, text, [Difference(f.line, f"it does not convert: {f.message}") for f in errors]
    return there, *_back(text, there, options, path, is_json)


def _back(
    text: str, there: str, options: Options, path: Path | None, is_json: bool
) -> tuple[str, list[Difference]]:
    """``there`` (``text`` converted with ``options``) converted back, and how it differs from ``text``."""
    try:
        native_ctx = (
            load_text(text, options, path=path, is_json=is_json) if options.to is Target.MULTUS else None
        )
        back_options = reverse_options(options, native_ctx)
        back, findings = convert_text(there, back_options, path=path, is_json=is_json)
    except YamlSyntaxError as exc:
        return there, [Difference(0, f"the converted text does not parse: {exc.message}")]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        return back, [
            Difference(f.line, f"the converted text does not convert back: {f.message}") for f in errors
        ]
    return back, differences(text, back, options, path, is_json)


def verify_roundtrip(ctx: FileContext, new_text: str) -> None:
    """``--verify-roundtrip``: report each document of ``ctx`` that would not come back from ``new_text``."""
    options = ctx.options
    if options.to is Target.DRA:
        from .dialects.dra import to_multus  # its own semantics: what DRA can carry

        to_multus.verify_roundtrip(ctx, new_text)
        return
    if options.to not in (Target.NATIVE, Target.MULTUS):
        ctx.report(
            "roundtrip-unsupported",
            Severity.INFO,
            f"--verify-roundtrip checks --to native, multus and dra; --to {options.to.value} has no reverse",
        )
        return
    hint = "the converted file would not convert back to this one; the file is left untouched"
    if options.attachment_params is AttachmentParams.DROP:
        hint += " (--attachment-params drop is outside the round-trip guarantee)"
    if options.inject_resources and options.to is Target.NATIVE:
        hint += " (--inject-resources adds container requests that the reverse does not remove)"
    _, found = _back(ctx.text, new_text, options, ctx.path, ctx.is_json)
    for difference in found:
        ctx.report(RULE, Severity.ERROR, difference.message, line=difference.line, hint=hint)
