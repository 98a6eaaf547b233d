"""DRA-based multi-networking: the CNI DRA driver's ResourceClaimTemplates and pod ``spec.resourceClaims``.

The names below are the ones reference/native.md §3 found in use; where the sources disagree the readers
accept every spelling and the writer emits the one of the driver's examples.
"""

from __future__ import annotations

RESOURCE_GROUP = "resource.k8s.io"
TEMPLATE_KIND = "ResourceClaimTemplate"
CLAIM_KIND = "ResourceClaim"
DEVICE_CLASS_KIND = "DeviceClass"
CLAIM_KINDS = (TEMPLATE_KIND, CLAIM_KIND)

# The CNI DRA driver (kubernetes-sigs/cni-dra-driver) and its opaque parameters.
DRIVER = "cni.dra.networking.x-k8s.io"
PARAMETERS_API_VERSION = "cni.networking.x-k8s.io/v1alpha1"
# The design doc's status example spells the group with ``dra.``: read as the same thing.
PARAMETERS_API_VERSIONS = (PARAMETERS_API_VERSION, "cni.dra.networking.x-k8s.io/v1alpha1")
PARAMETERS_KIND = "CNI"
# OpaqueDeviceConfiguration.parameters: the API server rejects more than 10 KiB.
PARAMETERS_LIMIT = 10 * 1024
# Requests for the CNI driver take one device each (the driver's validation rules).
ALLOCATION_MODE = "ExactCount"

# Provenance written on generated templates, so that --to multus can name the NAD again and restore the
# per-attachment fields that were written into the embedded config.
NETWORK_ANNOTATION = "k8snet-convert.io/network"
EMBEDDED_ANNOTATION = "k8snet-convert.io/embedded-params"
# The DeviceClass written by --emit-device-class carries this label, so --to multus knows it is ours.
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY = "k8snet-convert"

# Per-attachment fields that can be written into the embedded CNI config (see writer.embed).
EMBEDDABLE_KEYS = ("ips", "mac", "cni-args")


def api_version(version: str) -> str:
    """``resource.k8s.io/<version>`` for the --dra-api-version value."""
    return f"{RESOURCE_GROUP}/{version}"


def device_class_selector() -> str:
    """The CEL expression a DeviceClass uses to select every device of the CNI driver."""
    return f'device.driver == "{DRIVER}"'
