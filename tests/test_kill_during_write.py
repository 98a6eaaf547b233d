"""SIGKILL in the middle of --write: every file is wholly old or wholly new (SPEC §6 "Safety")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
