"""Other readers of Multus names: what keeps reading the annotation or naming NADs after the pods move.

Converting a pod away from Multus removes its networks annotation, and Multus no longer writes
``network-status`` for it. Three kinds of manifests relied on those and are not converted (they have no
native form): they are reported, at their line, when the run converts away from Multus.

* Downward-API readers: a container env or a ``downwardAPI`` volume (plain or projected) whose
  ``fieldRef.fieldPath`` is ``metadata.annotations['<a Multus key>']`` gets an empty value; one that mounts
  all of ``metadata.annotations`` (the network-resources-injector's ``podnetinfo`` volume, read by DPDK
  applications for ``network-status``) loses those keys.
* MultiNetworkPolicy objects: ``k8s.v1.cni.cncf.io/policy-for`` names the NADs whose interfaces the policy
  filters; its implementations find those interfaces through Multus' ``network-status``.
* Services with ``k8s.v1.cni.cncf.io/service-network``: the Multus service abstraction selects endpoints
  on that NAD's interfaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...context import FileContext
from ...manifests.objects import K8sObject, PodTemplate
from ...manifests.yamldoc import get, get_pair, get_path, scalar
from ...model import Severity, Workload

POLICY_FOR_KEY = "k8s.v1.cni.cncf.io/policy-for"
SERVICE_NETWORK_KEY = "k8s.v1.cni.cncf.io/service-network"
# The annotations a pod's own containers may read through the downward API that the conversion ends: the
# two it removes and the two Multus writes at run time.
READ_KEYS = (
    "k8s.v1.cni.cncf.io/networks",
    "v1.multus-cni.io/default-network",
    "k8s.v1.cni.cncf.io/network-status",
    "k8s.v1.cni.cncf.io/networks-status",
)
# fieldPath syntax of the downward API (k8s.io/kubernetes pkg/fieldpath): metadata.annotations['<key>'].
_ONE_ANNOTATION = re.compile(r"""^metadata\.annotations\[(['"])(?P<key>[^'"]*)\1\]$""")


@dataclass
class NameReader:
    """An object that names NADs in an annotation (a MultiNetworkPolicy or a Service)."""

    obj: K8sObject
    key: ScalarNode
    value: str


@dataclass
class OtherReaders:
    """The Multus reader's record of a file's other readers (``Reading.own``)."""

    names: list[NameReader] = field(default_factory=list)


def note(obj: K8sObject, readers: OtherReaders) -> None:
    """Remember ``obj`` when it names NADs outside a pod template."""
    annotations = get_path(obj.node, "metadata", "annotations")
    key = POLICY_FOR_KEY if obj.kind == "MultiNetworkPolicy" else SERVICE_NETWORK_KEY
    pair = get_pair(annotations if isinstance(annotations, MappingNode) else None, key)
    if pair is not None:
        readers.names.append(NameReader(obj, pair[0], scalar(pair[1]) or ""))


def report(ctx: FileContext, readers: OtherReaders, converted: list[Workload], target: str) -> None:
    """Warn about every reader the conversion to ``target`` leaves behind (nothing when staying on Multus)."""
    if target == "multus":
        return
    for found in readers.names:
        _report_names(ctx, found, target)
    for wl in converted:
        for node, path, key in _downward_reads(wl.template):
            _report_downward(ctx, wl, node, path, key, target)


def _report_names(ctx: FileContext, found: NameReader, target: str) -> None:
    obj = found.obj
    key = str(found.key.value)
    path = obj.path + f'metadata.annotations."{key}"'
    label = f"{obj.kind} {obj.name or '(unnamed)'}"
    if key == POLICY_FOR_KEY:
        ctx.report(
            "multi-network-policy",
            Severity.WARNING,
            f"{label} filters the Multus networks {found.value!r} ({key}); its implementations find "
            f"the pods' interfaces through Multus' network-status, which pods converted to {target} no "
            "longer have: the policy stops applying to them",
            node=found.key,
            path=path,
            hint="write the policy again for the network implementation that replaces Multus, or keep the "
            "pods it protects on Multus until it exists",
        )
        return
    ctx.report(
        "service-network",
        Severity.WARNING,
        f"{label} serves the Multus network {found.value!r} ({key}): the Multus service controller "
        f"selects endpoints by the pods' Multus attachments, which pods converted to {target} no longer have",
        node=found.key,
        path=path,
        hint="give the Service endpoints on the new network by other means, or keep its pods on Multus",
    )


def _report_downward(
    ctx: FileContext, wl: Workload, node: Node, path: str, key: str | None, target: str
) -> None:
    obj = wl.template.obj
    label = f"{obj.kind} {obj.name or '(unnamed)'}"
    if key is None:
        what = (
            "all of metadata.annotations, where the Multus annotations it may read (networks, "
            "network-status) are no longer written"
        )
    elif key in READ_KEYS[:2]:
        what = f"the annotation {key}, which the conversion removes: it reads an empty value"
    else:
        what = f"the annotation {key}, which Multus writes and does not for pods converted to {target}"
    ctx.report(
        "downward-api-annotation",
        Severity.WARNING,
        f"{label}: a container reads {what}",
        node=node,
        path=path,
        hint="read the pod's networks from its status (status.networks under KEP-3698, the claim's "
        "status.devices under DRA) or from the files the network driver writes",
    )


def _downward_reads(template: PodTemplate) -> Iterator[tuple[Node, str, str | None]]:
    """(fieldPath node, YAML path, Multus key read or None for all annotations) of each downward-API reader
    in the template's containers and volumes."""
    spec = template.spec
    for section in ("initContainers", "containers", "ephemeralContainers"):
        for i, container in _items(get(spec, section)):
            for j, env in _items(get(container, "env")):
                found = _reads(get_path(env, "valueFrom", "fieldRef", "fieldPath"))
                if found:
                    yield found[0], template.key_path("spec", f"{section}[{i}]", f"env[{j}]"), found[1]
    for i, volume in _items(get(spec, "volumes")):
        sources = [(f"volumes[{i}].downwardAPI", get(volume, "downwardAPI"))]
        for j, source in _items(get_path(volume, "projected", "sources")):
            sources.append((f"volumes[{i}].projected.sources[{j}].downwardAPI", get(source, "downwardAPI")))
        for where, downward in sources:
            for k, item in _items(get(downward, "items")):
                found = _reads(get_path(item, "fieldRef", "fieldPath"))
                if found:
                    yield found[0], template.key_path("spec", *where.split("."), f"items[{k}]"), found[1]


def _items(node: Node | None) -> Iterator[tuple[int, Node]]:
    if isinstance(node, SequenceNode):
        yield from enumerate(node.value)


def _reads(node: Node | None) -> tuple[Node, str | None] | None:
    field_path = scalar(node) if isinstance(node, ScalarNode) else None
    if not field_path or node is None:
        return None
    if field_path.strip() == "metadata.annotations":
        return node, None
    match = _ONE_ANNOTATION.match(field_path.strip())
    if match and match["key"] in READ_KEYS:
        return node, match["key"]
    return None
