"""Every direction through the one model (SPEC §2 "Every direction", issue "One model, every direction").

* the golden cases cover all nine (source, target) pairs of the three dialects;
* native -> dra gives what native -> multus -> dra gives, and dra -> native what dra -> multus -> native
  gives (a pair has no code of its own);
* any chain of conversions that ends where it started gives back the same meaning (property test);
* a file that holds nothing to change for its target changes no byte.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet_convert.cli import build_options
from k8snet_convert.model import Severity
from k8snet_convert.options import AnnotationStyle, Options, Target
from k8snet_convert.roundtrip import convert_text, differences, load_text, read_all

from .conftest import FIXTURES

CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.glob("input.*")))
DIALECTS = ("multus", "native", "dra")


def _options(case: Path) -> Options:
    file = case / "options.json"
    return build_options([str(case)], json.loads(file.read_text())) if file.exists() else Options()


def _sources(text: str, options: Options) -> set[str]:
    """The dialects a text's workloads are written in."""
    readings = read_all(load_text(text, options))
    return {wl.dialect for reading in readings.values() for wl in reading.workloads}


def test_the_golden_cases_cover_every_pair() -> None:
    pairs = set()
    for case in CASES:
        source = next(case.glob("input.*"))
        options = _options(case)
        expected = (case / ("expected" + source.suffix)).read_bytes()
        if expected == source.read_bytes() and options.to.value not in _sources(source.read_text(), options):
            continue  # an error case: the pair it names is not shown converting
        for dialect in _sources(source.read_text(), options):
            pairs.add((dialect, options.to.value))
    assert pairs == {(a, b) for a in DIALECTS for b in DIALECTS}


def _convert(text: str, options: Options) -> str:
    out, findings = convert_text(text, options)
    assert not [f for f in findings if f.severity is Severity.ERROR], [f.message for f in findings]
    return out


def _one_dialect_cases() -> list[tuple[Path, Target]]:
    """Golden inputs written in native only or DRA only, with the other of the two as target."""
    found = []
    for case in CASES:
        source = next(case.glob("input.*"))
        if source.suffix != ".yaml":
            continue  # the JSON cases have YAML twins
        sources = _sources(source.read_text(), _options(case))
        if sources == {"native"}:
            found.append((case, Target.DRA))
        elif sources == {"dra"}:
            found.append((case, Target.NATIVE))
    return found


ONE_DIALECT = _one_dialect_cases()


@pytest.mark.parametrize(("case", "target"), ONE_DIALECT, ids=[f"{c.name}->{t}" for c, t in ONE_DIALECT])
def test_through_multus_gives_the_same(case: Path, target: Target) -> None:
    """native -> dra == native -> multus -> dra; dra -> native == dra -> multus -> native."""
    options = _options(case)
    text = next(case.glob("input.*")).read_text()
    given = options.given - {"profile", "dra_api_version", "annotation_style"}
    there = replace(options, to=target, annotation_style=AnnotationStyle.AUTO, given=given)
    direct, findings = convert_text(text, there)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    via, via_findings = convert_text(_convert(text, replace(there, to=Target.MULTUS)), there)
    if errors:  # what has no target form has none either way, and says the same
        assert {f.rule for f in errors} <= {f.rule for f in via_findings if f.severity is Severity.ERROR}
        return
    assert differences(direct, via, there) == []


def test_there_are_cases_of_both_directions() -> None:
    assert {t for _, t in ONE_DIALECT} == {Target.DRA, Target.NATIVE}
    assert len(ONE_DIALECT) >= 10


def test_nothing_to_change_changes_no_byte() -> None:
    """Each dialect converted to itself, without a normalisation asked for, is left byte for byte."""
    for case in ("pair-multus-to-multus", "pair-native-to-native", "pair-dra-to-native"):
        text = (FIXTURES / case / "input.yaml").read_text()
        for dialect in _sources(text, Options()):
            out, _ = convert_text(text, Options(to=Target(dialect)))
            assert out == text, (case, dialect)


# -- chains ---------------------------------------------------------------------------------------------

# NAD configs whose per-attachment fields survive every dialect (DRA embeds ips, mac and cni-args where the
# config takes them): a chain that loses nothing must give back exactly what it was given.
NADS: dict[str, dict[str, Any]] = {
    "st": {
        "cniVersion": "1.0.0",
        "name": "st",
        "type": "macvlan",
        "capabilities": {"ips": True},
        "ipam": {"type": "static"},
    },
    "hl": {
        "cniVersion": "0.3.1",
        "name": "hl",
        "type": "bridge",
        "ipam": {"type": "host-local", "subnet": "10.1.0.0/16"},
    },
    "tu": {"name": "tu", "plugins": [{"type": "macvlan", "ipam": {"type": "static"}}, {"type": "tuning"}]},
}
ELEMENT = st.fixed_dictionaries(
    {"name": st.sampled_from(sorted(NADS))},
    optional={
        "interface": st.sampled_from(["data0", "m1", "net7"]),
        "cni-args": st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 3), max_size=2),
    },
)
CHAINS = [
    ["native", "multus"],
    ["dra", "multus"],
    ["native", "dra", "multus"],
    ["dra", "native", "multus"],
    ["native", "dra", "native", "multus"],
]


def _text(pods: list[list[dict[str, Any]]], namespaced: bool) -> str:
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": "k8s.cni.cncf.io/v1",
            "kind": "NetworkAttachmentDefinition",
            "metadata": {"name": name, "namespace": "gen"},
            "spec": {"config": json.dumps(config)},
        }
        for name, config in NADS.items()
    ]
    for i, elements in enumerate(pods):
        metadata: dict[str, Any] = {"name": f"p{i}"}
        if namespaced:
            metadata["namespace"] = "gen"
        metadata["annotations"] = {"k8s.v1.cni.cncf.io/networks": json.dumps(elements)}
        docs.append({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": {"containers": []}})
    return yaml.safe_dump_all(docs, sort_keys=False)


def _unique(elements: list[dict[str, Any]]) -> bool:
    names = [e["name"] for e in elements]
    interfaces = [e.get("interface", f"net{k}") for k, e in enumerate(elements, start=1)]
    return len(set(names)) == len(names) and len(set(interfaces)) == len(interfaces)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(ELEMENT, min_size=1, max_size=3).filter(_unique), min_size=1, max_size=3),
    st.sampled_from(CHAINS),
    st.booleans(),
)
def test_a_chain_that_ends_where_it_started_gives_back_the_same_meaning(
    pods: list[list[dict[str, Any]]], chain: list[str], namespaced: bool
) -> None:
    original = _text(pods, namespaced)
    options = Options(namespace=None if namespaced else "gen")
    text = original
    for step in chain:
        text = _convert(text, replace(options, to=Target(step)))
    assert differences(original, text, options) == [], (chain, text)
