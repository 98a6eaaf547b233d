"""Issue 17: the project configuration is read like a manifest (bounded, alias bombs refused), found no
higher than the repository root, and named by the run (-v, the JSON and SARIF reports)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet_convert import config
from k8snet_convert.errors import UsageError

from .hostile import cli_run, pod, tool


def alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_the_configuration_is_a_usage_error(tmp_path: Path) -> None:
    """400 bytes took more than 20 s and about 1 GB."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".k8snet-convert.yaml").write_text(alias_bomb())
    assert len(alias_bomb()) < 500
    (tmp_path / "app.yaml").write_text(pod())
    proc = tool("check", str(tmp_path / "app.yaml"))
    assert proc.returncode == 3
    assert "cannot read the configuration (line" in proc.stderr and "alias bomb" in proc.stderr


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # A syntax error says file:line:column, like every configuration error (tests/test_config_errors.py).
        ("exclude: [a\n", ".k8snet-convert.yaml:2:1: not valid YAML: YAML syntax error"),
        ("a: 1\n---\nb: 2\n", "(line 3): a second YAML document starts at line 3"),
        ("? [a]\n: 1\n", "unhashable"),  # a list as a key
    ],
)
def test_a_broken_configuration_is_a_usage_error(tmp_path: Path, text: str, said: str) -> None:
    (tmp_path / ".k8snet-convert.yaml").write_text(text)
    with pytest.raises(UsageError) as caught:
        config.load(tmp_path / ".k8snet-convert.yaml")
    assert said in str(caught.value)
    assert "not valid YAML" in said or "cannot read the configuration" in str(caught.value)


def test_the_configuration_search_stops_at_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .k8snet-convert.yaml above the checkout with exclude: ["*"] turned check into "0 file(s)
    scanned", exit 0."""
    (tmp_path / ".k8snet-convert.yaml").write_text('exclude: ["*"]\n')
    repo = tmp_path / "checkout"
    (repo / "apps").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: ../elsewhere\n")  # a worktree's .git is a file
    (repo / "apps" / "app.yaml").write_text(pod())
    code, _, err = cli_run(["check", str(repo / "apps"), "-v"], capsys)
    assert code == 1
    assert "configuration: none (defaults)" in err and "1 file(s) scanned, 1 would change" in err
    (repo / ".k8snet-convert.yaml").write_text("exclude: [vendor]\n")
    code, _, err = cli_run(["check", str(repo / "apps"), "--verbose"], capsys)
    assert code == 1 and f"configuration: {repo / '.k8snet-convert.yaml'}" in err


def test_without_a_repository_the_search_stops_at_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "manifests").mkdir(parents=True)
    (tmp_path / ".k8snet-convert.yaml").write_text('exclude: ["*"]\n')
    monkeypatch.setenv("HOME", str(home))
    assert config.find(home / "manifests") is None
    (home / ".k8snet-convert.yaml").write_text("strict: true\n")
    assert config.find(home / "manifests") == home / ".k8snet-convert.yaml"


def test_the_reports_name_the_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".k8snet-convert.yaml").write_text("strict: false\n")
    (tmp_path / "app.yaml").write_text(pod())
    reports = tmp_path / ".out"
    cli_run(["check", str(tmp_path / "app.yaml"), "--report", str(reports / "r.json")], capsys)
    cli_run(["check", str(tmp_path / "app.yaml"), "--report", str(reports / "r.sarif")], capsys)
    where = str(tmp_path / ".k8snet-convert.yaml")
    assert json.loads((reports / "r.json").read_text())["configuration"] == where
    assert json.loads((reports / "r.sarif").read_text())["runs"][0]["properties"] == {"configuration": where}
