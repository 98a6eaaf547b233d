"""The objects ``--devices`` writes, and how it knows them again.

``--devices dra``: a ResourceClaimTemplate per (namespace, extended resource, device count), claiming that
many devices of the SR-IOV DRA driver's DeviceClass whose ``k8s.cni.cncf.io/resourceName`` attribute is the
NAD's resourceName (Multus's DRA integration matches the two; reference/native.md §3.4).
``--devices dra-extended``: a DeviceClass per resource with ``spec.extendedResourceName``, so that the
scheduler turns the pods' unchanged requests into claims (the ``DRAExtendedResource`` feature gate).

Both carry the annotation ``k8snet-convert.io/device-resource`` (the extended resource they stand for): that
is how ``--devices device-plugin`` tells them from objects it must leave alone, and what it writes back. Not
the ``app.kubernetes.io/managed-by`` label of ``--emit-device-class``: the DRA dialect takes every DeviceClass
with that label for the CNI DRA driver's (it removes them with its claims and checks them against its
schema).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ...manifests.objects import K8sObject
from ...manifests.yamldoc import get, get_path, scalar
from ...model import DeviceTemplateFact
from ...model.names import dns_label, short_hash

RESOURCE_GROUP = "resource.k8s.io"
API_VERSION = f"{RESOURCE_GROUP}/v1"  # Multus's DRA integration needs Kubernetes 1.34+: resource.k8s.io/v1
TEMPLATE_KIND = "ResourceClaimTemplate"
DEVICE_CLASS_KIND = "DeviceClass"
# The SR-IOV DRA driver (k8snetworkplumbingwg/dra-driver-sriov) and the device attributes Multus reads.
SRIOV_DRIVER = "sriovnetwork.k8snetworkplumbingwg.io"
ATTRIBUTE_DOMAIN = "k8s.cni.cncf.io"
RESOURCE_NAME_ATTRIBUTE = f"{ATTRIBUTE_DOMAIN}/resourceName"
DEVICE_ID_ATTRIBUTE = f"{ATTRIBUTE_DOMAIN}/deviceID"
ALLOCATION_MODE = "ExactCount"
# The most devices one claim is allocated (resource.k8s.io AllocationResultsMaxSize).
MAX_COUNT = 32
REQUEST_NAME = "devices"

# Resources NADs name that no SR-IOV DRA driver publishes: markers that a node has a bridge, and other
# device plugins' devices (their pods keep requesting them from those plugins).
OTHER_DEVICE_PLUGINS = {
    "bridge.network.kubevirt.io/": "bridge-marker's (a node has the Linux bridge)",
    "ovs-cni.network.kubevirt.io/": "ovs-cni's marker (a node has the OVS bridge)",
    "macvtap.network.kubevirt.io/": "the macvtap-cni device plugin's",
    "afxdp/": "the AF_XDP device plugin's",
}


def other_device_plugin(resource: str) -> str | None:
    """Whose resource it is, when it is one of OTHER_DEVICE_PLUGINS (None: an SR-IOV pool)."""
    return next((who for prefix, who in OTHER_DEVICE_PLUGINS.items() if resource.startswith(prefix)), None)


# Provenance: the extended resource an object stands for, and (templates) that the pod made no request of
# its own, the network-resources-injector added it at admission (the way back then writes none either).
RESOURCE_ANNOTATION = "k8snet-convert.io/device-resource"
ORIGIN_ANNOTATION = "k8snet-convert.io/device-origin"
INJECTOR = "network-resources-injector"


def resource_selector(resource: str) -> str:
    """CEL: the device's resourceName attribute is ``resource`` (the attribute's domain is not a CEL
    identifier, hence the map access)."""
    return f"device.attributes[{json.dumps(ATTRIBUTE_DOMAIN)}].resourceName == {json.dumps(resource)}"


def class_selector(resource: str) -> str:
    return f"device.driver == {json.dumps(SRIOV_DRIVER)} && {resource_selector(resource)}"


# -- names ----------------------------------------------------------------------------------------------


def _readable(resource: str) -> str:
    """The part of a resource name that says what it is (``intel.com/intel_sriov_netdevice`` ->
    ``intel-sriov-netdevice``), as a DNS label."""
    return dns_label(resource.rsplit("/", 1)[-1].lower().replace("_", "-").replace(".", "-"), resource)


def template_name(resource: str, count: int, injected: bool) -> str:
    """A template's name: what it claims, and a hash of everything that makes it this template, so that
    equal templates get equal names in every file and different ones never share a name."""
    suffix = short_hash(resource, str(count), INJECTOR if injected else "")
    head = _readable(resource)
    if count != 1:
        head = f"{head}-x{count}"
    return f"{head[: 63 - len(suffix) - 1].rstrip('-')}-{suffix}"


def device_class_name(resource: str) -> str:
    """A DeviceClass's name (cluster-scoped, so it says the whole resource name): ``vf.example.com`` for
    ``example.com/vf``; a name that had to be altered gets a hash (``sriov_a`` and ``sriov-a`` differ)."""
    domain, _, name = resource.rpartition("/")
    label = dns_label(name, resource)
    if domain and re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", domain) and len(label) + len(domain) < 253:
        return f"{label}.{domain}"
    return dns_label(resource)


# -- writing ----------------------------------------------------------------------------------------------


def template_object(
    name: str, namespace: str | None, resource: str, count: int, injected: bool, device_class: str
) -> dict[str, Any]:
    annotations = {RESOURCE_ANNOTATION: resource}
    if injected:
        annotations[ORIGIN_ANNOTATION] = INJECTOR
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:  # only when the workload says it: both get theirs when applied
        metadata["namespace"] = namespace
    metadata["annotations"] = annotations
    exactly = {
        "deviceClassName": device_class,
        "allocationMode": ALLOCATION_MODE,
        "count": count,
        "selectors": [{"cel": {"expression": resource_selector(resource)}}],
    }
    return {
        "apiVersion": API_VERSION,
        "kind": TEMPLATE_KIND,
        "metadata": metadata,
        "spec": {"spec": {"devices": {"requests": [{"name": REQUEST_NAME, "exactly": exactly}]}}},
    }


def device_class_object(resource: str) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": DEVICE_CLASS_KIND,
        "metadata": {"name": device_class_name(resource), "annotations": {RESOURCE_ANNOTATION: resource}},
        "spec": {
            "selectors": [{"cel": {"expression": class_selector(resource)}}],
            "extendedResourceName": resource,
        },
    }


# -- reading back -----------------------------------------------------------------------------------------


def is_resource_object(obj: K8sObject, kind: str) -> bool:
    return obj.kind == kind and obj.api_version.split("/")[0] == RESOURCE_GROUP


def marked_resource(obj: K8sObject) -> str | None:
    """The extended resource an object written by --devices stands for (None: not one of ours)."""
    return scalar(get_path(obj.node, "metadata", "annotations", RESOURCE_ANNOTATION)) or None


def template_fact(obj: K8sObject, namespace: str, display: str) -> DeviceTemplateFact | None:
    """A ResourceClaimTemplate that --devices dra wrote, as the way back needs it; None for any other."""
    if not is_resource_object(obj, TEMPLATE_KIND):
        return None
    resource = marked_resource(obj)
    requests = get_path(obj.node, "spec", "spec", "devices", "requests")
    items = getattr(requests, "value", None)
    if resource is None or not isinstance(items, list) or len(items) != 1:
        return None
    request = items[0]
    text = scalar(get(get(request, "exactly"), "count")) or scalar(get(request, "count")) or "1"
    if not text.isdigit() or int(text) < 1:
        return None
    origin = scalar(get_path(obj.node, "metadata", "annotations", ORIGIN_ANNOTATION))
    return DeviceTemplateFact(namespace, obj.name, resource, int(text), origin == INJECTOR, display)


def extended_resource(obj: K8sObject) -> str | None:
    """The extended resource a DeviceClass maps to DRA (``spec.extendedResourceName``), ours or not."""
    if not is_resource_object(obj, DEVICE_CLASS_KIND):
        return None
    return scalar(get_path(obj.node, "spec", "extendedResourceName")) or None


@dataclass(frozen=True)
class TemplateKey:
    """What makes two device requests share one ResourceClaimTemplate."""

    namespace: str | None  # as the workload writes it: None stays undecided (SPEC §6)
    resource: str
    count: int
    injected: bool

    @property
    def name(self) -> str:
        return template_name(self.resource, self.count, self.injected)

    def matches(self, fact: DeviceTemplateFact) -> bool:
        return (fact.resource, fact.count, fact.injected) == (self.resource, self.count, self.injected)
