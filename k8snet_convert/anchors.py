"""Where a file's Multus-era networking is: the places a ``would-convert`` finding points at.

The first changed byte of a conversion is often not what the user has to look at: a file whose first
NAD already has its PodNetwork changes first at the second NAD, or after the last document. What
makes a file Multus-era is a construct — a ``k8s.v1.cni.cncf.io/networks`` or
``v1.multus-cni.io/default-network`` annotation key, or a NetworkAttachmentDefinition that has no
PodNetwork in the file — and ``check`` points at the first of them. All of them are listed, so that a
suppression comment on one construct lets ``check`` pass that construct only.
"""

from __future__ import annotations

from collections.abc import Iterable

from .manifests.objects import K8sObject, iter_objects, pod_template
from .manifests.yamldoc import Document, get_pair, get_path, line_col, scalar
from .options import Target

Position = tuple[int, int]  # 1-based line and column

# The pod-template annotation keys of Multus (dialects/multus/reader.py); repeated here so this
# module stays a leaf that reads documents only.
MULTUS_KEYS = ("k8s.v1.cni.cncf.io/networks", "v1.multus-cni.io/default-network")
NAD_KIND, NAD_GROUP = "NetworkAttachmentDefinition", "k8s.cni.cncf.io/"


def multus_constructs(docs: Iterable[Document], to: Target = Target.NATIVE) -> list[Position]:
    """The positions of the Multus-era constructs of a file, in file order.

    For ``--to native`` a NAD counts unless a PodNetwork of the same file refers to it (its
    ``parametersRefs``), which is how a converted file keeps its NADs; for ``--to dra`` NADs stay
    anyway and only the annotations count. Other targets have no Multus-era construct: [].
    """
    if to is Target.MULTUS:
        return []
    objects = [obj for doc in docs for obj in iter_objects(doc)]
    referenced = {ref for obj in objects if obj.kind == "PodNetwork" for ref in _nad_refs(obj)}
    found: list[Position] = []
    for obj in objects:
        if obj.kind == NAD_KIND and obj.api_version.startswith(NAD_GROUP):
            if to is Target.NATIVE and not _is_referenced(obj, referenced):
                found.append(line_col(obj.node))
            continue
        template = pod_template(obj)
        if template is None:
            continue
        for key in MULTUS_KEYS:
            pair = get_pair(template.annotations, key)
            if pair is not None:
                found.append(line_col(pair[0]))
    return sorted(found)


def _nad_refs(podnetwork: K8sObject) -> Iterable[tuple[str, str | None]]:
    refs = get_path(podnetwork.node, "spec", "parametersRefs")
    for item in getattr(refs, "value", None) or ():
        name = scalar(get_path(item, "name"))
        if name and "network-attachment-definition" in (scalar(get_path(item, "kind")) or "").lower():
            yield name, scalar(get_path(item, "namespace"))


def _is_referenced(nad: K8sObject, referenced: set[tuple[str, str | None]]) -> bool:
    """A reference without a namespace, or a NAD without one (decided at apply time), matches by name."""
    return any(
        name == nad.name and (namespace is None or nad.namespace in (None, namespace))
        for name, namespace in referenced
    )
