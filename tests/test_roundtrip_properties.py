"""Property tests of the round trip (SPEC §5): generated NADs and workloads with arbitrary valid elements.

* multus -> native -> multus and native -> multus -> native give semantically equal files;
* converting twice equals converting once, in both directions.

The generator stays inside what the forward conversion accepts (unique networks and interfaces per pod, one
default-route owner per family) and, for a name template without ``{namespace}``, keeps the NAD of every
element in another namespace in the file: otherwise the PodNetwork name cannot say the namespace, which is
the one documented loss (tests/test_roundtrip_corpus.py lists where the corpus hits it).
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet_convert.model import Finding, SelectionElement, Severity
from k8snet_convert.model.codec import format_annotation, is_short_safe
from k8snet_convert.options import AttachmentParams, Options, Profile, Target
from k8snet_convert.roundtrip import convert_text, round_trip

PROPERTY_SETTINGS = settings(max_examples=120, deadline=None)

NAMESPACES = ("lab", "shop", "infra")
NAD_NAMES = ("net-a", "net-b", "data", "sriov", "mgmt")
INTERFACES = ("d0", "m0", "fast0", "x9")
MULTUS_NAMESPACE = "kube-system"

V4 = st.ip_addresses(v=4).map(str)
V6 = st.ip_addresses(v=6).filter(lambda a: a.ipv4_mapped is None).map(str)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    address = ipaddress.ip_address(draw(V4 | V6))
    if draw(st.booleans()):
        return f"{address}/{draw(st.integers(1, address.max_prefixlen))}"
    return str(address)


# Control characters are left out: the forward writer emits DEL and C1 controls raw into YAML, which does not
# parse (test_reverse.py::test_forward_control_characters shows it; reported to the lead).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8)
JSON_SCALARS = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | TEXT
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
PORT_MAPPING = st.fixed_dictionaries(
    {"hostPort": st.integers(1, 65535), "containerPort": st.integers(1, 65535)},
    optional={"protocol": st.sampled_from(["tcp", "udp", "sctp"]), "hostIP": V4},
)
BANDWIDTH = st.fixed_dictionaries(
    {},
    optional={k: st.integers(0, 2**40) for k in ("ingressRate", "ingressBurst", "egressRate", "egressBurst")},
)


@dataclass
class Case:
    text: str
    options: Options


@st.composite
def parameters(draw: st.DrawFn) -> dict[str, Any]:
    """The keys PodNetwork cannot say (default-route apart), each absent, empty or set."""
    params: dict[str, Any] = {}
    if draw(st.booleans()):
        params["ips"] = draw(st.lists(addresses(), max_size=2))
    if draw(st.booleans()):
        params["mac"] = f"02:00:00:00:00:{draw(st.integers(0, 255)):02x}"
    if draw(st.booleans()):
        params["cni-args"] = draw(st.dictionaries(TEXT, JSON_VALUES, max_size=3))
    if draw(st.booleans()):
        params["portMappings"] = draw(st.lists(PORT_MAPPING, max_size=2))
    if draw(st.booleans()):
        params["bandwidth"] = draw(BANDWIDTH)
    if draw(st.booleans()):
        params["deviceID"] = "0000:3b:02.1"
    if draw(st.booleans()):
        params["org.example.tenant"] = draw(TEXT)
    return params


def nad(namespace: str, name: str, families: tuple[int, ...]) -> str:
    ranges = [[{"subnet": "10.1.0.0/16" if f == 4 else "fd00:1::/64"}] for f in families]
    config = {"cniVersion": "1.0.0", "name": name, "type": "macvlan", "ipam": {"type": "host-local"}}
    config["ipam"]["ranges"] = ranges
    return (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        f"metadata:\n  name: {name}\n  namespace: {namespace}\n"
        f"spec:\n  config: '{json.dumps(config)}'\n"
    )


@st.composite
def cases(draw: st.DrawFn, profile: Profile = Profile.KEP_3698) -> Case:
    template = draw(st.sampled_from(["{name}", "{namespace}.{name}"]))
    pod_ns = draw(st.sampled_from((*NAMESPACES, None)))
    resolved_pod_ns = pod_ns or "default"
    names = draw(st.lists(st.sampled_from(NAD_NAMES), min_size=1, max_size=4, unique=True))
    default_network = draw(st.booleans())
    secondary = names[1:] if default_network else names
    free_interfaces = list(INTERFACES)
    elements: list[dict[str, Any]] = []
    route_owner = draw(st.integers(-1, len(secondary) - 1))
    nads: list[str] = []
    for k, name in enumerate(secondary, start=1):
        element: dict[str, Any] = {"name": name}
        namespace = draw(st.sampled_from((None, *NAMESPACES)))
        if namespace is not None:
            element["namespace"] = namespace
        choice = draw(st.sampled_from(["implicit", "own", "named"]))
        if choice == "own":
            element["interface"] = f"net{k}"  # Multus's own name, written out
        elif choice == "named":
            element["interface"] = free_interfaces.pop(draw(st.integers(0, len(free_interfaces) - 1)))
        element.update(draw(parameters()))
        families = draw(st.sampled_from([(4,), (4, 6), (6,)]))
        in_file = draw(st.booleans())
        if k - 1 == route_owner:
            if profile is Profile.KEP_3698_REV2:
                # rev2 has one flag: the route must claim both families (else gateway-split)
                routes = draw(st.sampled_from([[], ["10.1.0.1", "fd00:1::1"]]))
                if routes == []:
                    families = (4, 6)
            else:
                routes = draw(st.sampled_from([[], ["10.1.0.1"], ["fd00:1::1"], ["10.1.0.1", "fd00:1::1"]]))
            element["default-route"] = routes
        resolved = namespace or resolved_pod_ns
        if in_file or (template == "{name}" and resolved != resolved_pod_ns):
            nads.append(nad(resolved, name, families))
        elements.append(element)
    annotations: dict[str, str] = {}
    if default_network:
        primary: dict[str, Any] = {"name": names[0]}
        namespace = draw(st.sampled_from((None, *NAMESPACES)))
        if namespace is not None:
            primary["namespace"] = namespace
        if draw(st.booleans()):
            primary["interface"] = draw(st.sampled_from(["eth0", "eth9"]))
        if draw(st.booleans()):
            primary["ips"] = draw(st.lists(addresses(), max_size=1))
        resolved = namespace or MULTUS_NAMESPACE
        if draw(st.booleans()) or (template == "{name}" and resolved != MULTUS_NAMESPACE):
            nads.append(nad(resolved, names[0], (4, 6)))
        annotations["v1.multus-cni.io/default-network"] = _annotation([primary], draw)
    if elements or draw(st.booleans()):
        annotations["k8s.v1.cni.cncf.io/networks"] = _annotation(elements, draw)
    workload = _workload(draw(st.sampled_from(["Pod", "Deployment"])), pod_ns, annotations)
    documents = [*nads, workload]
    order = draw(st.permutations(range(len(documents))))
    text = "---\n".join(documents[i] for i in order)
    options = Options(
        profile=profile,
        name_template=template,
        attachment_params=draw(st.sampled_from([AttachmentParams.CONFIGMAP, AttachmentParams.ANNOTATION])),
        implicit_interfaces=draw(st.booleans()),
        multus_namespace=MULTUS_NAMESPACE,
    )
    return Case(text, options)


def _annotation(elements: list[dict[str, Any]], draw: st.DrawFn) -> str:
    models = [SelectionElement.model_validate(e) for e in elements]
    if models and all(is_short_safe(m) for m in models) and draw(st.booleans()):
        return format_annotation(models, "short")
    return json.dumps(elements)


def _workload(kind: str, namespace: str | None, annotations: dict[str, str]) -> str:
    ns = f"  namespace: {namespace}\n" if namespace else ""

    def metadata(indent: str) -> str:
        if not annotations:
            return ""
        pairs = "".join(f"{indent}  {key}: {json.dumps(value)}\n" for key, value in annotations.items())
        return f"{indent}annotations:\n{pairs}"

    if kind == "Pod":
        return (
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n{ns}{metadata('  ')}"
            "spec:\n  containers:\n  - name: c\n    image: busybox\n"
        )
    template_metadata = f"    metadata:\n{metadata('      ')}" if annotations else ""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n{ns}spec:\n  template:\n"
        f"{template_metadata}    spec:\n      containers:\n      - name: c\n        image: busybox\n"
    )


def errors(findings: list[Finding]) -> list[str]:
    return [f"{f.rule}: {f.message}" for f in findings if f.severity is Severity.ERROR]


def _check(case: Case) -> None:
    native, findings = convert_text(case.text, case.options)
    assert not errors(findings), (case.text, errors(findings))
    # multus -> native -> multus
    there, _, found = round_trip(case.text, case.options)
    assert there == native
    assert found == [], (case.text, native, found)
    # native -> multus -> native
    reverse = Options(
        to=Target.MULTUS, name_template=case.options.name_template, multus_namespace=MULTUS_NAMESPACE
    )
    multus, findings = convert_text(native, reverse)
    assert not errors(findings), (native, errors(findings))
    _, _, found = round_trip(native, reverse)
    assert found == [], (native, multus, found)
    # converting twice equals converting once
    assert convert_text(native, case.options)[0] == native
    assert convert_text(multus, reverse)[0] == multus


@PROPERTY_SETTINGS
@given(cases())
def test_round_trips_kep_3698(case: Case) -> None:
    _check(case)


@PROPERTY_SETTINGS
@given(cases(Profile.KEP_3698_REV2))
def test_round_trips_kep_3698_rev2(case: Case) -> None:
    _check(case)
