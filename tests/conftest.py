"""Shared test helpers: the corpus location, and converting text through the real pipeline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from k8snet_convert.options import Options
from k8snet_convert.pipeline import FileResult, convert_file

# CI runs the same examples every time (a landing must not depend on luck); local runs explore.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = Path(os.environ.get("K8SNET_CORPUS", ROOT.parent / "shared" / "corpus"))


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder {CORPUS} is absent")
    return CORPUS


def convert_text(
    text: str, name: str = "input.yaml", path: Path | None = None, **options: object
) -> FileResult:
    """Convert one file's text with the given options (no file on disk unless ``path``)."""
    return convert_file(name, path, text.encode(), Options(**options))  # type: ignore[arg-type]


def new_text(result: FileResult) -> str:
    assert result.new is not None, [f.message for f in result.findings]
    return result.new.decode()
