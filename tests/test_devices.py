"""--devices: SR-IOV devices move between the device plugin and DRA while the networks stay Multus.

The golden cases fixtures/devices-* show each form; here: the way back gives the input again, the emitted
objects survive the official Kubernetes client, how --devices combines with --to and the configuration,
and what a run over several files does (one DeviceClass per resource whatever --jobs, templates found in
another file, pods without networks).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_convert import cli
from k8snet_convert.commands import build_options, check_options
from k8snet_convert.dialects.multus.device_objects import device_class_name, template_name
from k8snet_convert.dialects.multus.devices import is_extended
from k8snet_convert.errors import UsageError
from k8snet_convert.options import (
    DEFAULT_DEVICE_CLASS,
    SRIOV_DEVICE_CLASS,
    Devices,
    Options,
    OutputMode,
    Target,
)
from k8snet_convert.pipeline import convert_file
from k8snet_convert.run import run

from .conftest import FIXTURES, convert_text, new_text
from .test_dra_models import through_client

FORWARD = sorted(
    case
    for case in FIXTURES.glob("devices-dra*")
    if json.loads((case / "options.json").read_text())["devices"] in ("dra", "dra-extended")
)
# What --devices writes, as the client's types: whole objects, and the parts of pod templates.
CLIENT_TYPES = {
    ("resource.k8s.io/v1", "ResourceClaimTemplate"): "V1ResourceClaimTemplate",
    ("resource.k8s.io/v1", "DeviceClass"): "V1DeviceClass",
}
NAD = """apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: {name}
  namespace: telco
  annotations:
    k8s.v1.cni.cncf.io/resourceName: {resource}
spec:
  config: '{{"cniVersion": "1.0.0", "name": "{name}", "type": "sriov"}}'
"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: telco
  annotations:
    k8s.v1.cni.cncf.io/networks: {networks}
spec:
  containers:
  - name: app
    image: app:1
    resources:
      requests:
        intel.com/sriov_a: '1'
      limits:
        intel.com/sriov_a: '1'
"""


def _options(case: Path, **changes: Any) -> Options:
    raw = json.loads((case / "options.json").read_text())
    return build_options([str(case)], {**raw, **changes})


def _convert(path: Path, data: bytes, options: Options) -> bytes:
    result = convert_file(path.name, path, data, options)
    assert not result.failed, [f.message for f in result.findings]
    return result.new if result.new is not None else data


def _documents(data: bytes) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for doc in yaml.safe_load_all(data.decode("utf-8-sig")):
        if isinstance(doc, dict) and doc.get("kind") == "List":
            found.extend(doc["items"])
        elif isinstance(doc, dict):
            found.append(doc)
    return found


# -- the way back ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", FORWARD, ids=[c.name for c in FORWARD])
def test_device_plugin_gives_back_the_input(case: Path) -> None:
    """--devices dra (or dra-extended), then --devices device-plugin: byte for byte what the input is once
    its networks are Multus (the input itself, but for a native workload)."""
    source = next(case.glob("input.*"))
    expected = (case / f"expected{source.suffix}").read_bytes()
    back = _convert(source, expected, _options(case, devices="device-plugin"))
    as_multus = _convert(source, source.read_bytes(), _options(case, devices="keep"))
    assert back == as_multus
    if "native" not in case.name:
        assert as_multus == source.read_bytes()


def test_the_way_back_has_something_to_undo() -> None:
    """The round trip above is not vacuous: every forward case but the refused one changes its input."""
    assert len(FORWARD) >= 9
    for case in FORWARD:
        source = next(case.glob("input.*"))
        same = (case / f"expected{source.suffix}").read_bytes() == source.read_bytes()
        assert same == (case.name == "devices-dra-refused"), case.name


def test_a_restored_request_comes_before_the_limits_kept() -> None:
    case = FIXTURES / "devices-back-dra"
    out = (case / "expected.yaml").read_text()
    assert (
        "      requests:\n        openshift.io/sriov_a: '3'\n      limits:\n        hugepages-1Gi: 2Gi\n"
        in out
    )


# -- the Kubernetes client ---------------------------------------------------------------------------


DEVICE_CASES = sorted(FIXTURES.glob("devices-*"))


def _pod_specs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    if obj.get("kind") == "Pod":
        return [obj.get("spec") or {}]
    spec = obj.get("spec") or {}
    return [spec["template"]["spec"]] if isinstance(spec.get("template"), dict) else []


@pytest.mark.parametrize("case", DEVICE_CASES, ids=[c.name for c in DEVICE_CASES])
def test_emitted_objects_survive_the_kubernetes_client(case: Path) -> None:
    """Templates and DeviceClasses whole; in pod templates the claim entries and the containers' claims
    (the rest is the user's, in whatever spelling the API server accepts: ``gpu: 1`` is a quantity)."""
    source = next(case.glob("input.*"))
    seen = 0
    for obj in _documents((case / f"expected{source.suffix}").read_bytes()):
        client_type = CLIENT_TYPES.get((str(obj.get("apiVersion")), str(obj.get("kind"))))
        if client_type is not None:
            assert through_client(obj, client_type) == obj
            seen += 1
        for spec in _pod_specs(obj):
            for entry in spec.get("resourceClaims", []):
                assert through_client(entry, "V1PodResourceClaim") == entry
                seen += 1
            for container in [*spec.get("containers", []), *spec.get("initContainers", [])]:
                for claim in (container.get("resources") or {}).get("claims", []):
                    assert through_client(claim, "CoreV1ResourceClaim") == claim
    assert seen or case.name in ("devices-dra-refused", "devices-back-extended")


def test_the_client_check_sees_a_misspelt_field() -> None:
    """A field the client model does not know is lost on the way through, so the check above can fail."""
    objects = _documents((FIXTURES / "devices-dra-extended" / "expected.yaml").read_bytes())
    device_class = next(o for o in objects if o["kind"] == "DeviceClass")
    wrong = json.loads(json.dumps(device_class))
    wrong["spec"]["extendedResource"] = wrong["spec"].pop("extendedResourceName")
    assert through_client(wrong, "V1DeviceClass") != wrong


# -- options -----------------------------------------------------------------------------------------


def test_devices_implies_multus_and_refuses_another_target(tmp_path: Path) -> None:
    options = build_options([str(tmp_path)], {"devices": "dra"})
    assert options.to is Target.MULTUS and "to" not in options.given
    with pytest.raises(UsageError, match="needs --to multus, not --to native"):
        build_options([str(tmp_path)], {"devices": "dra", "to": "native"})
    with pytest.raises(ValueError, match="needs --to multus, not --to dra"):
        Options(to=Target.DRA, devices=Devices.DRA_EXTENDED)
    assert build_options([str(tmp_path)], {"devices": "keep", "to": "native"}).to is Target.NATIVE


def test_the_cli_refuses_devices_with_another_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pod.yaml").write_text(POD.format(name="p", networks="a"))
    assert cli.main(["convert", str(tmp_path), "--devices", "dra", "--to", "native"]) == 3
    assert "it needs --to multus" in capsys.readouterr().err
    assert cli.main(["convert", str(tmp_path), "--devices", "sometimes"]) == 3


def test_configuration_key(tmp_path: Path) -> None:
    (tmp_path / ".k8snet-convert.yaml").write_text("devices: dra-extended\n")
    options = build_options([str(tmp_path)], {})
    assert (options.devices, options.to) == (Devices.DRA_EXTENDED, Target.MULTUS)
    assert build_options([str(tmp_path)], {"devices": "keep"}).devices is Devices.KEEP
    # check looks for Multus-era networking only: a configured device migration is not its business
    assert check_options([str(tmp_path)]).devices is Devices.KEEP
    (tmp_path / ".k8snet-convert.yaml").write_text("devices: dra\nto: native\n")
    with pytest.raises(UsageError, match="needs --to multus"):
        build_options([str(tmp_path)], {})
    (tmp_path / ".k8snet-convert.yaml").write_text("devices: sometimes\n")
    with pytest.raises(UsageError, match="sometimes"):
        build_options([str(tmp_path)], {})


def test_the_two_default_device_classes(tmp_path: Path) -> None:
    assert Options(to=Target.DRA).device_class == DEFAULT_DEVICE_CLASS  # the CNI DRA driver's, --to dra
    assert build_options([str(tmp_path)], {"devices": "dra"}).devices_class == SRIOV_DEVICE_CLASS
    chosen = build_options([str(tmp_path)], {"devices": "dra", "device_class": "vf.example.com"})
    assert chosen.devices_class == "vf.example.com"
    text = NAD.format(name="a", resource="intel.com/sriov_a") + "---\n" + POD.format(name="p", networks="a")
    out = new_text(convert_text(text, to=Target.MULTUS, devices=Devices.DRA, device_class="vf.example.com"))
    assert "deviceClassName: vf.example.com\n" in out and SRIOV_DEVICE_CLASS not in out


def test_device_class_is_not_ignored_by_devices_dra(tmp_path: Path) -> None:
    """--device-class names the claims' class under --devices dra; with dra-extended it does nothing."""
    from k8snet_convert.findings import Finding

    for devices, ignored in (("dra", []), ("dra-extended", ["flag-ignored"])):
        notes: list[Finding] = []
        build_options([str(tmp_path)], {"devices": devices, "device_class": "vf.example.com"}, notes)
        assert [f.rule for f in notes] == ignored


# -- names and rules ---------------------------------------------------------------------------------


def test_names() -> None:
    assert template_name("intel.com/sriov_a", 1, False) != template_name("intel.com/sriov_a", 1, True)
    assert template_name("intel.com/sriov_a", 2, False).startswith("sriov-a-x2-")
    assert template_name("a.example.com/vf", 1, False) != template_name("b.example.com/vf", 1, False)
    long = template_name("example.com/" + "v" * 80, 12, False)
    assert len(long) <= 63 and long.startswith("v")
    assert device_class_name("example.com/vf") == "vf.example.com"
    assert device_class_name("intel.com/sriov_a") != device_class_name("intel.com/sriov-a")
    assert device_class_name("sriov_nic_1").startswith("sriov-nic-1-")


@pytest.mark.parametrize(
    ("resource", "extended"),
    [
        ("intel.com/sriov_a", True),
        ("nvidia.com/gpu", True),
        ("cpu", False),
        ("hugepages-1Gi", False),
        ("kubernetes.io/batch", False),
        ("node.kubernetes.io/x", False),
    ],
)
def test_extended_resources(resource: str, extended: bool) -> None:
    assert is_extended(resource) is extended


def test_strict_turns_what_stays_into_errors() -> None:
    source = FIXTURES / "devices-dra-refused" / "input.yaml"
    result = convert_file(
        source.name, source, source.read_bytes(), replace(_options(source.parent), strict=True)
    )
    assert result.failed and result.new is None
    assert {f.rule for f in result.findings if f.severity.value == "error"} == {
        "devices-count-unknown",
        "devices-claims-exist",
    }


def test_a_kustomize_patch_keeps_its_requests(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n- nad.yaml\npatches:\n- path: patch.yaml\n")
    (tmp_path / "nad.yaml").write_text(NAD.format(name="a", resource="intel.com/sriov_a"))
    patch = POD.format(name="p", networks="a")
    (tmp_path / "patch.yaml").write_text(patch)
    outcome = run([str(tmp_path)], Options(to=Target.MULTUS, devices=Devices.DRA, mode=OutputMode.WRITE))
    assert (tmp_path / "patch.yaml").read_text() == patch
    assert [f.rule for f in outcome.findings if f.severity.value == "warning"] == ["devices-in-patch"]


# -- runs over several files -------------------------------------------------------------------------


def _tree(root: Path) -> None:
    """Sixty files (a worker pool's worth): NADs of two resources spread over them, pods elsewhere."""
    for i in range(60):
        folder = root / f"app{i:02d}"
        folder.mkdir(parents=True)
        resource = "intel.com/sriov_a" if i % 2 else "intel.com/sriov_b"
        (folder / "nad.yaml").write_text(NAD.format(name=f"net{i}", resource=resource))
        (folder / "pod.yaml").write_text(POD.format(name=f"p{i}", networks=f"net{i}"))


@pytest.mark.parametrize("jobs", [1, 3])
def test_one_device_class_per_resource_beside_its_first_nad(
    tmp_path: Path, jobs: int, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(tmp_path)
    outcome = run([str(tmp_path)], Options(to=Target.MULTUS, devices=Devices.DRA_EXTENDED, jobs=jobs))
    out = capsys.readouterr().out
    assert out.count("kind: DeviceClass") == 2
    # the first NAD of each resource in the walk: app00 (sriov_b) and app01 (sriov_a)
    assert sorted(f.file.split("/")[-2] for f in outcome.findings if f.rule == "devices-class-written") == [
        "app00",
        "app01",
    ]
    assert out.index("extendedResourceName: intel.com/sriov_b") < out.index("app01")
    assert all("pod.yaml" not in name for name in outcome.changed)  # the pods keep their requests


def test_jobs_give_the_same_claims(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path)
    outputs = []
    for jobs in (1, 3):
        run([str(tmp_path)], Options(to=Target.MULTUS, devices=Devices.DRA, jobs=jobs))
        outputs.append(capsys.readouterr().out)
    # sixty explicit sriov_a requests; the thirty pods of sriov_b NADs get their injector-style claim too
    assert outputs[0] == outputs[1] and outputs[0].count("kind: ResourceClaimTemplate") == 90


def test_templates_in_another_file_are_found_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "nad.yaml").write_text(NAD.format(name="a", resource="intel.com/sriov_a"))
    pod = POD.format(name="p", networks="a")
    (tmp_path / "pod.yaml").write_text(pod)
    forward = Options(to=Target.MULTUS, devices=Devices.DRA, mode=OutputMode.WRITE)
    run([str(tmp_path)], forward)
    claimed = (tmp_path / "pod.yaml").read_text()
    # the template moves to a file of its own (a shared folder of the repository)
    head, _, template = claimed.partition("---\n")
    (tmp_path / "pod.yaml").write_text(head)
    (tmp_path / "templates.yaml").write_text(template)
    again = run([str(tmp_path)], forward)
    assert again.changed == []  # found where it is: not written again
    back = run([str(tmp_path)], replace(forward, devices=Devices.DEVICE_PLUGIN))
    assert (tmp_path / "pod.yaml").read_text() == pod
    assert (tmp_path / "templates.yaml").read_text() == template  # others may still claim it
    assert [f.rule for f in back.findings if f.file.endswith("templates.yaml")] == ["devices-template-kept"]


def test_a_pod_without_networks_uses_the_devices_of_a_nad(tmp_path: Path) -> None:
    """A DPDK pod requests a network's devices without the networks annotation: its file holds no
    networking marker, and is converted all the same."""
    (tmp_path / "nad.yaml").write_text(NAD.format(name="a", resource="intel.com/sriov_a"))
    pod = POD.format(name="p", networks="a").replace(
        "  annotations:\n    k8s.v1.cni.cncf.io/networks: a\n", ""
    )
    (tmp_path / "pod.yaml").write_text(pod)
    run([str(tmp_path)], Options(to=Target.MULTUS, devices=Devices.DRA, mode=OutputMode.WRITE))
    assert "resourceClaimTemplateName:" in (tmp_path / "pod.yaml").read_text()


def test_verify_roundtrip_accepts_every_form() -> None:
    """--verify-roundtrip undoes the device axis too. Not for a file with native workloads: the way back
    converts to native, where --devices has no form (docs/dra.md)."""
    cases = [c for c in FORWARD if "native" not in c.name]
    for case in [*cases, FIXTURES / "devices-back-dra", FIXTURES / "devices-back-extended"]:
        source = next(case.glob("input.*"))
        result = convert_file(
            source.name, source, source.read_bytes(), replace(_options(case), verify_roundtrip=True)
        )
        assert "roundtrip-mismatch" not in {f.rule for f in result.findings}, case.name


# -- schemas -------------------------------------------------------------------------------------------


def test_the_schemas_take_what_is_written_and_refuse_what_the_api_refuses() -> None:
    from k8snet_convert.device_models import schema_stem
    from k8snet_convert.validate import errors_for

    template = next(
        o
        for o in _documents((FIXTURES / "devices-dra-shared" / "expected.yaml").read_bytes())
        if o["kind"] == "ResourceClaimTemplate"
    )
    device_class = next(
        o
        for o in _documents((FIXTURES / "devices-dra-extended" / "expected.yaml").read_bytes())
        if o["kind"] == "DeviceClass"
    )
    assert schema_stem(template) == "devices-resourceclaimtemplate"
    assert schema_stem(device_class) == "devices-deviceclass"
    assert errors_for("devices-resourceclaimtemplate", template) == []
    assert errors_for("devices-deviceclass", device_class) == []
    too_many = json.loads(json.dumps(template))
    too_many["spec"]["spec"]["devices"]["requests"][0]["exactly"]["count"] = 33
    assert errors_for("devices-resourceclaimtemplate", too_many)
    bare = json.loads(json.dumps(device_class))
    bare["spec"]["extendedResourceName"] = "sriov_nic_1"
    assert errors_for("devices-deviceclass", bare)
    unmarked = json.loads(json.dumps(template))
    del unmarked["metadata"]["annotations"]
    assert schema_stem(unmarked) is None  # not ours: a cluster's own templates follow their own rules
    from k8snet_convert.device_models import DevicesResourceClaimTemplate

    with pytest.raises(ValueError, match="device-resource"):
        DevicesResourceClaimTemplate.model_validate(unmarked)
