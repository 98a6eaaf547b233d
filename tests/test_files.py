"""Walking input folders: order, hidden folders, exclusions, symbolic links, display names."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8snet_convert import files

EXTENSIONS = (".yaml", ".yml", ".json")


def _reference(top: str, exclude: tuple[str, ...], skipped: list[Path]) -> Iterator[tuple[str, Path]]:
    """The obvious walk (os.walk and Paths) that the scandir walk must agree with."""

    def excluded(path: Path) -> bool:
        text = path.as_posix()
        return any(
            fnmatch.fnmatch(text, p) or fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(text, f"*/{p}")
            for p in exclude
        )

    for root, dirs, names in os.walk(top, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not excluded(Path(root, d)))
        for name in sorted(names):
            path = Path(root, name)
            if (path.suffix.lower() in EXTENSIONS or name == "Kustomization") and not excluded(path):
                if path.is_symlink():
                    skipped.append(path)
                    continue
                yield path.as_posix(), path
        skipped.extend(Path(root, d) for d in dirs if Path(root, d).is_symlink())


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in [
        "a.yaml",
        "B.YML",
        "c.json",
        "notes.txt",
        "Kustomization",
        "z/deep/er/x.yaml",
        "z/deep/y.yml",
        "m/kustomization.yaml",
        "m/skip-me.yaml",
        ".hidden/h.yaml",
        "m/.dot.yaml",
        "vendor/v.yaml",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("kind: X\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "linked-dir").symlink_to(tmp_path / "z")
    (tmp_path / "z" / "loop").symlink_to(tmp_path)
    return tmp_path


@pytest.mark.parametrize("exclude", [(), ("vendor", "*skip*"), ("z/deep",)])
@pytest.mark.parametrize("spelling", ["{t}", "{t}/", "{t}//", "./{r}", "{r}"])
def test_walk_agrees_with_the_obvious_walk(
    tree: Path, exclude: tuple[str, ...], spelling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.parent)
    top = spelling.format(t=tree, r=tree.name)
    skipped: list[Path] = []
    expected_skipped: list[Path] = []
    found = list(files.discover([top], exclude, skipped))
    expected = list(_reference(str(Path(top)), exclude, expected_skipped))
    assert found == expected
    assert sorted(skipped) == sorted(expected_skipped)
    assert any(name.endswith("a.yaml") for name, _ in found) and len(skipped) >= 3


def test_walk_from_the_current_folder(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    names = [name for name, _ in files.discover(["."])]
    assert names[:4] == ["B.YML", "Kustomization", "a.yaml", "c.json"]  # a folder's files first, by name
    assert "m/.dot.yaml" in names and not any(n.startswith(".hidden") for n in names)


def test_read_file(tmp_path: Path) -> None:
    big = os.urandom(3 * 1024 * 1024 + 5)
    (tmp_path / "big.bin").write_bytes(big)
    assert files.read_file(tmp_path / "big.bin") == big
    (tmp_path / "empty.yaml").write_bytes(b"")
    assert files.read_file(str(tmp_path / "empty.yaml")) == b""
    with pytest.raises(IsADirectoryError):
        files.read_file(tmp_path)


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-per-file"])
def test_staged_writes_replace_create_and_keep_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncfs: bool
) -> None:
    if not syncfs:
        monkeypatch.setattr(files, "_syncfs", lambda: None)
    a, b, c = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "new" / "c.yaml"
    a.write_bytes(b"a-old\n")
    a.chmod(0o750)
    b.write_bytes(b"b-old\n")
    batch = files.StagedWrites()
    assert batch.add("a", a, b"a-new\n", expected=b"a-old\n") is None
    assert batch.add("b", b, b"b-new\n", expected=b"b-old\n") is None
    assert batch.add("c", c, b"c-new\n", create=True) is None
    b.write_bytes(b"edited meanwhile\n")  # after it was read, before the batch lands
    failed = batch.commit()
    assert [(key, type(exc)) for key, exc in failed] == [("b", files.ChangedOnDisk)]
    assert a.read_bytes() == b"a-new\n" and a.stat().st_mode & 0o777 == 0o750
    assert b.read_bytes() == b"edited meanwhile\n"
    assert c.read_bytes() == b"c-new\n" and c.stat().st_mode & 0o777 == 0o644
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".k8snet-tmp")]
    assert batch.commit() == []  # nothing staged twice


def test_staged_write_refuses_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_bytes(b"x\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    problem = files.StagedWrites().add("k", tmp_path / "link.yaml", b"y\n")
    assert isinstance(problem, files.ChangedOnDisk)
    assert (tmp_path / "real.yaml").read_bytes() == b"x\n"


def _refuse_to_list(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Root lists mode-000 folders, so the refusal is simulated."""
    real = os.scandir

    def scandir(path: str) -> object:
        if path.endswith(suffix):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(files.os, "scandir", scandir)


def test_a_folder_that_cannot_be_listed_is_said_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.yaml").write_text("kind: X\n")
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "b.yaml").write_text("kind: X\n")
    _refuse_to_list(monkeypatch, "locked/")
    unreadable: list[tuple[str, str]] = []
    found = [name for name, _ in files.discover([str(tmp_path)], (), None, unreadable)]
    assert found == [f"{tmp_path}/open/b.yaml"]
    assert unreadable == [(f"{tmp_path}/locked", "Permission denied")]


def test_a_run_reports_the_folder_it_could_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from k8snet_convert import cli

    (tmp_path / "locked").mkdir()
    (tmp_path / "ok.yaml").write_text("kind: X\n")
    _refuse_to_list(monkeypatch, "locked/")
    for command in (["convert", "--check"], ["lint"]):
        code = cli.main([*command, str(tmp_path)])
        err = capsys.readouterr().err
        assert code == 2, command
        assert (
            f"{tmp_path}/locked: error [unreadable-folder] cannot read the folder: Permission denied" in err
        )
