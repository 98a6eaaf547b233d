"""A configuration that does not parse, or holds a wrong value, is a usage error (exit 3) before any
work, naming the file (with line and column for syntax errors) and listing the valid values."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_convert.cli import main

POD = (Path(__file__).resolve().parents[1] / "examples" / "short-form-pod.yaml").read_text()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(POD)
    return tmp_path


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str], project: Path) -> str:
    before = (project / "pod.yaml").read_bytes()
    assert main(argv) == 3
    out, err = capsys.readouterr()
    assert out == ""  # nothing converted, nothing printed
    assert (project / "pod.yaml").read_bytes() == before
    return err


@pytest.mark.parametrize(
    "command", [["check", "pod.yaml"], ["convert", "pod.yaml", "--write"], ["lint", "."]]
)
def test_a_toml_syntax_error_is_a_usage_error_with_line_and_column(
    project: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text('[tool.k8snet-convert]\nprofile = "kep-3698-rev2\n')
    err = _usage_error(command, capsys, project)
    assert f"{project / 'pyproject.toml'}:2:" in err and "not valid TOML" in err


def test_a_yaml_syntax_error_says_line_and_column(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".k8snet-convert.yaml").write_text("profile: kep-3698\nexclude: [a, b\nstrict: true\n")
    err = _usage_error(["check", "pod.yaml"], capsys, project)
    assert f"{project / '.k8snet-convert.yaml'}:3:7: not valid YAML" in err


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            'profile = "kep-3698-rev9"',
            "profile: 'kep-3698-rev9' is not one of the valid values: kep-3698, kep-3698-rev2",
        ),
        ('to = "calico"', "to: 'calico' is not one of the valid values: native, multus, dra"),
        ('attachment-params = "keep"', "valid values: configmap, annotation, drop"),
        ('annotation-style = "long"', "valid values: auto, short, json"),
        ('dra-api-version = "v2"', "valid values: v1, v1beta1"),
        ('report-format = "yaml"', "unknown report format 'yaml'"),
        ('jobs = "2"', "option 'jobs' must be a whole number, not '2'"),
        ("jobs = 0", "jobs must be at least 1, not 0"),
        ('strict = "yes"', "option 'strict' must be true or false, not 'yes'"),
        ("exclude = [1]", "option 'exclude' must be a list of strings"),
        ("provider = 3", "option 'provider' must be a string, not 3"),
        ('name-template = "{nam}"', "{nam}"),
    ],
)
def test_a_wrong_value_lists_the_valid_ones(
    project: Path, setting: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text(f"[tool.k8snet-convert]\n{setting}\n")
    err = _usage_error(["check", "pod.yaml"], capsys, project)
    assert f"{project / 'pyproject.toml'}:" in err
    assert expected in err
    assert "a int" not in err


def test_an_unknown_key_lists_the_known_ones(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".k8snet-convert.yaml").write_text("profiles: kep-3698\n")
    err = _usage_error(["convert", "pod.yaml"], capsys, project)
    assert "unknown option 'profiles'; did you mean 'profile'?" in err
    assert "known options: annotation-style, api-version," in err


def test_a_flag_with_a_wrong_value_lists_the_choices(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _usage_error(["convert", "pod.yaml", "--profile", "kep-3698-rev9"], capsys, project)
    assert "kep-3698" in err and "kep-3698-rev2" in err


def test_a_pyproject_without_the_section_is_not_read_as_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text("[tool.other]\nbroken = \n")  # not ours: never parsed
    assert main(["check", "pod.yaml"]) == 1
