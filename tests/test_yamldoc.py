"""The parser behind every input: the remembered resolver must give exactly what PyYAML's own gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, SequenceNode

from k8snet_convert.errors import ConvertError
from k8snet_convert.manifests import plain, yamldoc
from k8snet_convert.manifests.source import decode

from .conftest import FIXTURES


def _shape(node: Node) -> Any:
    """Tag, value, style and marks of every node: what the edits and findings rely on."""
    head = (
        node.tag,
        node.start_mark.index,
        node.end_mark.index,
        node.start_mark.line,
        node.start_mark.column,
    )
    if isinstance(node, MappingNode):
        return (head, node.flow_style, [(_shape(k), _shape(v)) for k, v in node.value])
    if isinstance(node, SequenceNode):
        return (head, node.flow_style, [_shape(v) for v in node.value])
    return (head, node.value, node.style)


def _stock(text: str) -> list[Any]:
    return [_shape(root) for root in yaml.compose_all(text, Loader=yaml.CSafeLoader) if root is not None]


def _ours(text: str) -> list[Any]:
    return [_shape(doc.root) for doc in yamldoc.parse_documents(text)]


def _texts(root: Path) -> list[str]:
    texts = []
    for path in sorted(root.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            try:
                text = decode(path.read_bytes()).text
                _stock(text)
            except (ConvertError, yaml.YAMLError):  # invalid inputs are other tests' business
                continue
            texts.append(text)
    return texts


def test_same_nodes_as_pyyaml_on_fixtures() -> None:
    texts = _texts(FIXTURES)
    assert len(texts) > 100
    for text in texts:
        assert _ours(text) == _stock(text)


def test_same_nodes_as_pyyaml_on_the_corpus(corpus: Path) -> None:
    for text in _texts(corpus):
        assert _ours(text) == _stock(text)


_SCALARS = st.one_of(
    st.sampled_from(
        ["yes", "No", "on", "~", "null", "0o17", "0x1F", "1_000", "1e3", ".inf", "2026-11-29", "=", "<<"]
    ),
    st.text(alphabet="0123456789.-+eE:_xob ", max_size=8),
    st.text(max_size=12),
)


@given(st.lists(_SCALARS, min_size=1, max_size=6))
def test_remembered_tags_match_pyyaml(values: list[str]) -> None:
    """Each value plain and double-quoted, twice over, so later readings come from memory."""
    lines = [f"- {v}\n- {json.dumps(v)}\n" for v in values if "\n" not in v and "\r" not in v]
    text = "".join(lines * 2)
    try:
        expected = _stock(text)
    except yaml.YAMLError:
        return  # not YAML as a plain scalar: nothing to compare
    assert _ours(text) == expected


def test_memory_is_bounded(monkeypatch: Any) -> None:
    monkeypatch.setattr(yamldoc, "_TAGS_MAX", 8)
    yamldoc._TAGS.clear()
    text = "".join(f"k{i}: v{i}\n" for i in range(100))
    assert _ours(text) == _stock(text)
    assert len(yamldoc._TAGS) <= 8


@pytest.mark.parametrize(
    "text",
    [
        "namespace: apps\nresources: [a.yaml, ../base]\n",
        "base: &b {x: 1, y: [true, null, 0x10, '0x10', 1.5, 2026-11-29]}\n"
        "other: *b\nmerged:\n  <<: *b\n  y: 2\n",
        "? [a]\n: b\n",  # a list as a key: not plain data
        "a: 1\n---\nb: 2\n",  # two documents
        "",
        "- &x [1, 2]\n- *x\n- *x\n",
        "key: !!binary aGVsbG8=\nset: !!set {a, b}\n",
    ],
)
def test_plain_data_equals_pyyaml_load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "k.yaml"
    path.write_text(text)
    got = plain.load(str(path))
    try:
        expected = list(yaml.load_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        assert plain.unreadable(got)
        return
    if len(expected) > 1:
        assert plain.unreadable(got)
    else:
        assert got == (expected[0] if expected else None)


def test_plain_data_shares_anchors_instead_of_expanding_them(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text("- &x [1, 2]\n- *x\n")
    got = plain.load(str(path))
    assert got[0] is got[1]
