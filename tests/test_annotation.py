"""Multus annotation parsing and formatting (reference/multus.md §1, §2, §4.1, §9; SPEC §4.1)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from k8snet_convert.errors import AnnotationError
from k8snet_convert.model import SelectionElement
from k8snet_convert.model.codec import (
    ParsedElement,
    format_annotation,
    format_json,
    format_short,
    is_short_safe,
    parse_default_network,
    parse_networks,
)

JSON_ERR = (
    "parsePodNetworkAnnotation: failed to parse pod Network Attachment Selection Annotation JSON format: "
)
REGEX_ERR = (
    "parsePodNetworkAnnotation: parsePodNetworkObjectName: Failed to parse: one or more items did not match "
    "comma-delimited format (must consist of lower case alphanumeric characters). Must start and end with an "
    "alphanumeric character), mismatch @ "
)
IFNAME_ERR = (
    "parsePodNetworkAnnotation: parsePodNetworkObjectName: Failed to parse interface name: must be less than "
    "15 chars and not contain '/' or spaces. interface name "
)
UMLAUTS_16_BYTES = "\xe4" * 8
EMPTY_NAME = (
    "has an empty network name: Multus accepts it, but no NetworkAttachmentDefinition has an empty name, "
    "so the pod could never start"
)


def canon(parsed: list[ParsedElement]) -> list[dict[str, Any]]:
    return [p.element.canonical() for p in parsed]


def one(value: str, namespace: str = "pod") -> ParsedElement:
    parsed = parse_networks(value, namespace)
    assert len(parsed) == 1
    return parsed[0]


def error(value: str) -> AnnotationError:
    with pytest.raises(AnnotationError) as info:
        parse_networks(value, "pod")
    assert info.value.rule == "invalid-annotation"
    return info.value


def elem(**fields: Any) -> SelectionElement:
    return SelectionElement.model_validate(fields)


# ----------------------------------------------------------------------------------------------------
# Empty values and form detection


def test_empty_networks_value_is_no_networks() -> None:
    assert parse_networks("", "pod") == []


@pytest.mark.parametrize("value", [" ", "\t", "\xa0", " \n "])
def test_whitespace_only_value_is_one_element_with_empty_name(value: str) -> None:
    assert error(value).message == f"element 1 {EMPTY_NAME}"


@pytest.mark.parametrize(
    ("value", "form"),
    [
        ("a", "short"),
        ("null", "short"),
        ("true", "short"),
        ("a,b", "short"),
        ("[]", "json"),
        (' [{"name":"a"}] ', "json"),
    ],
)
def test_form(value: str, form: str) -> None:
    assert {p.form for p in parse_networks(value, "pod")} <= {form}


@pytest.mark.parametrize(
    "value",
    ['a"b', "a{b", "a[b", "a,[b"],
)
def test_any_trigger_character_anywhere_selects_json(value: str) -> None:
    err = error(value)
    assert err.message.startswith(JSON_ERR + "invalid JSON: ")
    assert "Multus reads it as JSON" in err.message


@pytest.mark.parametrize("value", ["a]", "a}", "a:b"])
def test_closing_brackets_do_not_select_json(value: str) -> None:
    assert error(value).message.startswith(REGEX_ERR + f"'{value}'")


@pytest.mark.parametrize("value", ["null", "true", "false", "1"])
def test_json_literals_without_trigger_are_network_names(value: str) -> None:
    parsed = one(value)
    assert parsed.element.canonical() == {"name": value}
    assert parsed.form == "short"


def test_empty_json_array_is_no_networks() -> None:
    assert parse_networks("[]", "pod") == []
    assert parse_networks(" \n[ ]\t", "pod") == []


# ----------------------------------------------------------------------------------------------------
# Short form


@pytest.mark.parametrize(
    ("value", "expected", "namespaces"),
    [
        ("a", [{"name": "a"}], ["pod"]),
        ("ns/a", [{"name": "a", "namespace": "ns"}], ["ns"]),
        ("a@eth1", [{"name": "a", "interface": "eth1"}], ["pod"]),
        ("ns/a@eth1", [{"name": "a", "namespace": "ns", "interface": "eth1"}], ["ns"]),
        ("ns / a @ eth1", [{"name": "a", "namespace": "ns", "interface": "eth1"}], ["ns"]),
        ("a, b ,c", [{"name": "a"}, {"name": "b"}, {"name": "c"}], ["pod"] * 3),
        ("a,a", [{"name": "a"}, {"name": "a"}], ["pod", "pod"]),  # duplicates are separate attachments
        ("/a", [{"name": "a"}], ["pod"]),  # empty namespace = the pod's
        ("a@", [{"name": "a"}], ["pod"]),  # empty interface = none
        ("a--b,1,0-0", [{"name": "a--b"}, {"name": "1"}, {"name": "0-0"}], ["pod"] * 3),
        ("x" * 100, [{"name": "x" * 100}], ["pod"]),  # no length limit
        # Go's TrimSpace: Unicode whitespace incl. U+0085, U+00A0, U+3000 ...
        ("\x85\xa0a\u3000\u2028", [{"name": "a"}], ["pod"]),
        ("a@\teth1\n", [{"name": "a", "interface": "eth1"}], ["pod"]),
        # Interface names: _ . : uppercase and inner U+00A0 are fine for Multus.
        ("a@Eth_1.100:x", [{"name": "a", "interface": "Eth_1.100:x"}], ["pod"]),
        ("a@e\xa0h", [{"name": "a", "interface": "e\xa0h"}], ["pod"]),
        # 15 bytes are allowed, counted in bytes.
        ("a@abcdefghijklmno", [{"name": "a", "interface": "abcdefghijklmno"}], ["pod"]),
        ("a@" + "\xe4" * 7, [{"name": "a", "interface": "\xe4" * 7}], ["pod"]),  # 7 runes, 14 bytes
    ],
)
def test_short_form(value: str, expected: list[dict[str, Any]], namespaces: list[str]) -> None:
    parsed = parse_networks(value, "pod")
    assert canon(parsed) == expected
    assert [p.namespace for p in parsed] == namespaces
    assert all(p.form == "short" and p.ignored_keys == () for p in parsed)


def test_short_form_interface_property() -> None:
    assert one("ns/a@net7").interface == "net7"
    assert one("a").interface is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "a/b/c",
            "parsePodNetworkAnnotation: parsePodNetworkObjectName: Invalid network object (failed at '/'): "
            'element 1 "a/b/c": more than one "/"',
        ),
        (
            "x, a@b@c",
            "parsePodNetworkAnnotation: parsePodNetworkObjectName: Invalid network object (failed at '@'): "
            'element 2 "a@b@c": more than one "@"',
        ),
        (
            "Net1",
            REGEX_ERR + '\'Net1\': element 1 "Net1": the network name "Net1" is not a DNS-1123 label '
            "(lower-case letters, digits and '-', starting and ending with a letter or digit)",
        ),
        # "/" is split first, so it never reaches the interface check.
        (
            "a@eth/1",
            REGEX_ERR + '\'a@eth\': element 1 "a@eth/1": the namespace "a@eth" is not a DNS-1123 label '
            "(lower-case letters, digits and '-', starting and ending with a letter or digit)",
        ),
        (
            "a@abcdefghijklmnop",
            IFNAME_ERR + "'abcdefghijklmnop': element 1 \"a@abcdefghijklmnop\": the interface name "
            '"abcdefghijklmnop" is 16 bytes long, at most 15 allowed',
        ),
        (
            "a@" + UMLAUTS_16_BYTES,  # 8 runes, 16 bytes
            IFNAME_ERR + f"'{UMLAUTS_16_BYTES}': element 1 \"a@{UMLAUTS_16_BYTES}\": the interface name "
            f'"{UMLAUTS_16_BYTES}" is 16 bytes long, at most 15 allowed',
        ),
        (
            "a@e h",
            IFNAME_ERR + '\'e h\': element 1 "a@e h": the interface name "e h" contains whitespace',
        ),
    ],
)
def test_short_form_errors(value: str, message: str) -> None:
    assert error(value).message == message


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("ns@x/a", "ns@x"),  # "@" in the namespace part is not special
        ("Other_NS/a", "Other_NS"),
        ("a.b", "a.b"),  # dots only through the JSON form
        ("-a", "-a"),
        ("a-", "a-"),
        ("a;b", "a;b"),  # only "," separates
        ("a b", "a b"),
        ("\x1ca", "\x1ca"),  # Go's TrimSpace keeps \x1c-\x1f (Python's strip() would not)
        ("a\x1f", "a\x1f"),
        ("\u200ba", "\u200ba"),  # zero-width space is not whitespace
    ],
)
def test_short_form_dns_label_rule(value: str, token: str) -> None:
    assert error(value).message.startswith(REGEX_ERR + f"'{token}': element 1 ")


def test_short_form_uppercase_name_hints_at_json_form() -> None:
    assert (
        error("NET").hint
        == 'a name that is not a DNS-1123 label can only be written in the JSON form: [{"name": ...}]'
    )


@pytest.mark.parametrize(
    ("value", "index"),
    [
        ("a,,b", 2),
        ("a,", 2),
        (",", 1),
        (",a", 1),
        ("ns/", 1),
        ("@eth1", 1),
        ("a, \t ,b", 2),
        ("/", 1),
    ],
)
def test_short_form_empty_name_is_rejected(value: str, index: int) -> None:
    err = error(value)
    assert err.message == f"element {index} {EMPTY_NAME}"
    assert err.hint == "remove the empty item (a doubled, leading or trailing comma, or a blank value?)"


def test_short_form_syntax_errors_come_before_empty_names() -> None:
    # Multus fails on element 3 itself; the tool's own rule (element 1) only applies when Multus accepts.
    assert error(",a,B").message.startswith(REGEX_ERR + "'B': element 3 ")


# ----------------------------------------------------------------------------------------------------
# JSON form: shape, keys, duplicates, null


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('[{"name":"a"}]', {"name": "a"}),
        ('[{"NAME":"a"}]', {"name": "a"}),  # keys match case-insensitively
        (
            '[{"nAmE":"a","NameSpace":"ns","INTERFACE":"eth1"}]',
            {"name": "a", "namespace": "ns", "interface": "eth1"},
        ),
        ('[{"name":"a","Name":"b"}]', {"name": "b"}),  # the last duplicate wins, case variants included
        ('[{"Name":"b","name":"a"}]', {"name": "a"}),
        # No validation or trimming of name/namespace/interface in the JSON form.
        (
            '[{"name":"A.b","namespace":"Other_NS","interface":" a very long ifname "}]',
            {"name": "A.b", "namespace": "Other_NS", "interface": " a very long ifname "},
        ),
        ('[{"name":"ns/a"}]', {"name": "ns/a"}),
        ('[{"name":" a "}]', {"name": " a "}),
        # Go's key folding maps the long s and the dotted/dotless I onto ASCII ...
        ('[{"name":"a","ip\\u017f":["1.1.1.1"]}]', {"name": "a", "ips": ["1.1.1.1"]}),
        ('[{"name":"a","\\u0130PS":["1.1.1.1"]}]', {"name": "a", "ips": ["1.1.1.1"]}),
        ('[{"name":"a","\\u0131ps":["1.1.1.1"]}]', {"name": "a", "ips": ["1.1.1.1"]}),
        # ... but not the "fi" ligature, which full case folding (str.casefold) would.
        ('[{"name":"a","in\\ufb01niband-guid":"x"}]', {"name": "a", "in\ufb01niband-guid": "x"}),
        # A lone surrogate escape decodes to U+FFFD, as in Go.
        ('[{"name":"a\\ud800b"}]', {"name": "a\ufffdb"}),
        ('[{"name":"\\ud83d\\ude00"}]', {"name": "\U0001f600"}),
        ('[{"name":"\u00e4"}]', {"name": "\u00e4"}),
    ],
)
def test_json_keys(value: str, expected: dict[str, Any]) -> None:
    parsed = one(value)
    assert parsed.element.canonical() == expected
    assert parsed.form == "json"


def test_json_multiple_elements_keep_order_and_duplicates() -> None:
    parsed = parse_networks('[{"name":"b"},{"name":"a","namespace":"x"},{"name":"b"}]', "pod")
    assert canon(parsed) == [{"name": "b"}, {"name": "a", "namespace": "x"}, {"name": "b"}]
    assert [p.namespace for p in parsed] == ["pod", "x", "pod"]


@pytest.mark.parametrize(
    ("value", "expected", "namespace"),
    [
        ('[{"name":"a","namespace":""}]', {"name": "a"}, "pod"),
        ('[{"name":"a","namespace":null}]', {"name": "a"}, "pod"),
        ('[{"name":"a","namespace":"x"}]', {"name": "a", "namespace": "x"}, "x"),
    ],
)
def test_json_namespace_defaults_to_pod_namespace(
    value: str, expected: dict[str, Any], namespace: str
) -> None:
    parsed = one(value)
    assert parsed.element.canonical() == expected
    assert parsed.element.namespace == expected.get("namespace")
    assert parsed.namespace == namespace


@pytest.mark.parametrize(
    ("value", "interface", "ignored"),
    [
        ('[{"name":"a","interfaceRequest":"net5"}]', "net5", ()),
        ('[{"name":"a","interface":"","interfaceRequest":"net5"}]', "net5", ()),
        ('[{"name":"a","interface":null,"InterfaceRequest":"net5"}]', "net5", ()),
        ('[{"name":"a","interface":"eth1","interfaceRequest":"net5"}]', "eth1", ("interfaceRequest",)),
        ('[{"name":"a","interfaceRequest":"net5","interface":"eth1"}]', "eth1", ("interfaceRequest",)),
        ('[{"name":"a","interface":"eth1","interfaceRequest":""}]', "eth1", ()),
        ('[{"name":"a","interface":"","interfaceRequest":""}]', None, ()),
    ],
)
def test_interface_request_is_the_fallback_for_interface(
    value: str, interface: str | None, ignored: tuple[str, ...]
) -> None:
    parsed = one(value)
    assert parsed.interface == interface
    assert "interfaceRequest" not in parsed.element.canonical()
    assert parsed.ignored_keys == ignored


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # JSON null for a field = absent ...
        (
            '[{"name":"a","ips":null,"mac":null,"cni-args":null,"default-route":null,"portMappings":null,'
            '"bandwidth":null,"deviceID":null,"infiniband-guid":null,"ipam-claim-reference":null}]',
            {"name": "a"},
        ),
        # ... and for slices, maps and pointers a later null resets an earlier value (Go sets them to nil) ...
        ('[{"name":"a","ips":["1.1.1.1"],"IPS":null}]', {"name": "a"}),
        ('[{"name":"a","cni-args":{"x":1},"cni-args":null}]', {"name": "a"}),
        # ... while a null into a string leaves the earlier value (Go's null into a string is a no-op).
        ('[{"name":"a","interface":"eth1","interface":null}]', {"name": "a", "interface": "eth1"}),
        ('[{"name":"a","name":null}]', {"name": "a"}),
        # [] and {} are not absent.
        ('[{"name":"a","ips":[]}]', {"name": "a", "ips": []}),
        ('[{"name":"a","default-route":[]}]', {"name": "a", "default-route": []}),
        ('[{"name":"a","cni-args":{}}]', {"name": "a", "cni-args": {}}),
        ('[{"name":"a","portMappings":[]}]', {"name": "a", "portMappings": []}),
        ('[{"name":"a","bandwidth":{}}]', {"name": "a", "bandwidth": {}}),
        # Strings other than namespace and interface are kept as given, even "".
        ('[{"name":"a","mac":"","deviceID":""}]', {"name": "a", "mac": "", "deviceID": ""}),
    ],
)
def test_null_absent_and_empty_stay_distinct(value: str, expected: dict[str, Any]) -> None:
    assert one(value).element.canonical() == expected


def test_absent_and_empty_are_distinct_in_the_model() -> None:
    absent = one('[{"name":"a"}]').element
    empty = one('[{"name":"a","ips":[],"default-route":[],"cni-args":{},"portMappings":[]}]').element
    assert absent.ips is None and empty.ips == []
    assert absent.default_route is None and empty.default_route == []
    assert absent.cni_args is None and empty.cni_args == {}
    assert absent.portMappings is None and empty.portMappings == []
    assert "ips" not in absent.model_fields_set and "ips" in empty.model_fields_set


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Go decodes a repeated key into what is already there: maps and structs merge ...
        ('[{"name":"a","cni-args":{"x":1,"y":1},"cni-args":{"y":2}}]', {"x": 1, "y": 2}),
        (
            '[{"name":"a","bandwidth":{"ingressRate":1},"Bandwidth":{"egressRate":2}}]',
            {"ingressRate": 1, "egressRate": 2},
        ),
        # ... slice items that are pointers too, and a null string item keeps the earlier string.
        (
            '[{"name":"a","portMappings":[{"hostPort":1}],"portMappings":[{"containerPort":2}]}]',
            [{"hostPort": 1, "containerPort": 2}],
        ),
        ('[{"name":"a","ips":["1.1.1.1","2.2.2.2"],"ips":[null]}]', ["1.1.1.1"]),
        ('[{"name":"a","ips":["1.1.1.1","2.2.2.2"],"ips":["3.3.3.3"]}]', ["3.3.3.3"]),
        ('[{"name":"a","default-route":["1.1.1.1"],"default-route":["::1"]}]', ["::1"]),
    ],
)
def test_repeated_structured_keys_follow_go(value: str, expected: Any) -> None:
    canonical = one(value).element.canonical()
    assert [v for k, v in canonical.items() if k != "name"] == [expected]


def test_cni_args_keep_json_values_exactly() -> None:
    value = (
        '[{"name":"a","cni-args":{"s":"x","i":12345678901234567890,"f":1.5,"n":null,"b":true,'
        '"l":[1,{"k":[]}],"d":1,"d":2}}]'
    )
    assert one(value).element.cni_args == {
        "s": "x",
        "i": 12345678901234567890,
        "f": 1.5,
        "n": None,
        "b": True,
        "l": [1, {"k": []}],
        "d": 2,
    }


def test_port_mappings_and_bandwidth_keys_match_case_insensitively() -> None:
    parsed = one(
        '[{"name":"a","portMappings":[{"HOSTPORT":80,"containerport":8080,"Protocol":"tcp","hostip":"1.2.3.4"}],'
        '"bandwidth":{"INGRESSRATE":1,"ingressburst":2,"EgressRate":3,"egressBURST":4}}]'
    )
    assert parsed.element.canonical() == {
        "name": "a",
        "portMappings": [{"hostPort": 80, "containerPort": 8080, "protocol": "tcp", "hostIP": "1.2.3.4"}],
        "bandwidth": {"ingressRate": 1, "ingressBurst": 2, "egressRate": 3, "egressBurst": 4},
    }
    assert parsed.ignored_keys == ()


def test_int64_bounds_and_negative_zero() -> None:
    parsed = one(
        '[{"name":"a","portMappings":[{"hostPort":9223372036854775807,"containerPort":-9223372036854775808}],'
        '"bandwidth":{"ingressRate":-0}}]'
    )
    assert parsed.element.canonical()["portMappings"] == [
        {"hostPort": 9223372036854775807, "containerPort": -9223372036854775808}
    ]
    assert parsed.element.canonical()["bandwidth"] == {"ingressRate": 0}


# ----------------------------------------------------------------------------------------------------
# JSON form: keys Multus ignores are carried


def test_ipam_claim_reference_is_carried_and_reported() -> None:
    parsed = one('[{"name":"a","IPAM-Claim-Reference":"claim-1"}]')
    assert parsed.element.canonical() == {"name": "a", "ipam-claim-reference": "claim-1"}
    assert parsed.element.ipam_claim_reference == "claim-1"
    assert parsed.ignored_keys == ("ipam-claim-reference",)


def test_extension_key_is_carried_and_not_reported() -> None:
    parsed = one('[{"name":"a","org.example.x":{"k":[1,null]},"org.example.y":null}]')
    assert parsed.element.canonical() == {
        "name": "a",
        "org.example.x": {"k": [1, None]},
        "org.example.y": None,
    }
    assert parsed.ignored_keys == ()


def test_misspelled_key_is_carried_and_reported() -> None:
    parsed = one('[{"name":"a","interfac":"eth1","Org.Example.X":1,"interfac":"eth2","cni_args":{"q":1}}]')
    assert parsed.element.canonical() == {
        "name": "a",
        "interfac": "eth2",
        "Org.Example.X": 1,
        "cni_args": {"q": 1},
    }
    # An unknown key spelled like a Python field name stays an unknown key.
    assert parsed.element.cni_args is None
    assert parsed.interface is None
    assert parsed.ignored_keys == ("interfac", "cni_args")


def test_unknown_nested_keys_are_carried_and_reported() -> None:
    parsed = one(
        '[{"name":"a","portMappings":[{"hostPort":1,"host_port":2}],"bandwidth":{"rate":3,"x.y":4}}]'
    )
    assert parsed.element.canonical() == {
        "name": "a",
        "portMappings": [{"hostPort": 1, "host_port": 2}],
        "bandwidth": {"rate": 3, "x.y": 4},
    }
    assert parsed.ignored_keys == ("portMappings.host_port", "bandwidth.rate", "bandwidth.x.y")


def test_ignored_keys_order() -> None:
    parsed = one(
        '[{"ipam-claim-reference":"c","name":"a","zz":1,"interface":"e","interfaceRequest":"f","aa":2}]'
    )
    assert parsed.ignored_keys == ("zz", "aa", "interfaceRequest", "ipam-claim-reference")


# ----------------------------------------------------------------------------------------------------
# JSON form: errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '{"name":"a"}',
            JSON_ERR + "json: cannot unmarshal object into Go value of type []*types.NetworkSelectionElement "
            '(the value is {"name":"a"})',
        ),
        (
            '"a"',
            JSON_ERR + "json: cannot unmarshal string into Go value of type []*types.NetworkSelectionElement "
            '(the value is "a")',
        ),
        (
            '[{"name":"a"},1]',
            JSON_ERR + "json: cannot unmarshal number into Go value of type types.NetworkSelectionElement "
            "(element 2 is 1)",
        ),
        (
            '[{"name":1}]',
            JSON_ERR
            + "json: cannot unmarshal number into Go struct field NetworkSelectionElement.name of type "
            'string (element 1: "name" is 1)',
        ),
        (
            '[{"name":"a","ips":"1.1.1.1"}]',
            JSON_ERR
            + "json: cannot unmarshal string into Go struct field NetworkSelectionElement.ips of type "
            '[]string (element 1: "ips" is "1.1.1.1")',
        ),
        (
            '[{"name":"a","ips":[1]}]',
            JSON_ERR
            + "json: cannot unmarshal number into Go struct field NetworkSelectionElement.ips of type "
            'string (element 1: "ips" is 1)',
        ),
        (
            '[{"name":"a","portMappings":[{"hostPort":1.5}]}]',
            JSON_ERR
            + "json: cannot unmarshal number 1.5 into Go struct field PortMapEntry.portMappings.hostPort "
            'of type int (element 1: "portMappings.hostPort" is 1.5)',
        ),
        (
            '[{"name":"a","portMappings":[{"hostport":1e2}]}]',
            JSON_ERR
            + "json: cannot unmarshal number 1e2 into Go struct field PortMapEntry.portMappings.hostPort "
            'of type int (element 1: "portMappings.hostPort" is 1e2)',
        ),
        (
            '[{"name":"a","portMappings":[{"containerPort":9223372036854775808}]}]',
            JSON_ERR + "json: cannot unmarshal number 9223372036854775808 into Go struct field "
            "PortMapEntry.portMappings.containerPort of type int "
            '(element 1: "portMappings.containerPort" is 9223372036854775808)',
        ),
        (
            '[{"name":"a","portMappings":[{"hostPort":"80"}]}]',
            JSON_ERR
            + "json: cannot unmarshal string into Go struct field PortMapEntry.portMappings.hostPort of "
            'type int (element 1: "portMappings.hostPort" is "80")',
        ),
        (
            '[{"name":"a","portMappings":[1]}]',
            JSON_ERR
            + "json: cannot unmarshal number into Go struct field NetworkSelectionElement.portMappings of "
            'type types.PortMapEntry (element 1: "portMappings" is 1)',
        ),
        (
            '[{"name":"a","portMappings":{}}]',
            JSON_ERR
            + "json: cannot unmarshal object into Go struct field NetworkSelectionElement.portMappings of "
            'type []*types.PortMapEntry (element 1: "portMappings" is {})',
        ),
        (
            '[{"name":"a","bandwidth":{"ingressRate":true}}]',
            JSON_ERR
            + "json: cannot unmarshal bool into Go struct field BandwidthEntry.bandwidth.ingressRate of "
            'type int (element 1: "bandwidth.ingressRate" is true)',
        ),
        (
            '[{"name":"a","bandwidth":[]}]',
            JSON_ERR
            + "json: cannot unmarshal array into Go struct field NetworkSelectionElement.bandwidth of type "
            'types.BandwidthEntry (element 1: "bandwidth" is [])',
        ),
        (
            '[{"name":"a","cni-args":[]}]',
            JSON_ERR
            + "json: cannot unmarshal array into Go struct field NetworkSelectionElement.cni-args of type "
            'map[string]interface {} (element 1: "cni-args" is [])',
        ),
        (
            # Every number in cni-args must fit Go's float64; Go's field path stops at the map.
            '[{"name":"a","cni-args":{"x":{"y":[1e400]}}}]',
            JSON_ERR
            + "json: cannot unmarshal number 1e400 into Go struct field NetworkSelectionElement.cni-args "
            'of type float64 (element 1: "cni-args" is 1e400)',
        ),
        (
            '[{"name":"a","default-route":"1.1.1.1"}]',
            JSON_ERR
            + "json: cannot unmarshal string into Go struct field NetworkSelectionElement.default-route of "
            'type []net.IP (element 1: "default-route" is "1.1.1.1")',
        ),
        (
            '[{"name":"a","default-route":[1]}]',
            JSON_ERR
            + "json: cannot unmarshal number into Go struct field NetworkSelectionElement.default-route of "
            'type net.IP (element 1: "default-route" is 1)',
        ),
        (
            '[{"name":"a","mac":false}]',
            JSON_ERR
            + "json: cannot unmarshal bool into Go struct field NetworkSelectionElement.mac of type string "
            '(element 1: "mac" is false)',
        ),
        # default-route items must be bare IPs: CIDRs, zones and leading zeros are refused.
        (
            '[{"name":"a","default-route":["10.0.0.1/24"]}]',
            JSON_ERR + 'invalid IP address: 10.0.0.1/24 (element 1: "default-route" is "10.0.0.1/24")',
        ),
        (
            '[{"name":"a","default-route":["fe80::1%eth0"]}]',
            JSON_ERR + 'invalid IP address: fe80::1%eth0 (element 1: "default-route" is "fe80::1%eth0")',
        ),
        (
            '[{"name":"a","default-route":["010.0.0.1"]}]',
            JSON_ERR + 'invalid IP address: 010.0.0.1 (element 1: "default-route" is "010.0.0.1")',
        ),
        ("[NaN]", JSON_ERR + "invalid character 'N' looking for beginning of value (NaN is not JSON)"),
        (
            '[{"name":"a","x":Infinity}]',
            JSON_ERR + "invalid character 'I' looking for beginning of value (Infinity is not JSON)",
        ),
        ('[{"name":"a"},]', JSON_ERR + "invalid JSON: Expecting value at line 1 column 15"),
        ('[{"name":"a"}] x', JSON_ERR + "invalid JSON: Extra data at line 1 column 16"),
    ],
)
def test_json_errors(value: str, message: str) -> None:
    assert error(value).message == message


def test_single_object_hints_at_the_array() -> None:
    assert error('{"name":"a"}').hint == 'the JSON form is an array of objects: [{"name": "..."}]'


def test_go_error_precedence() -> None:
    # Go saves the first type error and decodes on ...
    assert "NetworkSelectionElement.name of type string" in error('[{"name":1,"namespace":2}]').message
    assert "element 1" in error('[{"name":1},{"name":2}]').message
    # ... but net.IP's UnmarshalText error stops it at once and wins, even after a saved type error.
    assert error('[{"name":1},{"name":"a","default-route":["x"]}]').message == (
        JSON_ERR + 'invalid IP address: x (element 2: "default-route" is "x")'
    )


def test_deep_nesting_is_an_annotation_error() -> None:
    assert error("[" * 100_000).message.startswith(JSON_ERR + "invalid JSON")
    assert error('[{"name":"a","org.x":' + "[" * 5000 + "]" * 5000 + "}]").message.startswith(JSON_ERR)


@pytest.mark.parametrize("value", ["[null]", '[{"name":"a"},null]', " [ null ] "])
def test_null_element_is_rejected(value: str) -> None:
    err = error(value)
    index = 2 if "a" in value else 1
    assert err.message == f"element {index} is null: Multus crashes on it (nil pointer dereference)"
    assert err.hint == "remove the null from the array"


@pytest.mark.parametrize(
    ("value", "index"),
    [('[{"namespace":"x"}]', 1), ('[{"name":"a"},{"name":""}]', 2), ('[{"name":null}]', 1), ("[{}]", 1)],
)
def test_json_empty_name_is_rejected(value: str, index: int) -> None:
    assert error(value).message == (
        f'element {index} has no "name" (or an empty one): Multus accepts it, but no '
        "NetworkAttachmentDefinition has an empty name, so the pod could never start"
    )


def test_multus_errors_come_before_the_tools_own() -> None:
    assert error('[{}, {"name":"a","mac":"zz"}]').message.startswith(
        "parsePodNetworkAnnotation: failed to mac: address zz: invalid MAC address (element 2"
    )
    assert error('[{"name":"a","ipam-claim-reference":1,"ips":"x"}]').message.startswith(JSON_ERR)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '[{"name":"a","default-route":["1.1.1.1",null]}]',
            'element 1: "default-route" item 2 is null or "": Multus reads it as no address at all '
            "(a nil IP), which can never be a gateway",
        ),
        (
            '[{"name":"a","default-route":[""]}]',
            'element 1: "default-route" item 1 is null or "": Multus reads it as no address at all '
            "(a nil IP), which can never be a gateway",
        ),
        (
            '[{"name":"a","portMappings":[null]}]',
            'element 1: "portMappings" item 1 is null: Multus would hand the CNI plugins a port mapping '
            "without ports, which can never work",
        ),
        (
            '[{"name":"a","ipam-claim-reference":5}]',
            'element 1: "ipam-claim-reference": "ipam-claim-reference" must be a string, not number '
            "(Multus ignores the key, but the multi-network spec and the NetworkAttachmentDefinition client "
            "type make it a string)",
        ),
        (
            '[{"name":"a","org.x":[1e400]}]',
            'element 1: "org.x": the number 1e400 is out of range of a float64 and cannot be carried',
        ),
    ],
)
def test_values_that_cannot_work_or_be_carried(value: str, message: str) -> None:
    assert error(value).message == message


# ----------------------------------------------------------------------------------------------------
# Post-processing: mac, infiniband-guid, ips


@pytest.mark.parametrize(
    "mac",
    [
        "02:00:00:00:00:01",
        "02-00-00-00-00-0A",
        "0200.0000.00fF",
        "02:00:00:00:00:00:00:01",  # 8 bytes
        ":".join(["ff"] * 20),  # 20 bytes
        "0000.0000.0000.0000.0000.0000.0000.0000.0000.0000",
    ],
)
def test_valid_mac_and_guid(mac: str) -> None:
    parsed = one(json.dumps([{"name": "a", "mac": mac, "infiniband-guid": mac}]))
    assert parsed.element.mac == mac
    assert parsed.element.infiniband_guid == mac


@pytest.mark.parametrize(
    "mac",
    [
        "zz",
        "02:00:00:00:00",
        "02:00:00:00:00:01:02",
        "02:00-00:00:00:01",
        "02:00:00:00:00:1",
        " 02:00:00:00:00:01",
        "0200.0000.001",
        "0200.0000",
        "02:00:00:00:00:0g",
        "02.00.00.00.00.01",
    ],
)
def test_invalid_mac(mac: str) -> None:
    err = error(json.dumps([{"name": "a", "mac": mac}]))
    assert err.message == (
        f"parsePodNetworkAnnotation: failed to mac: address {mac}: invalid MAC address "
        f'(element 1: "mac" is {json.dumps(mac)})'
    )


def test_invalid_infiniband_guid() -> None:
    assert error('[{"name":"a","infiniband-guid":"x"}]').message == (
        "parsePodNetworkAnnotation: failed to validate infiniband GUID: address x: invalid MAC address "
        '(element 1: "infiniband-guid" is "x")'
    )


@pytest.mark.parametrize(
    "ip",
    [
        "10.1.1.1",
        "0.0.0.0",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "2001:DB8::ffff",
        "::ffff:1.2.3.4",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:1.2.3.4",
        "0001::",
        "10.0.0.0/8",
        "10.0.0.1/32",
        "10.0.0.1/024",
        "::/0",
        "2001:db8::/128",
    ],
)
def test_valid_ips(ip: str) -> None:
    assert one(json.dumps([{"name": "a", "ips": [ip]}])).element.ips == [ip]


@pytest.mark.parametrize(
    "ip",
    [
        "010.1.1.1",
        "1.1.1.01",
        "1.1.1",
        "1.1.1.1.1",
        "256.1.1.1",
        "1..1.1",
        " 1.1.1.1",
        "1.1.1.1 ",
        "fe80::1%eth0",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "1:2:3:4:5:6:7:8::",
        "00000::1",
        "::1.2.3",
        "1.2.3.4::",
        "",
        "localhost",
        "\u0661.1.1.1",
    ],
)
def test_invalid_ip(ip: str) -> None:
    err = error(json.dumps([{"name": "a", "ips": ["10.0.0.1", ip]}], ensure_ascii=False))
    assert (
        err.message
        == f'failed to parse IP address {json.dumps(ip, ensure_ascii=False)} (element 1: in "ips")'
    )


def test_invalid_ip_hint() -> None:
    assert "leading zeros" in error('[{"name":"a","ips":["010.1.1.1"]}]').hint
    assert "zones" in error('[{"name":"a","ips":["fe80::1%eth0"]}]').hint


@pytest.mark.parametrize(
    "cidr",
    [
        "10.0.0.0/33",
        "::/129",
        "10.0.0.0/",
        "10.0.0.0/a",
        "10.0.0.0/+8",
        "10.0.0.0/8/8",
        "010.0.0.0/8",
        "fe80::1%eth0/64",
        "/8",
        "10.0.0.0/ 8",
    ],
)
def test_invalid_cidr(cidr: str) -> None:
    err = error(json.dumps([{"name": "a", "ips": [cidr]}]))
    assert (
        err.message
        == f'failed to parse CIDR {json.dumps(cidr)}: invalid CIDR address: {cidr} (element 1: in "ips")'
    )


def test_post_processing_checks_run_in_element_order() -> None:
    assert "element 1" in error('[{"name":"a","ips":["x"]},{"name":"b","mac":"y"}]').message


# ----------------------------------------------------------------------------------------------------
# v1.multus-cni.io/default-network


def test_default_network_namespace_defaults_to_multus_namespace() -> None:
    parsed = parse_default_network("a", "kube-system")
    assert parsed.element.canonical() == {"name": "a"}
    assert parsed.namespace == "kube-system"
    parsed = parse_default_network('[{"name":"a","interface":"eth0"}]', "multus")
    assert (parsed.namespace, parsed.interface, parsed.form) == ("multus", "eth0", "json")
    parsed = parse_default_network("x/a@eth9", "kube-system")
    assert parsed.element.canonical() == {"name": "a", "namespace": "x", "interface": "eth9"}
    assert parsed.namespace == "x"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "",
            "tryLoadK8sPodDefaultNetwork: failed to parse CRD object: parsePodNetworkAnnotation: pod "
            'annotation does not have "network" as key (the value is empty)',
        ),
        (
            "[]",
            'the default network annotation "[]" names no network: Multus crashes on it (index out of range)',
        ),
        ("a,b", "tryLoadK8sPodDefaultNetwork: more than one default network is specified: a,b (2 elements)"),
        (
            '[{"name":"a"},{"name":"b"}]',
            "tryLoadK8sPodDefaultNetwork: more than one default network is specified: "
            '[{"name":"a"},{"name":"b"}] (2 elements)',
        ),
        (
            "A",
            "tryLoadK8sPodDefaultNetwork: failed to parse CRD object: "
            + REGEX_ERR
            + '\'A\': element 1 "A": the network name "A" is not a DNS-1123 label (lower-case letters, '
            "digits and '-', starting and ending with a letter or digit)",
        ),
        (
            '{"name":"a"}',
            "tryLoadK8sPodDefaultNetwork: failed to parse CRD object: " + JSON_ERR + "json: cannot unmarshal "
            'object into Go value of type []*types.NetworkSelectionElement (the value is {"name":"a"})',
        ),
        (
            '[{"name":"a","ips":["x"]}]',
            'tryLoadK8sPodDefaultNetwork: failed to parse CRD object: failed to parse IP address "x" '
            '(element 1: in "ips")',
        ),
        ("[null]", "element 1 is null: Multus crashes on it (nil pointer dereference)"),
        (" ", f"element 1 {EMPTY_NAME}"),
    ],
)
def test_default_network_errors(value: str, message: str) -> None:
    with pytest.raises(AnnotationError) as info:
        parse_default_network(value, "kube-system")
    assert info.value.message == message


# ----------------------------------------------------------------------------------------------------
# Formatting


@pytest.mark.parametrize(
    ("fields", "safe"),
    [
        ({"name": "a"}, True),
        ({"name": "a", "namespace": "ns", "interface": "eth1"}, True),
        ({"name": "a", "namespace": None, "interface": None}, True),
        ({"name": "a", "interface": "Eth_1.100:x"}, True),
        ({"name": "a", "interface": "e\xa0h"}, True),
        ({"name": "a", "interface": "\xe4" * 7}, True),
        ({"name": "A"}, False),
        ({"name": "a.b"}, False),
        ({"name": ""}, False),
        ({"name": "a", "namespace": ""}, False),
        ({"name": "a", "namespace": "Ns"}, False),
        ({"name": "a", "interface": ""}, False),
        ({"name": "a", "interface": "abcdefghijklmnop"}, False),
        ({"name": "a", "interface": "\xe4" * 8}, False),
        ({"name": "a", "interface": "e h"}, False),
        ({"name": "a", "interface": "e,h"}, False),
        ({"name": "a", "interface": "e@h"}, False),
        ({"name": "a", "interface": "e/h"}, False),
        ({"name": "a", "interface": "e[h"}, False),
        ({"name": "a", "interface": "e{h"}, False),
        ({"name": "a", "interface": 'e"h'}, False),
        ({"name": "a", "interface": "\xa0eth"}, False),  # TrimSpace would take it off
        ({"name": "a", "interface": "eth\u3000"}, False),
        ({"name": "a", "ips": []}, False),
        ({"name": "a", "mac": "02:00:00:00:00:01"}, False),
        ({"name": "a", "cni-args": {}}, False),
        ({"name": "a", "ipam-claim-reference": "c"}, False),
        ({"name": "a", "org.example.x": 1}, False),
    ],
)
def test_is_short_safe(fields: dict[str, Any], safe: bool) -> None:
    assert is_short_safe(elem(**fields)) is safe


def test_format_short() -> None:
    elements = [
        elem(name="a", namespace="ns", interface="eth1"),
        elem(name="b"),
        elem(name="c", interface="net2"),
    ]
    assert format_short(elements) == "ns/a@eth1,b,c@net2"
    assert format_short([]) == ""


def test_format_short_refuses_unsafe_elements() -> None:
    with pytest.raises(ValueError, match=r'element 2 \(\{"name":"A"\}\) cannot be written in the short form'):
        format_short([elem(name="a"), elem(name="A")])


def test_format_json() -> None:
    elements = [
        one(
            '[{"name":"a","namespace":"ns","interfaceRequest":"eth1","ips":[],"org.x":{"k":"\u00e4"}}]'
        ).element,
        elem(name="b"),
    ]
    assert format_json(elements) == (
        '[{"name": "a", "namespace": "ns", "interface": "eth1", "ips": [], "org.x": {"k": "\u00e4"}}, '
        '{"name": "b"}]'
    )
    assert format_json([]) == "[]"


@pytest.mark.parametrize(
    ("elements", "style", "expected"),
    [
        ([elem(name="a"), elem(name="b", namespace="x")], "auto", "a,x/b"),
        ([elem(name="a"), elem(name="B")], "auto", '[{"name": "a"}, {"name": "B"}]'),
        (
            [elem(name="a"), elem(name="b", ips=["1.1.1.1"])],
            "auto",
            '[{"name": "a"}, {"name": "b", "ips": ["1.1.1.1"]}]',
        ),
        ([], "auto", "[]"),
        ([elem(name="a")], "short", "a"),
        ([elem(name="a")], "json", '[{"name": "a"}]'),
    ],
)
def test_format_annotation(elements: list[SelectionElement], style: Any, expected: str) -> None:
    assert format_annotation(elements, style) == expected


def test_format_annotation_short_refuses_unsafe() -> None:
    with pytest.raises(ValueError, match="cannot be written in the short form"):
        format_annotation([elem(name="a", mac="02:00:00:00:00:01")], "short")


@pytest.mark.parametrize(
    "value",
    [
        "ns/a@eth1,b",
        '[{"name":"A.b","namespace":"ns","interface":"a long interface name"}]',
        '[{"name":"a","ips":["10.0.0.1/24"],"mac":"02:00:00:00:00:01","default-route":[],"cni-args":{"x":[1]},'
        '"portMappings":[{"hostPort":1,"x":2}],"bandwidth":{"egressRate":1},"deviceID":"d","ipam-claim-reference":"c",'
        '"org.example.k":null,"infiniband-guid":"0200.0000.0001.0000"}]',
    ],
)
def test_parse_format_parse_round_trip(value: str) -> None:
    first = parse_networks(value, "pod")
    again = parse_networks(format_annotation([p.element for p in first], "auto"), "pod")
    assert canon(again) == canon(first)
    assert [p.namespace for p in again] == [p.namespace for p in first]
