"""Kubernetes objects inside documents: kinds, ``List`` items, pod templates (SPEC §3)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, SequenceNode

from .yamldoc import Document, get, get_path, scalar

# Where each known kind keeps its pod template (metadata + spec), relative to the object.
POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "PodTemplate": ("template",),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Rollout": ("spec", "template"),  # Argo Rollouts
    "DeploymentConfig": ("spec", "template"),  # OpenShift
}
# Pod-template paths an unknown kind may use; the annotation found there is reported, never skipped.
GUESSED_TEMPLATE_PATHS: tuple[tuple[str, ...], ...] = (
    ("spec", "template"),
    ("spec", "jobTemplate", "spec", "template"),
    ("template",),
    (),
)
# KubeVirt VMs reference NADs through spec[.template.spec].networks[].multus.networkName.
KUBEVIRT_NETWORK_PATHS: dict[str, tuple[str, ...]] = {
    "VirtualMachine": ("spec", "template", "spec", "networks"),
    "VirtualMachineInstance": ("spec", "networks"),
    "VirtualMachineInstanceReplicaSet": ("spec", "template", "spec", "networks"),
    "VirtualMachinePool": ("spec", "virtualMachineTemplate", "spec", "template", "spec", "networks"),
}
KUBEVIRT_GROUP = "kubevirt.io"


@dataclass
class K8sObject:
    """A Kubernetes object: a document's root, or an item of a ``List``."""

    doc: Document
    node: MappingNode
    kind: str
    api_version: str
    path: str  # YAML path prefix of the object inside the document ("" or "items[3].")
    list_seq: SequenceNode | None = None  # the List's items when the object is one of them

    @property
    def name(self) -> str:
        return scalar(get_path(self.node, "metadata", "name")) or ""

    @property
    def generate_name(self) -> str:
        return scalar(get_path(self.node, "metadata", "generateName")) or ""

    @property
    def namespace(self) -> str | None:
        return scalar(get_path(self.node, "metadata", "namespace")) or None

    @property
    def is_kubevirt(self) -> bool:
        return self.kind in KUBEVIRT_NETWORK_PATHS and self.api_version.split("/")[0].endswith(KUBEVIRT_GROUP)


@dataclass
class PodTemplate:
    obj: K8sObject
    node: MappingNode  # the mapping that holds ``metadata`` and ``spec``
    path: str  # YAML path of that mapping, for findings ("spec.template")

    @property
    def metadata(self) -> MappingNode | None:
        meta = get(self.node, "metadata")
        return meta if isinstance(meta, MappingNode) else None

    @property
    def spec(self) -> MappingNode | None:
        spec = get(self.node, "spec")
        return spec if isinstance(spec, MappingNode) else None

    @property
    def annotations(self) -> MappingNode | None:
        ann = get(self.metadata, "annotations")
        return ann if isinstance(ann, MappingNode) else None

    def key_path(self, *keys: str) -> str:
        base = (self.obj.path + self.path).rstrip(".")  # a Pod in a List: "items[1]", not "items[1]."
        parts = [base] if base else []
        for key in keys:
            parts.append(key if "." not in key and "/" not in key else f'"{key}"')
        return ".".join(parts)


def iter_objects(doc: Document) -> Iterator[K8sObject]:
    """The document's object and, for ``List`` kinds, each of its items."""
    root = doc.root
    if not isinstance(root, MappingNode):
        return
    kind = scalar(get(root, "kind")) or ""
    api_version = scalar(get(root, "apiVersion")) or ""
    items = get(root, "items")
    if kind.endswith("List") and isinstance(items, SequenceNode):
        yield K8sObject(doc, root, kind, api_version, "")
        for i, item in enumerate(items.value):
            if isinstance(item, MappingNode):
                yield K8sObject(
                    doc,
                    item,
                    scalar(get(item, "kind")) or "",
                    scalar(get(item, "apiVersion")) or "",
                    f"items[{i}].",
                    items,
                )
        return
    yield K8sObject(doc, root, kind, api_version, "")


def _template_at(obj: K8sObject, path: tuple[str, ...]) -> PodTemplate | None:
    node: Node | None = obj.node
    for key in path:
        node = get(node, key)
    if isinstance(node, MappingNode):
        return PodTemplate(obj, node, ".".join(path))
    return None


def pod_template(obj: K8sObject) -> PodTemplate | None:
    """The pod template of a known workload kind."""
    if obj.kind not in POD_TEMPLATE_PATHS or obj.is_kubevirt:
        return None
    return _template_at(obj, POD_TEMPLATE_PATHS[obj.kind])


def guessed_templates(obj: K8sObject) -> Iterator[PodTemplate]:
    """Places where an unknown kind might keep pod-template metadata."""
    for path in GUESSED_TEMPLATE_PATHS:
        template = _template_at(obj, path)
        if template is not None:
            yield template
