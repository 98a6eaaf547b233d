"""The DRA reader: claims, templates, parameters, pod claims, networkData, and its checks."""

from __future__ import annotations

import json
from typing import Any

import yaml

from k8snet_convert.context import FileContext
from k8snet_convert.dialects.dra.reader import DraAttachment, DraFile, NetworkData, read_file
from k8snet_convert.model import Severity
from k8snet_convert.options import Options, Target
from k8snet_convert.pipeline import FileResult, load

from .conftest import FIXTURES


def context(text: str) -> FileContext:
    ctx = load(FileResult("f.yaml", None, text.encode()), Options(to=Target.MULTUS))
    assert ctx is not None
    return ctx


def read(text: str) -> tuple[DraFile, list[tuple[str, Severity]]]:
    ctx = context(text)
    result = read_file(ctx)
    return result, [(f.rule, f.severity) for f in ctx.findings]


def template(requests: list[dict[str, Any]], config: list[dict[str, Any]], version: str = "v1") -> str:
    obj = {
        "apiVersion": f"resource.k8s.io/{version}",
        "kind": "ResourceClaimTemplate",
        "metadata": {"name": "t", "namespace": "default"},
        "spec": {"spec": {"devices": {"requests": requests, "config": config}}},
    }
    return yaml.safe_dump(obj, sort_keys=False)


def cni(if_name: Any = "net1", requests: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    params = {
        "apiVersion": "cni.networking.x-k8s.io/v1alpha1",
        "kind": "CNI",
        "ifName": if_name,
        "config": {"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "macvlan"}]},
        **extra,
    }
    entry: dict[str, Any] = {"opaque": {"driver": "cni.dra.networking.x-k8s.io", "parameters": params}}
    if requests is not None:
        entry["requests"] = requests
    return entry


def request(name: str = "r", **exactly: Any) -> dict[str, Any]:
    return {"name": name, "exactly": {"deviceClassName": "cni.networking.x-k8s.io", **exactly}}


# The cni-dra-driver demo (native.md §3.2): a claim with its allocation and device status, and a pod.
DEMO = """\
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: macvlan-eth0, namespace: demo}
spec:
  devices:
    requests:
    - name: macvlan-eth0
      exactly:
        deviceClassName: network-interface
        allocationMode: ExactCount
        count: 1
    config:
    - requests: [macvlan-eth0]
      opaque:
        driver: cni.dra.networking.x-k8s.io
        parameters:
          apiVersion: cni.networking.x-k8s.io/v1alpha1
          kind: CNI
          ifName: net1
          config:
            cniVersion: 1.0.0
            name: macvlan-eth0
            plugins:
            - type: macvlan
              master: eth0
              mode: bridge
              ipam:
                type: host-local
                ranges:
                - - subnet: 10.10.1.0/24
status:
  allocation:
    devices:
      results:
      - {device: eth0, driver: cni.dra.networking.x-k8s.io, pool: kind-worker, request: macvlan-eth0}
  devices:
  - device: eth0
    driver: cni.dra.networking.x-k8s.io
    pool: kind-worker
    conditions:
    - {type: Ready, status: "True", reason: NetworkInterfaceReady, message: configured}
    networkData:
      interfaceName: net1
      ips: [10.10.1.2/24]
      hardwareAddress: 5a:9f:d8:84:fb:51
---
apiVersion: v1
kind: Pod
metadata: {name: demo, namespace: demo}
spec:
  resourceClaims:
  - name: macvlan-eth0
    resourceClaimName: macvlan-eth0
  - name: gpu
    resourceClaimTemplateName: gpu
  containers:
  - name: c
    image: i
"""


def test_the_demo_claim_and_its_status() -> None:
    dra, findings = read(DEMO)
    assert findings == []
    (source,) = dra.sources
    assert (source.kind, source.name, source.namespace, source.nad) == (
        "ResourceClaim",
        "macvlan-eth0",
        "demo",
        None,
    )
    assert source.status[0].ready is True
    (workload,) = dra.workloads
    assert [c.name for c in workload.claims] == ["macvlan-eth0", "gpu"]
    assert [c.name for c in workload.network_claims] == ["macvlan-eth0"]
    assert workload.attachments() == [
        DraAttachment(
            claim="macvlan-eth0",
            request="macvlan-eth0",
            interface="net1",
            nad=None,
            network="macvlan-eth0",
            plugin_types=("macvlan",),
            ipam_types=("host-local",),
            status=NetworkData("net1", ("10.10.1.2/24",), "5a:9f:d8:84:fb:51"),
        )
    ]
    assert source.requests[0].device_class == "network-interface"


def test_legacy_network_data_names_and_claim_source() -> None:
    text = DEMO.replace("ips: [10.10.1.2/24]", "addresses: [10.10.1.2/24]").replace(
        "hardwareAddress:", "hwAddress:"
    )
    text = text.replace(
        "    resourceClaimName: macvlan-eth0", "    source: {resourceClaimName: macvlan-eth0}"
    )
    dra, _ = read(text)
    (attachment,) = dra.workloads[0].attachments()
    assert attachment.status == NetworkData("net1", ("10.10.1.2/24",), "5a:9f:d8:84:fb:51")


def test_generated_file_provenance() -> None:
    text = (FIXTURES / "dra-every-field" / "expected.yaml").read_text()
    dra, findings = read(text)
    assert findings == []
    assert [s.name for s in dra.sources] == [
        "sriov-net-n3-48369",
        "mgmt-net2-ef764",
        "fixed-net3-8f286",
        "pool-net4",
        "fixed-fx1",
        "pool-fx2-18eac",
    ]
    assert dra.sources[0].nad == ("telco", "sriov-net")
    assert dra.sources[0].embedded == {
        "ips": ["10.10.0.5/24", "fd00::5/64"],
        "mac": "02:11:22:33:44:55",
        "cni-args": {"vlan": 100},
    }
    assert dra.sources[3].embedded == {}
    assert dra.nad_refs() == [
        ("telco", "sriov-net"),
        ("telco", "mgmt"),
        ("telco", "fixed"),
        ("telco", "pool"),
    ]
    attachments = dra.workloads[0].attachments()
    assert [(a.interface, a.network, a.plugin_types, a.ipam_types) for a in attachments] == [
        ("n3", "telco/sriov-net", ("sriov", "tuning"), ("static",)),
        ("net2", "telco/mgmt", ("bridge",), ("host-local",)),
        ("net3", "telco/fixed", ("macvlan",), ("static",)),
        ("net4", "telco/pool", ("macvlan",), ("whereabouts",)),
        ("fx1", "telco/fixed", ("macvlan",), ("static",)),
        ("fx2", "telco/pool", ("macvlan",), ("whereabouts",)),
    ]


def test_a_config_without_requests_applies_to_every_request() -> None:
    dra, findings = read(template([request("a"), request("b")], [cni()]))
    assert findings == []
    assert [r.name for r in dra.sources[0].requests] == ["a", "b"]


def test_claims_of_other_drivers_are_not_network_claims() -> None:
    gpu = template([request("gpu")], [{"opaque": {"driver": "gpu.example.com", "parameters": {}}}])
    dra, findings = read(gpu)
    assert dra.sources == [] and findings == []


def test_mixed_claim_lists_the_other_requests() -> None:
    dra, _ = read(template([request("net"), request("gpu")], [cni(requests=["net"])]))
    assert [r.name for r in dra.sources[0].requests] == ["net"]
    assert dra.sources[0].other_requests == ["gpu"]


class TestChecks:
    def test_v1_with_the_v1beta1_layout(self) -> None:
        flat = {"name": "r", "deviceClassName": "c", "allocationMode": "ExactCount", "count": 1}
        _, findings = read(template([flat], [cni()]))
        assert findings == [("dra-request-shape", Severity.ERROR)]

    def test_v1beta1_with_exactly(self) -> None:
        _, findings = read(template([request()], [cni()], version="v1beta1"))
        assert findings == [("dra-request-shape", Severity.ERROR)]

    def test_v1beta1_layout_is_fine_there(self) -> None:
        flat = {"name": "r", "deviceClassName": "c", "allocationMode": "ExactCount", "count": 1}
        dra, findings = read(template([flat], [cni()], version="v1beta1"))
        assert findings == [] and dra.sources[0].requests[0].device_class == "c"

    def test_more_than_one_device(self) -> None:
        _, count = read(template([request(count=2)], [cni()]))
        assert count == [("dra-allocation", Severity.ERROR)]
        _, mode = read(template([request(allocationMode="All")], [cni()]))
        assert mode == [("dra-allocation", Severity.ERROR)]

    def test_unknown_request_and_duplicate_config(self) -> None:
        _, unknown = read(template([request("a")], [cni(requests=["b"])]))
        assert unknown == [("dra-unknown-request", Severity.ERROR)]
        _, twice = read(template([request("a")], [cni(requests=["a"]), cni(requests=["a"])]))
        assert twice == [("dra-duplicate-config", Severity.ERROR)]

    def test_bad_parameters(self) -> None:
        _, missing = read(template([request()], [cni(if_name=None)]))
        assert missing == [("dra-invalid-parameters", Severity.ERROR)]
        _, long_name = read(template([request()], [cni(if_name="abcdefghijklmnop")]))
        assert long_name == [("invalid-interface-name", Severity.ERROR)]
        bad_kind = cni()
        bad_kind["opaque"]["parameters"]["kind"] = "CNIConfig"
        bad_kind["opaque"]["parameters"]["apiVersion"] = "example.com/v1"
        _, kind = read(template([request()], [bad_kind]))
        assert sorted(kind) == [
            ("dra-invalid-parameters", Severity.ERROR),
            ("dra-unknown-parameters-version", Severity.WARNING),
        ]
        not_object = cni()
        not_object["opaque"]["parameters"] = "text"
        _, text = read(template([request()], [not_object]))
        assert text == [("dra-invalid-parameters", Severity.ERROR)]

    def test_the_design_docs_parameters_version_is_accepted(self) -> None:
        entry = cni()
        entry["opaque"]["parameters"]["apiVersion"] = "cni.dra.networking.x-k8s.io/v1alpha1"
        _, findings = read(template([request()], [entry]))
        assert findings == []

    def test_parameters_over_ten_kib(self) -> None:
        big = cni()
        big["opaque"]["parameters"]["config"]["plugins"][0]["pad"] = "x" * 10_240
        _, findings = read(template([request()], [big]))
        assert findings == [("dra-parameters-too-large", Severity.ERROR)]

    def test_duplicate_interface_across_claims(self) -> None:
        text = (FIXTURES / "dra-several-interfaces" / "expected.yaml").read_text()
        text = text.replace("ifName: repl0", "ifName: net1")
        _, findings = read(text)
        assert findings == [("duplicate-interface", Severity.ERROR)]

    def test_invalid_provenance(self) -> None:
        obj = yaml.safe_load(template([request()], [cni()]))
        obj["metadata"]["annotations"] = {
            "k8snet-convert.io/network": "no-slash",
            "k8snet-convert.io/embedded-params": json.dumps(["not", "an", "object"]),
        }
        dra, findings = read(yaml.safe_dump(obj))
        assert findings == [("dra-invalid-provenance", Severity.ERROR)] * 2
        assert dra.sources[0].nad is None
