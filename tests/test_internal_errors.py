"""Issue 17: one file must not end the run. Any exception while converting a file becomes that file's
error finding (internal-error, with the crash report's path), the file is left as it is, and the run
goes on, writes its report and sums up (exit 4: an internal error was met)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet_convert import run
from k8snet_convert.options import Options, OutputMode

from .hostile import cli_run, pod, temporaries

SHARED_TEMPLATE = pod("shared")


def _bug_on_the_shared_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug met while converting one file (the workers are forked after this, so they have it too)."""
    from k8snet_convert import engine

    real = engine.convert

    class EditConflict(Exception):
        pass

    def convert(ctx, apply=True):  # type: ignore[no-untyped-def]
        if ctx.display.endswith("app30-shared.yaml"):
            raise EditConflict("two edits of one span")
        return real(ctx, apply)

    monkeypatch.setattr(engine, "convert", convert)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_exception_on_one_file_is_that_files_error_and_the_run_goes_on(
    tmp_path: Path, jobs: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception on one file (once: a pod template shared through a YAML alias) ended the run: exit
    4, half the tree written, temporary files left, no summary, no report. With 60 files the run uses
    the worker pool (jobs 2)."""
    _bug_on_the_shared_file(monkeypatch)
    tree = tmp_path / "tree"
    tree.mkdir()
    for i in range(60):
        (tree / f"app{i:02d}.yaml").write_text(pod(f"p{i}"))
    shared = tree / "app30-shared.yaml"
    shared.write_text(SHARED_TEMPLATE)
    report = tmp_path / "report.json"
    code, _, err = cli_run(["convert", "--write", str(tree), "--jobs", jobs, "--report", str(report)], capsys)
    assert code == 4  # an internal error, met on one file
    assert shared.read_text() == SHARED_TEMPLATE
    line = next(line for line in err.splitlines() if "[internal-error]" in line)
    assert line.startswith(
        f"{shared}: error [internal-error] k8snet-convert failed on this file (EditConflict"
    )
    log = Path(err.split("the crash report is in ")[1].split()[0])
    assert "EditConflict" in log.read_text()
    log.unlink()
    assert all("podNetworkName" in (tree / f"app{i:02d}.yaml").read_text() for i in range(60))
    assert "61 file(s) scanned, 60 changed; 1 error(s)" in err
    data = json.loads(report.read_text())
    assert data["exitCode"] == 4 and [f["rule"] for f in data["findings"] if f["severity"] == "error"] == [
        "internal-error"
    ]
    assert temporaries(tree) == []


def test_crash_reports_are_capped_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from k8snet_convert import crash, pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("bug")

    monkeypatch.setattr(pipeline, "convert_file", boom)
    monkeypatch.setattr(crash, "_written", crash.MAX_REPORTS - 1)
    for i in range(3):
        (tmp_path / f"a{i}.yaml").write_text(pod())
    outcome = run.run([str(tmp_path)], Options(mode=OutputMode.CHECK, jobs=1))
    hints = [f.hint for f in outcome.findings if f.rule == "internal-error"]
    assert len(hints) == 3 and sum("crash report is in" in h for h in hints) == 1
    Path(next(h for h in hints if "crash report" in h).split("crash report is in ")[1]).unlink()
    assert outcome.exit_code(Options()) == 4
