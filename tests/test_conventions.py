"""Conventions users bring from ruff, kubectl and pre-commit: -h, rule ID / --all, --check --diff,
.gitignore respected by the walk (--no-gitignore), shell completion, help that shows defaults and
examples and reads well at 60 columns."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet_convert import entry, files, rules, walk_ignore
from k8snet_convert.cli import main
from k8snet_convert.rule_cli import all_ids

ROOT = Path(__file__).resolve().parents[1]
POD = (ROOT / "examples" / "short-form-pod.yaml").read_text()
COMMANDS = ["convert", "check", "lint", "explain", "parse-annotation", "validate", "rule"]


def _cli(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "k8snet_convert", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    done = _cli([*command, "-h"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: k8snet-convert")
    assert done.stdout == _cli([*command, "--help"]).stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_reads_well_at_60_columns(command: str) -> None:
    text = _cli([command, "-h"], env={"COLUMNS": "60"}).stdout
    assert all(len(line) <= 60 for line in text.splitlines()), text
    assert "…" not in text  # no option name cut short
    options = re.findall(r"^  (?:-\w, )?(--[a-z-]+)", text, re.MULTILINE)
    assert "--help" in options
    if command == "convert":  # the longest names, each whole
        for name in ("--attachment-params", "--annotation-style", "--implicit-interfaces", "--no-gitignore"):
            assert name in options
        flat = " ".join(text.split())
        assert "[default: (native)]" in flat and "[default: (kep-3698)]" in flat
    assert "Examples:" in text
    assert "\\[" not in text  # no markup escape left in the text


def test_help_texts_have_no_hard_line_breaks() -> None:
    """Paragraphs are wrapped to the terminal: a wider one gets longer lines, not the same breaks."""
    narrow = _cli(["lint", "-h"], env={"COLUMNS": "60"}).stdout
    wide = _cli(["lint", "-h"], env={"COLUMNS": "200"}).stdout
    assert len(wide.splitlines()) < len(narrow.splitlines())
    assert "Silence a finding with the comment" in wide.replace("\n  ", " ")


def test_rule_explains_a_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "would-convert"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("would-convert: check: a file still uses Multus-era networking\n")
    assert "Severity: error" in text and "Reported by: check and convert --check." in text
    assert "pre-commit hook" in text  # the catalogue's help: what, why, how to fix
    assert "      # k8snet-convert: ignore[would-convert]\n" in text  # how to suppress


def test_rule_all_explains_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "--all"]) == 0
    text = capsys.readouterr().out
    headings = re.findall(r"^([a-z0-9-]+): ", text, re.MULTILINE)
    assert headings == all_ids() and set(headings) == set(rules.RULES)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["rule", "would-convrt"], "unknown rule 'would-convrt'; did you mean 'would-convert'?"),
        (["rule", "zzz"], "unknown rule 'zzz' (k8snet-convert rule --all lists every rule)"),
        (["rule"], "name one rule"),
        (["rule", "would-convert", "--all"], "name one rule"),
    ],
)
def test_rule_usage_errors(argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 3
    assert said in capsys.readouterr().err


@pytest.mark.parametrize("fast", [True, False])
def test_check_and_diff_together_print_the_diff_and_exit_1(
    tmp_path: Path, fast: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    argv = ["convert", "pod.yaml", "svc.yaml", "--check", "--diff"]
    assert entry.plain_convert(argv) is not None
    code = entry.main(argv) if fast else main(argv)
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith("--- a/pod.yaml\n+++ b/pod.yaml\n") and "+  networks:\n" in out
    assert "pod.yaml:7:5: error [would-convert]" in err
    assert (tmp_path / "pod.yaml").read_text() == POD  # nothing written
    assert main(["convert", "svc.yaml", "--check", "--diff"]) == 0
    assert capsys.readouterr().out == ""


@pytest.fixture(params=["git", "pathspec"])
def repo(tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with ignore files; git's answer, or pathspec's where git cannot answer."""
    if request.param == "pathspec":
        monkeypatch.setattr(walk_ignore, "_git_ignored", lambda folder: None)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("rendered/\n*.generated.yaml\n")
    for name in ("apps/pod.yaml", "rendered/pod.yaml", "apps/x.generated.yaml", "apps/keep/pod.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(POD)
    (tmp_path / "apps" / ".gitignore").write_text("keep/\n")
    (tmp_path / "apps" / "keep" / ".gitignore").write_text("")
    return tmp_path


def test_the_walk_skips_what_git_ignores(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    walked = [name for name, _ in files.discover_names(["."])]
    assert walked == ["apps/pod.yaml"]
    assert [n for n, _ in files.discover_names(["apps"])] == ["apps/pod.yaml"]
    every = [name for name, _ in files.discover_names(["."], gitignore=False)]
    assert every == ["apps/pod.yaml", "apps/x.generated.yaml", "apps/keep/pod.yaml", "rendered/pod.yaml"]
    # a file named on the command line is read even when git ignores it
    assert [n for n, _ in files.discover_names(["rendered/pod.yaml"])] == ["rendered/pod.yaml"]


def test_negation_and_info_exclude(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    (repo / ".gitignore").write_text("*.yaml\n!apps/pod.yaml\n")
    (repo / "apps" / ".gitignore").unlink()
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("apps/keep/\n")
    assert [n for n, _ in files.discover_names(["."])] == ["apps/pod.yaml"]


def test_the_walk_agrees_with_git(repo: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    ignored = subprocess.run(
        ["git", "ls-files", "--others", "--ignored", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    walked = {name for name, _ in files.discover_names([str(repo)], gitignore=False)}
    kept = {name for name, _ in files.discover_names([str(repo)])}
    assert {Path(n).relative_to(repo).as_posix() for n in walked - kept} == {
        name for name in ignored if name.endswith(".yaml")
    }


@pytest.mark.parametrize("command", [["check", "."], ["convert", ".", "--check"], ["lint", "."]])
def test_commands_honour_gitignore_and_no_gitignore(
    repo: Path, command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    main(command)
    assert "rendered" not in capsys.readouterr().err
    main([*command, "--no-gitignore"])
    assert "rendered/pod.yaml" in capsys.readouterr().err


def test_the_configuration_can_turn_gitignore_off(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    (repo / ".k8snet-convert.yaml").write_text("respect-gitignore: false\n")
    main(["check", "."])
    assert "rendered/pod.yaml" in capsys.readouterr().err


def test_outside_a_repository_gitignore_files_mean_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("*.yaml\n")
    (tmp_path / "pod.yaml").write_text(POD)
    assert [n for n, _ in files.discover_names(["."])] == ["pod.yaml"]


def test_shell_completion_scripts_and_answers() -> None:
    script = _cli(["--show-completion", "bash"])
    assert script.returncode == 0 and "_K8SNET_CONVERT_COMPLETE=complete_bash" in script.stdout
    assert entry.COMPLETION_VARIABLE == "_K8SNET_CONVERT_COMPLETE"

    def complete(words: str) -> list[str]:
        env = {
            "_K8SNET_CONVERT_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        done = _cli([], env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("k8snet-convert con") == ["convert"]
    assert complete("k8snet-convert convert --to ") == ["native", "multus", "dra"]
    assert complete("k8snet-convert rule would") == ["would-convert"]
    assert complete("k8snet-convert check --q") == ["--quiet"]  # a plain check's words go to Typer too
