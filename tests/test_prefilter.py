"""The byte pre-filter lets through every spelling that can carry multi-network objects."""

from __future__ import annotations

import json

import pytest

from k8snet_convert.options import Options
from k8snet_convert.pipeline import convert_file
from k8snet_convert.prefilter import may_contain_networking

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "namespace": "ns", "annotations": {"k8s.v1.cni.cncf.io/networks": "net-a"}},
    "spec": {"containers": [{"name": "c", "image": "busybox"}]},
}


@pytest.mark.parametrize(
    "text",
    [
        "k8s.v1.cni.cncf.io/networks: a",
        '"k8s.v1.cni.cncf.io\\/networks": "a"',  # JSON-escaped slash
        "path: /spec/template/metadata/annotations/k8s.v1.cni.cncf.io~1networks",  # JSON patch
        "apiVersion: k8s.cni.cncf.io/v1",
        "v1.multus-cni.io/default-network: calico",
        "multus: {networkName: br}",
        "kind: PodNetworkAttachment",
        "k8snet-convert.io/attachment-params: '{}'",
        "apiVersion: resource.k8s.io/v1",
        '"k8s.v1.cni.cncf\\u002eio/networks": "a"',  # JSON unicode escape
        '"k8s.v1.cni.cncf\\x2eio/networks": a',  # YAML hex escape
        '"k8s.v1.cni.cncf\\U0000002eio/networks": a',
        '? "k8s.v1.cni.\\\n  cncf.io/networks"\n: a',  # escaped line break joins the lines
        '? "k8s.v1.cni.\\\r\n  cncf.io/networks"\r\n: a',
    ],
)
def test_every_spelling_is_a_candidate(text: str) -> None:
    assert may_contain_networking(text.encode())


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_encodings_are_candidates(codec: str) -> None:
    data = "kind: Service\n".encode(codec)
    assert may_contain_networking(data)


def test_unrelated_files_are_not() -> None:
    assert not may_contain_networking(b"apiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
    assert not may_contain_networking(b'{"path": "C:/dir", "escaped": "tab\\there"}')


def test_an_escaped_key_is_still_converted() -> None:
    text = json.dumps(POD, indent=2).replace(
        "k8s.v1.cni.cncf.io/networks", "k8s.v1.cni.cncf\\u002eio/networks"
    )
    assert "cni.cncf.io" not in text
    result = convert_file("pod.json", None, text.encode(), Options())
    assert result.new is not None
    assert b'"podNetworkName": "net-a"' in result.new


def test_binary_file_is_reported_not_skipped() -> None:
    result = convert_file("logo.yaml", None, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Options())
    assert [f.rule for f in result.findings] == ["invalid-encoding"]
