"""Silent no-ops become warnings: options that do nothing for the target (flag-ignored), inputs with no
manifest (no-manifests). Warnings: the exit code changes only under --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_convert.cli import main
from k8snet_convert.notices import APPLIES_TO, ignored_options
from k8snet_convert.options import Options, Target

ROOT = Path(__file__).resolve().parents[1]
APP = (ROOT / "examples" / "multus-app.yaml").read_text()  # NADs and a workload: every target converts it


@pytest.fixture
def pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(APP)
    return tmp_path / "pod.yaml"


@pytest.mark.parametrize(
    ("flags", "target", "named"),
    [
        (["--drop-nads"], "native", "--drop-nads"),
        (["--device-class", "x.example.com"], "multus", "--device-class"),
        (["--emit-device-class"], "native", "--emit-device-class"),
        (["--dra-api-version", "v1beta1"], "native", "--dra-api-version"),
        (["--annotation-style", "json"], "native", "--annotation-style"),
        (["--annotation-style", "short"], "dra", "--annotation-style"),
        (["--profile", "kep-3698-rev2"], "dra", "--profile"),
        (["--provider", "example.com/x"], "dra", "--provider"),
        (["--name-template", "{namespace}.{name}"], "dra", "--name-template"),
        (["--attachment-params", "drop"], "dra", "--attachment-params"),
        (["--implicit-interfaces"], "dra", "--implicit-interfaces"),
        (["--api-version", "v1alpha1"], "dra", "--api-version"),
        (["--inject-resources"], "multus", "--inject-resources"),
    ],
)
def test_a_flag_that_does_nothing_for_the_target_is_reported(
    pod: Path, flags: list[str], target: str, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", pod.name, "--to", target, *flags]) == 0
    err = capsys.readouterr().err
    assert f"(command line): warning [flag-ignored] {named} does nothing with --to {target}" in err
    assert main(["convert", pod.name, "--to", target, "--strict", *flags]) == 2  # a warning: --strict fails


@pytest.mark.parametrize(
    ("flags", "target"),
    [
        (["--drop-nads", "--device-class", "x.example.com"], "dra"),
        (["--annotation-style", "json"], "multus"),
        (["--profile", "kep-3698-rev2", "--implicit-interfaces"], "native"),
        (["--name-template", "{namespace}.{name}"], "multus"),
        (["--namespace", "shop", "--multus-namespace", "kube-system"], "dra"),
    ],
)
def test_a_flag_for_its_target_is_not_reported(
    pod: Path, flags: list[str], target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["convert", pod.name, "--to", target, *flags])
    assert "flag-ignored" not in capsys.readouterr().err


def test_configuration_options_are_reported_with_their_file_unless_left_at_their_default(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = pod.parent / ".k8snet-convert.yaml"
    config.write_text("device-class: x.example.com\nemit-device-class: false\nannotation-style: json\n")
    assert main(["check", pod.name]) == 1
    err = capsys.readouterr().err
    assert f"device-class (set in {config}) does nothing with --to native" in err
    assert "annotation-style (set in" in err
    assert "emit-device-class" not in err  # false asks for nothing
    assert main(["convert", pod.name, "--to", "dra", "--check"]) == 1
    assert "device-class" not in capsys.readouterr().err


def test_every_option_of_the_table_is_an_option() -> None:
    fields = set(Options.__dataclass_fields__)
    assert set(APPLIES_TO) <= fields
    options = Options(to=Target.MULTUS, drop_nads=True, annotation_style=Options().annotation_style)
    found = ignored_options(options, {"drop_nads": None, "annotation_style": None})
    assert [f.message.split()[0] for f in found] == ["--drop-nads"]


def test_an_empty_or_mistyped_folder_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("not a manifest\n")
    for command in (["check"], ["convert"], ["convert", "--write"], ["lint"]):
        assert main([*command, "empty", "docs"]) == 0
        err = capsys.readouterr().err
        assert "empty: warning [no-manifests]" in err and "docs: warning [no-manifests]" in err
    assert main(["convert", "empty", "--strict"]) == 2
    assert main(["lint", "empty", "--strict"]) == 1
    capsys.readouterr()
    (tmp_path / "empty" / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    assert main(["check", "empty"]) == 0
    assert "no-manifests" not in capsys.readouterr().err
    # files named on the command line (pre-commit's way) that the configuration excludes: meant
    (tmp_path / ".k8snet-convert.yaml").write_text("exclude: ['empty/*']\n")
    assert main(["check", "empty/svc.yaml"]) == 0
    assert "no-manifests" not in capsys.readouterr().err
