"""Issue 17: every read is bounded - regular files only, never past --max-file-size, for the files read
for context too - and a run's workers and memory stay within what the machine and the work need."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest

from k8snet_convert import cli, files, run
from k8snet_convert.options import Options, OutputMode

from .hostile import MIB, NAD, ReadCounter, cli_run, pod, tool


def test_a_fifo_in_a_walked_folder_is_reported_not_read(tmp_path: Path) -> None:
    """It hung the run forever (a read that waits for a writer)."""
    (tmp_path / "app.yaml").write_text(pod())
    os.mkfifo(tmp_path / "x.yaml")
    os.mkfifo(tmp_path / "notes.txt")  # not named like a manifest: not the walk's business
    proc = tool("check", str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert f"{tmp_path / 'x.yaml'}: error [not-a-file] a FIFO (named pipe), not a regular file" in proc.stderr
    assert "notes.txt" not in proc.stderr
    assert "1 file(s) scanned, 1 would change" in proc.stderr


@pytest.mark.parametrize("command", ["lint", "explain", "validate"])
def test_other_commands_do_not_read_special_files_either(tmp_path: Path, command: str) -> None:
    (tmp_path / "app.yaml").write_text(pod())
    os.mkfifo(tmp_path / "x.yaml")
    proc = tool(command, str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert "x.yaml" in proc.stderr and "not a regular file" in proc.stderr


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "device"])
def test_a_named_special_file_is_refused_with_a_finding(tmp_path: Path, kind: str) -> None:
    """A link to /dev/zero grew memory without end."""
    target = tmp_path / "in.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link to /dev/zero":
        target.symlink_to("/dev/zero")
    else:
        target = Path("/dev/null")
    proc = tool("convert", str(target), "--check")
    assert proc.returncode == 2, proc.stderr
    said = {
        "fifo": "a FIFO (named pipe)",
        "link to /dev/zero": "a character device",
        "device": "a character device",
    }
    assert f"{target}: error [not-a-file] {said[kind]}, not a regular file: it is not read" in proc.stderr


def test_the_reader_refuses_what_is_not_a_regular_file_without_blocking(tmp_path: Path) -> None:
    """A FIFO put in a file's place after the walk: opened without blocking, refused."""
    os.mkfifo(tmp_path / "late.yaml")
    with pytest.raises(files.NotRegularFile):
        files.read_file(tmp_path / "late.yaml")
    with pytest.raises(files.NotRegularFile):
        files.read_file("/dev/zero")


def test_an_oversized_file_is_not_read_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # a sparse GiB: reading it whole would show
        handle.truncate(1024 * MIB)
    counter = ReadCounter(monkeypatch)
    with pytest.raises(files.TooLarge) as caught:
        files.read_file(big, limit=MIB)
    assert counter.total == 0 and caught.value.size == 1024 * MIB


def test_a_stream_is_read_up_to_the_limit_and_one_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.BytesIO(b"x" * (3 * MIB))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
    with pytest.raises(files.TooLarge):
        files.read_stdin(limit=MIB)
    assert stream.tell() <= MIB + 1 + io.DEFAULT_BUFFER_SIZE  # the buffer's read-ahead at most


@pytest.mark.parametrize("marker_at", ["start", "after the first MiB", "nowhere"])
def test_an_oversized_file_is_always_reported(
    tmp_path: Path, marker_at: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One whose networking came after its first MiB passed check silently."""
    filler = "# " + "x" * 77 + "\n"
    body = filler * (2 * MIB // len(filler))
    text = {"start": pod() + body, "after the first MiB": body + "---\n" + pod(), "nowhere": body}[marker_at]
    (tmp_path / "big.yaml").write_text(text)
    code, _, err = cli_run(
        ["convert", str(tmp_path / "big.yaml"), "--check", "--max-file-size", "1M"], capsys
    )
    assert code == 2
    assert (
        "big.yaml: error [too-large] the file is 2,097," in err and "(--max-file-size): it is not read" in err
    )


def test_kustomization_resources_are_read_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A kustomization with namespace: read every resources: file whole, ../ paths outside the
    inputs included, with no size limit; a FIFO among them would have hung it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    filler = "# " + "x" * 77 + "\n"
    (outside / "big.yaml").write_text(NAD + filler * (3 * MIB // len(filler)))
    os.mkfifo(outside / "pipe.yaml")
    app = tmp_path / "app"
    app.mkdir()
    (app / "kustomization.yaml").write_text(
        "namespace: shop\nresources:\n- ../outside/big.yaml\n- ../outside/pipe.yaml\n- nad.yaml\n"
    )
    (app / "nad.yaml").write_text(NAD)
    counter = ReadCounter(monkeypatch)
    outcome = run.run([str(app)], Options(mode=OutputMode.CHECK, max_file_size=MIB, jobs=1))
    assert counter.total < MIB  # the 3 MiB resource was never read, the FIFO never opened
    assert sorted(outcome.changed) == sorted([str(app / "kustomization.yaml"), str(app / "nad.yaml")])
    # and with room for it, it is read (the limit is what decided)
    assert run.run([str(app)], Options(mode=OutputMode.CHECK, jobs=1)).changed


def test_every_file_read_goes_through_the_bounded_reader() -> None:
    """No module but files.py opens or reads a file itself (crash reports are written, not read)."""
    package = Path(run.__file__).parent
    pattern = re.compile(r"read_bytes\(|read_text\(|\bopen\(|os\.read\(|\.buffer\.read\(")
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "files.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line) and not line.lstrip().startswith("#") and "O_WRONLY" not in line
    ]
    assert offenders == []


def test_workers_are_capped_at_the_usable_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """jobs: 1500 started about 1,500 processes on two cores."""
    cores = len(os.sched_getaffinity(0))
    assert run._jobs(Options(jobs=1500)) == cores
    assert run._jobs(Options(jobs=1)) == 1
    started: list[int] = []
    from concurrent import futures

    real = futures.ProcessPoolExecutor

    class Recording(real):  # type: ignore[misc,valid-type]
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            started.append(max_workers)
            super().__init__(max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(futures, "ProcessPoolExecutor", Recording)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".k8snet-convert.yaml").write_text("jobs: 1500\n")
    for i in range(60):
        (tmp_path / f"app{i}.yaml").write_text(pod(f"p{i}"))
    code = cli.main(["convert", str(tmp_path), "--check", "-q"])
    assert code == 1
    # The survey's pool and the conversion's, each capped.
    assert started == ([cores, cores] if cores > 1 else [])
