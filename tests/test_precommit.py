"""The project's pre-commit hooks, run by a real pre-commit in a temporary git repository (offline).

The hooks are taken from ``.pre-commit-hooks.yaml`` as they are, except two things a network-free
test must change: ``repo: local`` instead of this repository's URL, and ``language: unsupported``
(``system`` before pre-commit 4.4) running this checkout's interpreter instead of a pip-installed
environment. id, entry arguments, file types and every other key are the published ones.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_convert.options import Options, Profile
from k8snet_convert.pipeline import convert_file

from .conftest import FIXTURES, ROOT

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"

pytest.importorskip("pre_commit")
if shutil.which("git") is None:  # pragma: no cover - git is in every supported environment
    pytest.skip("git is not installed", allow_module_level=True)


def _language() -> str:
    try:
        from pre_commit.all_languages import languages
    except ImportError:  # pre-commit < 3.4
        return "system"
    return "unsupported" if "unsupported" in languages else "system"


def published_hooks() -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    return hooks


def local_config() -> str:
    hooks = []
    for hook in published_hooks():
        command = shlex.split(hook["entry"])
        assert command[0] == "k8snet-convert"
        local = {k: v for k, v in hook.items() if k != "minimum_pre_commit_version"}
        local["entry"] = shlex.join([sys.executable, "-m", "k8snet_convert", *command[1:]])
        local["language"] = _language()
        hooks.append(local)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        home = root.parent / "home"
        home.mkdir(exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
        self.env.pop("GITHUB_ACTIONS", None)
        self.env.update(
            HOME=str(home),
            PRE_COMMIT_HOME=str(root.parent / "pre-commit-cache"),
            PRE_COMMIT_COLOR="never",
            GIT_CONFIG_NOSYSTEM="1",
            GIT_AUTHOR_NAME="t",
            GIT_AUTHOR_EMAIL="t@example.com",
            GIT_COMMITTER_NAME="t",
            GIT_COMMITTER_EMAIL="t@example.com",
            PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        )
        root.mkdir()
        self.git("init", "-q")
        self.git("config", "commit.gpgsign", "false")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=300, check=False
        )

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.run("git", *args)
        assert done.returncode == 0 or args[0] == "commit", done.stderr
        return done

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "pre_commit", *args)

    def write(self, name: str, data: bytes) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def test_the_hooks_file_is_a_valid_manifest() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(HOOKS_FILE))
    assert [h["id"] for h in hooks] == ["k8snet-convert-check", "k8snet-convert-fix"]
    for hook in hooks:
        assert hook["types_or"] == ["yaml", "json"]
        assert hook["language"] == "python"
        assert not hook["require_serial"]  # every file on its own: pre-commit may split the list


def test_check_fails_fix_rewrites_and_the_second_commit_passes(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write(".pre-commit-config.yaml", local_config().encode())
    # The project configuration: hook runs must honour it as manual runs do.
    repo.write(".k8snet-convert.yaml", b"profile: kep-3698-rev2\n")
    app = (FIXTURES / "pod-short-form" / "input.yaml").read_bytes()
    manifest = (FIXTURES / "json-manifest" / "input.json").read_bytes()
    unrelated = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    repo.write("deploy/app.yaml", app)
    repo.write("deploy/probe.json", manifest)
    repo.write("deploy/config.yaml", unrelated)
    installed = repo.pre_commit("install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    repo.git("add", "-A")
    first = repo.git("commit", "-m", "Multus-era manifests")
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    assert "k8snet-convert check" in output and "Failed" in output
    assert "deploy/app.yaml" in output and "fix with: k8snet-convert convert --write" in output
    assert "files were modified by this hook" in output
    assert repo.git("rev-list", "--all").stdout == ""  # nothing was committed

    # The fix is exactly what a manual run with the project configuration gives.
    options = Options(profile=Profile.KEP_3698_REV2)
    for name, original in (("deploy/app.yaml", app), ("deploy/probe.json", manifest)):
        expected = convert_file(name, repo.root / name, original, options).new
        assert expected is not None and expected != original
        assert (repo.root / name).read_bytes() == expected
    assert (
        b"attachmentName" in (repo.root / "deploy/app.yaml").read_bytes()
        or b"- name: " in (repo.root / "deploy/app.yaml").read_bytes()
    )
    assert (repo.root / "deploy/config.yaml").read_bytes() == unrelated

    repo.git("add", "-A")
    second = repo.git("commit", "-m", "native multi-networking")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "k8snet-convert check" in second.stdout + second.stderr
    assert "Failed" not in second.stdout + second.stderr
    assert len(repo.git("rev-list", "--all").stdout.split()) == 1


def test_results_do_not_depend_on_how_pre_commit_splits_the_files(tmp_path: Path) -> None:
    """NADs and their workloads in different files: each file converts the same alone, together, or in
    whatever chunks pre-commit hands to parallel invocations."""
    nad = (FIXTURES / "api-version-provider-template" / "input.yaml").read_text()
    files: dict[str, bytes] = {}
    for i in range(12):
        files[f"m/nads-{i}.yaml"] = (
            "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
            f"metadata:\n  name: net-{i}\n  namespace: lab\n"
            f'spec:\n  config: \'{{"cniVersion": "1.0.0", "name": "net-{i}", "type": "macvlan"}}\'\n'
        ).encode()
        files[f"m/pod-{i}.yaml"] = (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: lab\n  annotations:\n"
            f"    k8s.v1.cni.cncf.io/networks: net-{i}, net-{(i + 1) % 12}@data0\n"
            "spec:\n  containers: [{name: c, image: busybox}]\n"
        ).encode()
    files["m/mixed.yaml"] = nad.encode()
    alone = {name: convert_file(name, None, data, Options()).new for name, data in files.items()}
    assert all(new is not None for new in alone.values())

    repo = Repo(tmp_path / "repo")
    repo.write(".pre-commit-config.yaml", local_config().encode())
    for name, data in files.items():
        repo.write(name, data)
    repo.git("add", "-A")
    fixed = repo.pre_commit("run", "k8snet-convert-fix", "--all-files")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # it changed files
    for name in files:
        assert (repo.root / name).read_bytes() == alone[name], name
    again = repo.pre_commit("run", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
