"""explain on DRA manifests: the claim in the network's place, the config the claim carries, the driver's
networkData, claims looked up across inputs, mermaid, and the same networks before and after --to dra."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from k8snet_convert.cli import main
from k8snet_convert.explain import Explanation, TreeNode, explain_paths, render_text
from k8snet_convert.options import Options, Target
from k8snet_convert.pipeline import collect_inventory, convert_file
from k8snet_convert.report.mermaid import render

from .conftest import FIXTURES, ROOT

SEVERAL = FIXTURES / "dra-several-interfaces"

# The driver's demo (reference/native.md §3.2): a hand-written claim (no NAD recorded) with its status.
DEMO = """\
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: macvlan-eth0, namespace: demo}
spec:
  devices:
    requests:
    - name: macvlan-eth0
      exactly: {deviceClassName: network-interface, allocationMode: ExactCount, count: 1}
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
            - {type: macvlan, master: eth0, mode: bridge,
               ipam: {type: host-local, ranges: [[{subnet: 10.10.1.0/24}]]}}
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
    - {type: Ready, status: "True", reason: NetworkInterfaceReady}
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
  - {name: net, resourceClaimName: macvlan-eth0}
  containers: [{name: c, image: i}]
"""

GPU_TEMPLATE = """\
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: gpu, namespace: demo}
spec:
  spec:
    devices:
      requests:
      - {name: gpu, exactly: {deviceClassName: gpu.example.com}}
"""


def explain(tmp_path: Path, files: dict[str, str], **options: object) -> Explanation:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return explain_paths([str(tmp_path)], Options(**options))  # type: ignore[arg-type]


def test_converted_workload_tree(tmp_path: Path) -> None:
    """Real --to dra output: one interface per claim, the NAD each was made from, the embedded config."""
    shutil.copy(SEVERAL / "expected.yaml", tmp_path / "app.yaml")
    outcome = explain_paths([str(tmp_path)], Options())
    assert render_text(outcome.trees) == (
        f"StatefulSet core/db ({tmp_path / 'app.yaml'}:19, dra)\n"
        "├── eth0  [default route IPv4, IPv6]\n"
        "│   └── the cluster's default network\n"
        "├── net1\n"
        "│   └── ResourceClaimTemplate core/data-net1 (device class cni.networking.x-k8s.io)\n"
        "│       └── NAD core/data (the claim embeds its config)\n"
        "│           └── CNI ipvlan (master ens4)\n"
        "│               └── IPAM host-local: 10.1.0.0/24\n"
        "├── repl0\n"
        "│   └── ResourceClaimTemplate core/data-repl0 (device class cni.networking.x-k8s.io)\n"
        "│       └── NAD core/data (the claim embeds its config)\n"
        "│           └── CNI ipvlan (master ens4)\n"
        "│               └── IPAM host-local: 10.1.0.0/24\n"
        "└── net3\n"
        "    └── ResourceClaimTemplate core/storage-net3-49c83 (device class cni.networking.x-k8s.io)\n"
        "        └── NAD infra/storage (the claim embeds its config)\n"
        "            └── CNI macvlan (master ens5)\n"
        "                └── IPAM dhcp\n"
    )
    assert outcome.without_networks == 0


def test_claim_status_network_data(tmp_path: Path) -> None:
    """A hand-written claim: no NAD, the config's name; the driver's networkData with IPs and MAC."""
    (tree,) = explain(tmp_path, {"demo.yaml": DEMO}).trees
    assert render_text([tree]) == (
        f"Pod demo/demo ({tmp_path / 'demo.yaml'}:39, dra)\n"
        "├── eth0  [default route IPv4, IPv6]\n"
        "│   └── the cluster's default network\n"
        "└── net1\n"
        "    ├── ResourceClaim demo/macvlan-eth0 (claim net, device class network-interface)\n"
        "    │   └── network macvlan-eth0 (no NAD recorded)\n"
        "    │       └── CNI macvlan (master eth0, mode bridge)\n"
        "    │           └── IPAM host-local: 10.10.1.0/24\n"
        "    └── status: interface net1, IPs 10.10.1.2/24, MAC 5a:9f:d8:84:fb:51 (Ready)\n"
    )


def test_status_that_is_not_ready_and_legacy_names(tmp_path: Path) -> None:
    text = (
        DEMO.replace('status: "True"', 'status: "False"')
        .replace("ips:", "addresses:")
        .replace("hardwareAddress:", "hwAddress:")
    )
    (tree,) = explain(tmp_path, {"demo.yaml": text}).trees
    assert tree.children[1].children[1].label == (
        "status: interface net1, IPs 10.10.1.2/24, MAC 5a:9f:d8:84:fb:51 (not Ready)"
    )


def test_embedded_parameters_are_shown(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "dra-every-field" / "expected.yaml", tmp_path / "app.yaml")
    (tree,) = explain_paths([str(tmp_path)], Options()).trees
    n3 = tree.children[1]
    assert n3.label == "n3"
    assert [c.label for c in n3.children][1] == (
        'parameters (written into the CNI config): ips=["10.10.0.5/24", "fd00::5/64"], '
        'mac="02:11:22:33:44:55", cni-args={"vlan": 100}'
    )
    cni = n3.children[0].children[0].children[0]
    assert (cni.label, cni.children[0].label) == (
        "CNI chain sriov → tuning",
        "IPAM static: 10.10.0.5/24; fd00::5/64",
    )


def test_claims_of_other_drivers_and_claims_not_among_the_inputs(tmp_path: Path) -> None:
    """A GPU template among the inputs is not a network (skipped); a missing one might be: it is said."""
    pod = DEMO.replace(
        "  - {name: net, resourceClaimName: macvlan-eth0}\n",
        "  - {name: gpu, resourceClaimTemplateName: gpu}\n"
        "  - {name: net, resourceClaimName: macvlan-eth0}\n"
        "  - {name: fpga, resourceClaimTemplateName: fpga}\n",
    )
    (tree,) = explain(tmp_path, {"demo.yaml": pod, "gpu.yaml": GPU_TEMPLATE}).trees
    assert [(c.kind, c.label) for c in tree.children] == [
        ("interface", "eth0"),
        ("interface", "net1"),
        (
            "note",
            "claim fpga: ResourceClaimTemplate demo/fpga (not among the inputs: its devices are unknown)",
        ),
    ]


def test_a_pod_that_only_claims_other_devices_is_not_drawn(tmp_path: Path) -> None:
    pod = DEMO.split("---\n")[1].replace(
        "{name: net, resourceClaimName: macvlan-eth0}", "{name: gpu, resourceClaimTemplateName: gpu}"
    )
    outcome = explain(tmp_path, {"app.yaml": GPU_TEMPLATE + "---\n" + pod})
    assert (outcome.trees, outcome.without_networks) == ([], 1)


def test_templates_are_looked_up_across_inputs_and_mixed_workloads_draw_eth0_once(tmp_path: Path) -> None:
    """A Multus pod that also claims a DRA network whose template is in another file."""
    nad = (SEVERAL / "input.yaml").read_text().split("---\n")[0]
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: core\n"
        "  annotations: {k8s.v1.cni.cncf.io/networks: data}\n"
        "spec:\n  containers: [{name: c, image: i}]\n"
        "  resourceClaims: [{name: extra, resourceClaimTemplateName: data-repl0}]\n"
    )
    templates = (SEVERAL / "expected.yaml").read_text().split("---\n")
    template = next(t for t in templates if "name: data-repl0" in t and "kind: ResourceClaimTemplate" in t)
    (tree,) = explain(tmp_path, {"nad.yaml": nad, "pod.yaml": pod, "template.yaml": template}).trees
    assert tree.label.endswith(", multus + dra)")
    assert [c.label for c in tree.children] == ["eth0", "net1", "repl0"]
    assert tree.children[2].children[0].label == (
        "ResourceClaimTemplate core/data-repl0 (claim extra, device class cni.networking.x-k8s.io)"
    )


def test_parameters_that_cannot_be_read(tmp_path: Path) -> None:
    broken = DEMO.replace(
        "          config:\n            cniVersion: 1.0.0\n",
        "          conf:\n            cniVersion: 1.0.0\n",
    )
    (tree,) = explain(tmp_path, {"demo.yaml": broken}).trees
    network = tree.children[1].children[0].children[0]
    assert network.label == "a CNI config without a name (no NAD recorded)"
    assert [c.label for c in network.children] == [
        "the parameters hold no CNI config: run k8snet-convert lint for details"
    ]
    no_plugins = DEMO.replace("            plugins:\n", "            plugin:\n")
    (tree,) = explain(tmp_path / "b", {"demo.yaml": no_plugins}).trees
    network = tree.children[1].children[0].children[0]
    assert [c.label for c in network.children] == ["the config is not a valid CNI config"]


# -- before and after --to dra ------------------------------------------------------------------------------


def to_dra(text: str) -> str:
    """Convert one file to DRA as a run does (its NADs known to it)."""
    options = Options(to=Target.DRA)
    nads = collect_inventory([("app.yaml", None, text.encode())], options)
    result = convert_file("app.yaml", None, text.encode(), options, nads)
    assert result.new is not None, [f.message for f in result.findings]
    return result.new.decode()


def _below(node: TreeNode, kind: str) -> list[str]:
    found = [node.label] if node.kind == kind else []
    for child in node.children:
        found += _below(child, kind)
    return found


def summary(tree: TreeNode, exact_ipam: bool) -> list[tuple[object, ...]]:
    """Per interface: name, default-route marks, the NAD (as 'ns/name'), CNI chain and IPAM; the
    IPAM type only when per-attachment ips were written into the config (its ranges then differ)."""
    rows: list[tuple[object, ...]] = []
    for iface in tree.children:
        nads = [label.split(" ")[1] for label in _below(iface, "nad")]
        ipam = _below(iface, "ipam")
        rows.append(
            (
                iface.label,
                iface.marks,
                nads,
                _below(iface, "cni"),
                ipam if exact_ipam else [label.split(":")[0] for label in ipam],
            )
        )
    return rows


@pytest.mark.parametrize(
    ("source", "exact_ipam"),
    [
        (SEVERAL / "input.yaml", True),
        (FIXTURES / "dra-conflist" / "input.yaml", True),
        (ROOT / "examples" / "multus-app.yaml", False),  # storage's ips go into its static IPAM
    ],
    ids=["several-interfaces", "conflist", "multus-app"],
)
def test_a_workload_explains_the_same_networks_before_and_after_to_dra(
    source: Path, exact_ipam: bool, tmp_path: Path
) -> None:
    text = source.read_text()
    before = explain(tmp_path / "before", {"app.yaml": text})
    after = explain(tmp_path / "after", {"app.yaml": to_dra(text)})
    assert len(before.trees) == len(after.trees) >= 1
    for old, new in zip(before.trees, after.trees, strict=True):
        assert old.label.endswith(", multus)") and new.label.endswith(", dra)")
        assert summary(old, exact_ipam) == summary(new, exact_ipam)
        assert len(old.children) >= 2  # eth0 and at least one network: there is something to compare
        # the DRA side really comes from the claims
        assert all(c.children[0].kind == "claim" for c in new.children[1:])


def test_per_attachment_ips_before_and_after(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "multus-app.yaml").read_text()
    (old,) = explain(tmp_path / "before", {"app.yaml": text}).trees
    (new,) = explain(tmp_path / "after", {"app.yaml": to_dra(text)}).trees
    assert _below(old.children[2], "params") == ['parameters: ips=["10.20.0.15/24"]']
    assert _below(new.children[2], "params") == [
        'parameters (written into the CNI config): ips=["10.20.0.15/24"]'
    ]
    assert _below(new.children[2], "ipam") == ["IPAM static: 10.20.0.15/24"]


# -- mermaid and the command ------------------------------------------------------------------------


def test_mermaid_draws_a_shared_template_once(tmp_path: Path) -> None:
    text = (SEVERAL / "expected.yaml").read_text()
    second = text.split("---\n")[2].replace("name: db\n", "name: db2\n", 1)
    trees = explain(tmp_path, {"app.yaml": text + "---\n" + second}).trees
    assert len(trees) == 2
    out = render(trees)
    claim = '[("ResourceClaimTemplate core/data-net1 (device class cni.networking.x-k8s.io)")]'
    assert out.count(claim) == 1
    claim_id = next(line.split("[(")[0].strip() for line in out.splitlines() if claim in line)
    assert sum(1 for line in out.splitlines() if line.endswith(f"--> {claim_id}")) == 2  # both workloads
    assert out.count('[/"CNI ipvlan (master ens4)"/]') == 2  # data-net1 and data-repl0: a copy each


def test_mermaid_status_shape(tmp_path: Path) -> None:
    out = render(explain(tmp_path, {"demo.yaml": DEMO}).trees)
    assert '("status: interface net1, IPs 10.10.1.2/24, MAC 5a:9f:d8:84:fb:51 (Ready)")' in out
    assert '[["network macvlan-eth0 (no NAD recorded)"]]' in out


def test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(SEVERAL / "expected.yaml", tmp_path / "app.yaml")
    assert main(["explain", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"StatefulSet core/db ({tmp_path / 'app.yaml'}:19, dra)\n")
    assert err == "1 workload(s) with networks in 1 file(s)\n"
    assert main(["explain", "--format", "mermaid", str(tmp_path)]) == 0
    assert '[("ResourceClaimTemplate core/storage-net3-49c83' in capsys.readouterr().out
