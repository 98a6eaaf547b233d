"""Issue 17: nothing lost, nothing written outside the chosen place. --report is checked before any
work and written atomically; --write keeps the owner, group and extended attributes of what it
replaces, and never splits a file from its other hard links. Each test builds its input in a
temporary folder."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from k8snet_convert import files, run
from k8snet_convert.options import Options, OutputMode

from .hostile import cli_run, pod, temporaries

# -- --report ----------------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "app.yaml").write_text(pod())
    return tmp_path / "app.yaml"


@pytest.mark.parametrize("command", [["convert", "--write"], ["check"], ["lint"]])
def test_a_report_over_an_input_is_refused_before_any_work(
    app: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``convert app.yaml --write --report app.yaml`` converted the manifest, then replaced it by the
    report. Now nothing is done at all."""
    code, out, err = cli_run([*command, str(app), "--report", str(app)], capsys)
    assert code == 3, err
    assert f"--report {app} is the input" in err
    assert app.read_text() == pod()  # not converted, not overwritten
    assert "file(s) scanned" not in err and out == ""


@pytest.mark.parametrize(
    ("report", "refused"),
    [
        ("r.json", True),  # the next run reads it: a JSON manifest as far as the walk can tell
        ("sub/r.yaml", True),
        ("kustomization.yaml", True),
        ("r.sarif", False),
        ("r.md", False),
        (".reports/r.json", False),  # hidden folders are not walked
        ("vendor/r.json", False),  # excluded below
    ],
)
def test_a_report_the_walk_would_read_is_refused(
    app: Path, report: str, refused: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = app.parent
    code, _, err = cli_run(
        ["check", str(folder), "--exclude", "vendor", "--report", str(folder / report)], capsys
    )
    if refused:
        assert code == 3 and "is inside the input folder" in err and "named like a manifest" in err
        assert not (folder / report).exists()
    else:
        assert code == 1, err  # the check ran: the pod would change
        assert (folder / report).is_file()


def test_a_report_through_a_symbolic_link_is_refused(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = app.parent / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("keep\n")
    (app.parent / "r.sarif").symlink_to(victim)
    code, _, err = cli_run(["check", str(app), "--report", str(app.parent / "r.sarif")], capsys)
    assert code == 3 and "a symbolic link" in err
    assert victim.read_text() == "keep\n"


def test_a_report_under_a_file_is_refused_before_the_run(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--report afile/r.json`` crashed with exit 4 after the whole run."""
    (app.parent / "afile").write_text("x\n")
    for command in (["check"], ["convert", "--write"]):
        code, _, err = cli_run(
            [*command, str(app), "--report", str(app.parent / "afile" / "sub" / "r.json")], capsys
        )
        assert code == 3 and "is a file, not a folder" in err
        assert "file(s) scanned" not in err
    assert app.read_text() == pod()


def test_a_report_that_cannot_be_created_is_refused(
    app: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A folder the user may not write to (simulated: root may write anywhere)."""
    locked = tmp_path_factory.mktemp("locked")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == locked else real_access(p, m))
    code, _, err = cli_run(["check", str(app), "--report", str(locked / "r.sarif")], capsys)
    assert code == 3 and "cannot be created" in err


def test_a_report_that_fails_after_the_run_is_a_usage_error(
    app: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The folder disappears during the run: said in one line (exit 3), no crash report."""
    target = tmp_path_factory.mktemp("reports") / "r.sarif"

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "write_atomic", failing)
    code, _, err = cli_run(["check", str(app), "--report", str(target)], capsys)
    assert code == 3 and "cannot write the report" in err and "No space left" in err
    assert "1 file(s) scanned" in err  # the summary came first


def test_the_report_is_written_atomically_and_keeps_its_mode(
    app: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path_factory.mktemp("reports") / "r.json"
    target.write_text("old\n")
    target.chmod(0o600)
    before = target.stat().st_ino
    code, _, _ = cli_run(["check", str(app), "--report", str(target)], capsys)
    assert code == 1
    assert json.loads(target.read_text())["command"] == "check"
    assert (
        target.stat().st_ino != before and stat.S_IMODE(target.stat().st_mode) == 0o600
    )  # renamed into place
    assert temporaries(target.parent) == []


# -- --write: owner, group, extended attributes, hard links ------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file another owner takes root")
def test_write_keeps_owner_group_mode_and_extended_attributes(tmp_path: Path) -> None:
    target = tmp_path / "app.yaml"
    target.write_text(pod())
    os.chown(target, 1234, 2345)
    target.chmod(0o640)
    attributes = {"user.note": b"reviewed"}
    try:
        os.setxattr(target, "security.k8snet-test", b"label")
        attributes["security.k8snet-test"] = b"label"
    except OSError:
        pass  # a security module that refuses the name: user.* still shows the point
    os.setxattr(target, "user.note", b"reviewed")
    outcome = run.run([str(target)], Options(mode=OutputMode.WRITE))
    assert [f.rule for f in outcome.findings if f.severity.value == "error"] == []
    info = target.stat()
    assert "podNetworkName: net-a" in target.read_text()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 2345, 0o640)
    assert {name: os.getxattr(target, name) for name in attributes} == attributes


def test_write_goes_on_where_extended_attributes_are_not_supported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.yaml"
    target.write_text(pod())

    def unsupported(path: object) -> list[str]:
        raise OSError(errno.ENOTSUP, "Operation not supported")

    monkeypatch.setattr(os, "listxattr", unsupported)
    files.write_atomic(target, b"kind: X\n", expected=pod().encode())
    assert target.read_bytes() == b"kind: X\n"


def test_a_file_with_other_hard_links_is_reported_not_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Replacing it would leave its other names with the old content: the link was silently broken."""
    target = tmp_path / "app.yaml"
    target.write_text(pod())
    other = tmp_path / "elsewhere.yaml.orig"
    os.link(target, other)
    (tmp_path / "plain.yaml").write_text(pod("q"))
    code, _, err = cli_run(["convert", "--write", str(tmp_path)], capsys)
    assert code == 2
    assert "app.yaml: error [hard-link] not written:" in err and "1 other hard link(s)" in err
    assert target.read_text() == pod() and os.path.samefile(target, other)
    assert "podNetworkName" in (tmp_path / "plain.yaml").read_text()  # the rest of the run went on
    assert "1 changed" in err
