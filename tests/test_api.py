"""The Python API (docs/api.md): convert_text, its result, option checking, lazy exports, py.typed,
and the kubectl plugin's entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import k8snet_convert
from k8snet_convert import ConversionResult, Finding, Severity, convert_text
from k8snet_convert.cli import main

ROOT = Path(__file__).resolve().parents[1]
APP = (ROOT / "examples" / "multus-app.yaml").read_text()
POD = (ROOT / "examples" / "short-form-pod.yaml").read_text()
DUPLICATE = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n  annotations:\n"
    '    k8s.v1.cni.cncf.io/networks: "a@eth0"{comment}\nspec:\n  containers: []\n'
)


def test_convert_text_gives_what_the_command_line_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app.yaml").write_text(APP)
    assert main(["convert", str(tmp_path / "app.yaml"), "--profile", "kep-3698-rev2"]) == 0
    printed = capsys.readouterr().out
    result = convert_text(APP, profile="kep-3698-rev2")
    assert isinstance(result, ConversionResult)
    assert result.text == printed
    assert result.changed and result.ok and result.exit_code == 0
    assert result.original == APP
    assert "cluster-wide-network" in {f.rule for f in result.findings}
    assert all(isinstance(f, Finding) and f.file == "<text>" for f in result.findings)


def test_every_target_and_round_trip() -> None:
    native = convert_text(APP)
    back = convert_text(native.text, to="multus")
    assert back.changed and "k8s.v1.cni.cncf.io/networks" in back.text
    dra = convert_text(APP, to="dra", dra_api_version="v1beta1")
    assert "kind: ResourceClaimTemplate" in dra.text and "resource.k8s.io/v1beta1" in dra.text


def test_nothing_to_convert() -> None:
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
    result = convert_text(service)
    assert (result.text, result.changed, result.findings, result.exit_code) == (service, False, (), 0)


def test_errors_leave_the_text_and_set_the_exit_code() -> None:
    text = DUPLICATE.format(comment="")
    result = convert_text(text)
    assert result.text == text and not result.changed
    assert [f.rule for f in result.errors] == ["duplicate-interface"]
    assert result.errors[0].severity is Severity.ERROR and not result.ok
    assert result.exit_code == 2


def test_suppression_comments_apply() -> None:
    result = convert_text(DUPLICATE.format(comment="  # k8snet-convert: ignore[duplicate-interface]"))
    assert result.ok and result.exit_code == 0
    assert [f.rule for f in result.suppressed] == ["duplicate-interface"]


def test_check_mode_reports_would_convert_with_a_hint_for_a_text() -> None:
    result = convert_text(POD, mode="check")
    found = [f for f in result.findings if f.rule == "would-convert"]
    assert [(f.line, f.column) for f in found] == [(7, 5)]
    assert found[0].hint.startswith("convert it with: k8snet-convert convert - ")
    assert result.exit_code == 1


def test_json_stays_json_with_a_filename() -> None:
    text = json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "p",
                "namespace": "shop",
                "annotations": {"k8s.v1.cni.cncf.io/networks": "data"},
            },
            "spec": {"containers": []},
        },
        indent=2,
    )
    result = convert_text(text, filename="pod.json")
    assert json.loads(result.text)["spec"]["networks"][1] == {
        "podNetworkName": "data",
        "interfaceName": "net1",
    }
    assert {f.file for f in result.findings} == {"pod.json"}


@pytest.mark.parametrize(
    ("options", "error", "said"),
    [
        ({"profil": "kep-3698"}, TypeError, "unexpected keyword argument 'profil'"),
        (
            {"profile": "kep-3698-rev9"},
            ValueError,
            "profile='kep-3698-rev9' is not one of: kep-3698, kep-3698-rev2",
        ),
        ({"to": "calico"}, ValueError, "is not one of: native, multus, dra"),
        ({"strict": "yes"}, TypeError, "strict must be bool, not str"),
        ({"jobs": True}, TypeError, "jobs must be int"),
        ({"jobs": 0}, ValueError, "jobs must be at least 1"),
        ({"exclude": "a/*"}, TypeError, "exclude must be a list of strings"),
        ({"name_template": "{nam}"}, ValueError, "{nam}"),
        ({"provider": 3}, TypeError, "provider must be str, not int"),
    ],
)
def test_bad_options_are_clear_errors(options: dict[str, object], error: type[Exception], said: str) -> None:
    with pytest.raises(error, match=None) as caught:
        convert_text(POD, **options)  # type: ignore[arg-type]
    assert said in str(caught.value)


def test_every_option_is_accepted_by_keyword() -> None:
    from k8snet_convert.options import Options

    every = {name: getattr(Options(), name) for name in Options.__dataclass_fields__ if name != "given"}
    every["max_file_size"] = 1 << 20
    result = convert_text(POD, **every)
    assert result.changed


def test_a_text_that_is_not_str_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expects the manifest as str"):
        convert_text(POD.encode())  # type: ignore[arg-type]


def test_the_api_is_exported_lazily() -> None:
    code = (
        "import sys, k8snet_convert\n"
        "print(sorted(m for m in sys.modules if m.startswith('k8snet_convert')))\n"
        "k8snet_convert.convert_text\n"
        "print('k8snet_convert.api' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["['k8snet_convert']", "True"]
    assert set(k8snet_convert.__all__) <= set(dir(k8snet_convert))
    with pytest.raises(AttributeError):
        k8snet_convert.no_such_thing  # noqa: B018


def test_the_package_is_typed() -> None:
    package = Path(k8snet_convert.__file__).parent
    assert (package / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["k8snet_convert"]
    files = metadata.files("k8snet-convert") or []
    if any(str(f).endswith(".py") for f in files):  # a regular install lists the package's files
        assert any(str(f).endswith("k8snet_convert/py.typed") for f in files)


def test_a_type_checker_sees_the_api(tmp_path: Path) -> None:
    script = tmp_path / "use.py"
    script.write_text(
        "import k8snet_convert\n"
        "result = k8snet_convert.convert_text('a: 1\\n', profile='kep-3698')\n"
        "reveal_type(result.findings)\n"
        "changed: bool = result.changed\n"
    )
    # the package as found on the path (an editable install hides it from mypy behind an import hook)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(ROOT)},
    )
    revealed = "tuple[k8snet_convert.findings.Finding, ...]"  # mypy may print it as builtins.tuple
    assert revealed in done.stdout, done.stdout
    assert "error:" not in done.stdout, done.stdout


def test_the_kubectl_plugin_is_declared_and_runs() -> None:
    scripts = {
        e.name: e.value
        for e in metadata.entry_points(group="console_scripts")
        if e.value.startswith("k8snet_convert")
    }
    assert scripts["kubectl-k8snet_convert"] == scripts["k8snet-convert"] == "k8snet_convert.entry:main"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["scripts"]["kubectl-k8snet_convert"] == "k8snet_convert.entry:main"
    plugin = shutil.which(
        "kubectl-k8snet_convert",
        path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    assert plugin is not None, "pip install the project: it installs kubectl-k8snet_convert"
    done = subprocess.run([plugin, "convert", "-"], input=POD, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "networks:" in done.stdout
    kubectl = shutil.which("kubectl")
    if kubectl is not None:  # kubectl finds the plugin on PATH: `kubectl k8snet-convert ...`
        env = {**os.environ, "PATH": os.pathsep.join([str(Path(plugin).parent), os.environ.get("PATH", "")])}
        done = subprocess.run(
            [kubectl, "k8snet-convert", "--version"], capture_output=True, text=True, env=env, check=False
        )
        assert done.stdout.strip() == f"k8snet-convert {k8snet_convert.__version__}", done.stderr


def test_the_first_example_of_the_docs_runs_as_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(block, "docs/api.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("True\napiVersion: v1\n")
    assert "7 info nad-not-found Pod probe uses NetworkAttachmentDefinition shop/macvlan-data" in out
