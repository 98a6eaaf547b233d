"""Issue 17: --output-dir keeps --write's promises - atomic writes, nothing written through a link
already inside it - and never overwrites an input: two inputs on one output path, or an output
folder that is an input's own, are usage errors before any work; inside an input folder it is not
walked."""

from __future__ import annotations

from pathlib import Path

import pytest

from .hostile import cli_run, pod, temporaries


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "x.yaml").write_text(pod("x"))
    (root / "sub" / "y.yaml").write_text(pod("y"))
    return root


def test_output_dir_never_writes_through_a_link_inside_it(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.yaml"
    victim.write_text("victim\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.yaml").symlink_to(victim)  # a file link
    (out / "sub").symlink_to(outside)  # a folder link
    code, _, err = cli_run(["convert", str(inputs), "--output-dir", str(out)], capsys)
    assert code == 2
    assert "x.yaml: error [write-failed] not written:" in err and "is a symbolic link" in err
    assert "y.yaml: error [write-failed]" in err
    assert "0 changed" in err  # neither was written
    assert victim.read_text() == "victim\n" and sorted(p.name for p in outside.iterdir()) == ["victim.yaml"]
    assert (out / "x.yaml").is_symlink() and (out / "sub").is_symlink()
    assert temporaries(tmp_path) == []


def test_output_dir_replaces_by_rename_and_skips_what_is_already_there(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert cli_run(["convert", str(inputs), "--output-dir", str(out)], capsys)[0] == 0
    result = out / "x.yaml"
    assert "podNetworkName: net-a" in result.read_text()
    first = result.stat()
    assert cli_run(["convert", str(inputs), "--output-dir", str(out)], capsys)[0] == 0
    assert (
        result.stat().st_ino == first.st_ino and result.stat().st_mtime_ns == first.st_mtime_ns
    )  # unchanged
    result.write_text("stale\n")
    stale = result.stat().st_ino
    assert cli_run(["convert", str(inputs), "--output-dir", str(out)], capsys)[0] == 0
    assert result.stat().st_ino != stale  # a new file renamed over the old one: never half-written
    assert "podNetworkName: net-a" in result.read_text()
    assert temporaries(out) == []


@pytest.mark.parametrize("as_folders", [False, True])
def test_two_inputs_on_one_output_path_are_a_usage_error(
    tmp_path: Path, as_folders: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.yaml").write_text(pod(folder))
    names = ["a", "b"] if as_folders else ["a/x.yaml", "b/x.yaml"]
    out = tmp_path / "out"
    code, _, err = cli_run(["convert", *[str(tmp_path / n) for n in names], "--output-dir", str(out)], capsys)
    assert code == 3 and "would both be written to" in err
    assert not out.exists()  # before any work


def test_the_same_file_reached_twice_is_no_clash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.yaml").write_text(pod())
    out = tmp_path / "out"
    code, _, err = cli_run(
        ["convert", str(tmp_path / "a"), str(tmp_path / "a" / "x.yaml"), "--output-dir", str(out)], capsys
    )
    assert code == 0, err


def test_output_dir_inside_an_input_folder_is_not_walked(
    inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reruns converted their own results: files multiplied."""
    out = inputs / "converted"
    for _ in range(3):
        code, _, err = cli_run(["convert", str(inputs), "--output-dir", str(out)], capsys)
        assert code == 0 and "2 file(s) scanned" in err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml")) == ["sub/y.yaml", "x.yaml"]


@pytest.mark.parametrize("where", ["the folder", "the file's folder", "a parent"])
def test_output_dir_never_overwrites_an_input(
    inputs: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = {
        "the folder": [str(inputs), "--output-dir", str(inputs)],
        "the file's folder": [str(inputs / "sub" / "y.yaml"), "--output-dir", str(inputs / "sub")],
        # in/sub/y.yaml maps to <out>/y.yaml: with <out> = in/sub, it would land on itself
        "a parent": [str(inputs / "sub"), str(inputs / "x.yaml"), "--output-dir", str(inputs)],
    }[where]
    before = {p: p.read_bytes() for p in inputs.rglob("*.yaml")}
    code, _, err = cli_run(["convert", *argv], capsys)
    assert code == 3, err
    assert "overwrite" in err
    assert {p: p.read_bytes() for p in inputs.rglob("*.yaml")} == before
