"""Helm charts: templates reported and untouched; values that set the annotation reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_convert import cli

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
    "    k8s.v1.cni.cncf.io/networks: net-a\nspec:\n  containers: []\n"
)


@pytest.fixture
def chart(tmp_path: Path) -> Path:
    root = tmp_path / "mychart"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: mychart\nversion: 0.1.0\n")
    (root / "templates" / "pod.yaml").write_text(POD)  # valid YAML, but a template by its place
    (root / "templates" / "deploy.yaml").write_text(POD.replace("name: p", "name: {{ .Release.Name }}"))
    (root / "values.yaml").write_text("podAnnotations:\n  k8s.v1.cni.cncf.io/networks: net-a\n")
    (root / "rendered.yaml").write_text(POD.replace("name: p", "name: app-{{ .Release.Name }}"))
    return root


def test_chart_is_reported_and_untouched(chart: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_bytes() for p in chart.rglob("*") if p.is_file()}
    code = cli.main(["convert", "--write", str(chart)])
    err = capsys.readouterr().err
    assert code == 0
    assert {p: p.read_bytes() for p in chart.rglob("*") if p.is_file()} == before
    for name in ("templates/pod.yaml", "templates/deploy.yaml", "rendered.yaml"):
        assert f"{(chart / name).as_posix()}: info [templated-file]" in err
    assert "helm template" in err
    assert f"{(chart / 'values.yaml').as_posix()}:2:3: warning [templated-value]" in err


def test_unparseable_template_is_reported_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("{{- if .Values.multus }}\n" + POD + "{{- end }}\n")
    code = cli.main(["convert", str(file)])
    assert code == 0
    assert "[templated-file]" in capsys.readouterr().err
