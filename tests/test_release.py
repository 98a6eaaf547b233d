"""What the README and the release steps promise: a version in one place, a pre-commit snippet whose
rev pre-commit accepts, and project URLs that are real or absent."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import k8snet_convert

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_one_version() -> None:
    assert PYPROJECT["project"]["version"] == k8snet_convert.__version__


def _tags() -> set[str]:
    done = subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=False)
    return set(done.stdout.split()) if done.returncode == 0 else set()


def test_pre_commit_snippets_pin_a_full_commit_or_an_existing_tag() -> None:
    """pre-commit refuses a rev that is neither; a tag must exist before a snippet may name it."""
    for doc in ("README.md", "docs/ci.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        revs = re.findall(r"^\s*rev: (\S+)", text, re.MULTILINE)
        assert revs, doc
        for rev in revs:
            assert re.fullmatch(r"[0-9a-f]{40}", rev) or rev in _tags(), (doc, rev)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pre-commit autoupdate --freeze" in readme
    assert "## Releasing" in readme and "git tag -a v" in readme


def test_project_urls_are_real_or_absent() -> None:
    urls = PYPROJECT["project"].get("urls")
    if urls is None:  # no public repository yet: the README says so and what to set at the first release
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        assert "no public repository URL yet" in readme
        for key in ("Homepage", "Documentation", "Issues", "Changelog"):
            assert f"`{key} = REPO" in readme
        return
    assert set(urls) >= {"Homepage", "Documentation", "Issues", "Changelog"}
    home = urls["Homepage"].rstrip("/")
    assert home.startswith("https://") and "example." not in home
    assert all(url.startswith(home) for url in urls.values())


def test_the_changelog_exists_with_unreleased_notes() -> None:
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
