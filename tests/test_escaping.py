"""Issue 17: input text (file names, manifest text quoted in messages) is escaped in every
human-readable output, so a manifest can neither forge nor silence GitHub workflow commands nor drive
the terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from k8snet_convert.escape import visible

from .hostile import cli_run, pod

FORGED_NAME = "p\n::error file=x.yaml,line=1::forged\x1b[31m"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A repository whose file name starts with a workflow command, holding a Pod whose name carries a
    line break, a forged workflow command and a terminal escape (it attaches one network twice, so a
    finding quotes its name), and a Pod whose annotation value carries the same (quoted by the error
    about it)."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    forged = pod().replace("name: p", f"name: {json.dumps(FORGED_NAME)}", 1)
    (root / "::stop-commands::tok.yaml").write_text(
        forged.replace("networks: net-a", "networks: net-a, net-a")
    )
    value = '"bad\\u001bname\\n::stop-commands::tok"'
    (root / "value.yaml").write_text(pod().replace("networks: net-a", f"networks: {value}"))
    return root


def _no_forgery(text: str) -> None:
    """No terminal escape, no carriage return, and no line that the runner would read as a workflow
    command but our own annotations (whose data may hold anything: it ends at the line's end)."""
    assert "\x1b" not in text and "\r" not in text
    command = r"::(error|warning|notice) (file=[^,:]*,)?(line=\d+,)?(col=\d+,)?title=k8snet-convert [a-z-]+::"
    for line in text.splitlines():
        if line.lstrip().startswith("::"):
            assert re.match(command, line), line


def test_text_report_and_annotations_escape_input(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(hostile)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, _, err = cli_run(["check", "."], capsys)
    assert code == 2, err
    _no_forgery(err)
    assert "\\x3a:stop-commands::tok.yaml:7:34: error [duplicate-network] Pod p\\n::error file=" in err
    assert (
        "value.yaml:7:34: error [invalid-annotation]" in err
        and "'bad\\x1bname\\n::stop-commands::tok'" in err
    )
    assert "::error file=%3A%3Astop-commands%3A%3Atok.yaml," in err  # the runner's own escaping
    assert "\\x1b" in err  # shown, not obeyed


def test_diff_headers_and_source_lines_escape_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "a\nb\x1b.yaml"
    odd.write_text(pod())
    (tmp_path / "z.yaml").write_text(pod())
    code, out, _ = cli_run(["convert", "--diff", str(odd)], capsys)
    assert code == 0
    header = out.splitlines()[:2]
    assert header[0].startswith("--- a/") and header[0].endswith("a\\nb\\x1b.yaml")
    code, out, _ = cli_run(["convert", str(tmp_path)], capsys)
    assert f"# Source: {tmp_path.as_posix()}/a\\nb\\x1b.yaml\n" in out
    assert "\x1b" not in "".join(line for line in out.splitlines() if line.startswith("# Source"))


@pytest.mark.parametrize("fmt", ["markdown", "junit", "github", "text"])
def test_report_files_escape_input(
    hostile: Path, fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(hostile)
    target = hostile.parent / f"report.{fmt}"
    cli_run(["check", ".", "--report", str(target), "--report-format", fmt], capsys)
    text = target.read_text()
    assert "\x1b" not in text and "\\x1b" in text
    _no_forgery(text)
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(text)  # well-formed


def test_explain_escapes_input(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(hostile)
    cli_run(["explain", "."], capsys)
    _, out, err = cli_run(["explain", "."], capsys)
    _no_forgery(out)
    _no_forgery(err)
    assert "\\n\\x3a:error" in out or "\\n::error" in out  # the name's line break, made visible
    _, out, _ = cli_run(["explain", ".", "--format", "mermaid"], capsys)
    _no_forgery(out)


def test_usage_errors_escape_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli_run(["check", str(tmp_path / "no\n::error::such.yaml")], capsys)
    assert code == 3 and "no\\n::error::such.yaml: no such file or folder" in err
    _no_forgery(err)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain é 日本", "plain é 日本"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x1b[2J\x9b\x7f", "\\x1b[2J\\x9b\\x7f"),
        ("\u202eevil\u2028", "\\u202eevil\\u2028"),
        ("::stop-commands::x", "\\x3a:stop-commands::x"),
        ("  ::error::x", "  \\x3a:error::x"),
        ("a::b", "a::b"),
        ("lone \ud800", "lone \\ud800"),
    ],
)
def test_visible(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert visible(shown) == shown  # idempotent: escaping twice changes nothing
