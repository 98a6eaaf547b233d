"""The command line as users drive it: exit codes, output modes, configuration, stdin."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet_convert import cli, files, pipeline

from .conftest import ROOT

MULTUS_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations:
    k8s.v1.cni.cncf.io/networks: data@d0, storage
spec:
  containers:
  - name: web
    image: nginx
"""
PLAIN_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
"""


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pod.yaml").write_text(MULTUS_POD)
    (tmp_path / "app" / "svc.yaml").write_text(PLAIN_SERVICE)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hidden.yaml").write_text(MULTUS_POD)
    (tmp_path / "notes.txt").write_text(MULTUS_POD)
    return tmp_path


def test_readme_first_command_prints_podnetworks() -> None:
    """What a newcomer runs after `pip install .` (the installed console script when present)."""
    script = shutil.which("k8snet-convert")
    command = [script] if script else [sys.executable, "-m", "k8snet_convert"]
    proc = subprocess.run(
        [*command, "convert", "examples/multus-app.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("kind: PodNetwork\n") == 2
    assert "k8s.v1.cni.cncf.io/networks" not in proc.stdout
    assert "1 file(s) scanned, 1 changed" in proc.stderr


def test_stdout_of_several_files_names_each_source(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["convert", str(tree)], capsys)
    assert code == 0
    sources = [line for line in out.splitlines() if line.startswith("# Source:")]
    assert sources == [
        f"# Source: {(tree / 'app' / 'pod.yaml').as_posix()}",
        f"# Source: {(tree / 'app' / 'svc.yaml').as_posix()}",
    ]
    assert "hidden.yaml" not in out and "notes.txt" not in out
    assert out.count("---\n# Source:") == 2
    assert PLAIN_SERVICE in out


def test_check_exit_codes_and_listing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["check", str(tree)], capsys)
    assert code == 1
    assert out == ""
    assert f"{(tree / 'app' / 'pod.yaml').as_posix()}:7:5: error [would-convert]" in err  # the annotation key
    assert "fix with: k8snet-convert convert --write" in err
    code, _, _ = run_cli(["check", str(tree / "app" / "svc.yaml")], capsys)
    assert code == 0


def test_write_is_idempotent_and_leaves_other_files_alone(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pod, svc = tree / "app" / "pod.yaml", tree / "app" / "svc.yaml"
    pod.chmod(0o640)
    svc_stat = svc.stat()
    code, out, _ = run_cli(["convert", "--write", str(tree)], capsys)
    assert code == 0 and out == ""
    converted = pod.read_text()
    assert "podNetworkName: data" in converted and "annotations" not in converted
    assert pod.stat().st_mode & 0o777 == 0o640
    assert svc.stat().st_ino == svc_stat.st_ino and svc.stat().st_mtime_ns == svc_stat.st_mtime_ns
    assert not [p for p in (tree / "app").iterdir() if p.name.startswith(".")]  # no temporary files left
    code, _, err = run_cli(["convert", "--write", str(tree)], capsys)
    assert code == 0 and pod.read_text() == converted
    assert "0 changed" in err


def test_diff_is_git_style(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = tree / "app" / "pod.yaml"
    code, out, _ = run_cli(["convert", "--diff", str(pod)], capsys)
    assert code == 0
    name = pod.as_posix().lstrip("/")
    assert out.startswith(f"--- a/{name}\n+++ b/{name}\n@@ ")
    assert "-    k8s.v1.cni.cncf.io/networks: data@d0, storage\n" in out
    assert pod.read_text() == MULTUS_POD


def test_output_dir_mirrors_the_tree(
    tree: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path_factory.mktemp("out")
    code, _, _ = run_cli(["convert", str(tree), "--output-dir", str(target)], capsys)
    assert code == 0
    assert (target / "app" / "svc.yaml").read_text() == PLAIN_SERVICE
    assert "spec:\n  containers" in (target / "app" / "pod.yaml").read_text()
    assert "networks:" in (target / "app" / "pod.yaml").read_text()
    assert (tree / "app" / "pod.yaml").read_text() == MULTUS_POD


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MULTUS_POD.encode())))
    code, out, _ = run_cli(["convert", "-"], capsys)
    assert code == 0
    assert "podNetworkName: storage" in out


def test_usage_errors_exit_3(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["convert", "--write", "--diff", str(tree)], capsys)[0] == 3
    assert run_cli(["convert", "--no-such-flag", str(tree)], capsys)[0] == 3
    assert run_cli(["convert", str(tree / "missing.yaml")], capsys)[0] == 3
    assert run_cli(["convert", "--name-template", "{nam}", str(tree)], capsys)[0] == 3
    assert run_cli(["convert", "--jobs", "0", str(tree)], capsys)[0] == 3


def test_conversion_error_exit_2_and_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MULTUS_POD.replace("data@d0, storage", "data, data"))
    good = tmp_path / "good.yaml"
    good.write_text(MULTUS_POD)
    code, _, err = run_cli(["convert", "--write", str(tmp_path)], capsys)
    assert code == 2
    assert "[duplicate-network]" in err
    assert bad.read_text() == MULTUS_POD.replace("data@d0, storage", "data, data")
    assert "networks:" in good.read_text()  # the rest of the run went on


def test_internal_error_exit_4_with_crash_log(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(pipeline, "convert_file", boom)
    code, out, err = run_cli(["convert", str(tree), "--jobs", "1"], capsys)
    assert code == 4
    assert "error [internal-error] k8snet-convert failed on this file (ZeroDivisionError: bug)" in err
    log = Path(err.split("crash report is in ")[1].split()[0])
    assert "ZeroDivisionError: bug" in log.read_text()
    log.unlink()
    assert PLAIN_SERVICE in out and "2 file(s) scanned" in err  # the run went on and summed up


def test_parse_annotation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["parse-annotation", "a, other/b@eth5", "--namespace", "ns1"], capsys)
    assert code == 0
    assert json.loads(out) == [
        {"name": "a", "namespace": "ns1"},
        {"name": "b", "namespace": "other", "interface": "eth5"},
    ]
    code, out, _ = run_cli(
        ["parse-annotation", '[{"NAME": "x", "ips": [], "Interface": "n1"}]', "--namespace", "ns1"], capsys
    )
    assert json.loads(out) == [{"name": "x", "namespace": "ns1", "interface": "n1", "ips": []}]
    code, out, _ = run_cli(["parse-annotation", "--default-network", "calico"], capsys)
    assert json.loads(out) == [{"name": "calico", "namespace": "kube-system"}]
    code, out, err = run_cli(["parse-annotation", "Bad_Name"], capsys)
    assert code == 2 and out == ""
    assert "Bad_Name" in err


def test_project_configuration_and_flag_override(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / ".k8snet-convert.yaml").write_text(
        "profile: kep-3698-rev2\nname_template: '{namespace}.{name}'\n"
    )
    code, out, _ = run_cli(["convert", str(tree / "app" / "pod.yaml")], capsys)
    assert code == 0
    assert "- name: shop.data\n" in out and "isDefaultGW: true" in out
    code, out, _ = run_cli(["convert", "--profile", "kep-3698", str(tree / "app" / "pod.yaml")], capsys)
    assert "- podNetworkName: shop.data\n" in out
    (tree / ".k8snet-convert.yaml").write_text("profiel: x\n")
    code, _, err = run_cli(["convert", str(tree / "app" / "pod.yaml")], capsys)
    assert code == 3 and "unknown option 'profiel'" in err


def test_pyproject_configuration(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "pyproject.toml").write_text(
        '[tool.k8snet-convert]\nattachment-params = "drop"\nimplicit-interfaces = true\n'
    )
    code, out, _ = run_cli(["convert", str(tree / "app" / "pod.yaml")], capsys)
    assert code == 0
    assert "- podNetworkName: storage\n" in out and "interfaceName: net2" not in out


def test_namespace_from_kustomization(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "kustomization.yaml").write_text("namespace: team-a\nresources: [pod.yaml]\n")
    (tmp_path / "pod.yaml").write_text(
        MULTUS_POD.replace("  namespace: shop\n", "").replace("data@d0, storage", "other/x")
    )
    code, out, err = run_cli(
        ["convert", str(tmp_path / "pod.yaml"), "--name-template", "{namespace}.{name}"], capsys
    )
    assert code == 0
    assert "podNetworkName: other.x" in out
    assert "default-namespace" not in err


def test_report_file_is_written_for_a_clean_run(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tree / "report.json"
    code, _, _ = run_cli(["check", str(tree / "app" / "svc.yaml"), "--report", str(report)], capsys)
    assert code == 0
    data = json.loads(report.read_text())
    assert data["version"] == 1 and data["findings"] == [] and data["exitCode"] == 0


def test_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text((ROOT / "fixtures" / "every-field-configmap" / "expected.yaml").read_text())
    assert run_cli(["validate", str(good)], capsys)[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: v1\nkind: PodNetwork\nmetadata:\n  name: Bad_Name\n  namespace: x\n"
        "spec:\n  enabled: 'yes'\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  networks:\n"
        "  - {podNetworkName: a, podNetworkAttachmentName: b, interfaceName: averyveryverylongname}\n"
    )
    code, _, err = run_cli(["validate", str(bad)], capsys)
    assert code == 2
    assert "bad.yaml:4:9: error [schema-violation] PodNetwork Bad_Name: metadata.name" in err
    assert "spec.enabled" in err
    assert "spec.networks[0]" in err


def test_jobs_give_identical_output_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(40):
        folder = tmp_path / f"app{i:02d}"
        folder.mkdir()
        (folder / "pod.yaml").write_text(MULTUS_POD.replace("name: web", f"name: web{i}"))
        (folder / "svc.yaml").write_text(PLAIN_SERVICE)
        if i % 7 == 0:
            (folder / "broken.yaml").write_text(MULTUS_POD.replace("data@d0", "Bad_Name"))
    outputs = []
    for jobs in ("1", "2"):
        report = tmp_path.parent / f"report-{jobs}.json"
        code, out, err = run_cli(["convert", str(tmp_path), "--jobs", jobs, "--report", str(report)], capsys)
        assert code == 2
        outputs.append((out, err, report.read_text()))
    assert outputs[0] == outputs[1]


def test_unreadable_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(MULTUS_POD)
    (tmp_path / "ok.yaml").write_text(MULTUS_POD)
    real = files.read_file

    def read_file(path: str | Path) -> bytes:  # root reads mode-000 files, so simulate the refusal
        if Path(path).name == "secret.yaml":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(files, "read_file", read_file)
    code, out, err = run_cli(["convert", str(tmp_path)], capsys)
    assert code == 2
    assert "secret.yaml: error [unreadable-file] cannot read the file: Permission denied" in err
    assert "podNetworkName: data" in out  # the other file was still converted


def test_output_that_does_not_parse_is_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The converted text is parsed again before it is written, printed or diffed; --check skips that."""
    from k8snet_convert.manifests.edit import Editor

    pod = tmp_path / "pod.yaml"
    pod.write_text(MULTUS_POD)
    monkeypatch.setattr(Editor, "result", lambda self: "metadata: [unclosed\n")
    for mode in ("--write", "--diff", None):  # None: to standard output
        code, out, err = run_cli(["convert", str(pod), *([mode] if mode else [])], capsys)
        assert code == 4, mode  # a bug (internal error), met on one file
        assert "error [internal-error] the converted text does not parse" in err
        assert "unclosed" not in out
    assert pod.read_text() == MULTUS_POD
    code, _, err = run_cli(["convert", str(pod), "--check"], capsys)
    assert code == 1 and "internal-error" not in err  # would change: --write reports the error
