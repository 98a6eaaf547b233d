"""The run-wide inventory (SPEC §6): names resolve through every input file (and the configuration's
``inventory`` paths), never through "the same file only"; guesses are warnings; output is the file's own."""

from __future__ import annotations

from pathlib import Path

import yaml

from k8snet_convert import cli
from k8snet_convert.model import Severity
from k8snet_convert.options import Options, OutputMode, Target
from k8snet_convert.run import run

PODNETWORKS = """\
apiVersion: v1
kind: PodNetwork
metadata:
  name: replication
spec:
  enabled: true
  provider: k8s.cni.cncf.io/multus
  parametersRefs:
  - group: k8s.cni.cncf.io
    kind: network-attachment-definitions
    name: replication
    namespace: dr
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: db
        image: postgres:16
      networks:
      - podNetworkName: default
        interfaceName: eth0
      - podNetworkName: replication
        interfaceName: eth2
"""
NAD = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: replication
  namespace: dr
spec:
  config: '{"cniVersion": "1.0.0", "name": "replication", "type": "macvlan", "master": "eth1"}'
"""


def _annotation(text: str) -> str:
    deployment = next(d for d in yaml.safe_load_all(text) if d and d["kind"] == "Deployment")
    value = deployment["spec"]["template"]["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"]
    assert isinstance(value, str)
    return value


def test_the_reverse_resolves_a_podnetwork_of_a_neighbour_file(tmp_path: Path) -> None:
    (tmp_path / "podnetworks.yaml").write_text(PODNETWORKS)
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    outcome = run([str(tmp_path)], Options(to=Target.MULTUS, mode=OutputMode.WRITE))
    assert _annotation((tmp_path / "deployment.yaml").read_text()) == "dr/replication@eth2"
    # Resolved through the inventory: no guess to report.
    assert "podnetwork-not-found" not in {f.rule for f in outcome.findings}


def test_an_unresolved_podnetwork_is_a_warning_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    outcome = run([str(tmp_path)], Options(to=Target.MULTUS, mode=OutputMode.WRITE))
    assert _annotation((tmp_path / "deployment.yaml").read_text()) == "replication@eth2"
    [guess] = [f for f in outcome.findings if f.rule == "podnetwork-not-found"]
    assert guess.severity is Severity.WARNING
    assert (
        "inventory:" in guess.hint
        and "assuming NetworkAttachmentDefinition shop/replication" in guess.message
    )


def test_one_file_resolves_what_the_configuration_lists_as_inventory(tmp_path: Path) -> None:
    """A pre-commit run sees one changed file; the repository's network folder is the inventory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "networks").mkdir()
    (tmp_path / "networks" / "podnetworks.yaml").write_text(PODNETWORKS)
    (tmp_path / "apps").mkdir()
    deployment = tmp_path / "apps" / "deployment.yaml"
    deployment.write_text(DEPLOYMENT)
    (tmp_path / ".k8snet-convert.yaml").write_text("inventory: [networks]\n")
    code = cli.main(["convert", str(deployment), "--to", "multus", "--write", "--quiet"])
    assert code == 0
    assert _annotation(deployment.read_text()) == "dr/replication@eth2"
    # The inventory is read, never converted: the PodNetwork's file is untouched.
    assert (tmp_path / "networks" / "podnetworks.yaml").read_text() == PODNETWORKS


def test_dra_finds_the_config_of_a_nad_in_another_file(tmp_path: Path) -> None:
    (tmp_path / "nad.yaml").write_text(NAD)
    multus = DEPLOYMENT.replace(
        "      networks:\n      - podNetworkName: default\n        interfaceName: eth0\n"
        "      - podNetworkName: replication\n        interfaceName: eth2\n",
        "",
    ).replace(
        "  template:\n    spec:",
        "  template:\n    metadata:\n      annotations:\n"
        "        k8s.v1.cni.cncf.io/networks: dr/replication@eth2\n    spec:",
    )
    (tmp_path / "deployment.yaml").write_text(multus)
    outcome = run([str(tmp_path)], Options(to=Target.DRA, mode=OutputMode.WRITE))
    assert not [f for f in outcome.findings if f.severity is Severity.ERROR]
    docs = list(yaml.safe_load_all((tmp_path / "deployment.yaml").read_text()))
    [template] = [d for d in docs if d["kind"] == "ResourceClaimTemplate"]
    config = template["spec"]["spec"]["devices"]["config"][0]["opaque"]["parameters"]["config"]
    assert config["master"] == "eth1"
    # Back from DRA with the NAD file among the inputs: it is found, nothing "not among the inputs".
    outcome = run([str(tmp_path)], Options(to=Target.MULTUS, mode=OutputMode.WRITE))
    assert "nad-not-found" not in {f.rule for f in outcome.findings}
    assert "dr/replication@eth2" in (tmp_path / "deployment.yaml").read_text()


def test_output_is_the_same_for_any_jobs(tmp_path: Path) -> None:
    for i in range(60):  # enough files for the worker pools
        (tmp_path / f"podnetworks-{i}.yaml").write_text(PODNETWORKS.replace("replication", f"rep{i}"))
        (tmp_path / f"deployment-{i}.yaml").write_text(DEPLOYMENT.replace("replication", f"rep{i}"))
    outputs = []
    for jobs in (1, 2):
        outcome = run([str(tmp_path)], Options(to=Target.MULTUS, mode=OutputMode.CHECK, jobs=jobs))
        outputs.append((sorted(outcome.changed), sorted((f.file, f.rule) for f in outcome.findings)))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][0]) == 120


ADJACENT_NADS = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: a
  namespace: lab
spec:
  config: '{"cniVersion": "1.0.0", "name": "a", "type": "macvlan"}'
---
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: b
  namespace: lab
spec:
  config: '{"cniVersion": "1.0.0", "name": "b", "type": "macvlan"}'
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: lab
  annotations:
    k8s.v1.cni.cncf.io/networks: a,b
spec:
  containers: []
"""


def test_drop_nads_removes_adjacent_nad_documents(tmp_path: Path) -> None:
    """Two NAD documents in a row, the first without ``---``: removed together, not as overlapping edits."""
    file = tmp_path / "app.yaml"
    file.write_text(ADJACENT_NADS)
    outcome = run([str(file)], Options(to=Target.DRA, drop_nads=True, mode=OutputMode.WRITE))
    assert not [f for f in outcome.findings if f.severity is Severity.ERROR], outcome.findings
    kinds = [d["kind"] for d in yaml.safe_load_all(file.read_text())]
    assert kinds == ["Pod", "ResourceClaimTemplate", "ResourceClaimTemplate"]
    assert file.read_text().startswith("apiVersion: v1\nkind: Pod\n")
