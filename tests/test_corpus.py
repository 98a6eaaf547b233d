"""Every file of the real-world corpus: no internal error; every Multus annotation converted or reported."""

from __future__ import annotations

from pathlib import Path

from k8snet_convert.dialects.multus.reader import DEFAULT_NETWORK_KEY, NETWORKS_KEY
from k8snet_convert.files import discover
from k8snet_convert.manifests.objects import iter_objects, pod_template
from k8snet_convert.manifests.source import decode
from k8snet_convert.manifests.yamldoc import get_pair, parse_documents
from k8snet_convert.model import Severity
from k8snet_convert.options import Options
from k8snet_convert.pipeline import convert_file


def _annotated_templates(data: bytes) -> int:
    count = 0
    for doc in parse_documents(decode(data).text):
        for obj in iter_objects(doc):
            template = pod_template(obj)
            if template is None:
                continue
            if get_pair(template.annotations, NETWORKS_KEY) or get_pair(
                template.annotations, DEFAULT_NETWORK_KEY
            ):
                count += 1
    return count


def test_every_plain_corpus_file(corpus: Path) -> None:
    files = sorted((corpus / "plain").iterdir())
    assert len(files) > 400
    unexplained: list[str] = []
    converted = failed = 0
    for path in files:
        data = path.read_bytes()
        result = convert_file(path.name, path, data, Options())
        rules = {f.rule for f in result.findings}
        assert "internal-error" not in rules, (path.name, result.findings)
        annotated = _annotated_templates(data)
        if result.failed:
            failed += 1
            # every failure names a rule and a location
            errors = [f for f in result.findings if f.severity is Severity.ERROR]
            assert all(f.rule and f.line for f in errors), (path.name, errors)
            assert result.new is None
        elif "templated-file" in rules:
            # documentation templates ({{ variables.version }} in a plain scalar): reported, untouched
            assert result.new is None
        elif annotated:
            assert result.new is not None, path.name
            remaining = _annotated_templates(result.new)
            if remaining:
                unexplained.append(f"{path.name}: {remaining} annotated template(s) left unconverted")
            converted += 1
    assert not unexplained, "\n".join(unexplained)
    assert converted > 150
    assert failed < len(files) // 4


def test_converted_corpus_files_convert_to_nothing_more(corpus: Path) -> None:
    """Idempotence on real files: a second run changes nothing."""
    for path in sorted((corpus / "plain").iterdir()):
        first = convert_file(path.name, path, path.read_bytes(), Options())
        if first.new is None:
            continue
        second = convert_file(path.name, path, first.new, Options())
        assert second.new is None or second.new == first.new, path.name


def test_helm_tree_comes_through_byte_identical(corpus: Path) -> None:
    """Templates (and values files) are reported, never converted."""
    templated = 0
    for _, path in discover([str(corpus / "helm")]):
        if path is not None:
            result = convert_file(path.name, path, path.read_bytes(), Options())
            assert result.new is None, path
            templated += any(f.rule == "templated-file" for f in result.findings)
    assert templated > 50
