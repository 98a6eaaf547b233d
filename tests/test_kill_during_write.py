"""SIGKILL, SIGTERM and Ctrl-C in the middle of --write: every file is wholly old or wholly new (SPEC §6
"Safety"); a signal the run can catch also leaves no temporary file and says what was written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from k8snet_convert.options import Options
from k8snet_convert.pipeline import convert_file

POD = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\n  namespace: team{i}\nspec:\n"
    "  template:\n    metadata:\n      annotations:\n        k8s.v1.cni.cncf.io/networks: data@d0, storage\n"
    "    spec:\n      containers:\n      - name: c\n        image: app:{i}\n        args: [{padding}]\n"
)
FILES = 1500


def _processes_naming(path: Path) -> list[int]:
    """Live processes whose command line mentions ``path`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(path).encode() in cmdline:
                found.append(int(entry.name))
    return found


def test_sigkill_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    padding = ", ".join(f'"--flag-{n}"' for n in range(200))  # bigger files: a torn write would show
    originals: dict[Path, bytes] = {}
    for i in range(FILES):
        path = tmp_path / f"app{i:04d}" / "deploy.yaml"
        path.parent.mkdir()
        data = POD.format(i=i, padding=padding).encode()
        path.write_bytes(data)
        originals[path] = data
    expected = {p: convert_file(p.name, p, d, Options()).new for p, d in originals.items()}
    assert all(v is not None for v in expected.values())

    proc = subprocess.Popen(
        [sys.executable, "-m", "k8snet_convert", "convert", "--write", "--jobs", "2", "-q", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill once some files are rewritten and before all are: in the middle of the run.
    paths = list(originals)
    watch, last = paths[FILES // 5], paths[-1]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if watch.read_bytes() != originals[watch]:
            break
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # workers die with their parent (PR_SET_PDEATHSIG): none may keep running
    assert _processes_naming(tmp_path) == [], "worker processes outlived the killed run"

    old = new = 0
    for path, data in originals.items():
        now = path.read_bytes()
        if now == data:
            old += 1
        else:
            assert now == expected[path], f"{path} is neither the original nor the converted file"
            new += 1
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".k8snet-tmp")]
    # A temporary file may survive a SIGKILL (nothing can remove it), but never in place of a file.
    assert all(p.parent in {q.parent for q in originals} for p in leftovers)
    assert new > 0 and old > 0, f"not killed mid-run ({new} new, {old} old): the test proved nothing"
    assert last.read_bytes() in (originals[last], expected[last])
    assert old + new == FILES


# -- SIGTERM and Ctrl-C: stop between two files, clean up, say what was done ------------------------

TERM_FILES = 3000


def _tree(root: Path, files: int) -> tuple[dict[Path, bytes], dict[Path, bytes | None]]:
    """``files`` Deployments in folders of 100; their bytes, and what --write makes of them."""
    originals: dict[Path, bytes] = {}
    for i in range(files):
        path = root / f"team{i // 100:02d}" / f"app{i:04d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = POD.format(i=i, padding='"--flag"').encode()
        path.write_bytes(data)
        originals[path] = data
    expected = {p: convert_file(p.name, p, d, Options()).new for p, d in originals.items()}
    assert all(v is not None for v in expected.values())
    return originals, expected


@pytest.mark.parametrize(
    ("signum", "to_group", "code"),
    [(signal.SIGTERM, False, 143), (signal.SIGINT, True, 130), (signal.SIGINT, False, 130)],
    ids=["sigterm-to-the-run", "ctrl-c-to-the-process-group", "sigint-to-the-run"],
)
def test_a_signal_stops_the_run_between_files_and_leaves_no_temporary_file(
    tmp_path: Path, signum: signal.Signals, to_group: bool, code: int
) -> None:
    """A signal to the main process only (``kill PID``) reaches the workers through the shared flag;
    Ctrl-C reaches every process of the group. Either way the batches being converted drop their
    temporary files, those being renamed finish, and the run says how many files it wrote."""
    for attempt in range(3):  # a run that finished before the signal proves nothing: again, bigger
        root = tmp_path / f"try{attempt}"
        originals, expected = _tree(root, TERM_FILES * (attempt + 1))
        proc = subprocess.Popen(
            [sys.executable, "-m", "k8snet_convert", "convert", "--write", "--jobs", "2", "-q", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        paths = list(originals)
        watch = paths[len(paths) // 10]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if watch.read_bytes() != originals[watch]:
                break
            time.sleep(0.002)
        if to_group:
            os.killpg(proc.pid, signum)
        else:
            os.kill(proc.pid, signum)
        _, err = proc.communicate(timeout=120)
        new = sum(path.read_bytes() != data for path, data in originals.items())
        if new == len(originals) and proc.returncode == 0:
            continue  # finished first
        assert proc.returncode == code, err
        for path, data in originals.items():
            assert path.read_bytes() in (data, expected[path]), f"{path} is neither old nor new"
        assert [p for p in root.rglob("*") if p.name.endswith(".k8snet-tmp")] == []
        assert f"interrupted by {signal.Signals(signum).name}: {new} file(s) written before it" in err
        assert 0 < new < len(originals), "not stopped mid-run"
        time.sleep(0.5)
        assert _processes_naming(root) == [], "worker processes outlived the stopped run"
        return
    pytest.fail("every run finished before the signal")
