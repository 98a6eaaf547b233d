"""What of a masked chart template the engine may convert, and what it must not touch.

* **Dynamic networks.** A pod template's networks whose *structure* comes from actions — the whole
  annotation value is one action (``{{ toJson .Values.networks }}``), lines of actions inside it
  (``{{- range }}``, ``{{- if }}`` around an element), JSON that only parses once rendered, templated keys,
  a templated ``default-route`` (its address family decides the gateway flags) — has no literal form to
  convert: ``helm-dynamic-networks`` (error) at its line, and the engine does not see it (its key is
  masked too), so the message is one, not a cascade of parse errors about placeholders.
* **Addresses.** Strings Multus checks as addresses (``ips``, ``mac``) that hold actions are said as
  synthetic addresses, which the engine carries like any (``mask.Tokens.value``).
* **Guards.** The ``if``/``with`` blocks around a converted footprint (``{{- if .Values.multus }}`` around
  the annotation): what the conversion writes for that workload goes inside the same blocks
  (``restore.py``).
* **Templated configs.** A NAD whose ``spec.config`` holds actions: the engine's invalid-JSON finding is
  about placeholders, not the chart (``TemplateContext.report`` says so instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from yaml.nodes import Node, ScalarNode

from ...findings import Finding, Severity
from ...manifests.edit import content_end
from ...manifests.objects import iter_objects, pod_template
from ...manifests.yamldoc import Document, get_pair, get_path
from ...options import Options
from .mask import Block, Masked, blocks
from .paths import holds_multus, line_start

if TYPE_CHECKING:
    from ...context import FileContext

MULTUS_KEYS = ("k8s.v1.cni.cncf.io/networks", "v1.multus-cni.io/default-network")
NAD_KIND = "NetworkAttachmentDefinition"
SELECTION_KEY = "selection.json"  # the native carriers' keys (dialects/native/profiles.py)
PARAMS_KEY = "k8snet-convert.io/attachment-params"
# Keys of a selection element whose value Multus checks as an address, and the synthetic kind for each.
ADDRESS_KEYS = {"ips": "ip", "mac": "mac"}
# Keys whose value changes what the conversion writes (the gateway flags follow default-route's family).
VALUE_DEPENDENT_KEYS = ("default-route", "infiniband-guid")
# Pieces of the mask that make structure, not values.
STRUCTURE = ("control", "content", "inline-control", "hidden")

DYNAMIC_HINT = (
    "write the networks as a literal list (JSON or short form) with actions only inside names, interfaces "
    "and values, or write spec.networks in the template by hand (a range over the same values)"
)


@dataclass
class Dynamic:
    """A pod template's networks that cannot be converted in place."""

    label: str
    what: str  # which construct
    why: str
    line: int  # in the original template
    column: int
    path: str


@dataclass
class Analysis:
    dynamic: list[Dynamic] = field(default_factory=list)
    changed_mask: bool = False
    config_lines: list[tuple[int, int]] = field(default_factory=list)  # masked lines of templated configs
    # id(pod template node) -> the blocks around its footprint, outermost first
    guards: dict[int, list[Block]] = field(default_factory=dict)

    def templated_config(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.config_lines)

    def report(self, ctx: FileContext) -> None:
        for item in self.dynamic:
            ctx.findings.append(
                Finding(
                    rule="helm-dynamic-networks",
                    severity=Severity.ERROR,
                    message=f"{item.label}: {item.what} {item.why}, so it has no literal form to convert; "
                    "the template is left untouched",
                    file=ctx.display,
                    line=item.line,
                    column=item.column,
                    path=item.path,
                    hint=DYNAMIC_HINT,
                )
            )


def converted_dialects(options: Options) -> tuple[str, ...]:
    """The dialects the engine converts from (as ``engine.sources`` decides)."""
    from ...dialects.registry import DIALECTS

    target = options.to.value
    return tuple(
        name
        for name in DIALECTS
        if name in options.sources and (name != target or DIALECTS[name].normalisation_asked(options))
    )


def analyse(
    masked: Masked, docs: list[Document], options: Options, first: Analysis | None = None
) -> Analysis:
    """Read the masked documents. The first pass may change the mask (synthetic addresses, hidden dynamic
    keys: ``changed_mask``); the caller parses again and runs a second pass with ``first``."""
    analysis = Analysis(dynamic=list(first.dynamic) if first else [])
    sources = converted_dialects(options)
    all_blocks = blocks(masked.actions)
    if first is None and "multus" in sources:
        analysis.dynamic += _other_branches(masked)
    for doc in docs:
        for obj in iter_objects(doc):
            if obj.kind == NAD_KIND:
                _config(masked, obj.node, analysis)
                continue
            if obj.kind == "ConfigMap" and first is None:
                _carried(masked, get_path(obj.node, "data", SELECTION_KEY), keyed=False)
                continue
            template = pod_template(obj)
            if template is None:
                continue
            if first is None:
                _carried(masked, get_path(template.node, "metadata", "annotations", PARAMS_KEY), keyed=True)
            label = f"{obj.kind} {masked.readable(obj.name or obj.kind.lower())}"
            pairs: list[tuple[str, tuple[Any, Any] | None]] = []
            if "multus" in sources:
                pairs += [(key, get_pair(template.annotations, key)) for key in MULTUS_KEYS]
            if "native" in sources:
                pairs.append(("spec.networks", get_pair(template.spec, "networks")))
            if "dra" in sources:
                pairs.append(("spec.resourceClaims", get_pair(template.spec, "resourceClaims")))
            footprint: list[tuple[int, int]] = []
            for what, pair in pairs:
                if pair is None:
                    continue
                key, value = pair
                if first is None:
                    why = _structure(masked, what, value)
                    if why:
                        line, column = masked.original_line_col(*_line_col(key))
                        name = f"the annotation {what}" if what in MULTUS_KEYS else what
                        path = template.key_path(*_where(what))
                        analysis.dynamic.append(Dynamic(label, name, why, line, column, path))
                        _hide(masked, key)
                        continue
                footprint.append((int(key.start_mark.index), content_end(masked.text, value)))
            if footprint:
                analysis.guards[id(template.node)] = _enclosing(masked, all_blocks, footprint)
    analysis.changed_mask = masked.apply_deferred()
    return analysis


def _other_branches(masked: Masked) -> list[Dynamic]:
    """Multus-era networking in an ``else`` branch: the engine reads the first branch of each if/else."""
    found = []
    for piece in masked.pieces:
        if piece.kind != "hidden":
            continue
        text = masked.original[piece.start : piece.end]
        index = holds_multus(text)
        if index >= 0:
            line, column = line_start(masked.original, piece.start + index)
            found.append(
                Dynamic(
                    "the template",
                    "an else branch",
                    "holds Multus-era networking, and only the first branch of an if/else is converted",
                    line,
                    column,
                    "",
                )
            )
    return found


def _where(what: str) -> tuple[str, ...]:
    if what in MULTUS_KEYS:
        return ("metadata", "annotations", what)
    return ("spec", what.split(".")[-1])


def _line_col(node: Node) -> tuple[int, int]:
    return int(node.start_mark.line) + 1, int(node.start_mark.column) + 1


def _hide(masked: Masked, key: Node) -> None:
    """The engine must not read a construct it cannot convert: its key becomes a placeholder too."""
    start = masked.to_original(int(key.start_mark.index))
    end = masked.to_original(int(key.end_mark.index))
    if start is None or end is None:
        return
    masked.defer_value(start, end, masked.tokens.of("\x02" + masked.original[start:end]))


def _structure(masked: Masked, what: str, value: Node) -> str:
    """Why a footprint's structure comes from actions ("" when it is literal); addresses that hold actions
    become synthetic ones (``analysis.changed_mask``)."""
    start, end = int(value.start_mark.index), content_end(masked.text, value)
    inside = masked.pieces_within(start, end)
    lines = [p for p in inside if p.kind in STRUCTURE]
    if lines:
        return f"holds template control structure ({lines[0].restored.strip().splitlines()[0]})"
    if what not in MULTUS_KEYS:
        if isinstance(value, ScalarNode) and masked.tokens_in(str(value.value)):
            return "is written by an action"
        return ""
    if not isinstance(value, ScalarNode) or not inside:
        return ""
    text = str(value.value)
    if masked.is_token(text.strip()):
        return "is one action's output (its list of networks is decided by values)"
    if not any(c in text for c in '[{"'):
        return ""  # the short form: actions inside names and interfaces
    try:
        decoded = json.loads(text)
    except ValueError:
        return "is JSON that only template actions complete (actions outside its strings)"
    elements = decoded if isinstance(decoded, list) else [decoded]
    for element in elements:
        if not isinstance(element, dict):
            continue
        if _templated_keys(masked, element):
            return "has keys written by actions"
        for key in VALUE_DEPENDENT_KEYS:
            if key in element and masked.tokens_in(json.dumps(element[key])):
                return f'has a "{key}" written by actions (what it means depends on the values)'
        problem = _addresses(masked, start, end, element)
        if problem:
            return f'has a "{problem}" value that cannot be read apart from its actions'
    return ""


def _addresses(masked: Masked, start: int, end: int, element: dict[str, Any]) -> str:
    """Say the address strings of a selection element that hold actions as synthetic addresses; the key
    of one that cannot be (written with escapes), else ""."""
    for key, kind in ADDRESS_KEYS.items():
        found = element.get(key)
        for item in found if isinstance(found, list) else [found]:
            templated = isinstance(item, str) and masked.tokens_in(item)
            synthetic = "cidr" if kind == "ip" and "/" in str(item) else kind
            if templated and not _synthetic(masked, start, end, str(item), synthetic):
                return key
    return ""


def _carried(masked: Masked, node: Node | None, keyed: bool) -> None:
    """Addresses in what the native form carries for Multus (a ConfigMap's ``selection.json``, or the
    attachment-params annotation keyed by interface) are said as synthetic ones too, so the reverse reads
    them."""
    if not isinstance(node, ScalarNode) or not masked.pieces_within(
        int(node.start_mark.index), int(node.end_mark.index)
    ):
        return
    try:
        data = json.loads(str(node.value))
    except ValueError:
        return
    elements = list(data.values()) if keyed and isinstance(data, dict) else [data]
    for element in elements:
        if isinstance(element, dict):
            _addresses(masked, int(node.start_mark.index), int(node.end_mark.index), element)


def _templated_keys(masked: Masked, data: Any) -> bool:
    if isinstance(data, dict):
        return any(masked.tokens_in(str(k)) or _templated_keys(masked, v) for k, v in data.items())
    if isinstance(data, list):
        return any(_templated_keys(masked, item) for item in data)
    return False


def _synthetic(masked: Masked, start: int, end: int, content: str, kind: str) -> bool:
    """Say each occurrence of the JSON string ``content`` in ``masked.text[start:end]`` as one synthetic
    address. False when it is not written plainly (escapes)."""
    quoted = json.dumps(content)
    spans = []
    at = masked.text.find(quoted, start, end)
    while at >= 0:
        spans.append((at + 1, at + len(quoted) - 1))
        at = masked.text.find(quoted, at + len(quoted), end)
    if not spans:
        return False
    placeholder = masked.tokens.value(kind)
    originals = [(masked.to_original(a), masked.to_original(b)) for a, b in spans]
    for a, b in originals:
        if a is None or b is None:
            return False
    for a, b in originals:
        assert a is not None and b is not None
        masked.defer_value(a, b, placeholder)
    return True


def _config(masked: Masked, nad: Node, analysis: Analysis) -> None:
    config = get_path(nad, "spec", "config")
    if not isinstance(config, ScalarNode):
        return
    start, end = int(config.start_mark.index), int(config.end_mark.index)
    if masked.pieces_within(start, end):
        analysis.config_lines.append((int(config.start_mark.line) + 1, int(config.end_mark.line) + 1))


def _enclosing(masked: Masked, all_blocks: list[Block], spans: list[tuple[int, int]]) -> list[Block]:
    """The blocks around every footprint span (in the original text), outermost first; each footprint of
    one pod template must sit in the same ones (checked when the conversion is written back)."""
    result: list[Block] | None = None
    for masked_start, masked_end in spans:
        start, end = masked.to_original(masked_start), masked.to_original(masked_end)
        if start is None or end is None:
            continue
        around = [
            b
            for b in all_blocks
            if b.end >= 0 and masked.actions[b.opener].end <= start and masked.actions[b.end].start >= end
        ]
        if any(b.middles and masked.actions[b.middles[0]].start < start for b in around):
            return [Block(-1, -1)]  # in an else branch: its condition cannot be said as one block
        if result is None:
            result = around
        elif [b.opener for b in around] != [b.opener for b in result]:
            return [Block(-1, -1)]  # footprints in different blocks: restore refuses the workload
    return result or []
