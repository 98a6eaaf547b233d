"""The reverse path (native -> Multus): both KEP revisions, the edits, findings, --verify-roundtrip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from k8snet_convert import cli
from k8snet_convert.dialects.native import reader as native_reader
from k8snet_convert.model import Finding, Severity
from k8snet_convert.model.names import invert_template
from k8snet_convert.options import AnnotationStyle, AttachmentParams, Options, Profile, Target
from k8snet_convert.pipeline import convert_file
from k8snet_convert.roundtrip import (
    convert_text,
    differences,
    load_text,
    reverse_options,
    semantically_equal,
)

TO_MULTUS = Options(to=Target.MULTUS)


def back(text: str, **options: Any) -> tuple[str, list[Finding]]:
    """Native text to Multus, in memory (no pre-filter: see test_prefilter_gap)."""
    return convert_text(text, Options(to=Target.MULTUS, **options))


def rules(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return sorted((f.rule, f.severity.value, f.line) for f in findings)


# --- the name template, inverted -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "network", "expected"),
    [
        ("{name}", "net-a", (("shop", "net-a"),)),
        ("{namespace}.{name}", "infra.storage.v2", (("infra", "storage.v2"),)),
        ("multus-{name}", "multus-net-a", (("shop", "net-a"),)),
        ("multus-{name}", "net-a", ()),
        ("{name}-{namespace}", "data-infra", (("infra", "data"),)),
        ("{namespace}-{name}", "team-a-net", (("team", "a-net"), ("team-a", "net"))),
        ("{namespace}-{name}", "other", ()),
        ("{name}", "Not_A_Name", ()),
    ],
)
def test_invert_template(template: str, network: str, expected: tuple[tuple[str, str], ...]) -> None:
    assert invert_template(template, network, "shop") == expected


# --- reading both revisions ------------------------------------------------------------------------

REV1_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: lab
spec:
  containers: [{name: c, image: busybox}]
  networks:
  - podNetworkName: default
    interfaceName: eth0
    isDefaultGW6: true
  - podNetworkName: net-a
    interfaceName: net1
    isDefaultGW4: true
  - podNetwork: net-b
    interfaceName: b0
  - podNetworkName: net-c
    interfaceName: net2
"""

REV2_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: lab
spec:
  containers: [{name: c, image: busybox}]
  networks:
  - name: default
  - name: net-a
    interfaceName: net1
    isDefaultGW: true
  - name: net-b
    interfaceName: b0
  - name: net-c
    interfaceName: net3
"""


def test_rev1_spellings_read_into_elements() -> None:
    text, findings = back(REV1_POD)
    assert 'k8s.v1.cni.cncf.io/networks: \'[{"name": "net-a", "default-route": []}, ' in text
    # net2 is not Multus's implicit name for the third element (net3), so it stays explicit
    assert '{"name": "net-b", "interface": "b0"}, {"name": "net-c", "interface": "net2"}]' in text
    assert "networks:\n  -" not in text
    # No PodNetwork in the file: each name is a guess (warning), and net-a's gateway family too.
    not_info = [f.rule for f in findings if f.severity is not Severity.INFO]
    assert sorted(not_info) == ["gateway-family", *["podnetwork-not-found"] * 3]


def test_rev2_spellings_read_into_elements() -> None:
    text, findings = back(REV2_POD)
    assert (
        "    k8s.v1.cni.cncf.io/networks: "
        '\'[{"name": "net-a", "default-route": []}, {"name": "net-b", "interface": "b0"}, '
        '{"name": "net-c"}]\'\n' in text
    )
    # No PodNetwork in the file: each name is a guess, a warning (SPEC §5).
    assert {f.rule for f in findings if f.severity is not Severity.INFO} == {"podnetwork-not-found"}


def test_profile_and_api_version_detected() -> None:
    rev2 = native_reader.read_file(load_text(REV2_POD, TO_MULTUS))
    rev1 = native_reader.read_file(load_text(REV1_POD, TO_MULTUS))
    assert (rev2.profile, rev1.profile) == (Profile.KEP_3698_REV2, Profile.KEP_3698)
    pn = "apiVersion: networking.k8s.io/v1alpha1\nkind: PodNetwork\nmetadata: {name: x}\nspec: {}\n"
    assert native_reader.read_file(load_text(pn, TO_MULTUS)).api_version == "networking.k8s.io/v1alpha1"
    back_options = reverse_options(TO_MULTUS, load_text(REV2_POD + "---\n" + pn, TO_MULTUS))
    assert (back_options.to, back_options.profile, back_options.api_version) == (
        Target.NATIVE,
        Profile.KEP_3698_REV2,
        "networking.k8s.io/v1alpha1",
    )


def test_short_form_when_safe_json_otherwise() -> None:
    pod = REV1_POD.replace("    isDefaultGW6: true\n", "    isDefaultGW4: true\n    isDefaultGW6: true\n")
    pod = pod.replace("    isDefaultGW4: true\n  - podNetwork", "  - podNetwork")
    text, _ = back(pod)
    assert "k8s.v1.cni.cncf.io/networks: 'net-a,net-b@b0,net-c@net2'\n" in text
    text, _ = back(pod, annotation_style=AnnotationStyle.JSON)
    assert (
        'networks: \'[{"name": "net-a"}, {"name": "net-b", "interface": "b0"}, '
        '{"name": "net-c", "interface": "net2"}]\'' in text
    )


# --- restoring the annotation where the forward run removed maps -----------------------------------

NATIVE_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: web
        image: web:1
      networks:
      - podNetworkName: default
        interfaceName: eth0
        isDefaultGW4: true
        isDefaultGW6: true
      - podNetworkName: data
        interfaceName: net1
"""


def test_template_metadata_recreated_before_spec() -> None:
    text, _ = back(NATIVE_DEPLOYMENT)
    assert text == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
        "  template:\n    metadata:\n      annotations:\n        k8s.v1.cni.cncf.io/networks: data\n"
        "    spec:\n      containers:\n      - name: web\n        image: web:1\n"
    )


def test_forward_then_reverse_gives_back_the_original_bytes() -> None:
    original = NATIVE_DEPLOYMENT.replace(
        "    spec:\n      containers",
        "    metadata:\n      annotations:\n        k8s.v1.cni.cncf.io/networks: data\n"
        "    spec:\n      containers",
    ).split("      networks:")[0]
    native, _ = convert_text(original, Options())
    assert native == NATIVE_DEPLOYMENT
    assert back(native)[0] == original


@pytest.mark.parametrize(
    ("metadata", "restored"),
    [
        ("  annotations:\n", '  annotations: {"k8s.v1.cni.cncf.io/networks": "data"}\n'),
        ("  annotations: null\n", '  annotations: {"k8s.v1.cni.cncf.io/networks": "data"}\n'),
        ("  annotations: {}\n", '  annotations: {"k8s.v1.cni.cncf.io/networks": "data"}\n'),
    ],
)
def test_empty_annotations_value_is_filled(metadata: str, restored: str) -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: lab\n" + metadata + "spec:\n"
        "  containers: []\n  networks:\n  - podNetworkName: default\n  - podNetworkName: data\n"
    )
    text, findings = back(pod)
    assert not [f for f in findings if f.severity is Severity.ERROR]
    assert text == "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: lab\n" + restored + (
        "spec:\n  containers: []\n"
    )


def test_patch_spec_holding_only_networks_goes_away() -> None:
    patch = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      networks:\n      - podNetworkName: default\n      - podNetworkName: data\n"
    )
    text, _ = back(patch)
    assert text == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n"
        "      annotations:\n        k8s.v1.cni.cncf.io/networks: data\n"
    )


def test_first_documents_without_marker_removed_together() -> None:
    text = (
        "apiVersion: v1\nkind: PodNetwork\nmetadata: {name: a}\nspec:\n  parametersRefs:\n"
        "  - {kind: NetworkAttachmentDefinition, name: a, namespace: lab}\n"
        "---\n"
        "apiVersion: v1\nkind: PodNetwork\nmetadata: {name: b}\nspec:\n  parametersRefs:\n"
        "  - {kind: network-attachment-definitions, name: b, namespace: lab}\n"
        "---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated}\n"
    )
    result, findings = back(text)
    assert result == "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated}\n"
    assert findings == []


# --- findings on schema-invalid input (kept out of the golden fixtures, whose output must validate) ---


def test_invalid_entries_are_errors() -> None:
    pod = """\
apiVersion: v1
kind: Pod
metadata:
  name: entries
  namespace: lab
spec:
  containers: [{name: c, image: busybox}]
  networks:
  - podNetworkName: default
  - {podNetworkName: net-a, attachmentName: a}
  - {podNetworkName: net-a, name: net-a}
  - {}
  - podNetworkName: net-b
    isDefaultGW4: "yes"
  - podNetworkName: net-c
    interfaceName: ""
  - not-a-mapping
"""
    text, findings = back(pod)
    assert text == pod
    messages = [(f.rule, f.line, f.message) for f in findings]
    assert messages == [
        (
            "network-and-attachment",
            10,
            "Pod entries: spec.networks[1] names both a PodNetwork (podNetworkName) and a "
            "PodNetworkAttachment (attachmentName)",
        ),
        (
            "invalid-network-entry",
            11,
            "Pod entries: spec.networks[2] has podNetworkName and name, two spellings of one field",
        ),
        (
            "invalid-network-entry",
            12,
            "Pod entries: spec.networks[3] names neither a PodNetwork nor a PodNetworkAttachment",
        ),
        ("invalid-network-entry", 14, "Pod entries: spec.networks[4].isDefaultGW4 must be true or false"),
        (
            "invalid-network-entry",
            16,
            "Pod entries: spec.networks[5].interfaceName must be a non-empty string",
        ),
        ("invalid-network-entry", 17, "Pod entries: spec.networks[6] must be a mapping"),
    ]


def test_networks_null_is_the_default_network_only() -> None:
    kept = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: lab}\nspec:\n  hostNetwork: true\n"
    assert back(kept + "  networks:\n") == (
        kept,
        [],
    )


def test_networks_not_a_list() -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: lab}\nspec:\n  networks: {name: default}\n"
    )
    _, findings = back(pod)
    assert [(f.rule, f.severity, f.line, f.path) for f in findings] == [
        ("invalid-network-entry", Severity.ERROR, 5, "spec.networks")
    ]


def test_sigs_poc_podnetwork_has_no_multus_form() -> None:
    poc = (
        "apiVersion: multinetwork.networking.k8s.io/v1alpha1\nkind: PodNetwork\nmetadata: {name: dummy}\n"
        "spec:\n  provider: podnetwork.example.com\n  enabled: true\n  parameters: {name: dummy0}\n"
    )
    text, findings = back(poc)
    assert text == poc
    assert [(f.rule, f.severity) for f in findings] == [("not-multus-provider", Severity.ERROR)]


def test_provider_of_the_run_counts_as_multus() -> None:
    pn = (
        "apiVersion: v1\nkind: PodNetwork\nmetadata: {name: a}\nspec:\n  provider: example.com/multus\n"
        "  parametersRefs:\n  - {kind: network-attachment-definitions, name: a, namespace: lab}\n"
    )
    assert [f.rule for f in back(pn)[1]] == ["not-multus-provider"]
    assert back(pn, provider="example.com/multus") == ("", [])


def test_strict_makes_warnings_errors() -> None:
    pn = (
        "apiVersion: v1\nkind: PodNetwork\nmetadata: {name: a}\nspec:\n  enabled: false\n"
        "  parametersRefs:\n  - {kind: network-attachment-definitions, name: a, namespace: lab}\n"
    )
    assert [(f.rule, f.severity) for f in back(pn)[1]] == [("podnetwork-disabled", Severity.WARNING)]
    text, findings = back(pn, strict=True)
    assert text == pn
    assert [(f.rule, f.severity) for f in findings] == [("podnetwork-disabled", Severity.ERROR)]


def test_carrier_identity_in_the_attachment_params_annotation() -> None:
    """namespace/name in the annotation carrier say which NAD a PodNetwork not in the file is."""
    pod = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: lab
  annotations:
    k8snet-convert.io/attachment-params: '{"m0":{"namespace":"infra","ips":[]}}'
spec:
  containers: []
  networks:
  - podNetworkName: default
  - podNetworkName: mgmt
    interfaceName: m0
"""
    text, findings = back(pod)
    assert 'k8s.v1.cni.cncf.io/networks: \'[{"name": "mgmt", "namespace": "infra", ' in text
    assert '"interface": "m0", "ips": []}]\'\n' in text
    assert findings == []


# --- semantic equality -----------------------------------------------------------------------------

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: lab\n"
    "  annotations:\n    {key}: '{value}'\n"
)


def pod(value: str, key: str = "k8s.v1.cni.cncf.io/networks") -> str:
    return POD.replace("{key}", key).replace("{value}", value)


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (pod("net-a"), pod('[{"name": "net-a", "namespace": "lab"}]'), True),
        (pod("net-a@net1,net-b"), pod("lab/net-a,net-b@net2"), True),
        (pod("net-a@net2"), pod("net-a"), False),
        (pod('[{"name": "net-a", "interfaceRequest": "x"}]'), pod("net-a@x"), True),
        (pod('[{"name": "net-a", "ips": []}]'), pod("net-a"), False),
        (pod('[{"name": "net-a", "cni-args": {}}]'), pod('[{"name": "net-a", "cni-args": null}]'), False),
        (pod('[{"name": "net-a", "cni-args": null}]'), pod("net-a"), True),
        (
            pod('[{"name": "net-a", "cni-args": {"x": 1}}]'),
            pod('[{"name": "net-a", "cni-args": {"x": true}}]'),
            False,
        ),
        (
            pod("net-a", "v1.multus-cni.io/default-network"),
            pod("kube-system/net-a@eth0", "v1.multus-cni.io/default-network"),
            True,
        ),
        (
            pod('[{"name": "a", "default-route": []}]', "v1.multus-cni.io/default-network"),
            pod("a", "v1.multus-cni.io/default-network"),
            True,
        ),
        (pod("net-a"), pod("net-a") + "  labels: {x: y}\n", False),
        (pod(""), pod("x").replace("    k8s.v1.cni.cncf.io/networks: 'x'\n", "    other: x\n"), False),
    ],
)
def test_semantically_equal(a: str, b: str, equal: bool) -> None:
    assert semantically_equal(a, b, Options()) is equal
    assert semantically_equal(b, a, Options()) is equal


def test_no_annotation_equals_an_empty_one_and_native_default_only() -> None:
    bare = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: lab\n"
    native = bare + "spec:\n  networks:\n  - podNetworkName: default\n"
    assert semantically_equal(bare, pod(""), Options())
    assert semantically_equal(bare, native, Options())


def test_nads_must_be_byte_identical() -> None:
    nad = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        "metadata: {name: a, namespace: x}\n"
    )
    found = differences(nad + "spec: {config: '{}'}\n", nad + 'spec: {config: "{}"}\n', Options())
    assert [d.message for d in found] == ["NetworkAttachmentDefinition x/a does not come back byte-identical"]


# --- --verify-roundtrip through the pipeline -------------------------------------------------------

MULTUS_CROSS_NAMESPACE = pod("infra/mgmt")


def test_verify_roundtrip_reports_what_would_not_come_back() -> None:
    result = convert_file("p.yaml", None, MULTUS_CROSS_NAMESPACE.encode(), Options(verify_roundtrip=True))
    assert result.new is None
    [finding] = [f for f in result.findings if f.rule == "roundtrip-mismatch"]
    assert finding.severity is Severity.ERROR
    assert finding.line == 1
    assert finding.message.startswith(
        'Pod lab/p: network 1 comes back as {"name": "mgmt", "namespace": "lab"} instead of '
        '{"name": "mgmt", "namespace": "infra"}'
    )


def test_verify_roundtrip_passes_with_an_invertible_template() -> None:
    options = Options(verify_roundtrip=True, name_template="{namespace}.{name}")
    result = convert_file("p.yaml", None, MULTUS_CROSS_NAMESPACE.encode(), options)
    assert result.new is not None
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert b"podNetworkName: infra.mgmt" in result.new


def test_verify_roundtrip_drop_is_outside_the_guarantee() -> None:
    text = pod('[{"name": "net-a", "ips": ["10.0.0.1/24"]}]')
    options = Options(verify_roundtrip=True, attachment_params=AttachmentParams.DROP)
    result = convert_file("p.yaml", None, text.encode(), options)
    mismatch = [f for f in result.findings if f.rule == "roundtrip-mismatch"]
    assert len(mismatch) == 1
    assert "outside the round-trip guarantee" in mismatch[0].hint


def test_verify_roundtrip_keeps_the_profile_it_read() -> None:
    native = (
        "apiVersion: v1\nkind: PodNetwork\nmetadata: {name: net-a}\nspec:\n  enabled: true\n"
        "  parametersRefs:\n  - {kind: network-attachment-definitions, name: net-a, namespace: lab}\n---\n"
        + REV2_POD.replace(
            "  - name: net-b\n    interfaceName: b0\n  - name: net-c\n    interfaceName: net3\n", ""
        )
    )
    options = Options(to=Target.MULTUS, verify_roundtrip=True)
    result = convert_file("p.yaml", None, native.encode(), options)
    assert [f.rule for f in result.findings if f.severity is Severity.ERROR] == [
        "roundtrip-mismatch"  # the PodNetwork's NAD is not in the file: it is not re-created
    ]
    there, _ = convert_text(native, Options(to=Target.MULTUS))
    again, _ = convert_text(there, reverse_options(Options(to=Target.MULTUS), load_text(native, TO_MULTUS)))
    assert "  - name: net-a\n    interfaceName: net1\n    isDefaultGW: true\n" in again


# --- once gaps: the byte pre-filter for --to multus, control characters in carried values ---------


def test_prefilter_gap() -> None:
    rev2_pod_only = REV2_POD
    result = convert_file("p.yaml", None, rev2_pod_only.encode(), TO_MULTUS)
    assert result.new is not None


def test_forward_control_characters() -> None:
    text = pod('[{"name": "net-a", "cni-args": {"\\u007f": 1}}]')
    result = convert_file("p.yaml", None, text.encode(), Options())
    assert "internal-error" not in {f.rule for f in result.findings}


# --- the command line ------------------------------------------------------------------------------


def test_cli_to_multus_with_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = Path(__file__).resolve().parent.parent / "fixtures" / "reverse-configmap-carrier" / "input.yaml"
    target = tmp_path / "upf.yaml"
    target.write_bytes(source.read_bytes())
    code = cli.main(
        [
            "convert",
            str(target),
            "--to",
            "multus",
            "--verify-roundtrip",
            "--write",
            "--annotation-style",
            "json",
        ]
    )
    assert code == 0, capsys.readouterr().err
    written = target.read_text()
    assert "kind: PodNetwork" not in written and "PodNetworkAttachment" not in written
    assert json.loads(written.split("k8s.v1.cni.cncf.io/networks: '")[1].split("'\n")[0])[2] == {
        "name": "plain"
    }
