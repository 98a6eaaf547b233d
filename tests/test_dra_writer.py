"""--to dra: the embedding of per-attachment fields, template names, edits and whole-run behaviour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_convert.dialects.dra.config import embed, plugin_chain
from k8snet_convert.dialects.dra.writer import TemplateKey
from k8snet_convert.model import SelectionElement, Severity
from k8snet_convert.options import DraApiVersion, Options, Target
from k8snet_convert.pipeline import FileResult, collect_inventory, convert_file

DRA = Options(to=Target.DRA)


def element(**fields: Any) -> SelectionElement:
    return SelectionElement.model_validate({"name": "n", **fields})


def run(files: dict[str, str], options: Options = DRA) -> dict[str, FileResult]:
    """Convert several files as one run (the NADs of every file are known to each)."""
    sources = [(name, None, text.encode()) for name, text in files.items()]
    nads = collect_inventory(sources, options)
    return {name: convert_file(name, None, data, options, nads) for name, _, data in sources}


def docs(result: FileResult) -> list[dict[str, Any]]:
    assert result.new is not None, [f.message for f in result.findings]
    return [d for d in yaml.safe_load_all(result.new.decode()) if d is not None]


def rules(result: FileResult) -> list[tuple[str, Severity]]:
    return [(f.rule, f.severity) for f in result.findings]


def nad(name: str, config: dict[str, Any] | None, namespace: str = "default") -> str:
    body = f"apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: {name}\n"
    body += f"  namespace: {namespace}\n"
    if config is not None:
        body += f"spec:\n  config: '{json.dumps(config)}'\n"
    return body


def pod(name: str, networks: str, namespace: str = "default", extra_spec: str = "") -> str:
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {namespace}\n  annotations:\n"
        f"    k8s.v1.cni.cncf.io/networks: '{networks}'\nspec:\n{extra_spec}"
        "  containers:\n  - name: c\n    image: i\n"
    )


BRIDGE = {
    "cniVersion": "0.3.1",
    "name": "a",
    "type": "bridge",
    "ipam": {"type": "host-local", "subnet": "10.0.0.0/24"},
}


# -- embed ---------------------------------------------------------------------------------------------


class TestEmbed:
    def test_static_with_ips_capability_replaces_addresses(self) -> None:
        config: dict[str, Any] = {
            "type": "macvlan",
            "capabilities": {"ips": True},
            "ipam": {"type": "static", "addresses": [{"address": "10.0.0.1/24", "gateway": "10.0.0.254"}]},
        }
        result = embed(config, "n", element(ips=["10.0.0.5/24"]))
        assert result.config["ipam"]["addresses"] == [{"address": "10.0.0.5/24"}]
        assert result.params == {"ips": ["10.0.0.5/24"]}
        assert result.lost == {}
        assert config["ipam"]["addresses"][0]["address"] == "10.0.0.1/24"  # the NAD's config is not touched

    def test_static_without_capability_appends(self) -> None:
        config = {"type": "macvlan", "ipam": {"type": "static", "addresses": [{"address": "10.0.0.1/24"}]}}
        result = embed(config, "n", element(ips=["10.0.0.5/24", "fd00::5/64"]))
        assert result.config["ipam"]["addresses"] == [
            {"address": "10.0.0.1/24"},
            {"address": "10.0.0.5/24"},
            {"address": "fd00::5/64"},
        ]

    def test_static_rejects_bare_addresses(self) -> None:
        result = embed({"type": "macvlan", "ipam": {"type": "static"}}, "n", element(ips=["10.0.0.5"]))
        assert result.params == {}
        assert "CIDR" in result.lost["ips"]
        assert "addresses" not in result.config["ipam"]

    def test_static_with_args_cni_ips_is_ambiguous(self) -> None:
        config = {"type": "macvlan", "args": {"cni": {"ips": ["10.0.0.9/24"]}}, "ipam": {"type": "static"}}
        result = embed(config, "n", element(ips=["10.0.0.5/24"]))
        assert "overrides" in result.lost["ips"]

    def test_host_local_takes_args_cni_ips_appended(self) -> None:
        config = {
            "cniVersion": "1.0.0",
            "name": "x",
            "plugins": [
                {"type": "bridge", "args": {"cni": {"ips": ["10.0.0.7"]}}, "ipam": {"type": "host-local"}},
                {"type": "tuning"},
            ],
        }
        result = embed(config, "n", element(ips=["10.0.0.8"]))
        assert result.config["plugins"][0]["args"] == {"cni": {"ips": ["10.0.0.7", "10.0.0.8"]}}
        assert "args" not in result.config["plugins"][1]

    @pytest.mark.parametrize(
        ("ipam", "reason"),
        [
            ({"type": "whereabouts", "range": "10.0.0.0/24"}, "whereabouts IPAM takes no per-pod addresses"),
            ({"type": "dhcp"}, "dhcp IPAM"),
        ],
    )
    def test_other_ipam_loses_ips(self, ipam: dict[str, Any], reason: str) -> None:
        result = embed({"type": "macvlan", "ipam": ipam}, "n", element(ips=["10.0.0.5/24"]))
        assert result.lost["ips"].startswith(reason)

    def test_ips_without_ipam_or_with_two(self) -> None:
        none = embed({"type": "macvlan"}, "n", element(ips=["10.0.0.5/24"]))
        assert none.lost["ips"] == "no plugin has an IPAM section to take them"
        two = embed(
            {
                "plugins": [
                    {"type": "a", "ipam": {"type": "static"}},
                    {"type": "b", "ipam": {"type": "static"}},
                ]
            },
            "n",
            element(ips=["10.0.0.5/24"]),
        )
        assert two.lost["ips"] == "several plugins have an IPAM section to take them"

    def test_empty_ips_is_carried_without_change(self) -> None:
        result = embed({"type": "macvlan", "ipam": {"type": "dhcp"}}, "n", element(ips=[]))
        assert result.params == {"ips": []}
        assert result.config == {"name": "n", "type": "macvlan", "ipam": {"type": "dhcp"}}

    def test_mac_goes_to_every_tuning_plugin(self) -> None:
        config = {"plugins": [{"type": "macvlan"}, {"type": "tuning", "mac": "02:00:00:00:00:01"}]}
        result = embed(config, "n", element(mac="02:00:00:00:00:02"))
        assert result.config["plugins"][1]["mac"] == "02:00:00:00:00:02"
        assert "mac" not in result.config["plugins"][0]
        lost = embed({"type": "macvlan"}, "n", element(mac="02:00:00:00:00:02"))
        assert lost.lost == {"mac": "the chain has no tuning plugin to set it"}

    def test_cni_args_merge_into_every_plugin_and_win(self) -> None:
        config = {"plugins": [{"type": "a", "args": {"cni": {"x": 1, "y": 1}}}, {"type": "b"}]}
        result = embed(config, "n", element(**{"cni-args": {"y": 2}}))
        assert [p["args"] for p in result.config["plugins"]] == [{"cni": {"x": 1, "y": 2}}, {"cni": {"y": 2}}]
        empty = embed({"type": "a"}, "n", element(**{"cni-args": {}}))
        assert empty.config["args"] == {"cni": {}}  # Multus creates args.cni for {} as well
        assert empty.params == {"cni-args": {}}

    def test_cni_args_refused_when_args_is_not_an_object(self) -> None:
        result = embed({"type": "a", "args": "x"}, "n", element(**{"cni-args": {"k": 1}}))
        assert result.lost == {"cni-args": "a plugin's args.cni is not an object"}
        assert result.config["args"] == "x"

    def test_every_other_field_is_lost_with_a_reason(self) -> None:
        result = embed(
            {"type": "a"},
            "n",
            element(
                **{
                    "infiniband-guid": "c2:11:22:33:44:55:66:77",
                    "portMappings": [{"hostPort": 1, "containerPort": 2}],
                    "bandwidth": {"ingressRate": 1},
                    "default-route": [],
                    "deviceID": "0000:00:01.0",
                    "ipam-claim-reference": "c",
                    "org.example.k": "v",
                }
            ),
        )
        assert result.params == {}
        assert sorted(result.lost) == sorted(
            [
                "infiniband-guid",
                "portMappings",
                "bandwidth",
                "default-route",
                "deviceID",
                "ipam-claim-reference",
                "org.example.k",
            ]
        )
        assert "runtimeConfig" in result.lost["bandwidth"]

    def test_name_added_like_multus_after_cni_version(self) -> None:
        result = embed({"cniVersion": "1.0.0", "type": "a"}, "nad", element())
        assert list(result.config) == ["cniVersion", "name", "type"]
        assert result.name_added
        kept = embed({"name": "cfg", "type": "a"}, "nad", element())
        assert kept.config["name"] == "cfg" and not kept.name_added

    def test_plugin_chain_type_wins_over_plugins(self) -> None:
        config = {"type": "a", "plugins": [{"type": "b"}]}
        assert plugin_chain(config) == [config]
        assert plugin_chain({"plugins": [{"type": "b"}, "junk"]}) == [{"type": "b"}]
        assert plugin_chain({"plugins": "x"}) == []


# -- names ---------------------------------------------------------------------------------------------


class TestNames:
    def test_plain_and_hashed(self) -> None:
        plain = TemplateKey("default", ("default", "a"), "net1", "{}")
        assert plain.plain and plain.base_name() == "a-net1"
        other_ns = TemplateKey("default", ("infra", "a"), "net1", "{}")
        assert not other_ns.plain
        assert (
            other_ns.hashed_name().startswith("a-net1-") and len(other_ns.hashed_name()) == len("a-net1-") + 5
        )
        params = TemplateKey("default", ("default", "a"), "net1", '{"ips":["10.0.0.1/24"]}')
        assert params.hashed_name() != other_ns.hashed_name()

    def test_interface_that_is_no_dns_label(self) -> None:
        key = TemplateKey("default", ("default", "a"), "Eth_1.100", "{}")
        name = key.base_name()
        assert name.startswith("a-eth-1-100-") and len(name) <= 63

    def test_long_names_stay_dns_labels(self) -> None:
        key = TemplateKey("default", ("default", "n" * 60), "net1", '{"mac":"x"}')
        assert len(key.hashed_name()) <= 63

    def test_clashing_base_names_all_get_their_hash(self) -> None:
        text = "---\n".join(
            [nad("a-b", {**BRIDGE, "name": "a-b"}), nad("a", BRIDGE), pod("p", "a-b@c,a@b-c")]
        )
        out = docs(run({"f.yaml": text})["f.yaml"])
        names = [d["metadata"]["name"] for d in out if d["kind"] == "ResourceClaimTemplate"]
        assert len(names) == 2 and all(n.startswith("a-b-c-") for n in names)
        assert len(set(names)) == 2

    def test_existing_template_of_that_name_forces_the_hash(self) -> None:
        existing = (
            "apiVersion: resource.k8s.io/v1\nkind: ResourceClaimTemplate\nmetadata:\n  name: a-net1\n"
            "  namespace: default\nspec:\n  spec:\n    devices:\n      requests: []\n"
        )
        out = docs(run({"f.yaml": "---\n".join([nad("a", BRIDGE), existing, pod("p", "a")])})["f.yaml"])
        names = [d["metadata"]["name"] for d in out if d["kind"] == "ResourceClaimTemplate"]
        assert names[0] == "a-net1" and names[1].startswith("a-net1-")

    def test_names_do_not_depend_on_workload_order(self) -> None:
        a, b = pod("p1", '[{"name":"a","ips":["10.0.0.5/24"]}]'), pod("p2", "a")
        first = docs(run({"f.yaml": "---\n".join([nad("a", BRIDGE), a, b])})["f.yaml"])
        second = docs(run({"f.yaml": "---\n".join([nad("a", BRIDGE), b, a])})["f.yaml"])

        def templates(out: list[dict[str, Any]]) -> dict[str, Any]:
            return {d["metadata"]["name"]: d for d in out if d["kind"] == "ResourceClaimTemplate"}

        assert templates(first) == templates(second)
        names = sorted(templates(first))
        assert len(names) == 2 and names[0] == "a-net1" and names[1].startswith("a-net1-")


# -- edits and findings ----------------------------------------------------------------------------------


class TestEdits:
    def test_workload_without_namespace_gets_a_template_without_one(self) -> None:
        text = nad("a", BRIDGE) + "---\n" + pod("p", "a").replace("  namespace: default\n", "")
        out = docs(run({"f.yaml": text})["f.yaml"])
        template = out[-1]
        assert template["metadata"] == {
            "name": "a-net1",
            "annotations": {"k8snet-convert.io/network": "default/a"},
        }

    def test_template_written_once_after_first_user(self) -> None:
        text = "---\n".join([nad("a", BRIDGE), pod("p1", "a"), pod("p2", "a")])
        out = docs(run({"f.yaml": text})["f.yaml"])
        assert [(d["kind"], d["metadata"]["name"]) for d in out] == [
            ("NetworkAttachmentDefinition", "a"),
            ("Pod", "p1"),
            ("ResourceClaimTemplate", "a-net1"),
            ("Pod", "p2"),
        ]
        assert out[3]["spec"]["resourceClaims"] == [{"name": "a-net1", "resourceClaimTemplateName": "a-net1"}]

    def test_empty_resource_claims_are_written_anew(self) -> None:
        text = nad("a", BRIDGE) + "---\n" + pod("p", "a", extra_spec="  resourceClaims: []\n")
        out = docs(run({"f.yaml": text})["f.yaml"])
        assert out[1]["spec"]["resourceClaims"] == [{"name": "a-net1", "resourceClaimTemplateName": "a-net1"}]

    def test_claim_name_taken(self) -> None:
        spec = "  resourceClaims:\n  - name: a-net1\n    resourceClaimName: mine\n"
        result = run({"f.yaml": nad("a", BRIDGE) + "---\n" + pod("p", "a", extra_spec=spec)})["f.yaml"]
        assert ("resource-claim-exists", Severity.ERROR) in rules(result)
        assert result.new is None

    def test_patch_without_spec_gets_one(self) -> None:
        patch = (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: default\nspec:\n"
            "  template:\n    metadata:\n      annotations:\n        k8s.v1.cni.cncf.io/networks: a\n"
        )
        result = run({"n.yaml": nad("a", BRIDGE), "p.yaml": patch})["p.yaml"]
        assert result.new is not None
        assert result.new.decode().startswith(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: default\nspec:\n"
            "  template:\n    spec:\n      resourceClaims:\n      - name: a-net1\n"
        )

    def test_empty_annotation_is_removed_without_claims(self) -> None:
        result = run({"f.yaml": pod("p", "[]")})["f.yaml"]
        out = docs(result)
        assert "annotations" not in out[0]["metadata"] and "resourceClaims" not in out[0]["spec"]

    def test_host_network_and_duplicate_interface_are_errors(self) -> None:
        host = run({"f.yaml": nad("a", BRIDGE) + "---\n" + pod("p", "a", extra_spec="  hostNetwork: true\n")})
        assert ("host-network", Severity.ERROR) in rules(host["f.yaml"])
        dup = run({"f.yaml": nad("a", BRIDGE) + "---\n" + pod("p", "a,a@net1")})
        assert ("duplicate-interface", Severity.ERROR) in rules(dup["f.yaml"])
        eth0 = run({"f.yaml": nad("a", BRIDGE) + "---\n" + pod("p", "a@eth0")})
        assert ("duplicate-interface", Severity.ERROR) in rules(eth0["f.yaml"])

    def test_strict_turns_losses_into_errors_only(self) -> None:
        text = (
            nad("a", BRIDGE)
            + "---\n"
            + pod("p", '[{"name":"a","ips":["10.0.0.5"],"mac":"02:00:00:00:00:01"}]')
        )
        result = run({"f.yaml": text}, Options(to=Target.DRA, strict=True))["f.yaml"]
        assert sorted(rules(result)) == [
            ("dra-param-dropped", Severity.ERROR),
            ("dra-params-embedded", Severity.INFO),
        ]

    def test_a_second_run_changes_nothing(self) -> None:
        text = "---\n".join([nad("a", BRIDGE), pod("p", '[{"name":"a","ips":["10.0.0.5"]}]')])
        first = run({"f.yaml": text})["f.yaml"]
        assert first.new is not None
        again = run({"f.yaml": first.new.decode()})["f.yaml"]
        assert again.new is None


# -- whole runs --------------------------------------------------------------------------------------------


class TestRun:
    def test_nad_from_another_file(self) -> None:
        results = run({"nads.yaml": nad("a", BRIDGE), "app.yaml": pod("p", "a")})
        assert results["nads.yaml"].new is None  # NADs are kept
        template = docs(results["app.yaml"])[-1]
        assert template["spec"]["spec"]["devices"]["config"][0]["opaque"]["parameters"]["config"] == BRIDGE

    def test_output_of_a_file_does_not_depend_on_file_order(self) -> None:
        files = {"nads.yaml": nad("a", BRIDGE), "app.yaml": pod("p", "a"), "b.yaml": pod("q", "a")}
        forward = run(files)
        backward = run(dict(reversed(list(files.items()))))
        for name in files:
            assert forward[name].new == backward[name].new

    def test_nad_in_the_same_file_wins_over_the_run(self) -> None:
        other = {**BRIDGE, "type": "macvlan"}
        results = run({"nads.yaml": nad("a", other), "app.yaml": nad("a", BRIDGE) + "---\n" + pod("p", "a")})
        config = docs(results["app.yaml"])[-1]["spec"]["spec"]["devices"]["config"][0]["opaque"]
        assert config["parameters"]["config"]["type"] == "bridge"

    def test_invalid_nad_in_another_file(self) -> None:
        broken = nad("a", None) + "spec:\n  config: '{not json'\n"
        result = run({"nads.yaml": broken, "app.yaml": pod("p", "a")})["app.yaml"]
        assert ("invalid-cni-json", Severity.ERROR) in rules(result)
        assert any("nads.yaml" in f.message for f in result.findings)

    def test_config_less_nad_in_another_file(self) -> None:
        result = run({"nads.yaml": nad("a", None), "app.yaml": pod("p", "a")})["app.yaml"]
        assert ("dra-config-less-nad", Severity.ERROR) in rules(result)

    def test_v1beta1_and_device_class(self) -> None:
        options = Options(to=Target.DRA, dra_api_version=DraApiVersion.V1BETA1, emit_device_class=True)
        out = docs(run({"f.yaml": nad("a", BRIDGE) + "---\n" + pod("p", "a")}, options)["f.yaml"])
        device_class, template = out[2], out[3]
        assert device_class == {
            "apiVersion": "resource.k8s.io/v1beta1",
            "kind": "DeviceClass",
            "metadata": {
                "name": "cni.networking.x-k8s.io",
                "labels": {"app.kubernetes.io/managed-by": "k8snet-convert"},
            },
            "spec": {
                "selectors": [{"cel": {"expression": 'device.driver == "cni.dra.networking.x-k8s.io"'}}]
            },
        }
        assert template["spec"]["spec"]["devices"]["requests"] == [
            {
                "name": "a-net1",
                "deviceClassName": "cni.networking.x-k8s.io",
                "allocationMode": "ExactCount",
                "count": 1,
            }
        ]

    def test_device_class_not_written_twice(self) -> None:
        options = Options(to=Target.DRA, emit_device_class=True)
        text = "---\n".join([nad("a", BRIDGE), pod("p", "a"), pod("q", "a@x1")])
        out = docs(run({"f.yaml": text}, options)["f.yaml"])
        assert [d["kind"] for d in out].count("DeviceClass") == 1


def test_hostile_nesting_is_refused_not_crashed() -> None:
    deep: Any = "x"
    for _ in range(900):
        deep = [deep]
    config = {**BRIDGE, "deep": deep}
    result = run({"f.yaml": nad("a", config) + "---\n" + pod("p", "a")})["f.yaml"]
    assert rules(result) == [("invalid-cni-json", Severity.ERROR)]
    assert result.new is None


def test_nad_defined_differently_in_two_files_is_an_error_whatever_the_order(tmp_path: Path) -> None:
    """The config a claim embeds never depends on file order: two definitions are reported."""
    from k8snet_convert.options import OutputMode
    from k8snet_convert.run import run

    nad = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        "metadata: {{name: data, namespace: lab}}\n"
        'spec:\n  config: \'{{"cniVersion": "1.0.0", "name": "data", "type": "{kind}"}}\'\n'
    )
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: lab\n  annotations:\n"
        "    k8s.v1.cni.cncf.io/networks: data\nspec:\n  containers: []\n"
    )
    (tmp_path / "a-nad.yaml").write_text(nad.format(kind="macvlan"))
    (tmp_path / "b-nad.yaml").write_text(nad.format(kind="ipvlan"))
    (tmp_path / "pod.yaml").write_text(pod)
    outcome = run([str(tmp_path)], Options(to=Target.DRA, mode=OutputMode.CHECK, jobs=1))
    conflicts = [f for f in outcome.findings if f.rule == "dra-nad-conflict"]
    assert (
        len(conflicts) == 1
        and "a-nad.yaml, " in conflicts[0].message
        and "b-nad.yaml" in conflicts[0].message
    )
    assert f"{tmp_path.as_posix()}/pod.yaml" not in outcome.changed  # the pod is left as it is
