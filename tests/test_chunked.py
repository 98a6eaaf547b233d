"""Big multi-document files are converted a run of documents at a time (k8snet_convert/chunked.py): the
output, the findings and the suppressions are those of converting the file whole. The sizes are made
small here so that ordinary files are cut into many chunks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from k8snet_convert import chunked
from k8snet_convert.options import Options, OutputMode, Target
from k8snet_convert.pipeline import convert_file

from .conftest import FIXTURES

NAD = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: net-{i}
  namespace: lab
spec:
  config: '{{"cniVersion": "1.0.0", "name": "net-{i}", "type": "macvlan", "ipam": {{"type": "static"}}}}'
"""
POD = """\
# pod {i}
apiVersion: v1
kind: Pod
metadata:
  name: p{i}
  namespace: lab
  annotations:
    k8s.v1.cni.cncf.io/networks: net-{n}@data{i}{suppress}
spec:
  containers:
  - name: c
    image: busybox
"""


def _big(count: int, missing: bool = True) -> str:
    parts = [NAD.format(i=i) for i in range(5)]
    for i in range(count):
        suppress = "  # k8snet-convert: ignore[nad-not-found]" if i % 7 == 3 else ""
        n = i % (7 if missing else 5)  # net-5 and net-6 are not in the file: nad-not-found
        parts.append(POD.format(i=i, n=n, suppress=suppress))
    parts.append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\n")  # no final newline
    return "---\n".join(parts).rstrip("\n")


def _whole_and_chunked(
    text: str, options: Options, monkeypatch: pytest.MonkeyPatch, path: Path
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    data = text.encode()

    def outcome() -> tuple[object, ...]:
        result = convert_file(path.name, path, data, options)
        findings = sorted((f.rule, f.line, f.column, f.message) for f in result.findings)
        uses: dict[object, object] = {}
        for nad, finding in result.nad_refs:  # the run keeps the first use of each NAD in a file
            uses.setdefault(nad, finding)
        return result.new, findings, uses, result.podnetworks, result.suppressions

    monkeypatch.setattr(chunked, "CHUNK_ABOVE", 10**9)
    whole = outcome()
    monkeypatch.setattr(chunked, "CHUNK_ABOVE", 1000)
    monkeypatch.setattr(chunked, "CHUNK_CHARS", 700)
    calls: list[int] = []
    real = chunked._Chunked._convert

    def counting(self, *args):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, *args)

    monkeypatch.setattr(chunked._Chunked, "_convert", counting)
    parts = outcome()
    assert len(calls) >= 2  # really converted in chunks
    return whole, parts


@pytest.mark.parametrize(
    "options",
    [
        Options(),
        Options(mode=OutputMode.CHECK),
        Options(mode=OutputMode.WRITE, name_template="{namespace}.{name}"),
    ],
    ids=["native", "check", "write-template"],
)
def test_chunks_give_what_the_whole_file_gives(
    options: Options, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = _big(40)
    whole, parts = _whole_and_chunked(text, options, monkeypatch, tmp_path / "pods.yaml")
    assert whole[0] is not None  # the comparison is not vacuous: the file converts
    assert parts == whole


def test_crlf_and_comments_between_documents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _big(20).replace("\n", "\r\n")
    whole, parts = _whole_and_chunked(text, Options(), monkeypatch, tmp_path / "pods.yaml")
    assert parts == whole and whole[0] is not None and b"\r\n" in whole[0]  # type: ignore[operator]


def test_an_error_in_one_chunk_keeps_the_whole_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _big(30).replace("net-3@data17", "net-3@data17@x")  # an annotation Multus refuses
    whole, parts = _whole_and_chunked(text, Options(), monkeypatch, tmp_path / "pods.yaml")
    assert whole[0] is None and parts == whole


@pytest.mark.parametrize(
    "case", ["workload-kinds", "fmt-markers-comments", "warn-other-readers", "inject-resources", "nad-kinds"]
)
def test_golden_inputs_cut_into_chunks(case: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Golden inputs with many documents (each repeated to make a file worth cutting)."""
    text = (FIXTURES / case / "input.yaml").read_text()
    body = text if text.startswith("---") else "---\n" + text
    body = body if body.endswith("\n") else body + "\n"
    options = _golden_options(FIXTURES / case)
    whole, parts = _whole_and_chunked(body * 8, options, monkeypatch, tmp_path / "in.yaml")
    assert whole[0] is not None and parts == whole


def _golden_options(case: Path) -> Options:
    from .test_golden import _options

    return _options(case)


def test_what_ties_documents_is_converted_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (_big(5) + "\n---\napiVersion: v1\nkind: PodNetwork\nmetadata:\n  name: x\n").encode()
    monkeypatch.setattr(chunked, "CHUNK_ABOVE", 100)
    assert not chunked.chunkable(Path("a.yaml"), data, Options())
    assert not chunked.chunkable(Path("a.json"), _big(5).encode(), Options())
    assert not chunked.chunkable(Path("a.yaml"), _big(5).encode(), Options(to=Target.MULTUS))
    assert not chunked.chunkable(Path("a.yaml"), _big(5).encode(), Options(to=Target.DRA))
    assert not chunked.chunkable(
        Path("a.yaml"), _big(5).encode(), dataclasses.replace(Options(), drop_nads=True)
    )
    assert chunked.chunkable(Path("a.yaml"), _big(5).encode(), Options())
