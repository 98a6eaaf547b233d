"""One list of findings per run (verdict.py): every output counts it the same way, suppression comments
apply to every command, and ``would-convert`` points at the first Multus-era construct."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from k8snet_convert.anchors import multus_constructs
from k8snet_convert.cli import main
from k8snet_convert.manifests.yamldoc import parse_documents
from k8snet_convert.options import Target

ROOT = Path(__file__).resolve().parents[1]

DUPLICATE = """\
apiVersion: v1
kind: Pod
metadata:
  name: dup
  namespace: shop
  annotations:
    k8s.v1.cni.cncf.io/networks: "a@eth0"{comment}
spec:
  containers: []
"""
UNKNOWN_CNI = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: odd
  namespace: shop
spec:
  config: '{"cniVersion": "9.9.9", "name": "odd", "type": "macvlan"}'
"""
TWO_PODS = """\
apiVersion: v1
kind: Pod
metadata:
  name: first
  namespace: shop
  annotations:
    k8s.v1.cni.cncf.io/networks: data{first}
spec:
  containers: []
---
apiVersion: v1
kind: Pod
metadata:
  name: second
  namespace: shop
  annotations:
    k8s.v1.cni.cncf.io/networks: data{second}
spec:
  containers: []
"""
IGNORE = "  # k8snet-convert: ignore[would-convert]"


@pytest.fixture
def mixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Errors (duplicate-interface; would-convert under check), a warning and infos, two suppressed."""
    for name in ("multus-app.yaml", "short-form-pod.yaml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    (tmp_path / "dup.yaml").write_text(DUPLICATE.format(comment=""))
    (tmp_path / "odd.yaml").write_text(UNKNOWN_CNI)
    (tmp_path / "quiet.yaml").write_text(
        DUPLICATE.format(comment="  # k8snet-convert: ignore[duplicate-interface, nad-not-found]")
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def _text_counts(stderr: str) -> tuple[Counter[str], Counter[str]]:
    """(severities of the finding lines, the counts of the summary line)."""
    listed = Counter(re.findall(r"^\S+: (error|warning|info) \[", stderr, re.MULTILINE))
    summary = re.search(r"(\d+) error\(s\), (\d+) warning\(s\), (\d+) info\(s\)", stderr)
    assert summary is not None
    return listed, Counter(dict(zip(("error", "warning", "info"), map(int, summary.groups()), strict=True)))


def _report_counts(path: Path) -> dict[str, Counter[str]]:
    """Severity counts each report format gives: its findings listed, and its own summary if any."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        summary = data["summary"]
        return {
            "json findings": Counter(f["severity"] for f in data["findings"]),
            "json summary": Counter(
                {"error": summary["errors"], "warning": summary["warnings"], "info": summary["infos"]}
            ),
        }
    if path.suffix == ".sarif":
        level = {"error": "error", "warning": "warning", "note": "info"}
        results = json.loads(text)["runs"][0]["results"]
        return {"sarif": Counter(level[r["level"]] for r in results)}
    if path.suffix == ".xml":
        suite = ET.fromstring(text).find("testsuite")
        assert suite is not None
        cases = suite.findall("testcase")[1:]  # the first is the run itself
        junit = Counter(c.find("failure").get("type") for c in cases if c.find("failure") is not None)  # type: ignore[union-attr]
        junit["info"] = sum(1 for c in cases if c.find("failure") is None)
        failures = int(suite.get("failures") or 0)
        assert failures == junit["error"] + junit["warning"]
        return {"junit": junit}
    if path.suffix == ".md":
        rows = Counter(re.findall(r"^\| (error|warning|info) \| `", text, re.MULTILINE))
        table = Counter({s: int(re.search(rf"^\| {s}s \| (\d+) \|", text, re.MULTILINE)[1]) for s in rows})  # type: ignore[index]
        return {"markdown rows": rows, "markdown table": table}
    kinds = {"error": "error", "warning": "warning", "notice": "info"}
    commands = re.findall(r"^::(error|warning|notice) ", text, re.MULTILINE)
    return {"github": Counter(kinds[k] for k in commands)}


@pytest.mark.parametrize("command", [["check", "."], ["convert", ".", "--check"], ["convert", "."]])
def test_every_format_counts_the_same_findings(
    mixed: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    counts: dict[str, Counter[str]] = {}
    codes = set()
    reports = mixed.parent / "reports"  # not in the input folder: a report there is refused
    reports.mkdir(exist_ok=True)
    for name, fmt in [
        ("r.json", None),
        ("r.sarif", None),
        ("r.xml", None),
        ("r.md", None),
        ("r.gh", "github"),
    ]:
        argv = [*command, "--report", str(reports / name)] + (["--report-format", fmt] if fmt else [])
        codes.add(main(argv))
        _, err = capsys.readouterr()
        listed, summary = _text_counts(err)
        counts["stderr lines"], counts["stderr summary"] = listed, summary
        counts.update(_report_counts(reports / name))
    expected = counts["stderr summary"]
    assert all(c == expected for c in counts.values()), counts
    checking = command != ["convert", "."]
    # would-convert for three files under check (odd.yaml's NAD too), duplicate-interface once; the
    # suppressed file adds nothing
    assert expected["error"] == (4 if checking else 1)
    assert expected["warning"] == 1  # unknown-cni-version
    assert codes == {2}  # an error other than would-convert: 2 wins over check's 1


def test_the_summary_counts_what_quiet_hides(mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", ".", "--quiet"]) == 2
    err = capsys.readouterr().err
    listed, summary = _text_counts(err)
    assert set(listed) == {"error"}
    assert summary["warning"] == 1 and summary["info"] > 0
    assert "2 suppressed" in err  # quiet.yaml's duplicate-interface and nad-not-found


def test_a_suppressed_error_no_longer_fails_convert_or_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(DUPLICATE.format(comment=""))
    assert main(["convert", str(pod)]) == 2
    assert main(["check", str(pod)]) == 2
    capsys.readouterr()
    pod.write_text(DUPLICATE.format(comment="  # k8snet-convert: ignore[duplicate-interface]"))
    assert main(["convert", str(pod), "--write"]) == 0
    assert main(["check", str(pod)]) == 0
    err = capsys.readouterr().err
    assert "duplicate-interface" not in err.replace("ignore[duplicate-interface]", "")
    assert "1 suppressed" in err
    assert "# k8snet-convert: ignore[duplicate-interface]" in pod.read_text()  # left as it was


def test_suppressing_would_convert_passes_that_construct_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pods = tmp_path / "pods.yaml"
    pods.write_text(TWO_PODS.format(first=IGNORE, second=""))
    assert main(["check", str(pods)]) == 1
    err = capsys.readouterr().err
    assert f"{pods.as_posix()}:17:5: error [would-convert]" in err  # the second pod's annotation
    pods.write_text(TWO_PODS.format(first=IGNORE, second=IGNORE))
    assert main(["check", str(pods)]) == 0
    assert "would-convert" not in capsys.readouterr().err.replace("ignore[would-convert]", "")
    assert main(["convert", str(pods), "--check"]) == 0


def test_a_document_wide_suppression_covers_run_level_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """nad-not-found is made after every file was read (cross-file): the file's comment still applies."""
    pod = tmp_path / "pod.yaml"
    pod.write_text("# k8snet-convert: ignore[nad-not-found]\n" + TWO_PODS.format(first="", second=""))
    main(["convert", str(pod)])
    assert "nad-not-found" not in capsys.readouterr().err.split("\n", 1)[1]


def test_an_unknown_rule_in_a_comment_is_reported_by_convert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(TWO_PODS.format(first="  # k8snet-convert: ignore[no-such-rule]", second=""))
    main(["check", str(pod)])
    assert "warning [invalid-suppression]" in capsys.readouterr().err


def test_would_convert_points_at_the_annotation_key_or_the_first_nad_without_its_podnetwork(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = ROOT / "examples" / "multus-app.yaml"
    assert main(["check", str(example)]) == 1
    # the first NAD (line 2), not the first changed line (the second NAD, where a PodNetwork goes in)
    assert f"{example.as_posix()}:2:1: error [would-convert]" in capsys.readouterr().err


def test_multus_constructs_skip_nads_that_have_their_podnetwork() -> None:
    converted = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: {name: data, namespace: shop}
---
apiVersion: v1
kind: PodNetwork
metadata: {name: data}
spec:
  parametersRefs:
  - {group: k8s.cni.cncf.io, kind: network-attachment-definitions, name: data, namespace: shop}
---
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: {name: storage, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      annotations:
        v1.multus-cni.io/default-network: data
    spec: {containers: []}
"""
    docs = parse_documents(converted)
    assert multus_constructs(docs) == [(12, 1), (23, 9)]
    assert multus_constructs(docs, Target.DRA) == [(23, 9)]  # NADs stay under --to dra
    assert multus_constructs(docs, Target.MULTUS) == []


def test_check_of_stdin_suggests_a_command_that_works_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    text = (ROOT / "examples" / "short-form-pod.yaml").read_text()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["check", "-"]) == 1
    err = capsys.readouterr().err
    assert "convert it with: k8snet-convert convert - " in err
    assert "--write -" not in err and "fix with" not in err
