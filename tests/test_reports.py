"""Every report format, the format choice, and reports of real runs (SARIF read back by sarif-tools)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from k8snet_convert import report as reports
from k8snet_convert import rules
from k8snet_convert.cli import main
from k8snet_convert.errors import UsageError
from k8snet_convert.findings import Finding, Severity
from k8snet_convert.report import ChangedFile, ReportFormat, Summary
from k8snet_convert.results import first_changed_line

from .conftest import FIXTURES

DUP = Finding(
    rule="duplicate-interface",
    severity=Severity.ERROR,
    message="Pod dupif: interface name 'net2' is used twice",
    file="apps/pod.yaml",
    line=7,
    column=34,
    path='metadata.annotations."k8s.v1.cni.cncf.io/networks"',
    hint="give each network its own interface name",
)
WARN = Finding(
    rule="unknown-cni-version",
    severity=Severity.WARNING,
    message="cniVersion '9.9.9', 100% odd: a, b",
    file="apps/nad.yaml",
    line=9,
    column=11,
)
INFO = Finding(
    rule="templated-file", severity=Severity.INFO, message="skipped: a Helm template", file="chart/t.yaml"
)
FINDINGS = [DUP, WARN, INFO]
SUMMARY = Summary(command="convert", files_scanned=3, files_changed=1, exit_code=2, mode="write")
CLEAN = Summary(command="check", files_scanned=2, files_changed=0, exit_code=0, mode="check")
CHECK = Summary(
    command="check",
    files_scanned=2,
    files_changed=1,
    exit_code=1,
    mode="check",
    changed=(ChangedFile("apps/web.yaml", 14),),
)
# What verdict.py makes of that file under check: a finding like any other, in every format.
WOULD = Finding(
    rule="would-convert",
    severity=Severity.ERROR,
    message="Multus-era networking: this file would be converted to native multi-networking",
    file="apps/web.yaml",
    line=14,
    column=9,
    hint="fix with: k8snet-convert convert --write apps/web.yaml",
)


# -- choosing the format -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("r.sarif", ReportFormat.SARIF),
        ("r.sarif.json", ReportFormat.SARIF),
        ("r.json", ReportFormat.JSON),
        ("r.xml", ReportFormat.JUNIT),
        ("r.md", ReportFormat.MARKDOWN),
        ("r.MARKDOWN", ReportFormat.MARKDOWN),
        ("r.txt", ReportFormat.TEXT),
        ("report", ReportFormat.TEXT),
    ],
)
def test_format_by_extension(name: str, expected: ReportFormat) -> None:
    assert reports.format_for(Path(name), None) is expected


def test_explicit_format_wins_and_a_wrong_one_is_a_usage_error() -> None:
    assert reports.format_for(Path("r.json"), "junit") is ReportFormat.JUNIT
    assert reports.format_for(Path("r.json"), "GitHub") is ReportFormat.GITHUB
    with pytest.raises(UsageError, match="unknown report format 'yaml'"):
        reports.format_for(Path("r.json"), "yaml")


# -- text ----------------------------------------------------------------------------------------------


def test_text() -> None:
    assert reports.render(ReportFormat.TEXT, FINDINGS, SUMMARY) == (
        "apps/pod.yaml:7:34: error [duplicate-interface] Pod dupif: interface name 'net2' is used twice\n"
        '    at metadata.annotations."k8s.v1.cni.cncf.io/networks"\n'
        "    hint: give each network its own interface name\n"
        "apps/nad.yaml:9:11: warning [unknown-cni-version] cniVersion '9.9.9', 100% odd: a, b\n"
        "chart/t.yaml: info [templated-file] skipped: a Helm template\n"
        "3 file(s) scanned, 1 changed; 1 error(s), 1 warning(s), 1 info(s)\n"
    )


def test_text_under_check_lists_each_file_with_its_line_and_the_fix() -> None:
    assert reports.render(ReportFormat.TEXT, [WOULD], CHECK) == (
        "apps/web.yaml:14:9: error [would-convert] Multus-era networking: this file would be converted to "
        "native multi-networking\n"
        "    hint: fix with: k8snet-convert convert --write apps/web.yaml\n"
        "fix with: k8snet-convert convert --write apps/web.yaml\n"
        "2 file(s) scanned, 1 would change; 1 error(s), 0 warning(s), 0 info(s)\n"
    )


# -- json ----------------------------------------------------------------------------------------------


def test_json_shape_version_1() -> None:
    data = json.loads(reports.render(ReportFormat.JSON, FINDINGS, CHECK))
    assert data["version"] == 1
    assert data["tool"]["name"] == "k8snet-convert"
    assert (data["command"], data["mode"], data["exitCode"]) == ("check", "check", 1)
    assert data["summary"] == {
        "filesScanned": 2,
        "filesChanged": 1,
        "errors": 1,
        "warnings": 1,
        "infos": 1,
        "suppressed": 0,
    }
    assert data["changedFiles"] == [{"file": "apps/web.yaml", "line": 14}]
    assert data["findings"][0] == {
        "rule": "duplicate-interface",
        "severity": "error",
        "message": "Pod dupif: interface name 'net2' is used twice",
        "file": "apps/pod.yaml",
        "line": 7,
        "column": 34,
        "path": 'metadata.annotations."k8s.v1.cni.cncf.io/networks"',
        "hint": "give each network its own interface name",
    }
    assert [f["rule"] for f in data["findings"]] == [
        "duplicate-interface",
        "unknown-cni-version",
        "templated-file",
    ]


# -- github ----------------------------------------------------------------------------------------------


def test_github_annotations() -> None:
    assert reports.render(ReportFormat.GITHUB, FINDINGS, SUMMARY).splitlines() == [
        "::error file=apps/pod.yaml,line=7,col=34,title=k8snet-convert duplicate-interface::"
        "Pod dupif: interface name 'net2' is used twice%0Ahint: give each network its own interface name",
        "::warning file=apps/nad.yaml,line=9,col=11,title=k8snet-convert unknown-cni-version::"
        "cniVersion '9.9.9', 100%25 odd: a, b",
        "::notice file=chart/t.yaml,title=k8snet-convert templated-file::skipped: a Helm template",
    ]


def test_github_escapes_properties() -> None:
    """Line breaks from the input are made visible first (escape.visible), so none is left for the
    runner's own escaping; ``%``, ``:`` and ``,`` still are escaped its way."""
    finding = Finding(
        rule="invalid-yaml", severity=Severity.ERROR, message="a\r\nb 5%", file="odd,name:x.yaml"
    )
    assert reports.render(ReportFormat.GITHUB, [finding], SUMMARY) == (
        "::error file=odd%2Cname%3Ax.yaml,title=k8snet-convert invalid-yaml::a\\r\\nb 5%25\n"
    )


def test_stderr_adds_annotations_only_on_github_actions() -> None:
    plain = reports.stderr_text([DUP], SUMMARY, env={})
    assert "::error" not in plain
    on_actions = reports.stderr_text([DUP], SUMMARY, env={"GITHUB_ACTIONS": "true"})
    assert on_actions.startswith(plain)
    assert on_actions[len(plain) :].startswith("::error file=apps/pod.yaml,line=7,col=34,")


# -- sarif -----------------------------------------------------------------------------------------------


def _load_sarif(path: Path) -> object:
    from sarif import loader

    return loader.load_sarif_file(str(path))


def test_sarif_is_read_back_by_sarif_tools(tmp_path: Path) -> None:
    target = tmp_path / "r.sarif"
    reports.write_report(target, None, FINDINGS, SUMMARY)
    sarif = _load_sarif(target)
    records = sarif.get_records()  # type: ignore[attr-defined]
    assert [(r["Location"], r["Line"], r["Severity"], r["Code"]) for r in records] == [
        ("apps/pod.yaml", 7, "error", "duplicate-interface"),
        ("apps/nad.yaml", 9, "warning", "unknown-cni-version"),
        ("chart/t.yaml", 1, "note", "templated-file"),
    ]
    assert sarif.get_distinct_tool_names() == ["k8snet-convert"]  # type: ignore[attr-defined]
    rule = sarif.get_rules_by_id("duplicate-interface")  # type: ignore[attr-defined]
    assert rule[0]["help"]["text"] == rules.RULES["duplicate-interface"].help
    assert rule[0]["defaultConfiguration"] == {"level": "error"}


def test_sarif_structure() -> None:
    doc = json.loads(reports.render(ReportFormat.SARIF, FINDINGS, SUMMARY))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == list(rules.RULES)  # every catalogued rule, with help, in a stable order
    assert all(r["shortDescription"]["text"] and r["help"]["markdown"] for r in driver["rules"])
    first = run["results"][0]
    assert ids[first["ruleIndex"]] == "duplicate-interface"
    assert first["level"] == "error"
    assert first["message"]["text"] == (
        "Pod dupif: interface name 'net2' is used twice\nHint: give each network its own interface name"
    )
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "apps/pod.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 34},
    }
    assert first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith(
        "metadata.annotations"
    )
    assert run["results"][2]["properties"]["wholeFile"] is True
    assert run["invocations"][0] == {
        "executionSuccessful": True,
        "exitCode": 2,
        "commandLine": "k8snet-convert convert",
    }


def test_sarif_fingerprint_survives_moved_lines() -> None:
    moved = Finding(**{**DUP.to_dict(), "severity": DUP.severity, "line": 70})
    one = json.loads(reports.render(ReportFormat.SARIF, [DUP], SUMMARY))["runs"][0]["results"][0]
    two = json.loads(reports.render(ReportFormat.SARIF, [moved], SUMMARY))["runs"][0]["results"][0]
    assert one["partialFingerprints"] == two["partialFingerprints"]


def test_sarif_uris() -> None:
    from k8snet_convert.report.sarif_report import artifact

    assert artifact("./apps/my pod.yaml") == {"uri": "apps/my%20pod.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact("/abs/x.yaml") == {"uri": "file:///abs/x.yaml"}
    assert artifact("-") == {"uri": "stdin"}


def test_sarif_includes_uncatalogued_rules_without_crashing() -> None:
    odd = Finding(rule="from-the-future", severity=Severity.INFO, message="m", file="a.yaml", line=2)
    run = json.loads(reports.render(ReportFormat.SARIF, [odd], SUMMARY))["runs"][0]
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["id"] == "from-the-future"


def test_sarif_of_a_real_run_points_at_the_right_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lint over the error fixtures: every SARIF location's line holds what the finding is about."""
    cases = ["err-duplicate-interface", "err-host-network", "nad-invalid-json", "warn-ignored-by-multus"]
    for case in cases:
        shutil.copy(FIXTURES / case / "input.yaml", tmp_path / f"{case}.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", ".", "--report", "out/lint.sarif"]) == 1
    records = _load_sarif(tmp_path / "out" / "lint.sarif").get_records()  # type: ignore[attr-defined]
    seen = {}
    for record in records:
        line = (tmp_path / record["Location"]).read_text().splitlines()[record["Line"] - 1]
        seen[(record["Location"], record["Code"])] = line.strip()
    assert seen[("err-duplicate-interface.yaml", "duplicate-interface")] == (
        "k8s.v1.cni.cncf.io/networks: net-a@net2, net-b"
    )
    assert seen[("err-host-network.yaml", "host-network")].startswith("k8s.v1.cni.cncf.io/networks:")
    assert seen[("warn-ignored-by-multus.yaml", "ignored-by-multus")].startswith(
        "k8s.v1.cni.cncf.io/networks:"
    )
    # invalid CNI JSON points inside the JSON of spec.config
    assert "invalid-cni-json" in {code for _, code in seen}
    nad_line = next(v for (_, code), v in seen.items() if code == "invalid-cni-json")
    assert "spec" not in nad_line and "config:" not in nad_line


# -- junit -----------------------------------------------------------------------------------------------


def test_junit() -> None:
    root = ET.fromstring(reports.render(ReportFormat.JUNIT, FINDINGS, SUMMARY))
    suite = root.find("testsuite")
    assert suite is not None
    # the run's own case passes: the failing findings' cases say why the run failed
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "2", "0")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "k8snet-convert convert",
        "apps/pod.yaml:7:34 duplicate-interface",
        "apps/nad.yaml:9:11 unknown-cni-version",
        "chart/t.yaml templated-file",
    ]
    assert cases[0].find("failure") is None
    assert (cases[0].findtext("system-out") or "").startswith("exit code 2: 3 file(s) scanned")
    failure = cases[1].find("failure")
    assert failure is not None
    assert (failure.get("type"), cases[1].get("line"), cases[1].get("file")) == (
        "error",
        "7",
        "apps/pod.yaml",
    )
    assert cases[2].find("failure") is not None and cases[2].find("failure").get("type") == "warning"  # type: ignore[union-attr]
    assert cases[3].find("failure") is None and cases[3].findtext("system-out") == "skipped: a Helm template"


def test_junit_of_a_clean_run_has_one_passing_case() -> None:
    root = ET.fromstring(reports.render(ReportFormat.JUNIT, [], CLEAN))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    assert suite.findall("testcase")[0].find("failure") is None


def test_junit_stays_well_formed_with_control_characters() -> None:
    odd = Finding(
        rule="invalid-annotation", severity=Severity.ERROR, message="bad \x0b value \x00", file="a.yaml"
    )
    root = ET.fromstring(reports.render(ReportFormat.JUNIT, [odd], SUMMARY))
    failure = root.find("testsuite/testcase[2]/failure")
    assert failure is not None and failure.get("message") == "bad \\x0b value \\x00"


def test_junit_under_check_fails_each_file_that_would_change() -> None:
    root = ET.fromstring(reports.render(ReportFormat.JUNIT, [WOULD], CHECK))
    names = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert names == ["apps/web.yaml:14:9 would-convert"]


def test_junit_run_case_fails_when_no_finding_explains_the_exit_code() -> None:
    root = ET.fromstring(reports.render(ReportFormat.JUNIT, [], CHECK))
    names = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert names == ["k8snet-convert check"]


# -- markdown --------------------------------------------------------------------------------------------


def test_markdown_tables() -> None:
    text = reports.render(ReportFormat.MARKDOWN, FINDINGS, SUMMARY)
    assert text.startswith("# k8snet-convert convert\n\n| | |\n|---|---|\n| exit code | 2 |\n")
    assert "| files changed | 1 |" in text
    assert "| severity | rule | location | message | hint |" in text
    assert (
        "| warning | `unknown-cni-version` | `apps/nad.yaml:9:11` | cniVersion '9.9.9', 100% odd: a, b |  |"
        in text
    )
    assert "```mermaid" not in text  # no inputs given: nothing to draw


def test_markdown_escapes_cells() -> None:
    odd = Finding(
        rule="invalid-yaml", severity=Severity.ERROR, message="a | b\nc <img src=x>", file="x`.yaml"
    )
    text = reports.render(ReportFormat.MARKDOWN, [odd], SUMMARY)
    assert "| a \\| b\\\\nc &lt;img src=x&gt; |" in text  # shown: a | b\nc <img src=x>
    assert "| `` x`.yaml `` |" in text  # a backtick in the name: a longer fence


def test_markdown_draws_the_inputs(tmp_path: Path) -> None:
    source = tmp_path / "app.yaml"
    shutil.copy(FIXTURES / "err-duplicate-interface" / "input.yaml", source)
    summary = Summary(
        command="lint", files_scanned=1, files_changed=0, exit_code=1, mode="lint", inputs=(str(source),)
    )
    text = reports.render(ReportFormat.MARKDOWN, [], summary)
    assert "No findings." in text
    diagram = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("flowchart LR\n")
    assert "NAD lab/net-a (not among the inputs)" in diagram
    assert '(["net2"])' in diagram


# -- writing ---------------------------------------------------------------------------------------------


def test_a_clean_run_still_writes_its_report(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "report.xml"
    reports.write_report(target, None, [], CLEAN)
    assert ET.parse(target).getroot().tag == "testsuites"


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_renders_every_state(fmt: ReportFormat) -> None:
    for summary in (SUMMARY, CLEAN, CHECK):
        for findings in ([], FINDINGS):
            text = reports.render(fmt, findings, summary)
            assert text.endswith("\n") or (text == "" and fmt is ReportFormat.GITHUB)


def test_convert_check_writes_the_report_by_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "pod.yaml"
    shutil.copy(FIXTURES / "pod-short-form" / "input.yaml", source)
    for name in ("r.json", "r.sarif", "r.xml", "r.md", "r.txt"):
        assert main(["check", str(source), "--report", str(tmp_path / name)]) == 1
    assert json.loads((tmp_path / "r.json").read_text())["exitCode"] == 1
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse(tmp_path / "r.xml").getroot().tag == "testsuites"
    assert (tmp_path / "r.md").read_text().startswith("# k8snet-convert check")
    assert "file(s) scanned" in (tmp_path / "r.txt").read_text()
    capsys.readouterr()


# -- first changed line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (b"a\nb\nc\n", b"a\nB\nc\n", 2),
        (b"a\nb\n", b"a\nb\n---\nx\n", 2),  # appended: the last original line
        (b"a\nb\nc\n", b"a\n", 2),
        (b"a\nb\n", b"a\nb\n", 0),
        (b"a\nb", b"a\nb\n", 2),  # only the final newline
        ("\ufeffa\nb\n".encode("utf-16"), "\ufeffa\nc\n".encode("utf-16"), 2),
    ],
)
def test_first_changed_line(old: bytes, new: bytes, line: int) -> None:
    assert first_changed_line(old, new) == line
