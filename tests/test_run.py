"""Runs over many files: a worker pool gives exactly what one process gives, in every output mode."""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from benchmarks.gen import generate
from k8snet_convert import cli, files, pipeline, run
from k8snet_convert.options import Options, OutputMode

MODES = {
    "stdout": [],
    "check": ["--check"],
    "diff": ["--diff"],
    "write": ["--write"],
    "output-dir": ["--output-dir", "{out}"],
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gitops")
    generate(root / "repo", 400, affected=0.2, seed=5)
    broken = root / "repo" / "zz-broken.yaml"
    broken.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
        "    k8s.v1.cni.cncf.io/networks: Bad_Name\nspec:\n  containers: []\n"
    )
    # Met at the very end of the walk: reported all the same.
    (root / "repo" / "zz-link.yaml").symlink_to(broken)
    # A namespaced app whose pod uses a NAD defined elsewhere: its kustomization stays as it is.
    app = root / "repo" / "zz-app"
    app.mkdir()
    (app / "kustomization.yaml").write_text("namespace: shop\nresources:\n- pod.yaml\n")
    (app / "pod.yaml").write_text(broken.read_text().replace("Bad_Name", "shared/data"))
    return root / "repo"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("mode", list(MODES))
def test_jobs_1_and_2_give_identical_output_files_and_reports(
    tree: Path,
    mode: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forks: list[int] = []
    real_prepare = run._prepare_fork
    monkeypatch.setattr(run, "_prepare_fork", lambda: (forks.append(1), real_prepare()))
    seen = []
    for jobs in ("1", "2"):
        work = tmp_path / f"jobs{jobs}"
        shutil.copytree(tree, work / "repo", symlinks=True)
        report = work / "report.json"
        args = [a.replace("{out}", str(work / "out")) for a in MODES[mode]]
        monkeypatch.chdir(work)
        code = cli.main(["convert", "repo", *args, "--jobs", jobs, "--report", str(report)])
        out, err = capsys.readouterr()
        seen.append((code, out, err, report.read_text(), _snapshot(work / "repo"), _snapshot(work / "out")))
    # the second run used worker pools (the inventory's, the conversion's), the first did not
    assert forks == [1, 1]
    assert seen[0] == seen[1]
    code, out, err, text, after, _ = seen[0]
    report = json.loads(text)
    assert code == 2  # the broken annotation
    walked = [p for p in tree.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and not p.is_symlink()]
    assert report["summary"]["filesScanned"] == len(walked) > 400
    assert report["summary"]["filesChanged"] > 50
    assert {"symlink-skipped", "invalid-annotation"} <= {f["rule"] for f in report["findings"]}
    if mode == "write":
        assert after != _snapshot(tree)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("quiet", [False, True])
def test_progress_line_on_a_terminal(tree: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool) -> None:
    """Long runs on a terminal show files scanned, files to convert and findings on stderr (rich)."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    outcome = run.run([str(tree)], Options(mode=OutputMode.CHECK, jobs=2, quiet=quiet), stdout=io.StringIO())
    shown = terminal.getvalue()
    if quiet:
        assert shown == ""
    else:
        assert re.search(r"\d+ files scanned, \d+ to convert, \d+ findings", shown), shown[-500:]
    assert outcome.files_seen > 400


def test_no_progress_line_when_stderr_is_not_a_terminal(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    run.run([str(tree)], Options(mode=OutputMode.CHECK, jobs=1), stdout=io.StringIO())
    assert piped.getvalue() == ""


def test_what_a_batch_learns_changes_no_answer(tree: Path) -> None:
    """Kustomizations are converted last in a batch, trusting what the batch read (files without
    markers, files with NADs): the run must say exactly what converting each file alone says."""
    options = Options(mode=OutputMode.CHECK, jobs=1)
    outcome = run.run([str(tree)], options, stdout=io.StringIO())
    alone = [
        display
        for display, path in files.discover([str(tree)])
        if path is not None and pipeline.convert_file(display, path, path.read_bytes(), options).changed
    ]
    kustomizations = [name for name in alone if name.endswith("kustomization.yaml")]
    assert outcome.changed == alone and len(kustomizations) > 10


POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  namespace: ns\n  annotations:\n"
    "    k8s.v1.cni.cncf.io/networks: net-a\nspec:\n  containers:\n  - name: c\n    image: busybox\n"
)


def test_a_run_keeps_one_use_per_network_and_file(tmp_path: Path) -> None:
    """What a run keeps of a file for the cross-file checks does not grow with its workloads: a file
    of 60,000 Pods on one network kept 60,000 findings to the end of the run. The findings are those
    of one use per network and file, as before."""
    (tmp_path / "pods.yaml").write_text("---\n".join(POD.format(i=i) for i in range(300)))
    outcome = run.run([str(tmp_path)], Options(mode=OutputMode.CHECK, jobs=1))
    assert [len(r.nad_refs) for r in outcome.results] == [1]
    assert [(f.rule, f.line) for f in outcome.findings if f.rule != "would-convert"] == [("nad-not-found", 7)]
