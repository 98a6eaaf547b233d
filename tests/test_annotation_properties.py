"""Property tests for the Multus annotation parser and formatter."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet_convert.errors import AnnotationError
from k8snet_convert.model import SelectionElement
from k8snet_convert.model.codec import (
    format_annotation,
    format_json,
    format_short,
    is_short_safe,
    parse_default_network,
    parse_networks,
)

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)

DNS_LABEL = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?", fullmatch=True)
# Characters a short-form interface may hold: no whitespace of any kind (TrimSpace would strip it at the
# ends, Multus refuses it inside), no separator, no JSON trigger.
IFNAME_CHARS = st.characters(
    blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters=',@/[{"\x85'
)
SHORT_INTERFACE = st.text(IFNAME_CHARS, min_size=1, max_size=15).filter(
    lambda s: len(s.encode("utf-8")) <= 15
)


@st.composite
def short_elements(draw: st.DrawFn) -> SelectionElement:
    fields: dict[str, Any] = {"name": draw(DNS_LABEL)}
    if draw(st.booleans()):
        fields["namespace"] = draw(DNS_LABEL)
    if draw(st.booleans()):
        fields["interface"] = draw(SHORT_INTERFACE)
    return SelectionElement.model_validate(fields)


def canonical(elements: list[SelectionElement]) -> list[dict[str, Any]]:
    return [element.canonical() for element in elements]


@PROPERTY_SETTINGS
@given(st.lists(short_elements(), min_size=1, max_size=5), DNS_LABEL)
def test_short_safe_elements_round_trip_in_both_forms(elements: list[SelectionElement], pod_ns: str) -> None:
    assert all(is_short_safe(element) for element in elements)
    for text, form in ((format_short(elements), "short"), (format_json(elements), "json")):
        parsed = parse_networks(text, pod_ns)
        assert [p.element.canonical() for p in parsed] == canonical(elements)
        assert [p.namespace for p in parsed] == [e.namespace or pod_ns for e in elements]
        assert {p.form for p in parsed} == {form}
        assert all(p.ignored_keys == () for p in parsed)
    assert format_annotation(elements, "auto") == format_short(elements)


# Names, namespaces and interfaces the JSON form carries as they are (Multus does not check them there).
ANY_NAME = st.text(min_size=1, max_size=20)
OPTIONAL_TEXT = st.none() | st.text(min_size=1, max_size=20)


@st.composite
def addresses(draw: st.DrawFn, cidr: bool) -> str:
    address = draw(st.ip_addresses())
    if cidr and draw(st.booleans()):
        return f"{address}/{draw(st.integers(0, address.max_prefixlen))}"
    return str(address)


@st.composite
def macs(draw: st.DrawFn) -> str:
    raw = draw(
        st.binary(min_size=6, max_size=6)
        | st.binary(min_size=8, max_size=8)
        | st.binary(min_size=20, max_size=20)
    )
    style = draw(st.sampled_from([":", "-", "."]))
    if style == ".":
        return ".".join(raw[i : i + 2].hex() for i in range(0, len(raw), 2))
    text = style.join(f"{b:02x}" for b in raw)
    return text.upper() if draw(st.booleans()) else text


INT64 = st.integers(-(2**63), 2**63 - 1)
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
PORT_MAPPINGS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "hostPort": INT64,
            "containerPort": INT64,
            "protocol": st.text(max_size=5),
            "hostIP": st.text(max_size=5),
        },
    ),
    max_size=3,
)
BANDWIDTH = st.fixed_dictionaries(
    {}, optional={key: INT64 for key in ("ingressRate", "ingressBurst", "egressRate", "egressBurst")}
)
EXTENSION_KEYS = st.from_regex(r"[a-z]{1,5}\.[a-z]{1,5}(\.[a-z-]{1,8})?", fullmatch=True)


@st.composite
def full_elements(draw: st.DrawFn) -> SelectionElement:
    fields: dict[str, Any] = {"name": draw(ANY_NAME)}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "namespace": OPTIONAL_TEXT,
        "interface": OPTIONAL_TEXT,
        "ips": st.lists(addresses(cidr=True), max_size=3),
        "mac": macs(),
        "infiniband-guid": macs(),
        "default-route": st.lists(addresses(cidr=False), max_size=2),
        "cni-args": st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3),
        "portMappings": PORT_MAPPINGS,
        "bandwidth": BANDWIDTH,
        "deviceID": st.text(max_size=12),
        "ipam-claim-reference": st.text(max_size=12),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            value = draw(strategy)
            if value is not None:
                fields[key] = value
    for key in draw(st.lists(EXTENSION_KEYS, max_size=2, unique=True)):
        fields[key] = draw(JSON_VALUES)
    return SelectionElement.model_validate(fields)


@settings(max_examples=60, deadline=None)
@given(st.lists(full_elements(), max_size=3))
def test_any_element_round_trips_through_json(elements: list[SelectionElement]) -> None:
    assert json.loads(format_json(elements)) == canonical(elements)
    for text in (format_json(elements), format_annotation(elements, "auto")):
        parsed = parse_networks(text, "pod")
        assert [p.element.canonical() for p in parsed] == canonical(elements)
        assert [p.namespace for p in parsed] == [e.namespace or "pod" for e in elements]
        for p, element in zip(parsed, elements, strict=True):
            assert ("ipam-claim-reference" in p.ignored_keys) == (element.ipam_claim_reference is not None)
            assert all("." not in key for key in p.ignored_keys)  # extension keys are never reported


def test_generated_addresses_are_ones_python_and_go_agree_on() -> None:
    # The round-trip properties feed Python's formatting of addresses to the Go-faithful parser; Python never
    # writes IPv4 leading zeros or zones, so every such address must parse.
    for text in ("::ffff:102:304", "0.0.0.0", "::", str(ipaddress.ip_address(2**128 - 1))):
        assert parse_networks(json.dumps([{"name": "a", "ips": [text]}]), "pod")[0].element.ips == [text]


JSONISH = st.text(alphabet='[]{}",: abnmeiptrufl01.-@/\\', max_size=40)
JSON_DOCUMENTS = JSON_VALUES.map(json.dumps) | st.lists(
    st.dictionaries(
        st.sampled_from(
            [
                "name",
                "NAME",
                "ips",
                "mac",
                "cni-args",
                "default-route",
                "portMappings",
                "bandwidth",
                "interface",
                "interfaceRequest",
                "ipam-claim-reference",
                "org.x",
                "x",
            ]
        ),
        JSON_VALUES,
        max_size=4,
    ),
    max_size=3,
).map(json.dumps)


@settings(max_examples=150, deadline=None)
@given(st.text() | JSONISH | JSON_DOCUMENTS)
def test_arbitrary_text_parses_or_raises_annotation_error(value: str) -> None:
    try:
        parsed = parse_networks(value, "pod")
    except AnnotationError as exc:
        assert exc.message
    else:
        assert all(p.element.name for p in parsed)
        # What was parsed can always be written back and read again.
        again = parse_networks(format_annotation([p.element for p in parsed], "auto"), "pod")
        assert [p.element.canonical() for p in again] == [p.element.canonical() for p in parsed]
    try:
        element = parse_default_network(value, "kube-system")
    except AnnotationError as exc:
        assert exc.message
    else:
        assert element.element.name
