"""Helm charts: what masking and restoring template actions cost (issue 14's target: ``check`` on a chart
stays within 2x the same chart without templates).

    python -m benchmarks.helm [--charts 200] [--repeat 7]

Two trees of the same shape, timed in interleaved rounds so the machine's noise falls on both alike:

* **charts**: ``--charts`` copies of tests/fixtures_helm/5gcore (a 5G user plane: NAD templates with
  templated names and configs inside ``if`` blocks, JSON and short-form annotations with actions inside
  their strings), each in its own folder with its Chart.yaml;
* **rendered**: the same charts as Helm renders them (helm-python-sdk, the test extra), one file per
  template at the same place, no Chart.yaml: the work without any template action.

Each round times ``k8snet-convert convert --check --jobs 1`` over each tree (the per-file cost, not the
worker pool's), then ``k8snet-convert check`` over one chart and one rendered chart (the pre-commit case,
start-up included). Figures are medians, printed as ratios charts / rendered.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from .run import compile_tool, find_commands, run_timed

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "tests" / "fixtures_helm" / "5gcore"
TARGET = 2.0


def make_trees(root: Path, charts: int) -> tuple[Path, Path]:
    """(charts tree, rendered tree) under ``root``."""
    from k8snet_convert.integrations.helm import verify

    rendered_files = verify.render(FIXTURE)
    chart_tree, rendered_tree = root / "charts", root / "rendered"
    for index in range(charts):
        shutil.copytree(FIXTURE, chart_tree / f"core{index:04d}")
        folder = rendered_tree / f"core{index:04d}"
        for relative, text in rendered_files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        shutil.copy(FIXTURE / "values.yaml", folder / "values.yaml")
    return chart_tree, rendered_tree


def timed(tool: list[str], args: list[str], samples: list[float]) -> None:
    run = run_timed([*tool, *args])
    if run.returncode > 2:
        raise SystemExit(f"k8snet-convert failed (exit {run.returncode}) on {args}")
    samples.append(run.seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--charts", type=int, default=200, help="copies of the fixture chart (default 200)")
    parser.add_argument("--repeat", type=int, default=7, help="interleaved rounds (default 7)")
    args = parser.parse_args(argv)
    commands = find_commands(None)
    compile_tool(commands)  # as pip install does: every run would otherwise compile every module
    tool = commands.tool
    with tempfile.TemporaryDirectory(prefix="k8snet-helm-bench-") as folder:
        charts, rendered = make_trees(Path(folder), args.charts)
        one_chart, one_rendered = charts / "core0000", rendered / "core0000"
        files = sum(1 for p in charts.rglob("*") if p.is_file())
        times: dict[str, list[float]] = {"charts": [], "rendered": [], "one chart": [], "one rendered": []}
        for _ in range(args.repeat):
            timed(tool, ["convert", "--check", "--jobs", "1", str(charts)], times["charts"])
            timed(tool, ["convert", "--check", "--jobs", "1", str(rendered)], times["rendered"])
            timed(tool, ["check", str(one_chart)], times["one chart"])
            timed(tool, ["check", str(one_rendered)], times["one rendered"])
    median = {name: statistics.median(values) for name, values in times.items()}
    tree = median["charts"] / median["rendered"]
    single = median["one chart"] / median["one rendered"]
    print(f"{args.charts} charts ({files} files), {args.repeat} rounds, medians:")
    print(f"  convert --check --jobs 1, charts    {median['charts']:7.3f} s")
    print(f"  convert --check --jobs 1, rendered  {median['rendered']:7.3f} s")
    print(f"  charts / rendered                   {tree:7.2f}x   (target <= {TARGET:.0f}x)")
    print(f"  check, one chart                    {median['one chart']:7.3f} s")
    print(f"  check, one rendered chart           {median['one rendered']:7.3f} s")
    print(f"  one chart / one rendered            {single:7.2f}x   (target <= {TARGET:.0f}x)")
    return 0 if tree <= TARGET and single <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
