"""Templates of other engines, outside a chart's templates/: named for what they are, never converted.

A file is a template when template syntax decides something the conversion would read: the YAML does
not parse without a renderer, or a template expression stands in a NAD, in a workload's name or
namespace, in a Multus annotation or in a pod's networks. Template syntax elsewhere (a docs-site variable
in an image tag, a shell ``${VAR}`` in a container's command, Prometheus ``{{ $labels }}`` in a
ConfigMap) is data: such a file is converted like any.

The engine is named by its syntax: Jinja (``{% %}``, ``{# #}``, bare ``{{ name }}``, ``.j2`` files),
Go templates (``{{ .Field }}``): kube-burner's (``.Iteration``, ``.Replica``, ``.JobName``…), Helm's
outside a chart (``.Values``, ``.Release``…, without a ``Chart.yaml`` above), or operator-rendered; and
envsubst (``${VAR}``). A template that holds Multus-era networking is reported (``templated-file``,
warning; ``check`` fails on it), suppressible with ``# k8snet-convert: ignore[templated-file]``.
"""

from __future__ import annotations

import re
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...findings import Finding, Severity
from ...manifests.objects import iter_objects, pod_template
from ...manifests.yamldoc import Document, get, get_pair
from ...options import Options
from ...results import FileResult
from . import paths
from .paths import line_start

JINJA_SUFFIXES = (".j2", ".jinja", ".jinja2")
_GO_ACTION = re.compile(r"\{\{-?\s*(?:[.$]|/\*|(?:if|range|with|define|template|include|end|else|block)\b)")
_JINJA = re.compile(r"\{%|\{#|\{\{-?\s*[A-Za-z_][\w]*(?:\s*[|}\[.(]|\s*-?\}\})")
_ENVSUBST = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\}")
_KUBE_BURNER = re.compile(r"\.(?:Iteration|Replica|JobName|JobIteration|UUID|RunID)\b")
_HELM = re.compile(r"\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|\binclude\s+\"")
# What the conversion reads in each kind of object.
NETWORK_KINDS = ("NetworkAttachmentDefinition", "PodNetwork", "PodNetworkAttachment", "ResourceClaimTemplate")
MULTUS_KEYS = ("k8s.v1.cni.cncf.io/networks", "v1.multus-cni.io/default-network")
NETWORKING_MARKERS = {
    "multus": ("cni.cncf.io/networks", "multus-cni.io/default-network", "NetworkAttachmentDefinition"),
    "native": ("PodNetwork", "networks:"),
    "dra": ("resource.k8s.io",),
}


def has_syntax(text: str) -> bool:
    return "{{" in text or "{%" in text or "${" in text


def engine(text: str, path: Path | None) -> str:
    """What renders ``text``, in words."""
    if (path is not None and path.name.lower().endswith(JINJA_SUFFIXES)) or "{%" in text or "{#" in text:
        return "a Jinja template"
    if _GO_ACTION.search(text):
        if _KUBE_BURNER.search(text):
            return "a kube-burner template"
        if _HELM.search(text):
            return "a Helm template outside a chart (no Chart.yaml above it)"
        return "a Go template"
    if _JINJA.search(text):
        return "a Jinja template"
    return "an envsubst template"


def decides(text: str, docs: list[Document] | None, path: Path | None) -> bool:
    """Whether template syntax decides what the conversion would read (``docs`` None: the file does not
    parse as it is)."""
    if docs is None or (path is not None and path.name.lower().endswith(JINJA_SUFFIXES)):
        return True
    if "{%" in text or "{#" in text:
        return True
    for doc in docs:
        if _structure(doc.root):
            return True
        for obj in iter_objects(doc):
            if obj.kind in NETWORK_KINDS:
                if _templated(obj.node):
                    return True
                continue
            for key in ("name", "generateName", "namespace"):
                if _templated(get(get(obj.node, "metadata"), key)):
                    return True
            template = pod_template(obj)
            if template is None:
                continue
            for key in MULTUS_KEYS:
                pair = get_pair(template.annotations, key)
                if pair is not None and _templated(pair[1]):
                    return True
            if _templated(get(template.spec, "networks")) or _templated(get(template.spec, "resourceClaims")):
                return True
    return False


def _structure(root: Node) -> bool:
    """``{{ .x }}`` unquoted where a key goes parses as a flow mapping used as a key: never a manifest."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    return True
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return False


def _templated(node: Node | None) -> bool:
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            if has_syntax(str(current.value)) and (
                _GO_ACTION.search(str(current.value))
                or _JINJA.search(str(current.value))
                or _ENVSUBST.search(str(current.value))
            ):
                return True
        elif isinstance(current, MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return False


def _converted(options: Options) -> tuple[str, ...]:
    from .footprints import converted_dialects

    return converted_dialects(options)


def networking_at(text: str, options: Options) -> int:
    """Where the first networking of a dialect the run converts from stands (-1: none)."""
    markers = tuple(m for name in _converted(options) for m in NETWORKING_MARKERS.get(name, ()))
    return paths.first_marker(text, markers)


def report(result: FileResult, text: str, docs: list[Document] | None, options: Options) -> None:
    """The template is left untouched: a warning when it holds networking the run converts (check fails),
    an info when it holds other networking."""
    index = networking_at(text, options)
    severity = Severity.WARNING
    holds = "Multus-era networking" if "multus" in _converted(options) else "networking to convert"
    if index < 0:
        index = paths.first_marker(text, tuple(m for ms in NETWORKING_MARKERS.values() for m in ms))
        severity, holds = Severity.INFO, "networking"
        if index < 0:
            return
    line, column = line_start(text, index)
    what = engine(text, result.path)
    finding = Finding(
        rule="templated-file",
        severity=severity,
        message=f"{what} that holds {holds}: template syntax decides what would be converted, "
        "so it is left untouched",
        file=result.display,
        line=line,
        column=column,
        hint="convert what it renders (or the template by hand), then check the rendered manifests; "
        "or put '# k8snet-convert: ignore[templated-file]' in the file if it stays as it is",
    )
    if not paths.suppressed(text, [d.root for d in docs or []], finding):
        result.findings.append(finding)
