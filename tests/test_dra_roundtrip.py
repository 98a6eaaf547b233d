"""DRA -> Multus, and the checked round trip multus -> dra -> multus (fixtures, generated inputs, corpus)."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet_convert import engine, roundtrip
from k8snet_convert.context import FileContext
from k8snet_convert.dialects.dra import elements as dra_elements
from k8snet_convert.manifests.source import decode
from k8snet_convert.model import Inventory, SelectionElement, Severity
from k8snet_convert.options import Options, Target
from k8snet_convert.pipeline import FileResult, collect_inventory, convert_file, load

from .conftest import FIXTURES

DRA = Options(to=Target.DRA)
MULTUS = Options(to=Target.MULTUS)
CASES = sorted(p for p in FIXTURES.glob("dra-*") if any(p.glob("input.*")))


def case_options(case: Path) -> Options:
    from k8snet_convert.cli import build_options

    raw = json.loads((case / "options.json").read_text())
    return build_options([str(case)], raw)


def back(text: str, inventory: Inventory | None = None) -> tuple[str, FileContext]:
    """--to multus of one DRA file: the new text (the old one when nothing changes) and the context."""
    ctx = roundtrip.load_text(text, MULTUS, "f.yaml", inventory=inventory)
    engine.convert(ctx)
    return (ctx.editor.result() if ctx.editor.edits and not ctx.has_errors else text), ctx


def forward(text: str, options: Options = DRA, name: str = "f.yaml") -> tuple[str, FileContext]:
    """--to dra of one file with its own NADs as the run's: the output, and a context of the input."""
    data = text.encode()
    inventory = collect_inventory([(name, None, data)], options)
    result = convert_file(name, None, data, options, inventory)
    assert result.new is not None and not result.failed, [f.message for f in result.findings]
    ctx = load(FileResult(name, None, data), options)
    assert ctx is not None
    ctx.inventory = inventory
    return decode(result.new).text, ctx


def roundtrip_problems(ctx: FileContext, converted: str) -> list[str]:
    """How ``converted`` (``ctx``'s --to dra output) fails to come back to ``ctx``'s text."""
    _, found = roundtrip._back(ctx.text, converted, ctx.options, ctx.path, ctx.is_json, ctx.inventory)
    return [d.message for d in found]


def findings(ctx: FileContext) -> list[tuple[str, Severity]]:
    return [(f.rule, f.severity) for f in ctx.findings]


# -- the golden cases ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_converting_fixture_comes_back(case: Path) -> None:
    source = next(case.glob("input.*"))
    options = case_options(case)
    data = source.read_bytes()
    inventory = collect_inventory([(source.name, source, data)], options)
    result = convert_file(source.name, source, data, options, inventory)
    if result.failed:
        assert result.new is None
        return
    assert result.new is not None
    ctx = load(FileResult(source.name, source, data), options)
    assert ctx is not None
    ctx.inventory = inventory
    assert roundtrip_problems(ctx, decode(result.new).text) == []


def test_reverse_gives_back_the_original_lines() -> None:
    original = (FIXTURES / "dra-existing-claims" / "input.yaml").read_text()
    converted = (FIXTURES / "dra-existing-claims" / "expected.yaml").read_text()
    text, ctx = back(converted)
    assert findings(ctx) == []
    # The annotation comes back as the last one of the map; everything else is the original text.
    assert text == original.replace(
        '        k8s.v1.cni.cncf.io/networks: net-a\n        sidecar.istio.io/inject: "false"\n',
        '        sidecar.istio.io/inject: "false"\n        k8s.v1.cni.cncf.io/networks: net-a\n',
    )


def test_reverse_restores_every_carried_field_and_namespace() -> None:
    text, ctx = back((FIXTURES / "dra-every-field" / "expected.yaml").read_text())
    assert findings(ctx) == []
    pod = next(d for d in yaml.safe_load_all(text) if d["kind"] == "Pod")
    assert json.loads(pod["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"]) == [
        {
            "name": "sriov-net",
            "interface": "n3",
            "ips": ["10.10.0.5/24", "fd00::5/64"],
            "mac": "02:11:22:33:44:55",
            "cni-args": {"vlan": 100},
        },
        {"name": "mgmt", "ips": ["172.16.0.9"], "cni-args": {}},
        {"name": "fixed", "ips": ["192.168.5.11/24"]},
        {"name": "pool"},
        {"name": "fixed", "interface": "fx1"},
        {"name": "pool", "interface": "fx2", "ips": []},
    ]
    assert "resourceClaims" not in pod["spec"]
    assert [d["kind"] for d in yaml.safe_load_all(text)].count("ResourceClaimTemplate") == 0
    several, _ = back((FIXTURES / "dra-several-interfaces" / "expected.yaml").read_text())
    assert "k8s.v1.cni.cncf.io/networks: 'data,data@repl0,infra/storage'\n" in several


def test_reverse_removes_our_device_class_only() -> None:
    text, _ = back((FIXTURES / "dra-v1beta1" / "expected.yaml").read_text())
    assert [d["kind"] for d in yaml.safe_load_all(text)] == ["NetworkAttachmentDefinition", "Deployment"]
    foreign = (
        "apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu\nspec:\n  selectors:\n"
        "  - cel: {expression: 'true'}\n---\n"
    )
    text, _ = back(foreign + (FIXTURES / "dra-v1beta1" / "expected.yaml").read_text())
    assert [d["kind"] for d in yaml.safe_load_all(text)] == [
        "DeviceClass",
        "NetworkAttachmentDefinition",
        "Deployment",
    ]


def test_reverse_of_a_json_list() -> None:
    text, _ = back((FIXTURES / "dra-json-list" / "expected.json").read_text())
    items = json.loads(text)["items"]
    assert [i["kind"] for i in items] == ["NetworkAttachmentDefinition", "Pod"]
    assert items[1]["metadata"]["annotations"] == {"k8s.v1.cni.cncf.io/networks": "net-a@side0"}
    assert items[1]["spec"] == {"containers": [{"name": "app", "image": "app:1"}]}


def test_dropped_nads_are_not_recreated() -> None:
    converted = (FIXTURES / "dra-drop-nads" / "expected.yaml").read_text()
    text, ctx = back(converted)
    assert findings(ctx) == []
    kinds = [(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(text)]
    assert kinds == [
        ("NetworkAttachmentDefinition", "vm-net"),
        ("NetworkAttachmentDefinition", "on-nodes"),
        ("Deployment", "api"),
        ("VirtualMachine", "vm1"),
    ]
    result = convert_file("f.yaml", None, converted.encode(), MULTUS)
    # for the run's "NAD not found" check
    assert sorted({nad for nad, _ in result.nad_refs}) == [("apps", "net-a")]


def test_hand_written_claims_are_left_with_a_warning() -> None:
    text = (
        "apiVersion: resource.k8s.io/v1\nkind: ResourceClaimTemplate\nmetadata:\n  name: t\n  namespace: d\n"
        "spec:\n  spec:\n    devices:\n      requests:\n      - name: r\n        exactly:\n"
        "          deviceClassName: c\n      config:\n      - opaque:\n"
        "          driver: cni.dra.networking.x-k8s.io\n"
        "          parameters: {apiVersion: cni.networking.x-k8s.io/v1alpha1, kind: CNI, ifName: net1,"
        " config: {cniVersion: 1.0.0, name: x, type: macvlan}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: d\nspec:\n  resourceClaims:\n"
        "  - name: t\n    resourceClaimTemplateName: t\n  containers: []\n"
    )
    result, ctx = back(text)
    assert result == text
    assert findings(ctx) == [("dra-unknown-network", Severity.WARNING)]


def test_edited_claim_config_is_reported() -> None:
    converted = (FIXTURES / "dra-single-config" / "expected.yaml").read_text()
    _, clean = back(converted)
    assert findings(clean) == []
    _, ctx = back(converted.replace("mode: bridge\n", "mode: vepa\n"))
    assert findings(ctx) == [("dra-config-differs", Severity.WARNING)]


def test_existing_annotation_is_not_merged() -> None:
    converted = (FIXTURES / "dra-single-config" / "expected.yaml").read_text()
    converted = converted.replace(
        "        app: web\n    spec:",
        "        app: web\n      annotations:\n        k8s.v1.cni.cncf.io/networks: other\n    spec:",
    )
    _, ctx = back(converted)
    assert findings(ctx) == [("networks-exist", Severity.ERROR)]


def test_unused_generated_template_is_kept() -> None:
    converted = (FIXTURES / "dra-single-config" / "expected.yaml").read_text()
    converted = converted.replace(
        "resourceClaimTemplateName: macvlan-conf-net1", "resourceClaimTemplateName: gone"
    )
    text, ctx = back(converted)
    assert text == converted
    assert findings(ctx) == [("dra-claim-unused", Severity.INFO)]


def test_the_check_sees_a_lost_interface(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reverse that forgets a field makes the round-trip check speak: the check can fail."""
    converted, ctx = forward((FIXTURES / "dra-several-interfaces" / "input.yaml").read_text())
    assert roundtrip_problems(ctx, converted) == []
    original = dra_elements._attachment

    def forgetful(*args: Any) -> Any:
        found = original(*args)
        if found is None:
            return found
        data = {k: v for k, v in found.element.canonical().items() if k != "interface"}
        return type(found)(SelectionElement.model_validate(data), found.namespace)

    monkeypatch.setattr(dra_elements, "_attachment", forgetful)
    problems = roundtrip_problems(ctx, converted)
    assert len(problems) == 1 and '"interface": "repl0"' in problems[0]


def test_verify_roundtrip_reports_into_the_context() -> None:
    converted, ctx = forward((FIXTURES / "dra-shared-nads" / "input.yaml").read_text())
    roundtrip.verify_roundtrip(ctx, converted)
    assert [f for f in ctx.findings if f.rule == "roundtrip-mismatch"] == []
    roundtrip.verify_roundtrip(ctx, converted.replace("ifName: net1", "ifName: other0", 1))
    # the template is shared by two workloads: both come back with another interface
    assert [f.rule for f in ctx.findings if f.severity is Severity.ERROR] == ["roundtrip-mismatch"] * 2


# -- generated inputs ---------------------------------------------------------------------------------------

STATIC = {"type": "static", "addresses": [{"address": "10.2.0.1/24"}]}
NADS: dict[str, dict[str, Any]] = {
    "st": {
        "cniVersion": "1.0.0",
        "name": "st",
        "type": "macvlan",
        "capabilities": {"ips": True},
        "ipam": STATIC,
    },
    "hl": {"cniVersion": "0.3.1", "type": "bridge", "ipam": {"type": "host-local", "subnet": "10.1.0.0/16"}},
    "tu": {"name": "tu", "plugins": [{"type": "macvlan", "ipam": STATIC}, {"type": "tuning"}]},
    "wa": {"name": "wa", "type": "ipvlan", "ipam": {"type": "whereabouts", "range": "10.3.0.0/24"}},
}
ELEMENT = st.fixed_dictionaries(
    {"name": st.sampled_from(sorted(NADS))},
    optional={
        "interface": st.sampled_from(["eth1", "data0", "net9", "Eth_2"]),
        "ips": st.lists(st.sampled_from(["10.9.0.1/24", "10.9.0.2", "fd00::1/64"]), max_size=2, unique=True),
        "mac": st.sampled_from(["02:00:00:00:00:01", "02:00:00:00:00:02"]),
        "cni-args": st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 3), max_size=2),
        "bandwidth": st.just({"ingressRate": 1}),
        "default-route": st.just([]),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(ELEMENT, min_size=1, max_size=3), min_size=1, max_size=3))
def test_generated_workloads_round_trip(pods: list[list[dict[str, Any]]]) -> None:
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": "k8s.cni.cncf.io/v1",
            "kind": "NetworkAttachmentDefinition",
            "metadata": {"name": name, "namespace": "gen"},
            "spec": {"config": json.dumps(config)},
        }
        for name, config in NADS.items()
    ]
    for i, elements in enumerate(pods):
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": f"p{i}",
                    "namespace": "gen",
                    "annotations": {"k8s.v1.cni.cncf.io/networks": json.dumps(elements)},
                },
                "spec": {"containers": [{"name": "c", "image": "i"}]},
            }
        )
    text = yaml.safe_dump_all(docs, sort_keys=False)
    data = text.encode()
    inventory = collect_inventory([("g.yaml", None, data)], DRA)
    result = convert_file("g.yaml", None, data, DRA, inventory)
    if result.failed:
        # only duplicate interfaces may stop a conversion here
        assert {f.rule for f in result.findings if f.severity is Severity.ERROR} == {"duplicate-interface"}
        return
    assert result.new is not None
    ctx = load(FileResult("g.yaml", None, data), DRA)
    assert ctx is not None
    ctx.inventory = inventory
    assert roundtrip_problems(ctx, decode(result.new).text) == []


# -- the corpus ---------------------------------------------------------------------------------------------


def test_corpus_round_trip(corpus: Path) -> None:
    """Every plain corpus file DRA can express comes back; the others are listed with their reasons.

    The NADs of a file's repository count as the run's inputs (a whole-repository conversion).
    """
    groups: dict[str, list[Path]] = collections.defaultdict(list)
    for path in sorted((corpus / "plain").iterdir()):
        groups[path.name.split("__")[0]].append(path)
    converted = 0
    not_expressible: dict[str, list[str]] = {}
    problems: dict[str, list[str]] = {}
    for paths in groups.values():
        sources = [(p.name, p, p.read_bytes()) for p in paths]
        inventory = collect_inventory(sources, DRA)
        for name, path, data in sources:
            result = convert_file(name, path, data, DRA, inventory)
            assert "internal-error" not in {f.rule for f in result.findings}, name
            if result.failed:
                not_expressible[name] = sorted(
                    {f.rule for f in result.findings if f.severity is Severity.ERROR}
                )
                continue
            if result.new is None:
                continue
            converted += 1
            ctx = load(FileResult(name, path, data), DRA)
            assert ctx is not None
            ctx.inventory = inventory
            found = roundtrip_problems(ctx, decode(result.new).text)
            if found:
                problems[name] = found
    assert problems == {}
    reasons = collections.Counter(rule for rules in not_expressible.values() for rule in rules)
    # The reasons are the documented ones: no DRA form, or nothing to embed, or broken input.
    assert set(reasons) <= {
        "dra-nad-not-found",
        "dra-nad-conflict",  # documentation repositories define one NAD differently in several blocks
        "dra-default-network",
        "dra-config-less-nad",
        "invalid-cni-json",
        "invalid-annotation",
        "duplicate-key",
        "duplicate-interface",
        "invalid-interface-name",
        "host-network",
        "dra-parameters-too-large",
    }, reasons
    # 130 on the corpus of 2026-11: documentation repositories that define one NAD differently in
    # several blocks are listed with dra-nad-conflict rather than converted with whichever came last.
    assert converted > 120
    print(f"\n{converted} corpus files round-trip; {len(not_expressible)} have no DRA form:")
    for name, rules in sorted(not_expressible.items()):
        print(f"  {name}: {', '.join(rules)}")
