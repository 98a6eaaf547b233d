"""Fuzzing: mutated real manifests and raw bytes through the parser, the reader and the whole pipeline.

The only allowed outcomes are a correct result (parses, converts again to nothing more) or the tool's own
error (a finding of severity error; exit 2 from the CLI). Any exception is a bug.

CI runs a short pass. A longer run is one command (docs/security.md):
    K8SNET_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py -q
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet_convert.errors import AnnotationError, ConvertError
from k8snet_convert.manifests.source import decode
from k8snet_convert.manifests.yamldoc import parse_documents
from k8snet_convert.model.codec import parse_default_network, parse_networks
from k8snet_convert.options import AttachmentParams, Options, Profile
from k8snet_convert.pipeline import convert_file

from .conftest import CORPUS, FIXTURES

EXAMPLES = int(os.environ.get("K8SNET_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 150,  # CI: the same inputs every run; long runs explore
)


def _seeds() -> list[bytes]:
    seeds = [p.read_bytes() for p in sorted(FIXTURES.glob("*/input.*"))]
    plain = CORPUS / "plain"
    if plain.is_dir():
        seeds += [p.read_bytes() for p in sorted(plain.iterdir())[::7]]  # a spread of real files
    return seeds


SEEDS = _seeds()
TOKENS = [
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"'",
    b": ",
    b"- ",
    b"\t",
    b"%",
    b"---\n",
    b"...\n",
    b"#",
    b"|\n",
    b">-\n",
    b"\\u002e",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"null",
    b"k8s.v1.cni.cncf.io/networks: ",
    b'[{"name": "x", "ips": ["1.2.3.4"]}]',
    b"kind: List\nitems:\n",
    b"v1.multus-cni.io/default-network: ",
    b"kind: PodNetwork\n",
    b"@eth1",
    b",",
    b"/",
    b"  ",
    b"\n",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.integers(0, 5))
        if kind == 0:
            data[at] = draw(st.integers(0, 255))
        elif kind == 1:
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == 2:
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == 3:
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end]  # duplicate a chunk (lines, keys, documents)
        elif kind == 4:
            del data[at:]  # truncate
        else:
            data[at:at] = draw(st.binary(max_size=12))
    return bytes(data)


OPTIONS = st.builds(
    Options,
    profile=st.sampled_from(list(Profile)),
    attachment_params=st.sampled_from(list(AttachmentParams)),
    implicit_interfaces=st.booleans(),
    strict=st.booleans(),
)


def _check(data: bytes, options: Options, name: str = "fuzz.yaml") -> None:
    result = convert_file(name, None, data, options)
    if result.new is None:
        return
    assert not result.failed
    parse_documents(decode(result.new).text)  # what is written always parses
    again = convert_file(name, None, result.new, options)
    assert again.new is None or again.new == result.new, "a second conversion changed the output"


@FUZZ
@given(mutated(), OPTIONS)
def test_pipeline_on_mutated_manifests(data: bytes, options: Options) -> None:
    _check(data, options)


@FUZZ
@given(mutated(), OPTIONS)
def test_pipeline_on_mutated_manifests_as_json(data: bytes, options: Options) -> None:
    _check(data, options, name="fuzz.json")


@FUZZ
@given(st.binary(max_size=400))
def test_pipeline_on_raw_bytes(data: bytes) -> None:
    _check(b"# k8s.v1.cni.cncf.io\n" + data, Options())


@FUZZ
@given(mutated())
def test_document_reader(data: bytes) -> None:
    with contextlib.suppress(ConvertError):
        parse_documents(decode(data).text)


ANNOTATION_ALPHABET = st.sampled_from([*list('abcxyz019-_./@,[]{}":\\ \t\nNn'), "null", "ips", "\xa0", "ä"])


@FUZZ
@given(st.lists(ANNOTATION_ALPHABET, max_size=60).map("".join))
def test_annotation_parser(value: str) -> None:
    for parse in (lambda v: parse_networks(v, "ns"), lambda v: parse_default_network(v, "kube-system")):
        with contextlib.suppress(AnnotationError):
            parse(value)


def test_the_seeds_exist() -> None:
    assert len(SEEDS) >= 30
    assert any(b"cni.cncf.io" in s for s in SEEDS)


def test_fuzz_target_files_are_real() -> None:
    assert Path(FIXTURES).is_dir()
