"""The scale benchmark's harness (benchmarks/run.py) still works end to end on a tiny tree.

Nothing here is timed or compared with a target: the figures come from ``python -m benchmarks.run``
(issue 6). These tests only keep the harness from rotting when the CLI or the generators change.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from benchmarks import gen
from benchmarks import run as bench

TINY = 200  # files: enough apps (~45) that the 10% affected share yields Multus workloads


def test_quick_mode_arguments() -> None:
    args = bench.parse_args(["--quick"])
    assert args.size_list == [1000]
    assert args.single_runs <= 5


def test_own_generator_writes_multus_and_plain_apps(tmp_path: Path) -> None:
    written = gen.generate(tmp_path / "repo", 60, affected=0.5, seed=1)
    assert written >= 60
    texts = [p.read_text() for p in (tmp_path / "repo").rglob("*.yaml")]
    assert len(texts) == written
    assert any("k8s.v1.cni.cncf.io/networks" in t for t in texts)
    assert any("kind: NetworkAttachmentDefinition" in t for t in texts)
    assert any("cni.cncf.io" not in t for t in texts)


@pytest.mark.parametrize("own", [True, False])
def test_ensure_tree_generates_once_and_reuses(tmp_path: Path, own: bool) -> None:
    if not own and not bench.SHARED_GENERATOR.is_file():
        pytest.skip(f"{bench.SHARED_GENERATOR} is absent")
    tree = bench.ensure_tree(tmp_path, TINY, own_generator=own)
    assert tree.files >= TINY
    assert tree.bytes > 0
    stamp = (tmp_path / f"files-{TINY}" / "stamp.json").stat().st_mtime_ns
    again = bench.ensure_tree(tmp_path, TINY, own_generator=own)
    assert again == tree
    assert (tmp_path / f"files-{TINY}" / "stamp.json").stat().st_mtime_ns == stamp
    plain, multus = bench.pick_single_files(tree.root)
    assert b"cni.cncf.io" not in plain.read_bytes()
    assert bench.MULTUS_KEY in multus.read_bytes()


def test_baseline_measurements_on_a_sample(tmp_path: Path) -> None:
    tree = bench.ensure_tree(tmp_path, TINY, own_generator=True)
    sample = bench.sample_tree(tree, tmp_path / "sample", 2)
    assert 0 < sample.files <= (tree.files + 1) // 2
    out = tmp_path / "naive.out"
    run = bench.run_timed([sys.executable, str(bench.NAIVE_SCRIPT), str(sample.root)], stdout=out)
    assert run.returncode == 0, out.read_text()
    assert out.read_text().startswith(f"{sample.files} files")
    assert run.seconds > 0


def test_memory_run_measures_the_command_not_the_harness() -> None:
    ballast = b"x" * (80 * 1024 * 1024)  # a big harness (pages touched): the command must not inherit it
    try:
        small = bench.run_memory([sys.executable, "-c", "pass"])
        big = bench.run_memory(
            [sys.executable, "-c", "b = bytearray(40 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"]
        )
    finally:
        del ballast
    assert small.returncode == big.returncode == 0
    assert 0 < small.maxrss_kib < 40 * 1024
    assert big.maxrss_kib >= 40 * 1024
    if os.path.isdir("/proc"):
        assert bench.tree_memory_kib(os.getpid())[0] > 0


def test_full_harness_on_a_tiny_tree(tmp_path: Path) -> None:
    """Every command the benchmark runs, once, including the installed tool; then the report."""
    cmds = bench.find_commands(None)
    results = bench.collect(
        cmds, tmp_path, [TINY], repeat=1, single_runs=1, also_jobs=[1], own_generator=True, log=io.StringIO()
    )
    size = results["sizes"][0]
    assert {"check", "check_jobs1", "write"} <= set(size["median_s"])
    assert size["tool"]["check_exit"] == 1  # the tree has Multus workloads to convert
    assert size["tool"]["files_changed_by_write"] > 0
    assert size["memory"]["peak_mib"] > 0
    text = bench.render(results)
    assert "convert --check" in text
    assert "verdict" in text
    assert all(t.verdict in ("PASS", "FAIL", "n/a") for t in bench.evaluate(results))


def test_snapshot_is_what_the_tool_imports(tmp_path: Path) -> None:
    cmds = bench.find_commands(None)
    digest = bench.take_snapshot(tmp_path / "snapshot", cmds)
    assert digest == bench.source_digest(tmp_path / "snapshot" / "k8snet_convert")
    assert cmds.env is not None
    assert str(tmp_path / "snapshot") in cmds.env["PYTHONPATH"]
    plain = tmp_path / "service.yaml"
    plain.write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n")
    assert bench.run_timed(cmds.check_file(plain), env=cmds.env).returncode == 0


def test_the_measured_package_is_byte_compiled_first(tmp_path: Path) -> None:
    cmds = bench.find_commands(None)
    bench.take_snapshot(tmp_path / "snapshot", cmds)
    package = Path(bench.compile_tool(cmds))
    assert package == tmp_path / "snapshot" / "k8snet_convert"
    assert list((package / "__pycache__").glob("run.*.pyc"))


def test_helm_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/helm.py end to end on two charts, one round (nothing compared with its target here)."""
    pytest.importorskip("helm_python", reason="helm-python-sdk (the test extra) renders the baseline")
    from benchmarks import helm

    helm.main(["--charts", "2", "--repeat", "1"])
    out = capsys.readouterr().out
    assert "charts / rendered" in out and "one chart / one rendered" in out


def test_big_file_benchmark_runs_on_tiny_sizes() -> None:
    """benchmarks/big_file.py (one file of many Pods) end to end, on sizes that take no time."""
    from benchmarks import big_file

    log = io.StringIO()
    rows = big_file.measure([20, 60], repeat=1, tool=None, log=log)
    assert [row["pods"] for row in rows] == [20, 60]
    assert rows[1]["bytes"] > rows[0]["bytes"] and all(row["peak_mib"] > 0 for row in rows)
    assert "20 -> 60 pods: file x3.0" in log.getvalue()
