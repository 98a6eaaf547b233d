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

import dataclasses
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from .context import FileContext
from .dialects.base import Reading
from .dialects.multus.devices import undo_devices
from .dialects.registry import DIALECTS
from .manifests.edit import content_end
from .manifests.objects import K8sObject, iter_objects, pod_template
from .manifests.source import SourceText, dominant_newline
from .manifests.yamldoc import YamlSyntaxError, get, parse_documents, to_python
from .model import Attachment, Finding, Inventory, PodNetworkFact, Severity, Workload
from .model.names import PRIMARY_INTERFACE, apply_template
from .options import AnnotationStyle, AttachmentParams, Devices, DraApiVersion, Options, Profile, Target

RULE = "roundtrip-mismatch"
MERGE = "tag:yaml.org,2002:merge"


# ----------------------------------------------------------------------------------------------------
# Converting one text, in memory


def load_text(
    text: str,
    options: Options,
    display: str = "",
    path: Path | None = None,
    is_json: bool = False,
    inventory: Inventory | None = None,
) -> FileContext:
    """A FileContext for ``text``, as ``pipeline.load`` builds one, without its byte pre-filter.

    The pre-filter looks for markers a Multus file always has; a native pod of the kep-3698-rev2 profile
    (``name``/``interfaceName`` entries only) has none, and the round trip must still read it. The
    inventory is ``inventory`` over the text's own objects. Raises YamlSyntaxError.
    """
    from .loading import check_documents
    from .scan import file_inventory

    docs = parse_documents(text)
    source = SourceText(text=text, encoding="utf-8", bom=b"", newline=dominant_newline(text))
    ctx = FileContext.of(display, path, source, docs, options, is_json)
    check_documents(ctx)
    own = file_inventory(ctx)
    if inventory is not None:
        own.merge(inventory)
    ctx.inventory = own
    return ctx


def convert_text(
    text: str,
    options: Options,
    display: str = "",
    path: Path | None = None,
    is_json: bool = False,
    inventory: Inventory | None = None,
) -> tuple[str, list[Finding]]:
    """``text`` converted to ``options.to`` and the findings; on errors, ``text``."""
    from . import engine

    ctx = load_text(text, options, display, path, is_json, inventory)
    engine.convert(ctx)
    if ctx.has_errors or not ctx.editor.edits:
        return text, ctx.findings
    return ctx.editor.result(), ctx.findings


def read_all(ctx: FileContext) -> dict[str, Reading]:
    """Every dialect of a text read into the model (findings land in a scratch list)."""
    scratch = dataclasses.replace(ctx, findings=[])
    return {name: dialect.read(scratch) for name, dialect in DIALECTS.items()}


def reverse_options(options: Options, source_ctx: FileContext | None = None) -> Options:
    """The options that convert a result back: the dialect the source was written in (Multus when it
    holds none or several), the same everything else. Going back keeps the KEP revision, apiVersion and
    DRA version the source was written in (SPEC §5)."""
    back_to = Target.MULTUS
    readings = read_all(source_ctx) if source_ctx is not None else {}
    dialects = {wl.dialect for r in readings.values() for wl in r.workloads}
    if len(dialects) == 1:
        back_to = Target(dialects.pop())
    elif options.to is Target.MULTUS:
        back_to = Target.NATIVE
    back = replace(
        options,
        to=back_to,
        verify_roundtrip=False,
        annotation_style=AnnotationStyle.AUTO,
        devices=undo_devices(options.devices, source_ctx) if back_to is Target.MULTUS else Devices.KEEP,
    )
    given = set(options.given) - {"annotation_style"}
    native = readings.get("native")
    if back_to is Target.NATIVE and native is not None and native.own is not None:
        if native.own.profile is not None:
            back = replace(back, profile=native.own.profile)
            given.add("profile")
        if native.own.api_version is not None and native.own.api_version != back.pod_api_version:
            back = replace(back, api_version=native.own.api_version)
    dra = readings.get("dra")
    if back_to is Target.DRA and dra is not None:
        versions = {wl.variant for wl in dra.workloads if wl.variant}
        if len(versions) == 1:
            back = replace(back, dra_api_version=DraApiVersion(versions.pop()))
    if back_to is Target.NATIVE and "profile" not in given:
        back = replace(back, profile=Profile.KEP_3698)
    return replace(back, given=frozenset(given))


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
    ending: str = ""  # what follows the last document's content: blank lines, comments, the final newline


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def canonical_element(parsed: Attachment, position: int | None) -> dict[str, Any]:
    """One element in canonical form; ``position`` is k for the k-th network, None for the default one."""
    data = parsed.element.canonical()
    data["namespace"] = parsed.namespace
    implicit = f"net{position}" if position is not None else PRIMARY_INTERFACE
    if data.get("interface") == implicit:
        del data["interface"]
    if position is None and data.get("default-route") == []:
        del data["default-route"]
    return data


def canonical_networks(default: Attachment | None, networks: list[Attachment]) -> dict[str, Any]:
    return {
        "default-network": canonical_element(default, None) if default is not None else None,
        "networks": [canonical_element(p, k) for k, p in enumerate(networks, start=1)],
    }


def _data(node: Node, skip: set[int]) -> Any:
    """A node as plain data, without the nodes in ``skip`` (the networking a conversion owns)."""
    if isinstance(node, MappingNode) and not any(k.tag == MERGE for k, _ in node.value):
        return {to_python(k): _data(v, skip) for k, v in node.value if id(v) not in skip}
    if isinstance(node, SequenceNode):
        return [_data(item, skip) for item in node.value if id(item) not in skip]
    return to_python(node)


def _without_networking(obj: K8sObject, workload: Workload | None) -> Any:
    """The workload as data without what a conversion owns (its dialect's footprint); an annotations
    map, metadata, claims list or spec that only held networking counts as absent."""
    template = pod_template(obj)
    assert template is not None
    skip: set[int] = set()
    if workload is not None:
        footprint = workload.footprint
        skip = {id(v) for _, v in footprint.annotations} | {id(v) for _, v in footprint.spec}
        skip |= {id(item) for item in footprint.claims}
    data = _data(obj.node, skip)
    holder = data
    for key in template.path.split(".") if template.path else []:
        holder = holder.get(key) if isinstance(holder, dict) else None
    if not isinstance(holder, dict):
        return data
    metadata = holder.get("metadata")
    if isinstance(metadata, dict):
        if "annotations" in metadata and not metadata["annotations"]:
            del metadata["annotations"]
        if not metadata and obj.kind != "Pod":
            del holder["metadata"]
    elif "metadata" in holder and metadata is None:
        del holder["metadata"]
    spec = holder.get("spec")
    if isinstance(spec, dict) and "resourceClaims" in spec and not spec["resourceClaims"]:
        del spec["resourceClaims"]
    if "spec" in holder and not holder["spec"]:  # ``spec:`` (null) and an emptied spec are both no spec
        del holder["spec"]
    return data


def _label(obj: K8sObject) -> str:
    where = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name or "(unnamed)"
    return f"{obj.kind or '(no kind)'} {where}"


def _span(text: str, node: Node) -> str:
    return text[int(node.start_mark.index) : content_end(text, node)]


def build_model(ctx: FileContext, carried: Any = None) -> Model:
    """The semantic content of one parsed text. ``carried``, when given, maps an attachment to the element
    a lossy target can carry (what comparing through DRA must leave out)."""
    from .dialects.multus.nad import is_nad
    from .dialects.native.profiles import PODNETWORK_KIND

    model = Model()
    readings = read_all(ctx)
    workloads: dict[int, Workload] = {}
    for reading in readings.values():
        for wl in reading.workloads:
            workloads.setdefault(id(wl.template.node), wl)
    unreadable = {t for r in readings.values() for t in r.templates} - set(workloads)
    owned = {id(obj.node) for wl in workloads.values() for obj in wl.footprint.objects}
    native = readings["native"].own
    podnetworks = {id(pn.obj.node): pn for pn in native.podnetworks} if native is not None else {}
    for pn in podnetworks.values():
        model.pn_nads[pn.name] = pn.nad
    text = ctx.text
    if ctx.docs:
        model.ending = text[content_end(text, ctx.docs[-1].root) :]
    for index, doc in enumerate(ctx.docs):
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
            template = pod_template(obj)
            if is_nad(obj):
                span = _document(ctx, index) if obj.list_seq is None else _span(text, obj.node)
                model.nads[(ctx.namespace_of(obj), obj.name)] = Item(label, line, span)
            elif obj.kind == PODNETWORK_KIND and id(obj.node) in podnetworks:
                pn = podnetworks[id(obj.node)]
                value = {"nad": pn.nad, "enabled": pn.enabled, "problem": pn.problem}
                model.podnetworks[pn.name] = Item(label, line, _canonical(value))
            elif id(obj.node) in owned or _generated_device_class(obj):
                continue
            elif template is not None:
                found = workloads.get(id(template.node))
                rest = Item(label, line, _canonical(_without_networking(obj, found)))
                if id(template.node) in unreadable:
                    networks = _canonical({"unreadable": "its networks"})
                elif found is None:
                    networks = _canonical(canonical_networks(None, []))
                else:
                    elements = [carried(a) if carried else a for a in found.networks]
                    networks = _canonical(canonical_networks(found.primary, elements))
                model.workloads.append((rest, Item(label, line, networks)))
            else:
                model.others.append(Item(label, line, _span(text, obj.node)))
    return model


def _document(ctx: FileContext, index: int) -> str:
    """A whole document as written, from the line after its ``---`` (which is the separator's, not the
    document's: a first document has none) to the next document, so the blank lines and comments after a
    NAD count as the NAD's own."""
    editor, docs = ctx.editor, ctx.docs
    start, marker = editor.document_start(docs[index].root)
    if marker:
        start = editor.line_end(start)
    end = editor.document_start(docs[index + 1].root)[0] if index + 1 < len(docs) else len(ctx.text)
    return ctx.text[start:end]


def _generated_device_class(obj: K8sObject) -> bool:
    """The DeviceClass --emit-device-class writes: part of the conversion, not a document of the user's."""
    from .dialects.dra import DEVICE_CLASS_KIND, MANAGED_BY, MANAGED_BY_LABEL
    from .manifests.yamldoc import get_path, scalar

    labels = get_path(obj.node, "metadata", "labels")
    return obj.kind == DEVICE_CLASS_KIND and scalar(get(labels, MANAGED_BY_LABEL)) == MANAGED_BY


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


def compare(a: Model, b: Model, nads_dropped: bool = False) -> list[Difference]:
    """Why ``b`` is not semantically equal to ``a``; empty when it is. ``nads_dropped``: NADs may be
    missing from ``b`` (--drop-nads, outside the guarantee)."""
    found: list[Difference] = []
    if a.ending != b.ending:
        found.append(Difference(0, f"the end of the file comes back as {b.ending!r} instead of {a.ending!r}"))
    for key, item in a.nads.items():
        other = b.nads.get(key)
        if other is None and nads_dropped:
            continue
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
    a: str,
    b: str,
    options: Options,
    path: Path | None = None,
    is_json: bool = False,
    inventory: Inventory | None = None,
    carried: Any = None,
    nads_dropped: bool = False,
) -> list[Difference]:
    """Why text ``b`` is not semantically equal to text ``a`` (read with ``options``); empty when equal."""
    try:
        model_a = build_model(load_text(a, options, path=path, is_json=is_json, inventory=inventory), carried)
    except YamlSyntaxError as exc:
        return [Difference(exc.line, f"the original does not parse: {exc.message}")]
    try:
        model_b = build_model(load_text(b, options, path=path, is_json=is_json, inventory=inventory))
    except YamlSyntaxError as exc:
        return [Difference(0, f"the text that comes back does not parse: {exc.message}")]
    return compare(model_a, model_b, nads_dropped)


def semantically_equal(
    a: str, b: str, options: Options, path: Path | None = None, is_json: bool = False
) -> bool:
    """SPEC §5's "semantically equal" (see the module docstring)."""
    return not differences(a, b, options, path, is_json)


def round_trip(
    text: str,
    options: Options,
    path: Path | None = None,
    is_json: bool = False,
    inventory: Inventory | None = None,
) -> tuple[str, str, list[Difference]]:
    """Convert ``text`` to ``options.to`` and back; (there, back, differences from ``text``)."""
    try:
        there, findings = convert_text(text, options, path=path, is_json=is_json, inventory=inventory)
    except YamlSyntaxError as exc:
        return text, text, [Difference(exc.line, f"it does not parse: {exc.message}")]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        return text, text, [Difference(f.line, f"it does not convert: {f.message}") for f in errors]
    return there, *_back(text, there, options, path, is_json, inventory)


def after_conversion(inventory: Inventory, options: Options) -> Inventory:
    """The inventory as a run converting to ``options.to`` leaves it: converting to native gives every
    NAD its PodNetwork (in the NAD's own file), which a file converted back resolves names through."""
    after = Inventory()
    after.merge(inventory)
    if options.to is not Target.NATIVE:
        after.podnetworks.clear()  # converting away from native removes the PodNetworks of NADs
    if options.to is not Target.DRA:
        after.claims.clear()
    if options.to is Target.NATIVE:
        for key in inventory.nad_keys:
            name = apply_template(options.name_template, *key)
            if after.podnetwork(name) is None:
                after.add_podnetwork(PodNetworkFact(name, key, inventory.definitions[key][0].file))
    return after


def _back(
    text: str,
    there: str,
    options: Options,
    path: Path | None,
    is_json: bool,
    inventory: Inventory | None = None,
) -> tuple[str, list[Difference]]:
    """``there`` (``text`` converted with ``options``) converted back, and how it differs from ``text``."""
    try:
        source = load_text(text, options, path=path, is_json=is_json, inventory=inventory)
        back_options = reverse_options(options, source)
        after = after_conversion(source.inventory, options)
        back, findings = convert_text(there, back_options, path=path, is_json=is_json, inventory=after)
    except YamlSyntaxError as exc:
        return there, [Difference(0, f"the converted text does not parse: {exc.message}")]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        return back, [
            Difference(f.line, f"the converted text does not convert back: {f.message}") for f in errors
        ]
    to_dra = options.to is Target.DRA
    carried = _dra_carried(source.inventory) if to_dra else None
    dropped = to_dra and options.drop_nads
    return back, differences(text, back, options, path, is_json, inventory, carried, dropped)


def _dra_carried(inventory: Inventory) -> Any:
    """What a claim can carry of an attachment: the per-attachment fields its CNI config can say (the
    writer reports every other one as dropped)."""
    from .dialects.dra.config import embed
    from .model import SelectionElement

    def carried(attachment: Attachment) -> Attachment:
        nad = inventory.nad(attachment.nad)
        if nad is None or nad.config is None:
            return attachment
        keep = embed(nad.config, attachment.element.name, attachment.element).params
        data = {k: v for k, v in attachment.element.canonical().items() if k in keep or k in _IDENTITY}
        return replace(attachment, element=SelectionElement(data))

    return carried


_IDENTITY = ("name", "namespace", "interface")


def verify_roundtrip(ctx: FileContext, new_text: str) -> None:
    """``--verify-roundtrip``: report each document of ``ctx`` that would not come back from ``new_text``."""
    options = ctx.options
    hint = "the converted file would not convert back to this one; the file is left untouched"
    if options.attachment_params is AttachmentParams.DROP:
        hint += " (--attachment-params drop is outside the round-trip guarantee)"
    if options.inject_resources and options.to is Target.NATIVE:
        hint += " (--inject-resources adds container requests that the reverse does not remove)"
    if options.drop_nads and options.to is Target.DRA:
        hint += " (--drop-nads removes the NADs the way back needs)"
    _, found = _back(ctx.text, new_text, options, ctx.path, ctx.is_json, ctx.inventory)
    for difference in found:
        ctx.report(RULE, Severity.ERROR, difference.message, line=difference.line, hint=hint)
