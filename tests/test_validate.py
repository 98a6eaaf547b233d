"""validate: files and objects counted, each problem at its own line and column, files read like the
other commands read them (exclude, configuration, .gitignore, Helm templates skipped), and each
PodNetwork checked against its own KEP revision's schema."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from k8snet_convert.cli import main

ROOT = Path(__file__).resolve().parents[1]
APP = (ROOT / "examples" / "multus-app.yaml").read_text()
BAD_PNA = """\
apiVersion: v1
kind: PodNetworkAttachment
metadata:
  name: web-net1
  namespace: shop
spec:
  podNetworkName: ""
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers: []
  networks:
  - podNetworkName: default
  - podNetworkName: data
    interfaceName: a-name-far-too-long
"""


def _validate(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", *argv])
    return code, capsys.readouterr().err


def test_problems_are_at_their_own_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_PNA)
    code, err = _validate([str(bad)], capsys)
    assert code == 2
    assert (
        f"{bad.as_posix()}:7:19: error [schema-violation] PodNetworkAttachment web-net1: spec.podNetworkName"
        in err
    )
    assert f"{bad.as_posix()}:17:20: error [schema-violation] Pod p: spec.networks[1].interfaceName:" in err
    assert err.rstrip().endswith("1 file(s), 2 object(s) checked; 2 problem(s)")


def test_files_and_objects_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(APP)  # two NADs and a Deployment without networks yet
    (tmp_path / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    code, err = _validate([str(tmp_path)], capsys)
    assert code == 0
    assert err == "2 file(s), 2 object(s) checked; 0 problem(s)\n"


def test_a_podnetwork_is_checked_against_its_own_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(APP)
    assert main(["convert", "app.yaml", "--write", "--profile", "kep-3698-rev2", "--provider", "multus"]) == 0
    capsys.readouterr()
    code, err = _validate(["app.yaml"], capsys)
    assert code == 2  # rev 2 requires a domain-prefixed provider; the pods name the networks in rev 2
    assert (
        "app.yaml:27:13: error [schema-violation] PodNetwork macvlan-data: spec.provider: 'multus' does "
        "not match" in err
    )
    # alone, a PodNetwork's revision is the run's --profile (or the configuration's)
    podnetwork = (tmp_path / "app.yaml").read_text().split("---")[1]
    assert "kind: PodNetwork\n" in podnetwork
    (tmp_path / "pn.yaml").write_text(podnetwork)
    assert _validate(["pn.yaml"], capsys)[0] == 0
    assert _validate(["pn.yaml", "--profile", "kep-3698-rev2"], capsys)[0] == 2
    (tmp_path / ".k8snet-convert.yaml").write_text("profile: kep-3698-rev2\n")
    assert _validate(["pn.yaml"], capsys)[0] == 2
    # the same objects written for the first revision are valid
    (tmp_path / "app.yaml").write_text(APP)
    (tmp_path / ".k8snet-convert.yaml").unlink()
    main(["convert", "app.yaml", "--write", "--provider", "multus"])
    capsys.readouterr()
    assert _validate(["app.yaml"], capsys) == (0, "1 file(s), 7 object(s) checked; 0 problem(s)\n")


def test_exclude_and_the_configuration_are_honoured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "pna.yaml").write_text(BAD_PNA)
    (tmp_path / "ok.yaml").write_text(APP)
    assert _validate(["."], capsys)[0] == 2
    assert _validate([".", "--exclude", "bad/*"], capsys) == (
        0,
        "1 file(s), 2 object(s) checked; 0 problem(s)\n",
    )
    (tmp_path / ".k8snet-convert.yaml").write_text("exclude: ['bad']\n")
    assert _validate(["."], capsys)[0] == 0


def test_files_git_ignores_are_not_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("rendered/\n")
    (tmp_path / "rendered").mkdir()
    (tmp_path / "rendered" / "pna.yaml").write_text(BAD_PNA)
    assert _validate([str(tmp_path)], capsys)[0] == 0
    assert _validate([str(tmp_path), "--no-gitignore"], capsys)[0] == 2


def test_a_helm_template_is_skipped_and_said_not_a_syntax_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "pn.yaml").write_text(
        "apiVersion: v1\nkind: PodNetwork\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  enabled: true\n"
    )
    (tmp_path / "loose.yaml").write_text(
        "apiVersion: v1\nkind: PodNetwork\nmetadata:\n  name: {{ .Values.name }}\nspec: {enabled: true}\n"
    )
    code, err = _validate([str(tmp_path)], capsys)
    assert code == 0
    assert "invalid-yaml" not in err and "schema-violation" not in err
    assert err.count("info [templated-file]") == 2
    assert err.endswith("3 file(s), 0 object(s) checked; 0 problem(s)\n")


def test_a_problem_can_be_suppressed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        BAD_PNA.replace(
            'podNetworkName: ""', 'podNetworkName: ""  # k8snet-convert: ignore[schema-violation]'
        )
    )
    code, err = _validate([str(bad)], capsys)
    assert code == 2  # the interface name is still wrong
    assert err.count("[schema-violation]") == 1 and "1 suppressed" in err


def test_problems_that_are_not_schema_errors_are_placed_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  selection.json: '{not json'\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
        "      networks: {podNetworkName: a}\n"
    )
    code, err = _validate([str(bad)], capsys)
    assert code == 2
    assert f"{bad.as_posix()}:5:19: error [schema-violation] ConfigMap c: selection.json is not JSON" in err
    where = f"{bad.as_posix()}:13:17: error [schema-violation] Deployment d: "
    assert where + "spec.template.spec.networks must be a list" in err
