"""The round trip comes back as it went (SPEC §5): the golden cases ``rt-<case>`` convert to native, and
``rt-<case>-back`` (their output) converts back to the original, byte for byte: blank lines after a NAD,
a file without a final newline, a Pod's annotations before its labels, an annotation that says '[]'."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_convert.options import Options
from k8snet_convert.roundtrip import differences

from .conftest import FIXTURES

PAIRS = sorted(p for p in FIXTURES.glob("rt-*") if not p.name.endswith("-back"))


def test_every_rt_case_has_its_way_back() -> None:
    assert PAIRS
    for case in PAIRS:
        assert (FIXTURES / f"{case.name}-back").is_dir(), case.name


@pytest.mark.parametrize("case", PAIRS, ids=[p.name for p in PAIRS])
def test_the_way_back_gives_the_original_bytes(case: Path) -> None:
    back = FIXTURES / f"{case.name}-back"
    # the forward output is the way back's input, and the way back's output is the original
    assert (back / "input.yaml").read_bytes() == (case / "expected.yaml").read_bytes()
    assert (back / "expected.yaml").read_bytes() == (case / "input.yaml").read_bytes()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a: 1\n", "a: 1"),  # the final newline
        ("a: 1\n\n", "a: 1\n"),  # a blank line at the end
        ("a: 1\n# the end\n", "a: 1\n"),  # a comment after the last document
    ],
)
def test_the_end_of_a_file_counts(before: str, after: str) -> None:
    assert [d.message for d in differences(before, after, Options())] == [
        f"the end of the file comes back as {after[4:]!r} instead of {before[4:]!r}"
    ]


def test_a_nad_document_counts_with_its_trailing_blank_lines() -> None:
    nad = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        "metadata: {name: a, namespace: b}\nspec: {config: '{}'}\n"
    )
    rest = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    found = differences(nad + "\n" + rest, nad + rest, Options())
    assert [d.message for d in found] == ["NetworkAttachmentDefinition b/a does not come back byte-identical"]
