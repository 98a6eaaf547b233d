"""Golden cases: fixtures/<case>/input.* -> expected.* and expected.findings.json.

Each case folder holds ``input.yaml`` (or ``input.json``), optionally ``options.json`` (Options fields)
and ``README`` (what it shows). Regenerate with ``K8SNET_REGEN=1 pytest tests/test_golden.py``, then
review the diff by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from k8snet_convert.options import Options
from k8snet_convert.pipeline import convert_file
from k8snet_convert.validate import check_text

from .conftest import FIXTURES

CASES = (
    sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.glob("input.*")))
    if FIXTURES.is_dir()
    else []
)
REGEN = os.environ.get("K8SNET_REGEN") == "1"


def _options(case: Path) -> Options:
    file = case / "options.json"
    raw: dict[str, Any] = json.loads(file.read_text()) if file.exists() else {}
    from k8snet_convert.cli import build_options

    return build_options([str(case)], raw) if raw else Options()


def run_case(case: Path) -> tuple[Path, bytes, list[dict[str, Any]]]:
    source = next(case.glob("input.*"))
    options = _options(case)
    data = source.read_bytes()
    result = convert_file(source.name, source, data, options)
    output = result.new if result.new is not None else result.original
    findings = [f.model_dump(mode="json", exclude={"file"}) for f in result.findings]
    return source, output, findings


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path) -> None:
    source, output, findings = run_case(case)
    expected_out = case / ("expected" + source.suffix)
    expected_findings = case / "expected.findings.json"
    if REGEN:
        expected_out.write_bytes(output)
        expected_findings.write_text(json.dumps(findings, indent=2, ensure_ascii=False) + "\n")
    assert output == expected_out.read_bytes()
    assert findings == json.loads(expected_findings.read_text())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_output_validates_and_is_stable(case: Path, tmp_path: Path) -> None:
    """Every emitted object validates against schemas/, and converting again changes nothing."""
    source = next(case.glob("input.*"))
    expected = (case / ("expected" + source.suffix)).read_bytes()
    if expected != source.read_bytes():  # error cases emit nothing: their input may be invalid on purpose
        assert list(check_text(source.name, expected.decode("utf-8-sig"))) == []
    again = tmp_path / source.name
    again.write_bytes(expected)
    for extra in case.glob("kustomization.yaml"):
        (tmp_path / extra.name).write_bytes(extra.read_bytes())
    options = _options(case)
    second = convert_file(again.name, again, expected, options)
    assert second.new is None or second.new == expected
