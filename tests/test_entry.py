"""The console script: a plain ``check FILE...`` runs without Typer and says exactly what cli.main says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet_convert import cli, entry

SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n"
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
    "    k8s.v1.cni.cncf.io/networks: {value}\nspec:\n  containers: []\n"
)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "svc.yaml").write_text(SERVICE)
    (tmp_path / "pod.yaml").write_text(POD.format(value="data@d0"))
    (tmp_path / "bad.yaml").write_text(POD.format(value="Bad_Name"))
    (tmp_path / "broken.yaml").write_text("kind: Pod\nmetadata: {k8s.v1.cni.cncf.io/networks: [\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "kustomization.yaml").write_text("namespace: apps\nresources: [nad.yaml]\n")
    (tmp_path / "app" / "nad.yaml").write_text(
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: data}\n"
        'spec:\n  config: \'{"cniVersion": "0.3.1", "type": "macvlan"}\'\n'
    )
    return tmp_path


CASES = [
    ["svc.yaml"],
    ["pod.yaml"],
    ["svc.yaml", "pod.yaml", "bad.yaml"],
    ["broken.yaml"],
    ["app"],
    ["."],
    ["missing.yaml"],
]


@pytest.mark.parametrize("names", CASES, ids=[" ".join(c) for c in CASES])
def test_plain_check_says_what_the_full_command_line_says(
    files: Path, names: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    argv = ["check", *names]
    assert entry.is_plain_check(argv)
    fast = entry.main(argv), *capsys.readouterr()
    full = cli.main(argv), *capsys.readouterr()
    assert fast == full
    assert fast[0] in (0, 1, 2, 3)


def test_project_configuration_applies_to_the_plain_check(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (files / ".k8snet-convert.yaml").write_text("exclude: ['b*.yaml']\n")
    monkeypatch.chdir(files)
    argv = ["check", "."]
    fast = entry.main(argv), *capsys.readouterr()
    full = cli.main(argv), *capsys.readouterr()
    assert fast == full
    assert fast[0] == 1  # bad.yaml and broken.yaml skipped; pod.yaml would change
    assert "bad.yaml" not in fast[2] and "broken.yaml" not in fast[2] and "pod.yaml" in fast[2]


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "-"],
        ["check", "--quiet", "a.yaml"],
        ["check", "--", "a.yaml"],
        ["convert", "a"],
        [],
    ],
)
def test_anything_else_goes_to_the_full_command_line(argv: list[str]) -> None:
    assert not entry.is_plain_check(argv)


def _imports(argv: list[str], cwd: Path) -> str:
    code = (
        "import sys\nfrom k8snet_convert.entry import main\n"
        f"code = main({argv!r})\n"
        "print(code, 'typer' in sys.modules, 'k8snet_convert.cli' in sys.modules, 'yaml' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.split("\n")[-2]


def test_a_plain_check_imports_neither_typer_nor_a_parser(files: Path) -> None:
    assert _imports(["check", "svc.yaml"], files) == "0 False False False"
    assert _imports(["check", "pod.yaml"], files) == "1 False False True"  # parsed, still no Typer
    assert _imports(["check", "--quiet", "svc.yaml"], files) == "0 True True False"


HEAVY = (
    "pydantic",
    "rich",
    "jsonschema",
    "pathspec",
    "k8snet_convert.api",
    "k8snet_convert.report.sarif_report",
    "k8snet_convert.schema",
)


@pytest.mark.parametrize("argv", [["check", "svc.yaml"], ["check", "pod.yaml"], ["check", "--quiet", "app"]])
def test_check_imports_no_heavy_module(files: Path, argv: list[str]) -> None:
    """pydantic, rich, jsonschema and the report formats load only when a command needs them."""
    code = (
        "import sys\nfrom k8snet_convert.entry import main\n"
        f"main({argv!r})\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=files, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


CONVERT_CASES = [
    ["convert", ".", "--check"],
    ["convert", "svc.yaml", "pod.yaml"],
    ["convert", "--diff", "pod.yaml", "app"],
    ["convert", ".", "--write"],
    ["convert", ".", "--write", "-q"],
    ["convert", ".", "--check", "--strict", "--implicit-interfaces", "--inject-resources"],
    ["convert", "pod.yaml", "--verify-roundtrip", "--quiet"],
    ["convert", "pod.yaml", "--check", "--write"],  # a usage error either way
    ["convert", "missing.yaml", "--check"],
]


@pytest.mark.parametrize("argv", CONVERT_CASES, ids=[" ".join(c[1:]) for c in CONVERT_CASES])
def test_plain_convert_does_what_the_full_command_line_does(
    files: Path,
    argv: list[str],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert entry.plain_convert(argv) is not None
    seen = []
    for main in (entry.main, cli.main):
        work = tmp_path_factory.mktemp("work") / "tree"
        shutil.copytree(files, work)
        monkeypatch.chdir(work)
        code = main(argv)
        out, err = capsys.readouterr()
        tree = {
            p.relative_to(work).as_posix(): p.read_bytes() for p in sorted(work.rglob("*")) if p.is_file()
        }
        seen.append((code, out, err, tree))
    assert seen[0] == seen[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "--check"],
        ["convert", ".", "--to", "dra"],
        ["convert", ".", "--jobs=1"],
        ["convert", "-", "--check"],
        ["convert", ".", "--", "--check"],
        ["convert", ".", "--help"],
    ],
)
def test_convert_with_values_or_odd_tokens_goes_to_the_full_command_line(argv: list[str]) -> None:
    assert entry.plain_convert(argv) is None
    assert entry.plain_convert(["convert", "."]) == {}  # paths alone: printed to stdout, run directly


def test_plain_convert_imports_no_typer(files: Path) -> None:
    assert _imports(["convert", "svc.yaml", "--check"], files) == "0 False False False"
