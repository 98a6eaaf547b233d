"""Values files and Flux HelmReleases: Multus-era networking that a chart renders, never passed silently.

* A values file (``values*.yaml`` of a chart, a ``*values.yaml`` copied out of one, or a file matched by
  ``--values-files``) or a Flux ``HelmRelease``'s ``spec.values`` that sets a Multus annotation (under
  ``podAnnotations`` or anywhere else) is reported at its line (``templated-value``) with what the chart
  needs instead: the chart's templates render it into pods, so only the chart can migrate it.
* Raw objects in values (``extraDeploy``, ``extraObjects``…: lists of whole manifests a chart renders
  as they are) are objects like any: they are handed to the engine as the items of a ``List``, so a NAD
  there gains its PodNetwork right after it, in the same list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...manifests.yamldoc import Document, get, get_path, scalar
from ...model import Severity
from ...options import Options
from .paths import is_values_file, suppressed

if TYPE_CHECKING:
    from ...context import FileContext

MULTUS_KEYS = ("k8s.v1.cni.cncf.io/networks", "v1.multus-cni.io/default-network")
# Keys of values that hold whole manifests the chart renders unchanged (Bitnami's extraDeploy, the common
# extraObjects / extraManifests).
RAW_OBJECT_KEYS = ("extraDeploy", "extraObjects", "extraManifests", "extraResources")
HELMRELEASE_KIND = "HelmRelease"
HELMRELEASE_GROUP = "helm.toolkit.fluxcd.io/"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"


def _helmreleases(docs: list[Document]) -> Iterator[MappingNode]:
    """The ``spec.values`` of each Flux HelmRelease document."""
    for doc in docs:
        root = doc.root
        if not isinstance(root, MappingNode):
            continue
        if scalar(get(root, "kind")) != HELMRELEASE_KIND:
            continue
        if not (scalar(get(root, "apiVersion")) or "").startswith(HELMRELEASE_GROUP):
            continue
        values = get_path(root, "spec", "values")
        if isinstance(values, MappingNode):
            yield values


def values_roots(
    ctx_docs: list[Document], path: Path | None, options: Options
) -> list[tuple[MappingNode, str]]:
    """(values mapping, YAML path prefix) of a values file's documents and of its HelmReleases."""
    roots: list[tuple[MappingNode, str]] = []
    if is_values_file(path, options.values_files):
        roots += [(d.root, "") for d in ctx_docs if isinstance(d.root, MappingNode)]
    roots += [(values, "spec.values.") for values in _helmreleases(ctx_docs)]
    return roots


# -- raw objects ---------------------------------------------------------------------------------------------


def raw_object_documents(docs: list[Document], path: Path | None, options: Options) -> list[Document]:
    """Each raw-object list of the values as the items of a ``List`` document of its own, for the engine
    (the nodes are the file's: edits land in the list, where the objects are)."""
    found: list[Document] = []
    for values, _prefix in values_roots(docs, path, options):
        for key, value in values.value:
            raw = (
                isinstance(key, ScalarNode)
                and key.value in RAW_OBJECT_KEYS
                and isinstance(value, SequenceNode)
            )
            if raw and any(isinstance(item, MappingNode) and get(item, "kind") for item in value.value):
                found.append(Document(len(docs) + len(found), _as_list(value)))
    return found


def _as_list(items: SequenceNode) -> MappingNode:
    mark = items.start_mark
    return MappingNode(
        _MAP,
        [
            (ScalarNode(_STR, "kind", mark, mark), ScalarNode(_STR, "List", mark, mark)),
            (ScalarNode(_STR, "items", mark, mark), items),
        ],
        mark,
        items.end_mark,
    )


# -- annotations in values --------------------------------------------------------------------------------


def check(ctx: FileContext) -> None:
    """Report every Multus annotation a values file or a HelmRelease sets (``templated-value``)."""
    found = len(ctx.findings)
    for values, prefix in values_roots(ctx.docs, ctx.path, ctx.options):
        for key, value, where in _annotations(values, prefix):
            text = scalar(value) or ""
            ctx.report(
                "templated-value",
                Severity.WARNING,
                f"the values set {key.value} at {where}; the chart renders it into pod annotations, so only "
                f"the chart can migrate it: {needs(text, str(key.value), ctx.options)}",
                node=key,
                path=where,
                hint="convert the chart's templates (k8snet-convert convert CHART/templates) so they write "
                "spec.networks, give the chart the networks as values of their own, and remove this "
                "annotation from the values",
            )
    roots = [d.root for d in ctx.docs]
    ctx.findings[found:] = [f for f in ctx.findings[found:] if not suppressed(ctx.text, roots, f)]


def _annotations(node: Node, prefix: str) -> Iterator[tuple[ScalarNode, Node, str]]:
    """Multus annotation keys anywhere below ``node``, except inside raw-object lists (the engine converts
    those objects)."""
    stack: list[tuple[Node, str]] = [(node, prefix.rstrip("."))]
    while stack:
        current, path = stack.pop()
        if isinstance(current, MappingNode):
            for key, value in current.value:
                if not isinstance(key, ScalarNode):
                    continue
                name = str(key.value)
                where = f"{path}.{_quoted(name)}" if path else _quoted(name)
                if name in MULTUS_KEYS:
                    yield key, value, where
                elif not (name in RAW_OBJECT_KEYS and isinstance(value, SequenceNode)):
                    stack.append((value, where))
        elif isinstance(current, SequenceNode):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(current.value))


def _quoted(key: str) -> str:
    return f'"{key}"' if "." in key or "/" in key else key


def needs(value: str, key: str, options: Options) -> str:
    """What the chart's pods need in native form, said in one line."""
    from ...errors import AnnotationError
    from ...model.codec import parse_default_network, parse_networks
    from ...model.names import apply_template

    try:
        if key == MULTUS_KEYS[1]:
            parsed = [parse_default_network(value, options.multus_namespace)]
        else:
            parsed = parse_networks(value, "RELEASE-NAMESPACE")
    except AnnotationError as exc:
        return f"the value does not parse as Multus reads it ({exc.message})"
    if not parsed:
        return "the value names no network"
    entries = [] if key == MULTUS_KEYS[1] else ["default (eth0)"]
    carried: list[str] = []
    for position, item in enumerate(parsed, start=1):
        network = apply_template(options.name_template, item.namespace, item.element.name)
        interface = item.interface or ("eth0" if key == MULTUS_KEYS[1] else f"net{position}")
        entries.append(f"{network} ({interface})")
        params = sorted(item.element.params())
        if params:
            carried.append(f"{interface}: {', '.join(params)}")
    said = "spec.networks " + ", ".join(entries)
    if carried:
        said += "; per-attachment parameters (" + "; ".join(carried) + ") in PodNetworkAttachments"
    return said
