"""A closed stdout (``convert dir | head -1``) ends the run quietly: no write errors, no traceback at
interpreter exit, the shell status of a process that SIGPIPE ended (141) — whichever way the command
line was parsed (entry.py's fast path or Typer)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet_convert.commands import EXIT_BROKEN_PIPE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    for i in range(400):  # far more output than a pipe's buffer holds
        shutil.copy(ROOT / "examples" / "short-form-pod.yaml", folder / f"pod-{i:03}.yaml")
    return folder


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "."],  # entry.py runs it without Typer
        ["convert", ".", "--jobs", "1"],  # through Typer, in one process
        ["convert", ".", "--diff"],
        ["convert", ".", "--check", "--diff", "--jobs", "2"],
    ],
)
def test_a_closed_stdout_ends_the_run_quietly(tree: Path, argv: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "k8snet_convert", *argv],
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does after its line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == EXIT_BROKEN_PIPE == 141
    assert first.startswith(b"---")
    assert err == ""  # no write-failed findings, no "Exception ignored", no summary of a cut-short run
    assert not list(tree.glob(".*k8snet-tmp"))


def test_head_in_a_shell_pipeline(tree: Path) -> None:
    done = subprocess.run(
        [
            "bash",
            "-c",
            f"{sys.executable} -m k8snet_convert convert . | head -1; echo status ${{PIPESTATUS[0]}} >&2",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "---\n"
    assert done.stderr == "status 141\n"
