"""Scale benchmark of k8snet-convert (issue 6): the tool against the work that really has to be done.

    python -m benchmarks.run [--sizes 10000,100000] [--repeat N] [--out DIR] [--quick]

For each tree size it times, in interleaved rounds so that the machine's noise falls on every command
alike: ``grep -rl cni.cncf.io`` (the floor: find the affected files), the tool's ``convert --check``
and ``convert --write`` (on a fresh copy each time, copying untimed), a naive ruamel.yaml round-trip
of every file and ``yamllint -d relaxed`` over the tree (the ceilings). Every figure is reported as a
ratio against baselines measured in the same run, because absolute times on a shared 2-core machine
mean little. Then it measures single-file latency (the pre-commit case) against yamllint, checks the
issue's targets and writes all figures as JSON. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import hashlib
import importlib.util
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from . import gen
from .naive import manifest_files

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED_GENERATOR = ROOT.parent / "shared" / "bench" / "gen_gitops.py"
NAIVE_SCRIPT = HERE / "naive.py"
DEFAULT_OUT = HERE / "out"

AFFECTED = 0.1
SEED = 7
MARKER = "cni.cncf.io"
MULTUS_KEY = b"k8s.v1.cni.cncf.io/networks"
MIB = 1024 * 1024

# The targets.
CHECK_VS_NAIVE = 0.1
CHECK_VS_GREP = 15.0
WRITE_VS_CHECK = 1.5
GROWTH_SLACK = 1.1  # "at most linearly": 100k/10k files may take up to 11x
PEAK_MIB = 200.0
SINGLE_PLAIN_VS_YAMLLINT = 1.0
SINGLE_MULTUS_VS_YAMLLINT = 2.0

# Tool exit codes below this are results (0 clean, 1 would change, 2 findings with errors); 3 is a
# usage error and 4 a crash, after which a timing would measure nothing.
TOOL_FAILURE = 3


class BenchError(Exception):
    """The benchmark cannot go on (a command failed); the message says which and why."""


# --------------------------------------------------------------------------------------------------
# Running and timing one command


@dataclass
class Run:
    seconds: float
    returncode: int


def run_timed(
    argv: Sequence[str],
    stdout: Path | None = None,
    stderr: Path | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Run ``argv`` to completion: wall time from spawn to exit, and the exit code."""
    with contextlib.ExitStack() as stack:
        out: IO[bytes] | int = stack.enter_context(stdout.open("wb")) if stdout else subprocess.DEVNULL
        err: IO[bytes] | int = stack.enter_context(stderr.open("wb")) if stderr else subprocess.DEVNULL
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd, env=env
        )
        proc.wait()
        seconds = time.perf_counter() - start
    return Run(seconds, proc.returncode)


def _proc_kib(path: str, key: str) -> int:
    """The ``key:`` line of a /proc file in KiB; 0 when the file or line is missing."""
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; PSS is 0 where smaps_rollup is missing."""
    return _proc_kib(f"/proc/{pid}/status", "VmRSS:"), _proc_kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def tree_memory_kib(root_pid: int, include_root: bool = True) -> tuple[int, int]:
    """Summed (RSS, PSS) of a process and all its descendants now ((0, 0) where /proc is absent)."""
    # /proc/PID/task/TID/children needs CONFIG_PROC_CHILDREN, absent on this machine's kernel:
    # build the parent map from /proc/*/stat instead.
    children: dict[int, list[int]] = {}
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return 0, 0
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may hold spaces
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    rss_total = pss_total = 0
    stack = [root_pid] if include_root else list(children.get(root_pid, ()))
    while stack:
        pid = stack.pop()
        rss, pss = _memory_kib(pid)
        rss_total += rss
        pss_total += pss
        stack.extend(children.get(pid, ()))
    return rss_total, pss_total


# Run as ``python -c _LAUNCHER OUT ARGV...``: starts ARGV, waits, writes its ru_maxrss to OUT.
# On Linux a child's ru_maxrss starts at the high-water mark of the process it was forked from, so
# spawned straight from this harness (60+ MiB of file lists) every command would "use" at least that
# much; spawned from this small launcher the floor is the launcher's ~10 MiB.
_LAUNCHER = """
import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""


@dataclass
class MemoryRun:
    returncode: int
    maxrss_kib: int  # largest single process of the command's tree (wait4 in the launcher)
    # Sampled sums over the process tree, for worker pools. Forked workers share the parent's pages,
    # which RSS counts once per process: the RSS sum overstates, PSS (shared pages split among their
    # sharers) is the memory the run really occupies.
    tree_rss_peak_kib: int
    tree_pss_peak_kib: int

    @property
    def peak_mib(self) -> float:
        """The figure for the target: the larger of the largest process and the tree's PSS."""
        return max(self.maxrss_kib, self.tree_pss_peak_kib) / 1024

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"peak_mib": self.peak_mib}


def run_memory(
    argv: Sequence[str],
    stderr: Path | None = None,
    interval: float = 0.02,
    env: dict[str, str] | None = None,
) -> MemoryRun:
    """An untimed run that measures the command's peak memory, worker processes included.

    ru_maxrss is the largest *single* process; a tool with worker processes needs the sum. Sampling
    costs CPU, so it happens in its own run and never in a timed one.
    """
    fd, maxrss_file = tempfile.mkstemp(prefix="k8snet-bench-maxrss-")
    os.close(fd)
    try:
        with contextlib.ExitStack() as stack:
            err: IO[bytes] | int = stack.enter_context(stderr.open("wb")) if stderr else subprocess.DEVNULL
            launcher = [sys.executable, "-c", _LAUNCHER, maxrss_file, *argv]
            proc = subprocess.Popen(
                launcher, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env
            )
            done = threading.Event()
            peak = [0, 0]

            def sample() -> None:
                while True:
                    rss, pss = tree_memory_kib(proc.pid, include_root=False)
                    peak[0] = max(peak[0], rss)
                    peak[1] = max(peak[1], pss)
                    if done.wait(interval):
                        return

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            proc.wait()
            done.set()
            sampler.join()
        text = Path(maxrss_file).read_text().strip()
    finally:
        os.unlink(maxrss_file)
    return MemoryRun(proc.returncode, int(text) if text else 0, peak[0], peak[1])


@dataclass
class Timing:
    """Every sample of one command at one size; the median is the figure."""

    samples_s: list[float] = field(default_factory=list)
    returncodes: list[int] = field(default_factory=list)
    scale: float = 1.0  # >1 when measured on a sample of the tree and scaled up

    def add(self, run: Run) -> None:
        self.samples_s.append(run.seconds)
        self.returncodes.append(run.returncode)

    @property
    def median_s(self) -> float:
        return statistics.median(self.samples_s) * self.scale

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["median_s"] = self.median_s
        return data


# --------------------------------------------------------------------------------------------------
# Trees


@dataclass
class Tree:
    root: Path  # the repository that every command runs over
    files: int  # manifest files in it
    bytes: int
    generator: str


def _tree_stats(root: Path) -> tuple[int, int]:
    paths = manifest_files(root)
    return len(paths), sum(p.stat().st_size for p in paths)


def ensure_tree(base: Path, size: int, own_generator: bool = False) -> Tree:
    """The repository of ``size`` files under ``base``, generated unless an identical one is there."""
    use_shared = SHARED_GENERATOR.is_file() and not own_generator
    generator = str(SHARED_GENERATOR) if use_shared else "benchmarks/gen.py"
    folder = base / f"files-{size}"
    repo = folder / "repo"
    stamp = folder / "stamp.json"  # beside the repository: a .json inside it would be an input
    wanted = {"files": size, "affected": AFFECTED, "seed": SEED, "generator": generator}
    if not (stamp.is_file() and repo.is_dir() and json.loads(stamp.read_text()) == wanted):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if use_shared:
            cmd = [sys.executable, str(SHARED_GENERATOR), str(repo), "--files", str(size)]
            cmd += ["--affected", str(AFFECTED), "--seed", str(SEED)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        else:
            gen.generate(repo, size, AFFECTED, SEED)
        stamp.write_text(json.dumps(wanted))
    files, nbytes = _tree_stats(repo)
    return Tree(repo, files, nbytes, generator)


def sample_tree(tree: Tree, target: Path, every: int) -> Tree:
    """Every ``every``-th file of ``tree`` (sorted order), hard-linked into ``target`` at the same paths.

    Sorted order walks app folder by app folder, so a regular stride keeps the mix of kinds and of
    affected apps.
    """
    shutil.rmtree(target, ignore_errors=True)
    for path in manifest_files(tree.root)[::every]:
        dest = target / path.relative_to(tree.root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)
    files, nbytes = _tree_stats(target)
    return Tree(target, files, nbytes, tree.generator)


def fresh_copy(src: Path, dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    if shutil.which("cp"):
        # cp -a is several times faster than copytree on 100,000 files; the copy is untimed but
        # repeated for every --write run.
        subprocess.run(["cp", "-a", str(src), str(dest)], check=True)
    else:
        shutil.copytree(src, dest, symlinks=True)
    # The copy is set-up, not the tool's work: flush it here, untimed. Otherwise the tool's own flush
    # (syncfs on Linux) writes the copy back too — about 0.1 s for the 10,000-file tree on this machine.
    if hasattr(os, "sync"):
        os.sync()


def changed_files(original: Path, written: Path) -> int:
    """Files of ``written`` that are new or differ from ``original`` (what --write did)."""
    count = 0
    for path in manifest_files(written):
        before = original / path.relative_to(written)
        if not before.is_file() or before.read_bytes() != path.read_bytes():
            count += 1
    return count


# --------------------------------------------------------------------------------------------------
# Commands


def executable(name: str) -> str | None:
    """The console script beside this interpreter, else on PATH.

    A pyenv/asdf shim is a bash script that adds ~70 ms to every start on this machine; it would swamp
    single-file latencies, so both the tool and yamllint are run directly.
    """
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


@dataclass
class Commands:
    tool: list[str]  # the console script, or the --tool command
    tool_flags: list[str]
    grep: str | None
    yamllint: str | None
    naive: bool  # ruamel.yaml importable
    env: dict[str, str] | None = None  # for every command: PYTHONPATH of a --snapshot

    def check(self, root: Path, flags: Sequence[str] | None = None) -> list[str]:
        return [*self.tool, "convert", str(root), "--check", *(self.tool_flags if flags is None else flags)]

    def write(self, root: Path) -> list[str]:
        return [*self.tool, "convert", str(root), "--write", *self.tool_flags]

    def check_file(self, path: Path) -> list[str]:
        return [*self.tool, "check", str(path)]

    def grep_rl(self, root: Path) -> list[str]:
        assert self.grep is not None
        return [self.grep, "-rl", MARKER, str(root)]

    def naive_rt(self, root: Path) -> list[str]:
        return [sys.executable, str(NAIVE_SCRIPT), str(root)]

    def lint(self, path: Path) -> list[str]:
        assert self.yamllint is not None
        return [self.yamllint, "-d", "relaxed", str(path)]


def find_commands(jobs: int | None, tool_command: str | None = None) -> Commands:
    if tool_command:
        tool = shlex.split(tool_command)
    else:
        found = executable("k8snet-convert")
        if found is None:
            raise BenchError("k8snet-convert is not installed (pip install -e '.[test]')")
        tool = [found]
    flags = ["--jobs", str(jobs)] if jobs is not None else []
    return Commands(
        tool=tool,
        tool_flags=flags,
        grep=shutil.which("grep"),
        yamllint=executable("yamllint"),
        naive=importlib.util.find_spec("ruamel.yaml") is not None,
    )


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _require_tool_ok(run_rc: int, argv: Sequence[str], stderr: Path) -> None:
    if run_rc >= TOOL_FAILURE or run_rc < 0:
        raise BenchError(
            f"{' '.join(argv)} exited {run_rc}; timing it would measure a failure.\n{_tail(stderr)}"
        )


_SUMMARY = re.compile(r"(\d+) file\(s\) scanned, (\d+) (?:would change|changed)")


def tool_summary(stderr: Path) -> dict[str, int | None]:
    """Files scanned and changed, from the tool's summary line, and its ``would convert:`` lines."""
    text = stderr.read_text(errors="replace") if stderr.is_file() else ""
    found = _SUMMARY.findall(text)
    scanned, changed = (int(found[-1][0]), int(found[-1][1])) if found else (None, None)
    return {
        "scanned": scanned,
        "changed": changed,
        "would_convert_lines": sum(1 for line in text.splitlines() if line.startswith("would convert:")),
    }


# --------------------------------------------------------------------------------------------------
# Measuring one tree size


class SizeBench:
    """One tree: prepared once, then measured one round at a time, then summed up.

    Rounds of all sizes are interleaved by the caller, so that the growth from one size to the next
    compares runs made under the same load of the shared machine, not ten minutes apart.
    ``also_jobs``: extra ``convert --check --jobs N`` rows, to see what the worker pool buys here.
    """

    def __init__(
        self, tree: Tree, cmds: Commands, work: Path, naive_sample: int, also_jobs: Sequence[int] = ()
    ) -> None:
        self.tree = tree
        self.cmds = cmds
        self.work = work
        self.check_err = work / "check.stderr"
        self.write_err = work / "write.stderr"
        self.copy = work / "write-copy"
        work.mkdir(parents=True, exist_ok=True)

        # Baselines that parse every file are linear and slow (~5 s per 1,000 files for ruamel here):
        # on big trees they run over a regular sample and are scaled by bytes, which parsing costs.
        self.every = max(1, tree.files // naive_sample) if naive_sample > 0 else 1
        self.base_tree = sample_tree(tree, work / "sample", self.every) if self.every > 1 else tree
        self.scale = tree.bytes / self.base_tree.bytes if self.every > 1 else 1.0

        # Warm-up (untimed): page cache, .pyc files, and proof that every command works on this tree.
        self.marker_files: int | None = None
        if cmds.grep:
            grep_out = work / "grep.stdout"
            run_timed(cmds.grep_rl(tree.root), stdout=grep_out, env=cmds.env)
            self.marker_files = len(grep_out.read_text().splitlines())
        warm = run_timed(cmds.check(tree.root), stderr=self.check_err, env=cmds.env)
        _require_tool_ok(warm.returncode, cmds.check(tree.root), self.check_err)
        self.check_exit = warm.returncode
        self.check_summary = tool_summary(self.check_err)

        self.variants = {f"check_jobs{j}": ["--jobs", str(j)] for j in also_jobs}
        names = ("grep", "check", *self.variants, "write", "naive", "yamllint")
        self.timings = {name: Timing() for name in names}
        self.timings["naive"].scale = self.timings["yamllint"].scale = self.scale

    def round(self) -> None:
        cmds, tree, timings = self.cmds, self.tree, self.timings
        if cmds.grep:
            timings["grep"].add(run_timed(cmds.grep_rl(tree.root), env=cmds.env))
        for name, flags in (("check", None), *self.variants.items()):
            argv = cmds.check(tree.root, flags)
            run = run_timed(argv, stderr=self.check_err, env=cmds.env)
            _require_tool_ok(run.returncode, argv, self.check_err)
            timings[name].add(run)
        fresh_copy(tree.root, self.copy)
        run = run_timed(cmds.write(self.copy), stderr=self.write_err, env=cmds.env)
        _require_tool_ok(run.returncode, cmds.write(self.copy), self.write_err)
        timings["write"].add(run)
        if cmds.naive:
            naive_err = self.work / "naive.stderr"
            run = run_timed(cmds.naive_rt(self.base_tree.root), stderr=naive_err, env=cmds.env)
            if run.returncode != 0:
                raise BenchError(f"naive round-trip failed:\n{_tail(naive_err)}")
            timings["naive"].add(run)
        if cmds.yamllint:
            # yamllint exits 1 when it reports errors; its time is what matters here.
            timings["yamllint"].add(run_timed(cmds.lint(self.base_tree.root), env=cmds.env))

    def finish(self) -> dict[str, Any]:
        cmds, tree, timings = self.cmds, self.tree, self.timings
        # Sanity of --write (untimed), on the last written copy: what changed, and nothing left to do.
        write_summary = tool_summary(self.write_err)
        written = changed_files(tree.root, self.copy)
        after_err = self.work / "after-write-check.stderr"
        after = run_timed(cmds.check(self.copy), stderr=after_err, env=cmds.env)
        after_summary = tool_summary(after_err)

        # Memory in separate, untimed runs (the process-tree sampler costs CPU).
        memory = {"check": run_memory(cmds.check(tree.root), env=cmds.env)}
        for name, flags in self.variants.items():
            memory[name] = run_memory(cmds.check(tree.root, flags), env=cmds.env)
        fresh_copy(tree.root, self.copy)
        memory["write"] = run_memory(cmds.write(self.copy), env=cmds.env)
        shutil.rmtree(self.copy, ignore_errors=True)

        med = {name: t.median_s for name, t in timings.items() if t.samples_s}
        ratios: dict[str, float] = {}
        for name in ("check", *self.variants, "write"):
            for base in ("grep", "naive", "yamllint"):
                if base in med:
                    ratios[f"{name}_vs_{base}"] = med[name] / med[base]
        ratios["write_vs_check"] = med["write"] / med["check"]
        return {
            "files": tree.files,
            "bytes": tree.bytes,
            "generator": tree.generator,
            "files_matching_marker": self.marker_files,
            "baseline_tree": {
                "sampled": self.every > 1,
                "every": self.every,
                "files": self.base_tree.files,
                "bytes": self.base_tree.bytes,
                "scale_by_bytes": self.scale,
            },
            "timings": {name: t.as_json() for name, t in timings.items() if t.samples_s},
            "variants": {name: [*cmds.tool_flags, *flags] for name, flags in self.variants.items()},
            "median_s": med,
            "ratios": ratios,
            "files_per_s": {name: tree.files / s for name, s in med.items()},
            "tool": {
                "check": self.check_summary,
                "check_exit": self.check_exit,
                "write": write_summary,
                "write_exit": timings["write"].returncodes[-1],
                "files_changed_by_write": written,
                "check_after_write_exit": after.returncode,
                "check_after_write": after_summary,
            },
            "memory": {name: m.as_json() for name, m in memory.items()}
            # The target is about the tool as run (default flags): --check and --write.
            | {"peak_mib": max(memory["check"].peak_mib, memory["write"].peak_mib)},
        }


# --------------------------------------------------------------------------------------------------
# Single-file latency (pre-commit)


def pick_single_files(root: Path) -> tuple[Path, Path]:
    """A workload without networking content, and one with a Multus networks annotation."""
    plain: Path | None = None
    multus: Path | None = None
    for path in manifest_files(root):
        data = path.read_bytes()
        if path.name == "workload.yaml":
            if plain is None and MARKER.encode() not in data and b"multus" not in data:
                plain = path
            if multus is None and MULTUS_KEY in data:
                multus = path
        if plain and multus:
            return plain, multus
    raise BenchError(f"no plain and Multus workload.yaml found under {root}")


def measure_single_file(cmds: Commands, root: Path, runs: int, log: IO[str]) -> dict[str, Any]:
    plain, multus = pick_single_files(root)
    commands: dict[str, list[str]] = {
        "check_plain": cmds.check_file(plain),
        "check_multus": cmds.check_file(multus),
    }
    if cmds.yamllint:
        commands["yamllint_plain"] = cmds.lint(plain)
        commands["yamllint_multus"] = cmds.lint(multus)
    timings = {name: Timing() for name in commands}
    with tempfile.TemporaryDirectory(prefix="k8snet-bench-") as tmp:
        err = Path(tmp) / "stderr"
        for name, argv in commands.items():  # warm-up
            run = run_timed(argv, stderr=err, env=cmds.env)
            if name.startswith("check"):
                _require_tool_ok(run.returncode, argv, err)
        log.write(f"  single file: {runs} interleaved runs of each command\n")
        log.flush()
        for _ in range(runs):
            for name, argv in commands.items():
                timings[name].add(run_timed(argv, env=cmds.env))
    med = {name: t.median_s for name, t in timings.items()}
    ratios = {}
    if cmds.yamllint:
        ratios = {
            "plain_vs_yamllint": med["check_plain"] / med["yamllint_plain"],
            "multus_vs_yamllint": med["check_multus"] / med["yamllint_multus"],
        }
    return {
        "plain_file": str(plain.relative_to(root)),
        "plain_bytes": plain.stat().st_size,
        "multus_file": str(multus.relative_to(root)),
        "multus_bytes": multus.stat().st_size,
        "runs": runs,
        "timings": {name: t.as_json() for name, t in timings.items()},
        "median_s": med,
        "exit_codes": {name: t.returncodes[-1] for name, t in timings.items()},
        "ratios": ratios,
    }


# --------------------------------------------------------------------------------------------------
# Targets and the report


@dataclass
class Target:
    name: str
    measured: float | None
    limit: float
    unit: str = "x"

    @property
    def verdict(self) -> str:
        if self.measured is None:
            return "n/a"
        return "PASS" if self.measured <= self.limit else "FAIL"


def evaluate(results: dict[str, Any]) -> list[Target]:
    """The issue's targets: the 10k ones on the smallest tree, growth and memory on the largest."""
    sizes: list[dict[str, Any]] = results["sizes"]
    small = sizes[0]
    ratios = small["ratios"]
    n = f"{small['files']:,} files"
    targets = [
        Target(f"{n}: convert --check / naive round-trip", ratios.get("check_vs_naive"), CHECK_VS_NAIVE),
        Target(f"{n}: convert --check / grep -rl", ratios.get("check_vs_grep"), CHECK_VS_GREP),
        Target(f"{n}: convert --write / convert --check", ratios["write_vs_check"], WRITE_VS_CHECK),
    ]
    if len(sizes) > 1:
        large = sizes[-1]
        factor = large["files"] / small["files"]
        targets.append(
            Target(
                f"{large['files']:,} / {small['files']:,} files: --check time growth",
                large["median_s"]["check"] / small["median_s"]["check"],
                round(GROWTH_SLACK * factor, 2),
            )
        )
    largest = sizes[-1]
    targets.append(
        Target(
            f"{largest['files']:,} files: tool peak memory", largest["memory"]["peak_mib"], PEAK_MIB, "MiB"
        )
    )
    single = results.get("single_file")
    if single:
        r = single["ratios"]
        targets.append(
            Target(
                "one file, no networking: check / yamllint",
                r.get("plain_vs_yamllint"),
                SINGLE_PLAIN_VS_YAMLLINT,
            )
        )
        targets.append(
            Target(
                "one file, Multus workload: check / yamllint",
                r.get("multus_vs_yamllint"),
                SINGLE_MULTUS_VS_YAMLLINT,
            )
        )
    return targets


def _num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "-"
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{max(0, digits - 1 - math.floor(math.log10(abs(x))))}f}"


def render(results: dict[str, Any]) -> str:
    lines: list[str] = []
    env = results["environment"]
    flags = " ".join(results["tool_flags"]) or "none (the tool's default --jobs)"
    lines.append(
        f"k8snet-convert benchmark - {env['cpus']} CPUs, load avg {env['loadavg_start']:.2f} at start / "
        f"{env['loadavg_end']:.2f} at end; median of {results['repeat']} interleaved rounds"
    )
    lines.append(
        f"tool: {' '.join(results['tool'])} (convert flags: {flags}); HEAD {env['git_head'][:10]}, "
        f"source digest {env['source_digest']}"
        + (f", uncommitted changes in {', '.join(env['git_modified'])}" if env["git_modified"] else "")
    )
    if results.get("snapshot_digest"):
        lines.append(
            f"measured: a snapshot of k8snet_convert/ taken at the start (digest "
            f"{results['snapshot_digest']}), run through the console script with PYTHONPATH"
        )
    if env.get("bytecode_compiled"):
        lines.append(f"bytecode: {env['bytecode_compiled']} compiled before timing, as pip install does")
    if env.get("source_digest_end") != env["source_digest"]:
        what = (
            "the snapshot measured did not" if results.get("snapshot_digest") else "figures may mix versions"
        )
        lines.append(
            f"{'note' if results.get('snapshot_digest') else 'WARNING'}: k8snet_convert/ in the checkout "
            f"changed during the run (digest {env.get('source_digest_end')} and HEAD "
            f"{env.get('git_head_end', '?')[:10]} at the end); {what}"
        )
    lines.append("")
    for size in results["sizes"]:
        med = size["median_s"]
        base = size["baseline_tree"]
        lines.append(
            f"== {size['files']:,} files, {size['bytes'] / MIB:.2f} MiB, "
            f"{size['files_matching_marker']} files contain {MARKER} "
            f"(generator {Path(size['generator']).name}, affected {AFFECTED}, seed {SEED})"
        )
        if base["sampled"]:
            lines.append(
                f"   naive round-trip and yamllint: measured on every {base['every']}th file "
                f"({base['files']:,} files, {base['bytes'] / MIB:.1f} MiB), "
                f"scaled by bytes x{base['scale_by_bytes']:.2f}"
            )
        header = (
            f"   {'command':<36}{'median s':>10}{'x grep':>9}{'x naive':>9}{'x yamllint':>11}{'files/s':>11}"
        )
        lines.append(header)
        rows = [
            ("grep", f"grep -rl {MARKER}"),
            ("check", "k8snet-convert convert --check"),
            *((k, f"  ... --check {' '.join(v)}") for k, v in size.get("variants", {}).items()),
            ("write", "k8snet-convert convert --write"),
            ("naive", "naive ruamel.yaml round-trip" + (" *" if base["sampled"] else "")),
            ("yamllint", "yamllint -d relaxed" + (" *" if base["sampled"] else "")),
        ]
        for key, label in rows:
            if key not in med:
                lines.append(f"   {label:<36}{'not measured':>10}")
                continue
            s = med[key]
            ratios = [s / med[b] if med.get(b) else None for b in ("grep", "naive", "yamllint")]
            lines.append(
                f"   {label:<36}{_num(s):>10}{_num(ratios[0]):>9}{_num(ratios[1]):>9}{_num(ratios[2]):>11}"
                f"{size['files_per_s'][key]:>11,.0f}"
            )
        tool = size["tool"]
        mem = size["memory"]
        lines.append(
            f"   tool: --check exit {tool['check_exit']}, would change {tool['check']['changed']} of "
            f"{tool['check']['scanned']} scanned; --write exit {tool['write_exit']}, "
            f"{tool['files_changed_by_write']} files differ afterwards; --check after --write exit "
            f"{tool['check_after_write_exit']} ({tool['check_after_write']['changed']} would change)"
        )
        labels = {"check": "--check", **{k: f"--check {' '.join(v)}" for k, v in size["variants"].items()}}
        labels["write"] = "--write"
        lines.append(f"   {'tool memory, MiB':<36}" + "".join(f"{v:>18}" for v in labels.values()))
        for key, label in (
            ("peak_mib", "peak (the target's figure)"),
            ("maxrss_kib", "largest process (ru_maxrss)"),
            ("tree_pss_peak_kib", "process tree, PSS sum"),
            ("tree_rss_peak_kib", "process tree, RSS sum"),
        ):
            div = 1 if key == "peak_mib" else 1024
            lines.append(f"   {label:<36}" + "".join(f"{mem[k][key] / div:>18.1f}" for k in labels))
        lines.append("")
    sizes = results["sizes"]
    if len(sizes) > 1:
        a, b = sizes[0], sizes[-1]
        lines.append(
            f"growth {b['files']:,} / {a['files']:,} files ({b['files'] / a['files']:.2f}x the files): "
            + ", ".join(
                f"{k} {b['median_s'][k] / a['median_s'][k]:.2f}x"
                for k in ("grep", "check", "write", "naive", "yamllint")
                if k in a["median_s"] and k in b["median_s"]
            )
        )
        lines.append("")
    single = results.get("single_file")
    if single:
        med = single["median_s"]
        lines.append(
            f"single file, median of {single['runs']} interleaved runs "
            "(seconds; ratio to yamllint on the same file):"
        )
        for kind, label in (("plain", "no networking"), ("multus", "Multus workload")):
            path = single[f"{kind}_file"]
            lint = med.get(f"yamllint_{kind}")
            lines.append(
                f"   {label:<16} {path} ({single[f'{kind}_bytes']} B): check {_num(med[f'check_{kind}'])} s "
                f"(exit {single['exit_codes'][f'check_{kind}']}), yamllint {_num(lint)} s -> "
                f"{_num(lint and med[f'check_{kind}'] / lint)}x"
            )
        lines.append("")
    lines.append(f"   {'target':<56}{'measured':>12}{'limit':>13}  verdict")
    for t in evaluate(results):
        unit = " MiB" if t.unit == "MiB" else "x"
        measured, limit = _num(t.measured, 4) + unit, "<= " + _num(t.limit, 4) + unit
        lines.append(f"   {t.name:<56}{measured:>12}{limit:>13}  {t.verdict}")
    if sizes[0]["files"] < 10000:
        lines.append("   (the issue states these targets for 10,000 and 100,000 files)")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Entry point


def _git(*args: str) -> str:
    # Read-only queries, so the figures say which code they measured.
    try:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def environment() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg()[0],
        "git_head": _git("rev-parse", "HEAD") or "unknown",
        "git_modified": _modified(),
        "source_digest": source_digest(),
    }


def _modified() -> list[str]:
    return [p for p in _git("ls-files", "-m", "k8snet_convert").splitlines() if p]


def source_digest(package: Path = ROOT / "k8snet_convert") -> str:
    """A digest of the tool's source files: catches edits that git's file lists would not show."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def take_snapshot(dest: Path, cmds: Commands) -> str:
    """Copy k8snet_convert/ to ``dest`` and make every command import it from there; its digest.

    Others commit to this checkout while a 25-minute run goes on; a snapshot keeps the run on one
    version of the tool, still started through the installed console script.
    """
    shutil.rmtree(dest, ignore_errors=True)
    package = dest / "k8snet_convert"
    shutil.copytree(ROOT / "k8snet_convert", package, ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(dest), env.get("PYTHONPATH", "")) if p)
    # PYTHONPATH precedes the editable install's finder (appended to sys.meta_path); check it, from a
    # folder without a k8snet_convert/ of its own.
    probe = [sys.executable, "-c", "import k8snet_convert; print(k8snet_convert.__file__)"]
    found = subprocess.run(probe, env=env, cwd=dest.parent, capture_output=True, text=True, check=False)
    where = Path(found.stdout.strip() or ".").resolve()
    if not where.is_relative_to(package.resolve()):
        raise BenchError(f"the snapshot is not what Python imports ({where}): {found.stderr.strip()}")
    cmds.env = env
    return source_digest(package)


def compile_tool(cmds: Commands) -> str:
    """Byte-compile the package the tool imports, as ``pip install`` does; the folder compiled.

    An editable install or a snapshot imports the sources; where PYTHONDONTWRITEBYTECODE is set (it is
    on this machine), every run would then compile every module again — up to a fifth of a
    single-file run, and not what an installed tool costs.
    """
    probe = [sys.executable, "-c", "import k8snet_convert; print(k8snet_convert.__file__)"]
    # From a folder without a k8snet_convert/ of its own: the console script does not import the
    # current folder's either.
    neutral = tempfile.gettempdir()
    found = subprocess.run(probe, env=cmds.env, cwd=neutral, capture_output=True, text=True, check=False)
    if found.returncode != 0 or not found.stdout.strip():
        raise BenchError(f"cannot import k8snet_convert: {found.stderr.strip()}")
    package = Path(found.stdout.strip()).parent
    if not compileall.compile_dir(str(package), quiet=1):
        raise BenchError(f"byte-compiling {package} failed")
    return str(package)


@contextlib.contextmanager
def _trees_dir(given: Path | None) -> Iterator[Path]:
    if given is not None:  # kept and reused between runs
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="k8snet-bench-") as tmp:
        yield Path(tmp)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000", help="tree sizes in files (default 10000,100000)")
    p.add_argument("--repeat", type=int, default=3, help="timed rounds per size; figures are medians")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON and text results")
    p.add_argument("--quick", action="store_true", help="a 1,000-file tree only, 5 single-file runs")
    p.add_argument("--single-runs", type=int, default=15, help="runs per single-file command")
    p.add_argument(
        "--naive-sample",
        type=int,
        default=10000,
        help="trees of at least twice this many files run the naive baselines on a sample this big",
    )
    p.add_argument("--jobs", type=int, default=None, help="pass --jobs N to the tool (default: not passed)")
    p.add_argument(
        "--also-jobs",
        default="1",
        help="extra convert --check rows with --jobs N, comma-separated ('' for none; default 1)",
    )
    p.add_argument(
        "--snapshot",
        action="store_true",
        help="measure a copy of k8snet_convert/ taken at the start (a checkout others edit meanwhile)",
    )
    p.add_argument("--tool", default=None, help="command to run instead of the installed k8snet-convert")
    p.add_argument("--trees", type=Path, default=None, help="keep generated trees here and reuse them")
    p.add_argument(
        "--own-generator", action="store_true", help="use benchmarks/gen.py even if the shared one exists"
    )
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = "1000"
        args.single_runs = min(args.single_runs, 5)
    args.also_jobs_list = [int(j) for j in args.also_jobs.split(",") if j.strip()]
    args.size_list = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not args.size_list or args.repeat < 1:
        p.error("need at least one size and --repeat >= 1")
    return args


def collect(
    cmds: Commands,
    base: Path,
    sizes: Sequence[int],
    *,
    repeat: int = 3,
    naive_sample: int = 10000,
    single_runs: int = 15,
    also_jobs: Sequence[int] = (),
    own_generator: bool = False,
    log: IO[str] | None = None,
) -> dict[str, Any]:
    """Generate (or reuse) the trees under ``base``, measure everything, evaluate the targets."""
    log = log if log is not None else sys.stderr
    results: dict[str, Any] = {
        "environment": environment(),
        "tool": cmds.tool,
        "tool_flags": cmds.tool_flags,
        "yamllint": cmds.yamllint,
        "repeat": repeat,
        "targets_spec": {
            "check_vs_naive": CHECK_VS_NAIVE,
            "check_vs_grep": CHECK_VS_GREP,
            "write_vs_check": WRITE_VS_CHECK,
            "growth_slack": GROWTH_SLACK,
            "peak_mib": PEAK_MIB,
            "single_plain_vs_yamllint": SINGLE_PLAIN_VS_YAMLLINT,
            "single_multus_vs_yamllint": SINGLE_MULTUS_VS_YAMLLINT,
        },
        "sizes": [],
    }
    if not cmds.naive:
        log.write("ruamel.yaml is not installed: the naive round-trip is not measured\n")
    if not cmds.yamllint:
        log.write("yamllint is not installed: its baselines are not measured\n")
    trees = []
    for size in sorted(sizes):
        log.write(f"generating {size:,} files...\n")
        trees.append(ensure_tree(base, size, own_generator))
    benches: list[SizeBench] = []
    try:
        for tree in trees:
            log.write(f"preparing {tree.files:,} files (sample, warm-up)\n")
            benches.append(SizeBench(tree, cmds, base / f"work-{tree.files}", naive_sample, also_jobs))
        for round_i in range(repeat):
            for bench in benches:
                log.write(f"  round {round_i + 1}/{repeat}: {bench.tree.files:,} files\n")
                log.flush()
                bench.round()
        for bench in benches:
            log.write(f"memory and --write checks: {bench.tree.files:,} files\n")
            results["sizes"].append(bench.finish())
    finally:
        for bench in benches:
            shutil.rmtree(bench.work, ignore_errors=True)
    results["single_file"] = measure_single_file(cmds, trees[0].root, single_runs, log)
    results["environment"]["loadavg_end"] = os.getloadavg()[0]
    # Others may commit while a long run goes on: say so rather than mix two versions silently.
    results["environment"]["git_head_end"] = _git("rev-parse", "HEAD") or "unknown"
    results["environment"]["git_modified_end"] = _modified()
    results["environment"]["source_digest_end"] = source_digest()
    results["targets"] = [asdict(t) | {"verdict": t.verdict} for t in evaluate(results)]
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        cmds = find_commands(args.jobs, args.tool)
        with _trees_dir(args.trees) as base:
            snapshot = take_snapshot(base / "tool-snapshot", cmds) if args.snapshot else None
            compiled = compile_tool(cmds) if args.tool is None else None
            results = collect(
                cmds,
                base,
                args.size_list,
                repeat=args.repeat,
                naive_sample=args.naive_sample,
                single_runs=args.single_runs,
                also_jobs=args.also_jobs_list,
                own_generator=args.own_generator,
            )
            results["snapshot_digest"] = snapshot
            results["environment"]["bytecode_compiled"] = compiled
    except BenchError as exc:
        sys.stderr.write(f"benchmark failed: {exc}\n")
        return 1
    text = render(results)
    sys.stdout.write(text)
    sys.stdout.flush()  # the table before the stderr line that names the files
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    json_path = args.out / f"bench-{stamp}.json"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    (args.out / f"bench-{stamp}.txt").write_text(text)
    sys.stderr.write(f"results: {json_path} (and .txt)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
