"""One big file of many small Pods: does ``convert --check`` grow linearly with the file?

    python -m benchmarks.big_file [--pods 6000,60000] [--repeat 3] [--tool CMD]

A 10 MiB file of 60,000 small Pods (each with the Multus annotation) once took 32 s and 760 MiB, where
6,000 took 1.8 s and 91 MiB: worse than linear. For each size this writes one such file, times
``convert FILE --check`` (the median of ``--repeat`` runs) and measures its peak memory in a separate,
untimed run, then prints seconds and MiB per size, and the growth from the smallest size to each
larger one next to the growth of the file. Nothing is asserted: the figures are for reading (and go
into docs/security.md). ``tests/test_benchmarks_smoke.py`` runs it once on tiny sizes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from .run import find_commands, run_memory, run_timed

POD = """apiVersion: v1
kind: Pod
metadata:
  name: pod-{i}
  namespace: ns{ns}
  annotations:
    k8s.v1.cni.cncf.io/networks: net-a
spec:
  containers:
  - name: c
    image: busybox
"""


def write_pods(path: Path, pods: int) -> int:
    """A file of ``pods`` Pods in as many documents; its size in bytes."""
    text = "---\n".join(POD.format(i=i, ns=i % 50) for i in range(pods))
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def measure(pods: list[int], repeat: int, tool: str | None, log: IO[str]) -> list[dict[str, Any]]:
    cmds = find_commands(None, tool)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="k8snet-big-file-") as work:
        for count in pods:
            path = Path(work) / f"pods-{count}.yaml"
            size = write_pods(path, count)
            argv = [*cmds.tool, "convert", str(path), "--check", "-q"]
            times = []
            for _ in range(repeat):
                run = run_timed(argv)
                if run.returncode != 1:  # every Pod would change: --check must say so
                    raise SystemExit(f"{' '.join(argv)}: exit {run.returncode}, expected 1")
                times.append(run.seconds)
            memory = run_memory(argv)
            row = {
                "pods": count,
                "bytes": size,
                "median_s": statistics.median(times),
                "samples_s": times,
                "peak_mib": memory.peak_mib,
            }
            rows.append(row)
            log.write(
                f"{count:>8,} pods {size / 2**20:7.2f} MiB: {row['median_s']:7.2f} s, "
                f"peak {row['peak_mib']:7.1f} MiB\n"
            )
    base = rows[0]
    for row in rows[1:]:
        growth = {key: row[key] / base[key] for key in ("bytes", "median_s", "peak_mib")}
        log.write(
            f"{base['pods']:,} -> {row['pods']:,} pods: file x{growth['bytes']:.1f}, "
            f"time x{growth['median_s']:.1f}, memory x{growth['peak_mib']:.1f}\n"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.big_file", description=__doc__.split("\n")[0])
    parser.add_argument("--pods", default="6000,60000", help="comma-separated sizes, in Pods")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size (the median counts)")
    parser.add_argument("--tool", help="a command to run instead of the installed k8snet-convert")
    args = parser.parse_args(argv)
    pods = [int(p) for p in args.pods.split(",") if p.strip()]
    measure(pods, args.repeat, args.tool, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
