"""Go's rules as Multus applies them to its annotation: strings, names, addresses, and encoding/json."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from ...errors import AnnotationError
from ..element import IPAM_CLAIM_REFERENCE, MULTUS_KNOWN_KEYS

# ----------------------------------------------------------------------------------------------------
# Go's string and name rules

# Go's unicode.IsSpace, which strings.TrimSpace uses. Python's default str.strip() set also has \x1c-\x1f,
# which Go keeps, so the set is spelled out.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# Multus's regexp "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$". Go's "$" is end of text; Python's would also match
# before a final newline, hence fullmatch.
_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_IFNAMSIZ_MAX = 15  # syscall.IFNAMSIZ - 1, counted in bytes
_IFNAME_FORBIDDEN = frozenset(" \t\n\v\f\r/")
_JSON_TRIGGERS = frozenset('[{"')  # strings.ContainsAny(value, "[{\"") selects the JSON form
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")

_ANNOTATION_PREFIX = "parsePodNetworkAnnotation: "
_JSON_PREFIX = (
    _ANNOTATION_PREFIX + "failed to parse pod Network Attachment Selection Annotation JSON format: "
)
_DEFAULT_NETWORK_PREFIX = "tryLoadK8sPodDefaultNetwork: failed to parse CRD object: "
_JSON_FORM_HINT = 'a name that is not a DNS-1123 label can only be written in the JSON form: [{"name": ...}]'
_EMPTY_VALUE = 'parsePodNetworkAnnotation: pod annotation does not have "network" as key'


def _go_trim(text: str) -> str:
    return text.strip(_GO_SPACE)


def _text(text: str) -> str:
    # Go decodes invalid UTF-16 escapes ("\ud800" alone) and invalid UTF-8 to U+FFFD; a lone surrogate would
    # also make the value unencodable later.
    return _LONE_SURROGATE.sub("\ufffd", text)


def _q(value: str) -> str:
    """A value quoted for a message, control characters escaped so they can be seen."""
    return json.dumps(value, ensure_ascii=False)


def _short_interface_ok(interface: str) -> bool:
    """Multus's short-form interface rule: at most 15 bytes, no whitespace in " \\t\\n\\v\\f\\r", no "/"."""
    return len(interface.encode("utf-8")) <= _IFNAMSIZ_MAX and not _IFNAME_FORBIDDEN.intersection(interface)


# ----------------------------------------------------------------------------------------------------
# Go's net.ParseMAC, net.ParseIP and net.ParseCIDR (Go >= 1.22, which parse through net/netip)


def _is_go_mac(text: str) -> bool:
    """net.ParseMAC: 6, 8 or 20 bytes as "xx:xx:..", "xx-xx-.." or "xxxx.xxxx.xxxx"."""
    if len(text) >= 3 and text[2] in ":-":
        groups = text.split(text[2])
        width, counts = 2, (6, 8, 20)
    elif len(text) >= 5 and text[4] == ".":
        groups = text.split(".")
        width, counts = 4, (3, 4, 10)
    else:
        return False
    return len(groups) in counts and all(len(g) == width and _HEX_DIGITS.issuperset(g) for g in groups)


def _is_go_ipv4(text: str) -> bool:
    """netip's parseIPv4Fields: four decimal fields 0-255, no leading zeros, nothing else."""
    value, digits, dots = 0, 0, 0
    for i, char in enumerate(text):
        if "0" <= char <= "9":
            if digits == 1 and value == 0:
                return False  # leading zero, refused since Go 1.17
            value = value * 10 + ord(char) - ord("0")
            digits += 1
            if value > 255:
                return False
        elif char == ".":
            if i == 0 or i == len(text) - 1 or text[i - 1] == "." or dots == 3:
                return False
            value, digits, dots = 0, 0, dots + 1
        else:
            return False
    return dots == 3


def _is_go_ipv6(text: str) -> bool:
    """netip's parseIPv6 for an address without a zone (net.ParseIP refuses zones)."""
    if "%" in text:
        return False
    rest, filled, ellipsis = text, 0, -1  # filled = bytes of the 16 parsed so far
    if rest.startswith("::"):
        ellipsis, rest = 0, rest[2:]
        if not rest:
            return True
    while filled < 16:
        digits = 0
        while digits < len(rest) and rest[digits] in _HEX_DIGITS:
            digits += 1
        if digits == 0 or digits > 4:
            return False
        if digits < len(rest) and rest[digits] == ".":
            # A trailing embedded IPv4 address, only where it replaces the last two groups.
            if (ellipsis < 0 and filled != 12) or filled + 4 > 16 or not _is_go_ipv4(rest):
                return False
            rest, filled = "", filled + 4
            break
        filled += 2
        rest = rest[digits:]
        if not rest:
            break
        if rest[0] != ":" or len(rest) == 1:
            return False
        rest = rest[1:]
        if rest[0] == ":":
            if ellipsis >= 0:
                return False  # a second "::"
            ellipsis, rest = filled, rest[1:]
            if not rest:
                break
    if rest:
        return False
    # "::" must stand for at least one group of zeros, and is needed when fewer than 8 groups were given.
    return ellipsis >= 0 if filled < 16 else ellipsis < 0


def _go_address_bits(text: str) -> int | None:
    """32 or 128 if net.ParseIP accepts ``text`` (the family is chosen by its first '.' or ':'), else None."""
    for char in text:
        if char == ".":
            return 32 if _is_go_ipv4(text) else None
        if char == ":":
            return 128 if _is_go_ipv6(text) else None
        if char == "%":
            return None
    return None


def _is_go_cidr(text: str) -> bool:
    """net.ParseCIDR: address "/" decimal prefix length (leading zeros allowed) within the family's bits."""
    address, _, prefix = text.partition("/")
    bits = _go_address_bits(address)
    if bits is None or not prefix or not all("0" <= c <= "9" for c in prefix):
        return False
    # Go's dtoi gives up at 0xFFFFFF; any such value is past 128 anyway.
    return int(prefix[:8]) <= bits


# ----------------------------------------------------------------------------------------------------
# Go encoding/json, as Multus's json.Unmarshal into []*types.NetworkSelectionElement behaves


@dataclass(frozen=True)
class _Obj:
    """A JSON object with its members in document order and duplicates kept (Go sees every one of them)."""

    pairs: list[tuple[str, Any]]


@dataclass(frozen=True)
class _Num:
    """A JSON number, its literal kept: Go's messages quote it, and integers must stay exact."""

    text: str

    @property
    def is_integer_literal(self) -> bool:
        return not any(c in self.text for c in ".eE")


@dataclass(frozen=True)
class _Problem:
    """A decoding problem: the message, the offending JSON value and its key path, for the message."""

    message: str
    value: Any
    path: str  # e.g. "portMappings.hostPort"


class _Abort(Exception):
    """An error that stops Go's decoder at once (net.IP.UnmarshalText's), unlike a saved type error."""

    def __init__(self, problem: _Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class _Report:
    """What decoding one element found besides its value."""

    ignored: list[str] = field(default_factory=list)  # keys Multus ignores, in document order
    # Go's decoder saves the first UnmarshalTypeError, leaves that field as it was and decodes on; the
    # saved error is returned at the end unless an aborting error came first or later.
    type_error: _Problem | None = None
    # The first value Multus accepts but the tool cannot carry; reported only if Multus finds no error.
    uncarried: _Problem | None = None


class _ConstantError(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity; Go's does not.
    raise _ConstantError(f"invalid character {name[0]!r} looking for beginning of value ({name} is not JSON)")


def _go_kind(value: Any) -> str:
    """The JSON kind as Go's UnmarshalTypeError names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, _Num):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _raw_json(value: Any) -> str:
    """Compact JSON text of a decoded value, for messages."""
    if isinstance(value, _Obj):
        return "{" + ",".join(f"{_q(k)}:{_raw_json(v)}" for k, v in value.pairs) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_raw_json(v) for v in value) + "]"
    if isinstance(value, _Num):
        return value.text
    return json.dumps(value, ensure_ascii=False)


def _snippet(value: Any, limit: int = 80) -> str:
    try:
        text = _raw_json(value)
    except RecursionError:
        return "(too deeply nested to show)"
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _go_int(number: _Num) -> int | None:
    """strconv.ParseInt(text, 10, 64), which is what Go uses for an int field: no fraction or exponent."""
    if not number.is_integer_literal or len(number.text.lstrip("-")) > 19:
        return None
    value = int(number.text)
    return value if -(2**63) <= value < 2**63 else None


@dataclass(frozen=True)
class _Ctx:
    struct: str  # the Go struct holding the field, for messages ("NetworkSelectionElement")
    path: str  # the Go field path, for messages ("portMappings.hostPort")
    report: _Report

    def type_error(self, value: Any, go_type: str, kind: str | None = None) -> None:
        if self.report.type_error is None:
            self.report.type_error = _Problem(
                f"json: cannot unmarshal {kind or _go_kind(value)} into Go struct field "
                f"{self.struct}.{self.path} of type {go_type}",
                value,
                self.path,
            )

    def uncarried(self, message: str, value: Any) -> None:
        if self.report.uncarried is None:
            self.report.uncarried = _Problem(message, value, self.path)


_T = TypeVar("_T")


def _plain(value: Any, ctx: _Ctx, *, go_float: bool) -> Any:
    """A decoded value as plain Python data (objects: last duplicate wins, as for a Go map).

    ``go_float``: Multus decodes the value into interface{}, where every number must fit a float64.
    """
    if isinstance(value, _Obj):
        return {_text(k): _plain(v, ctx, go_float=go_float) for k, v in value.pairs}
    if isinstance(value, list):
        return [_plain(v, ctx, go_float=go_float) for v in value]
    if isinstance(value, str):
        return _text(value)
    if not isinstance(value, _Num):
        return value  # None, bool
    if math.isinf(float(value.text)):
        if go_float:
            ctx.type_error(value, "float64", f"number {value.text}")
            return None
        if not value.is_integer_literal:
            ctx.uncarried(
                f"the number {value.text} is out of range of a float64 and cannot be carried", value
            )
            return None
    if not value.is_integer_literal:
        return float(value.text)
    try:
        return int(value.text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        ctx.uncarried(f"the number {value.text[:20]}... has too many digits to be carried", value)
        return None


def _decode_string(prev: _T, value: Any, ctx: _Ctx) -> str | _T:
    if value is None:
        return prev  # Go: null into a string leaves it as it was
    if isinstance(value, str):
        return _text(value)
    ctx.type_error(value, "string")
    return prev


def _decode_claim_reference(prev: str | None, value: Any, ctx: _Ctx) -> str | None:
    if value is None or isinstance(value, str):
        return _decode_string(prev, value, ctx)
    # Multus skips the key whatever its value, but the spec and the NAD client's type make it a string, which
    # is what the model carries.
    ctx.uncarried(
        f"{_q(IPAM_CLAIM_REFERENCE)} must be a string, not {_go_kind(value)} (Multus ignores the key, but "
        "the multi-network spec and the NetworkAttachmentDefinition client type make it a string)",
        value,
    )
    return prev


def _decode_int(prev: int | None, value: Any, ctx: _Ctx) -> int | None:
    if value is None:
        return prev
    if isinstance(value, _Num):
        number = _go_int(value)
        if number is not None:
            return number
        ctx.type_error(value, "int", f"number {value.text}")
    else:
        ctx.type_error(value, "int")
    return prev


def _decode_strings(prev: list[str] | None, value: Any, ctx: _Ctx) -> list[str] | None:
    if value is None:
        return None  # Go: null into a slice makes it nil, i.e. absent
    if not isinstance(value, list):
        ctx.type_error(value, "[]string")
        return prev
    # Go decodes an array into the slice already there, so a null item keeps the earlier string at its index.
    return [
        _decode_string(prev[i] if prev and i < len(prev) else "", item, ctx) for i, item in enumerate(value)
    ]


def _decode_gateways(prev: list[str | None] | None, value: Any, ctx: _Ctx) -> list[str | None] | None:
    """default-route, a *[]net.IP: items go through net.IP.UnmarshalText. None items are nil IPs."""
    if value is None:
        return None
    if not isinstance(value, list):
        ctx.type_error(value, "[]net.IP")
        return prev
    gateways: list[str | None] = []
    for item in value:
        if item is None or item == "":
            gateways.append(None)  # null, and "" (UnmarshalText's special case), give a nil IP
        elif not isinstance(item, str):
            ctx.type_error(item, "net.IP")
            gateways.append(None)
        elif _go_address_bits(_text(item)) is None:
            raise _Abort(_Problem(f"invalid IP address: {_text(item)}", item, ctx.path))
        else:
            gateways.append(_text(item))
    return gateways


def _decode_cni_args(prev: dict[str, Any] | None, value: Any, ctx: _Ctx) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, _Obj):
        ctx.type_error(value, "map[string]interface {}")
        return prev
    # Go decodes an object into the map already there: a repeated "cni-args" key merges.
    merged = dict(prev or {})
    merged.update(_plain(value, ctx, go_float=True))
    return merged


@dataclass
class _Struct:
    """A Go struct being decoded: known fields by canonical key (None = absent), and carried unknown keys."""

    fields: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> _Struct:
        return _Struct(dict(self.fields), dict(self.extras))

    def as_dict(self) -> dict[str, Any]:
        return {**self.extras, **{k: v for k, v in self.fields.items() if v is not None}}


_FieldDecoder = Callable[[Any, Any, _Ctx], Any]


@dataclass(frozen=True)
class _StructType:
    go_name: str
    fields: Mapping[str, _FieldDecoder]

    def canonical_key(self, key: str) -> str | None:
        """Go's field lookup: the exact name first, else a case-insensitive match."""
        if key in self.fields:
            return key
        return self._folded.get(_go_fold(key))

    @cached_property
    def _folded(self) -> dict[str, str]:
        return {_go_fold(k): k for k in self.fields}


# Non-ASCII runes that Go >= 1.21 folds onto ASCII letters when matching JSON keys to fields
# (unicode.ToUpper(unicode.ToLower(r))): Kelvin sign, long s, dotted and dotless I.
_NON_ASCII_FOLDS = {"\u212a": "K", "\u017f": "S", "\u0130": "I", "\u0131": "I"}


def _go_fold(key: str) -> str:
    """encoding/json's foldName, enough to compare with the ASCII field names here."""
    return "".join(_NON_ASCII_FOLDS.get(c, c.upper() if "a" <= c <= "z" else c) for c in key)


def _decode_struct(
    prev: _Struct | None, obj: _Obj, struct_type: _StructType, path: str, ctx: _Ctx
) -> _Struct:
    # Go decodes into the struct already there, so a repeated key merges into what the first one set.
    state = prev.copy() if prev else _Struct()
    ignored = ctx.report.ignored
    for raw_key, value in obj.pairs:
        key = _text(raw_key)
        canonical = struct_type.canonical_key(key)
        name = canonical or key
        field_ctx = _Ctx(struct_type.go_name, f"{path}.{name}" if path else name, ctx.report)
        if canonical is not None:
            state.fields[canonical] = struct_type.fields[canonical](
                state.fields.get(canonical), value, field_ctx
            )
            continue
        # Go skips an unknown key without looking at its value; the tool carries it.
        state.extras[key] = _plain(value, field_ctx, go_float=False)
        note = f"{path}.{key}" if path else key
        if (path or "." not in key) and note not in ignored:  # top-level dotted keys are extension keys
            ignored.append(note)
    return state


_PORT_MAPPING = _StructType(
    "PortMapEntry",
    {
        "hostPort": _decode_int,
        "containerPort": _decode_int,
        "protocol": _decode_string,
        "hostIP": _decode_string,
    },
)
_BANDWIDTH = _StructType(
    "BandwidthEntry",
    {key: _decode_int for key in ("ingressRate", "ingressBurst", "egressRate", "egressBurst")},
)


def _decode_port_mappings(
    prev: list[_Struct | None] | None, value: Any, ctx: _Ctx
) -> list[_Struct | None] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        ctx.type_error(value, "[]*types.PortMapEntry")
        return prev
    entries: list[_Struct | None] = []
    for i, item in enumerate(value):
        before = prev[i] if prev and i < len(prev) else None
        if item is None:
            entries.append(None)  # a nil *PortMapEntry
        elif isinstance(item, _Obj):
            # The slice's elements are pointers: Go decodes into the entry already at this index.
            entries.append(_decode_struct(before, item, _PORT_MAPPING, "portMappings", ctx))
        else:
            ctx.type_error(item, "types.PortMapEntry")
            entries.append(before)
    return entries


def _decode_bandwidth(prev: _Struct | None, value: Any, ctx: _Ctx) -> _Struct | None:
    if value is None:
        return None
    if not isinstance(value, _Obj):
        ctx.type_error(value, "types.BandwidthEntry")
        return prev
    return _decode_struct(prev, value, _BANDWIDTH, "bandwidth", ctx)


_FIELD_DECODERS: dict[str, _FieldDecoder] = {
    "name": _decode_string,
    "namespace": _decode_string,
    "ips": _decode_strings,
    "mac": _decode_string,
    "infiniband-guid": _decode_string,
    "interface": _decode_string,
    "interfaceRequest": _decode_string,
    "portMappings": _decode_port_mappings,
    "bandwidth": _decode_bandwidth,
    "cni-args": _decode_cni_args,
    "default-route": _decode_gateways,
    "deviceID": _decode_string,
    # Not in Multus's type (it skips the key), but the model carries it.
    IPAM_CLAIM_REFERENCE: _decode_claim_reference,
}
# Built from model.py's list, so a key added there without a decoder here fails at import.
_ELEMENT = _StructType(
    "NetworkSelectionElement",
    {key: _FIELD_DECODERS[key] for key in (*MULTUS_KNOWN_KEYS, IPAM_CLAIM_REFERENCE)},
)


def _decode_json(value: str, prefix: str) -> list[tuple[_Struct | None, _Report]]:
    """json.Unmarshal of the whole value; per array item its struct (None for a JSON null) and report."""

    def fail(go_message: str, detail: str = "", hint: str = "") -> AnnotationError:
        return AnnotationError(
            prefix + _JSON_PREFIX + go_message + (f" ({detail})" if detail else ""), hint=hint
        )

    try:
        document = json.loads(
            value, object_pairs_hook=_Obj, parse_int=_Num, parse_float=_Num, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise fail(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", _go_json_hint(value)
        ) from None
    except _ConstantError as exc:
        raise fail(str(exc)) from None
    except RecursionError:
        raise fail("invalid JSON: nested too deeply") from None

    if not isinstance(document, list):
        raise fail(
            f"json: cannot unmarshal {_go_kind(document)} into Go value of type "
            "[]*types.NetworkSelectionElement",
            f"the value is {_snippet(document)}",
            hint='the JSON form is an array of objects: [{"name": "..."}]'
            if isinstance(document, _Obj)
            else "",
        )
    decoded: list[tuple[_Struct | None, _Report]] = []
    saved: AnnotationError | None = None  # Go's first saved type error, in document order
    for index, item in enumerate(document, start=1):
        report = _Report()
        struct: _Struct | None = None
        if isinstance(item, _Obj):
            try:
                struct = _decode_struct(None, item, _ELEMENT, "", _Ctx(_ELEMENT.go_name, "", report))
            except _Abort as exc:
                problem = exc.problem
                raise fail(
                    problem.message, f"element {index}: {_q(problem.path)} is {_snippet(problem.value)}"
                ) from None
            except RecursionError:
                raise fail("invalid JSON: nested too deeply", f"element {index}") from None
            if report.type_error and not saved:
                problem = report.type_error
                saved = fail(
                    problem.message, f"element {index}: {_q(problem.path)} is {_snippet(problem.value)}"
                )
        elif item is not None and not saved:
            saved = fail(
                f"json: cannot unmarshal {_go_kind(item)} into Go value of type "
                "types.NetworkSelectionElement",
                f"element {index} is {_snippet(item)}",
            )
        decoded.append((struct, report))
    if saved:
        raise saved
    return decoded


def _go_json_hint(value: str) -> str:
    if not value.lstrip().startswith(("[", "{")):
        return (
            'the value contains [, { or ", so Multus reads it as JSON, not as the comma-separated short form'
        )
    return ""
