"""Helpers of the hostile-input tests (issue 17): a Multus Pod, the command line in-process and in a
process of its own, and a count of the bytes the tool reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet_convert import cli

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: ns\n  annotations:\n"
    "    k8s.v1.cni.cncf.io/networks: net-a\nspec:\n  containers:\n  - name: c\n    image: busybox\n"
)
NAD = (
    "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: net-a\n"
    'spec:\n  config: \'{"cniVersion": "1.0.0", "name": "net-a", "type": "bridge"}\'\n'
)
MIB = 1024 * 1024


def pod(name: str = "p") -> str:
    """A Pod with the Multus annotation on line 7."""
    return POD.format(name=name)


def cli_run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def tool(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command in its own process, with a generous timeout: what used to hang must end."""
    return subprocess.run(
        [sys.executable, "-m", "k8snet_convert", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def temporaries(folder: Path) -> list[Path]:
    """Temporary files of writes left in ``folder`` (there must be none)."""
    return [p for p in folder.rglob("*") if p.name.endswith(".k8snet-tmp")]


class ReadCounter:
    """Counts the bytes the tool's reader takes from files (the os.read of files.read_file)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        real = os.read

        def counting(fd: int, n: int) -> bytes:
            data = real(fd, n)
            self.total += len(data)
            return data

        monkeypatch.setattr(os, "read", counting)
