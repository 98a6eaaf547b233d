"""Hostile and broken input (issue 7): a clear error with a location, bounded cost, nothing corrupted."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path

import pytest

from k8snet_convert import cli, files
from k8snet_convert.options import Options, OutputMode
from k8snet_convert.pipeline import convert_file
from k8snet_convert.run import run

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\n  annotations:\n"
    "    k8s.v1.cni.cncf.io/networks: net-a\nspec:\n  containers:\n  - name: c\n    image: busybox\n"
)


def convert(
    data: bytes, name: str = "in.yaml", **options: object
) -> tuple[bytes | None, list[tuple[str, int, int]]]:
    result = convert_file(name, None, data, Options(**options))  # type: ignore[arg-type]
    return result.new, [(f.rule, f.line, f.column) for f in result.findings if f.severity.value == "error"]


def alias_bomb(levels: int = 30) -> str:
    lines = ['a0: &a0 ["k8s.v1.cni.cncf.io/networks"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\nkind: Pod\n"


def test_alias_bomb_is_refused() -> None:
    new, errors = convert(alias_bomb().encode())
    assert new is None
    assert errors and errors[0][0] == "too-large"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("metadata: &m {name: *m}\n", 1, 11),
        ("spec: &s [1, [2, *s]]\n", 1, 7),
        ("a: &a\n  b: &b\n    c: *a\n", 1, 4),
    ],
)
def test_an_alias_inside_its_own_anchor_is_refused_not_looped_on(text: str, line: int, column: int) -> None:
    """``&a [*a]`` makes a node that contains itself: every walk over it would never end. The error
    points at the anchor."""
    new, errors = convert((POD + text).encode())
    assert new is None
    assert errors == [("invalid-yaml", line + POD.count("\n"), column)]  # where the anchor is


def test_legitimate_anchors_and_aliases_survive_rewriting() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: ns\n"
        "  labels: &labels\n    app: web\nspec:\n  selector:\n    matchLabels: *labels\n  template:\n"
        "    metadata:\n      labels: *labels\n      annotations:\n"
        "        k8s.v1.cni.cncf.io/networks: net-a\n"
        "    spec:\n      containers:\n      - &main\n        name: c\n        image: busybox\n"
    )
    new, errors = convert(text.encode())
    assert errors == [] and new is not None
    out = new.decode()
    assert "labels: &labels\n" in out and "matchLabels: *labels\n" in out and "- &main\n" in out
    assert "podNetworkName: net-a" in out


def test_deep_nesting_gives_a_result_or_a_clear_error() -> None:
    deep = POD + "extra: " + "[" * 10_000 + "]" * 10_000 + "\n"
    new, errors = convert(deep.encode())
    # 10,000 levels: a bounded, correct result, or (PyYAML >= 6.0.4 stops at 1,000 levels) a clear error
    assert (errors == [] and new is not None) or (new is None and [e[0] for e in errors] == ["too-large"])
    deeper = POD + "extra: " + "[" * 100_000 + "]" * 100_000 + "\n"
    new, errors = convert(deeper.encode())
    assert new is None and errors == [("too-large", 12, 10_008)]


def test_huge_annotation_is_refused_with_location() -> None:
    value = ",".join(f"n{i}" for i in range(150_000))
    new, errors = convert(POD.replace("net-a", f'"{value}"').encode())
    assert new is None and errors == [("invalid-annotation", 7, 34)]


def test_nad_with_thousands_of_plugins() -> None:
    plugins = ",".join('{"type": "tuning"}' for _ in range(5000))
    nad = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        "metadata: {name: x, namespace: y}\n"
        f'spec:\n  config: \'{{"cniVersion": "1.0.0", "name": "x", "plugins": [{plugins}]}}\'\n'
    )
    new, errors = convert(nad.encode())
    assert errors == [] and new is not None and b"kind: PodNetwork" in new


def test_max_file_size(tmp_path: Path) -> None:
    big = POD + "# " + "x" * 2000 + "\n"
    new, errors = convert(big.encode(), max_file_size=1000)
    assert new is None and errors == [("too-large", 0, 0)]
    assert cli.parse_size("16M") == 16 * 1024 * 1024 and cli.parse_size("500k") == 512_000


@pytest.mark.parametrize(
    ("data", "rule", "line", "column"),
    [
        (b"kind: Pod\nmetadata:\n  name: \xff\xfe\n# cni.cncf.io\n", "invalid-encoding", 3, 9),
        (b"kind: Pod\x00\n# cni.cncf.io\n", "invalid-encoding", 0, 0),
        (POD.replace("spec:", "spec: [").encode(), "invalid-yaml", 10, 3),
        (POD.replace("  name: p\n", "  name: p\n  name: q\n").encode(), "duplicate-key", 5, 3),
        (POD.replace("net-a", "[1, 2]").encode(), "invalid-annotation", 7, 34),
    ],
)
def test_broken_input_is_an_error_with_a_location(data: bytes, rule: str, line: int, column: int) -> None:
    new, errors = convert(data)
    assert new is None
    assert (rule, line, column) in errors


def test_non_mapping_documents_and_missing_kind_pass_through() -> None:
    text = "- just\n- a list # cni.cncf.io\n---\nplain scalar\n---\nmetadata: {name: nokind}\n---\n" + POD
    new, errors = convert(text.encode())
    assert errors == [] and new is not None
    assert new.decode().startswith(
        "- just\n- a list # cni.cncf.io\n---\nplain scalar\n---\nmetadata: {name: nokind}\n"
    )


def test_utf16_with_bom_is_converted_and_stays_utf16() -> None:
    data = POD.encode("utf-16")
    new, errors = convert(data)
    assert errors == [] and new is not None
    assert new.startswith(b"\xff\xfe")
    assert "podNetworkName: net-a" in new.decode("utf-16")


def test_mixed_line_endings_keep_every_untouched_line() -> None:
    text = POD.replace("kind: Pod\n", "kind: Pod\r\n").replace("image: busybox\n", "image: busybox\r\n")
    new, _ = convert(text.encode())
    assert new is not None
    out = new.decode()
    assert "kind: Pod\r\n" in out and "image: busybox\r\n" in out
    assert "  networks:\n" in out  # inserted lines use the dominant ending (LF here)


def test_symlinks_are_not_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(POD)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link.yaml").symlink_to(outside / "secret.yaml")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "real.yaml").write_text(POD)
    code = cli.main(["convert", "--write", str(root)])
    err = capsys.readouterr().err
    assert code == 0
    assert (outside / "secret.yaml").read_text() == POD
    assert (root / "link.yaml").is_symlink()
    assert "link.yaml: info [symlink-skipped]" in err and "loop: info [symlink-skipped]" in err
    assert "networks:" in (root / "real.yaml").read_text()


def test_read_only_folder_under_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pod.yaml").write_text(POD)

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")  # what mkstemp raises in a read-only folder

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    outcome = run([str(tmp_path)], Options(mode=OutputMode.WRITE, jobs=1))
    assert [(f.rule, f.message) for f in outcome.findings if f.rule == "write-failed"] == [
        ("write-failed", "not written: Permission denied; the file on disk is unchanged")
    ]
    assert (tmp_path / "pod.yaml").read_text() == POD
    assert outcome.exit_code(Options()) == 2


@pytest.mark.parametrize("where", ["write", "flush"])
def test_full_disk_keeps_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """The disk fills while a temporary file is written, or only shows when the batch is flushed."""
    for i in range(3):
        (tmp_path / f"pod{i}.yaml").write_text(POD.replace("name: p", f"name: p{i}"))
    real_write = files.os.write

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def write(fd: int, data: bytes) -> int:
        return full() if b"networks:" in bytes(data) else real_write(fd, data)  # type: ignore[func-returns-value]

    if where == "write":
        monkeypatch.setattr(files.os, "write", write)
    else:
        monkeypatch.setattr(files, "_flush", lambda paths, files: full() if files else None)
    outcome = run([str(tmp_path)], Options(mode=OutputMode.WRITE, jobs=1))
    failed = [f.file for f in outcome.findings if f.rule == "write-failed" and "No space left" in f.message]
    assert len(failed) == 3
    for i in range(3):
        assert (tmp_path / f"pod{i}.yaml").read_text() == POD.replace("name: p", f"name: p{i}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pod0.yaml",
        "pod1.yaml",
        "pod2.yaml",
    ]  # no temporary


def test_file_changed_between_scan_and_write_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "pod.yaml"
    target.write_text(POD)
    with pytest.raises(files.ChangedOnDisk):
        files.write_atomic(target, b"new", expected=b"something else")
    assert target.read_text() == POD
    target.unlink()
    target.write_text("edited by someone\n")
    with pytest.raises(files.ChangedOnDisk):
        files.write_atomic(target, b"new", expected=POD.encode())
    assert target.read_text() == "edited by someone\n"


def test_two_runs_at_once_never_tear_a_file(tmp_path: Path) -> None:
    import subprocess

    for i in range(60):
        (tmp_path / f"pod{i}.yaml").write_text(POD.replace("name: p", f"name: p{i}"))
    command = [sys.executable, "-m", "k8snet_convert", "convert", "--write", "-q", str(tmp_path)]
    procs = [subprocess.Popen(command, stderr=subprocess.PIPE) for _ in range(3)]
    for proc in procs:
        proc.wait()
    expected = convert_file("x", None, POD.encode(), Options()).new
    assert expected is not None
    for i in range(60):
        data = (tmp_path / f"pod{i}.yaml").read_bytes()
        assert data == expected.replace(b"name: p\n", f"name: p{i}\n".encode())
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".k8snet-tmp")]
