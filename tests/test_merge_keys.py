"""Issue 17: a YAML merge key (which Kubernetes' decoder applies) is refused where it is, never passed
unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_convert.options import Options

from .hostile import cli_run, pod

MERGED_ANNOTATIONS = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ns
  annotations:
    <<: {k8s.v1.cni.cncf.io/networks: net-a}
spec:
  containers: [{name: c, image: busybox}]
"""
MERGED_METADATA = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: &meta
    name: p
    namespace: ns
    annotations: {k8s.v1.cni.cncf.io/networks: net-a}
  spec: {containers: [{name: c, image: busybox}]}
- apiVersion: v1
  kind: Pod
  metadata:
    <<: *meta
    name: q
  spec: {containers: [{name: c, image: busybox}]}
"""


@pytest.mark.parametrize(("text", "line", "column"), [(MERGED_ANNOTATIONS, 7, 5), (MERGED_METADATA, 14, 5)])
def test_a_merge_key_is_refused_where_it_is(
    tmp_path: Path, text: str, line: int, column: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Kubernetes' decoder applies merge keys: check passed such a file and --write left it."""
    target = tmp_path / "app.yaml"
    target.write_text(text)
    code, _, err = cli_run(["check", str(target)], capsys)
    assert code == 2
    assert f"app.yaml:{line}:{column}: error [merge-key] a YAML merge key (<<)" in err
    code, _, err = cli_run(["convert", "--write", str(target)], capsys)
    assert code == 2 and target.read_text() == text


@pytest.mark.parametrize("spelling", ["'<<'", '"<<"'])
def test_a_quoted_merge_spelling_is_a_plain_key(spelling: str) -> None:
    from k8snet_convert.pipeline import convert_file

    data = pod().replace("  annotations:\n", f"  labels: {{{spelling}: x}}\n  annotations:\n", 1).encode()
    result = convert_file("app.yaml", None, data, Options())
    assert result.new is not None and "merge-key" not in {f.rule for f in result.findings}
