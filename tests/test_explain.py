"""explain: trees for Multus and native workloads, NADs looked up across inputs, text/rich/mermaid."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from k8snet_convert import explain as explain_module
from k8snet_convert.cli import main
from k8snet_convert.explain import TreeNode, explain_paths, ipam_ranges, render_text
from k8snet_convert.options import Options
from k8snet_convert.report.mermaid import label, render

from .conftest import FIXTURES, ROOT, convert_text, new_text

EXAMPLE = ROOT / "examples" / "multus-app.yaml"

NADS = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: data
  namespace: lab
spec:
  config: |
    {"cniVersion": "1.0.0", "name": "data", "plugins": [
      {"type": "macvlan", "master": "eth1", "mode": "bridge",
       "ipam": {"type": "whereabouts", "range": "10.1.0.0/24", "exclude": ["10.1.0.1/32"]}},
      {"type": "tuning"}]}
---
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: v6
  namespace: lab
spec:
  config: '{"cniVersion": "1.0.0", "name": "v6", "type": "bridge", "ipam": {"type": "host-local",
    "ranges": [[{"subnet": "fd00::/64", "gateway": "fd00::1"}]]}}'
"""

MULTUS_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: router
  namespace: lab
  annotations:
    k8s.v1.cni.cncf.io/networks: '[{"name": "data", "interface": "data0", "default-route": ["10.1.0.1"]},
      {"name": "v6", "mac": "02:00:00:00:00:01"}]'
spec:
  containers: [{name: c, image: busybox}]
"""


def explain_files(tmp_path: Path, files: dict[str, str], **options: object) -> list[TreeNode]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return explain_paths([str(tmp_path)], Options(**options)).trees  # type: ignore[arg-type]


def test_multus_workload_with_nads_from_another_file(tmp_path: Path) -> None:
    trees = explain_files(tmp_path, {"nads.yaml": NADS, "pod.yaml": MULTUS_POD})
    assert render_text(trees) == (
        f"Pod lab/router ({tmp_path / 'pod.yaml'}:1, multus)\n"
        "├── eth0  [default route IPv6]\n"
        "│   └── the cluster's default network\n"
        "├── data0  [default route IPv4 via 10.1.0.1]\n"
        "│   └── NAD lab/data\n"
        "│       └── CNI chain macvlan → tuning (master eth1, mode bridge)\n"
        "│           └── IPAM whereabouts: 10.1.0.0/24; exclude 10.1.0.1/32\n"
        "└── net2\n"
        "    ├── NAD lab/v6\n"
        "    │   └── CNI bridge\n"
        "    │       └── IPAM host-local: fd00::/64 gw fd00::1\n"
        '    └── parameters: mac="02:00:00:00:00:01"\n'
    )


def test_default_network_annotation_replaces_the_primary(tmp_path: Path) -> None:
    text = MULTUS_POD.replace(
        "  annotations:\n",
        "  annotations:\n    v1.multus-cni.io/default-network: lab/v6@eth9\n",
    )
    (tree,) = explain_files(tmp_path, {"nads.yaml": NADS, "pod.yaml": text})
    primary = tree.children[0]
    assert (primary.label, primary.marks, primary.children[0].label) == (
        "eth9",
        ["default route IPv6"],
        "NAD lab/v6",
    )


def test_a_default_route_without_gateways_claims_the_families_of_the_nad(tmp_path: Path) -> None:
    text = MULTUS_POD.replace('"default-route": ["10.1.0.1"]', '"default-route": []')
    (tree,) = explain_files(tmp_path, {"nads.yaml": NADS, "pod.yaml": text})
    assert [(c.label, c.marks) for c in tree.children] == [
        ("eth0", ["default route IPv6"]),
        ("data0", ["default route IPv4"]),
        ("net2", []),
    ]


NATIVE = """\
apiVersion: v1
kind: PodNetwork
metadata:
  name: data
spec:
  enabled: true
  provider: k8s.cni.cncf.io/multus
  parametersRefs:
  - {group: k8s.cni.cncf.io, kind: network-attachment-definitions, name: data, namespace: lab}
---
apiVersion: v1
kind: PodNetworkAttachment
metadata: {name: web-net2, namespace: lab}
spec:
  podNetworkName: data
  parametersRefs:
  - {group: "", kind: ConfigMap, name: web-net2, namespace: lab}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-net2, namespace: lab}
data:
  selection.json: '{"name":"data","namespace":"lab","ips":["10.1.0.9/24"],"default-route":["10.1.0.1"]}'
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: lab}
spec:
  template:
    metadata:
      annotations:
        k8snet-convert.io/attachment-params: '{"net3": {"mac": "02:00:00:00:00:03"}}'
    spec:
      networks:
      - {name: default, interfaceName: eth0, isDefaultGW: false}
      - {attachmentName: web-net2, interfaceName: net2, isDefaultGW: true}
      - {name: other, interfaceName: net3}
      containers: [{name: c, image: busybox}]
"""


def test_native_workload_rev2(tmp_path: Path) -> None:
    trees = explain_files(tmp_path, {"nads.yaml": NADS, "app.yaml": NATIVE})
    assert render_text(trees) == (
        f"Deployment lab/web ({tmp_path / 'app.yaml'}:25, native)\n"
        "├── eth0\n"
        "│   └── PodNetwork default (the cluster's default network)\n"
        "├── net2  [default route IPv4, IPv6 via 10.1.0.1]\n"
        "│   ├── PodNetworkAttachment lab/web-net2\n"
        "│   │   └── PodNetwork data (provider k8s.cni.cncf.io/multus)\n"
        "│   │       └── NAD lab/data\n"
        "│   │           └── CNI chain macvlan → tuning (master eth1, mode bridge)\n"
        "│   │               └── IPAM whereabouts: 10.1.0.0/24; exclude 10.1.0.1/32\n"
        '│   └── parameters: ips=["10.1.0.9/24"]\n'
        "└── net3\n"
        "    ├── PodNetwork other (not among the inputs)\n"
        '    └── parameters: mac="02:00:00:00:00:03"\n'
    )


def test_native_rev1_flags_and_implicit_default_route(tmp_path: Path) -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: lab}\nspec:\n  networks:\n"
        "  - {podNetworkName: default, interfaceName: eth0}\n"
        "  - {podNetworkName: data}\n"
        "  - {podNetworkName: data, podNetworkAttachmentName: x, interfaceName: 'a b'}\n"
    )
    (tree,) = explain_files(tmp_path, {"pod.yaml": pod})
    assert [(c.label, c.marks) for c in tree.children] == [
        ("eth0", ["default route (implicit: no entry is flagged)"]),
        ("(interface named by the implementation)", []),
        ("a b", []),
    ]
    invalid = tree.children[2].children[0].label
    assert invalid.startswith("invalid entry: spec.networks[2] names both a PodNetwork")
    flagged = pod.replace("{podNetworkName: data}", "{podNetworkName: data, isDefaultGW4: true}")
    (tree,) = explain_files(tmp_path, {"pod.yaml": flagged})
    assert [c.marks for c in tree.children] == [[], ["default route IPv4"], []]


def _paths(node: TreeNode, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Label paths through the nodes both dialects share (native adds PodNetwork/attachment hops)."""
    here = prefix if node.kind in ("podnetwork", "attachment", "workload") else (*prefix, _line(node))
    found = {here}
    for child in node.children:
        found |= _paths(child, here)
    return found


def _line(node: TreeNode) -> str:
    return node.label + "".join(f" [{m}]" for m in node.marks)


@pytest.mark.parametrize("source", [EXAMPLE, FIXTURES / "every-field-configmap" / "input.yaml"])
def test_a_workload_explains_the_same_before_and_after_conversion(source: Path, tmp_path: Path) -> None:
    text = source.read_text()
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "before" / "app.yaml").write_text(text)
    (tmp_path / "after" / "app.yaml").write_text(new_text(convert_text(text)))
    (before,) = explain_paths([str(tmp_path / "before")], Options()).trees
    (after,) = explain_paths([str(tmp_path / "after")], Options()).trees
    assert len(before.children) == len(after.children) >= 3
    for old, new in zip(before.children, after.children, strict=True):
        old_paths = {p for p in _paths(old) if "not among the inputs" not in " ".join(p)}
        new_paths = {p for p in _paths(new) if "not among the inputs" not in " ".join(p)}
        if any("not among the inputs" in " ".join(p) for p in _paths(new)):
            # a PodNetwork not in the file: its NAD is unknown, so compare what both can say
            old_paths = {p for p in old_paths if len(p) <= 1 or p[1].startswith("parameters")}
            new_paths = {p for p in new_paths if len(p) <= 1 or p[1].startswith("parameters")}
        assert old_paths == new_paths
        assert old_paths  # there is something to compare


def test_ipam_ranges() -> None:
    assert ipam_ranges({"type": "host-local", "subnet": "10.0.0.0/24", "rangeStart": "10.0.0.10"}) == [
        "10.0.0.0/24 [10.0.0.10-]"
    ]
    assert ipam_ranges(
        {
            "type": "host-local",
            "ranges": [[{"subnet": "10.0.0.0/24"}, {"subnet": "fd00::/64"}], [{"subnet": "x"}]],
        }
    ) == ["10.0.0.0/24", "fd00::/64", "x"]
    assert ipam_ranges(
        {"type": "static", "addresses": [{"address": "10.1.1.5/24", "gateway": "10.1.1.1"}]}
    ) == ["10.1.1.5/24 gw 10.1.1.1"]
    assert ipam_ranges(
        {"type": "whereabouts", "ipRanges": [{"range": "10.2.0.0/16", "range_end": "10.2.0.9"}]}
    ) == ["10.2.0.0/16 [-10.2.0.9]"]
    assert ipam_ranges({"type": "dhcp"}) == []


def test_config_less_and_invalid_nads(tmp_path: Path) -> None:
    nads = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        "metadata: {name: a, namespace: lab}\n"
        "---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        "metadata: {name: b, namespace: lab}\nspec: {config: '{oops'}\n"
    )
    pod = MULTUS_POD.replace(
        """'[{"name": "data", "interface": "data0", "default-route": ["10.1.0.1"]},
      {"name": "v6", "mac": "02:00:00:00:00:01"}]'""",
        "a, b",
    )
    (tree,) = explain_files(tmp_path, {"nads.yaml": nads, "pod.yaml": pod})
    assert [c.children[0].children[0].label for c in tree.children[1:]] == [
        "CNI config on the nodes (/etc/cni/multus/net.d)",
        "spec.config is not a valid CNI config",
    ]


def test_an_annotation_that_does_not_parse_is_still_shown(tmp_path: Path) -> None:
    (tree,) = explain_files(tmp_path, {"pod.yaml": MULTUS_POD.replace("[{", "[[{", 1)})
    assert [c.label for c in tree.children] == [
        "the Multus annotation does not parse: run k8snet-convert lint for details"
    ]


# -- mermaid --------------------------------------------------------------------------------------------


def test_mermaid_draws_shared_networks_once(tmp_path: Path) -> None:
    second = MULTUS_POD.replace("name: router", "name: other")
    trees = explain_files(tmp_path, {"nads.yaml": NADS, "a.yaml": MULTUS_POD, "b.yaml": second})
    text = render(trees)
    assert text.startswith("flowchart LR\n")
    assert text.count('[["NAD lab/data"]]') == 1
    assert text.count('[/"CNI chain macvlan → tuning (master eth1, mode bridge)"/]') == 1
    data_node = next(
        line.split("[[")[0].strip() for line in text.splitlines() if '[["NAD lab/data"]]' in line
    )
    assert sum(1 for line in text.splitlines() if line.endswith(f"--> {data_node}")) == 2  # both pods
    assert '(["data0<br/>default route IPv4 via 10.1.0.1"])' in text


def test_mermaid_exact_small() -> None:
    tree = TreeNode("Pod a/b", "workload", [TreeNode('net1 "x"', "interface", [TreeNode("NAD a/n", "nad")])])
    assert render([tree]) == (
        'flowchart LR\n  n1["Pod a/b"]\n  n2(["net1 #quot;x#quot;"])\n  n1 --> n2\n'
        '  n3[["NAD a/n"]]\n  n2 --> n3\n'
    )


def test_mermaid_labels_are_escaped() -> None:
    """Input text: markup as entity codes, a line break (or a terminal escape) made visible."""
    assert label('a "b" <c> & d\ne\x1b') == "a #quot;b#quot; #lt;c#gt; #amp; d\\ne\\x1b"


# -- the command ------------------------------------------------------------------------------------------


def test_command_prints_plain_text_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(EXAMPLE, tmp_path / "app.yaml")
    assert main(["explain", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"Deployment shop/checkout ({tmp_path / 'app.yaml'}:30, multus)\n├── eth0")
    assert "\x1b[" not in out
    assert err == "1 workload(s) with networks in 1 file(s)\n"


def test_command_uses_rich_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(EXAMPLE, tmp_path / "app.yaml")
    drawn: list[list[TreeNode]] = []
    monkeypatch.setattr(explain_module, "render_rich", drawn.append)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["explain", str(tmp_path)]) == 0
    assert [t.label.split(" (")[0] for t in drawn[0]] == ["Deployment shop/checkout"]
    assert capsys.readouterr().out == ""


def test_rich_rendering(capsys: pytest.CaptureFixture[str]) -> None:
    tree = TreeNode("Pod a/[b]", "workload", [TreeNode("eth0", "interface", marks=["default route IPv4"])])
    explain_module.render_rich([tree])
    out = capsys.readouterr().out
    assert "Pod a/[b]" in out  # markup in labels is escaped, not interpreted
    assert "eth0 (default route IPv4)" in out


def test_command_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(EXAMPLE, tmp_path / "app.yaml")
    assert main(["explain", "--format", "mermaid", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart LR\n")
    assert '[["NAD shop/macvlan-data"]]' in out


def test_command_reports_unreadable_files_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(EXAMPLE, tmp_path / "app.yaml")
    (tmp_path / "broken.yaml").write_text("apiVersion: k8s.cni.cncf.io/v1\nkind: [\n")
    (tmp_path / "plain.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n  networks: []\n"
    )
    assert main(["explain", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("Deployment shop/checkout")
    assert f"{tmp_path / 'broken.yaml'}:3:1: error [invalid-yaml]" in err
    assert err.endswith("2 workload(s) with networks in 3 file(s)\n")


def test_workloads_without_networks_are_counted_not_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {note: uses multus elsewhere}\n"
        "spec: {containers: []}\n"
    )
    assert main(["explain", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert (
        err
        == "0 workload(s) with networks in 1 file(s); 1 with only the cluster's default network not shown\n"
    )


def test_the_corpus_explains_without_crashing(corpus: Path) -> None:
    result = explain_paths([str(corpus)], Options())
    assert len(result.trees) > 20
    assert render_text(result.trees).count("\n") > 100
    assert render(result.trees).startswith("flowchart LR\n")
