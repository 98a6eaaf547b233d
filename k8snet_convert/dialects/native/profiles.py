"""The two KEP-3698 revisions as emitter profiles, and naming rules shared by both directions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...options import Profile

DEFAULT_NETWORK = "default"
PRIMARY_INTERFACE = "eth0"
NAD_REF_GROUP = "k8s.cni.cncf.io"
NAD_REF_KIND = "network-attachment-definitions"
NAD_REF_KINDS = (NAD_REF_KIND, "NetworkAttachmentDefinition", "network-attachment-definition")
PODNETWORK_KIND = "PodNetwork"
ATTACHMENT_KIND = "PodNetworkAttachment"
SELECTION_KEY = "selection.json"
PARAMS_ANNOTATION = "k8snet-convert.io/attachment-params"


@dataclass(frozen=True)
class ProfileKeys:
    """Pod ``spec.networks`` entry keys of one KEP revision."""

    network: str
    attachment: str
    gw4: str
    gw6: str
    gw: str | None  # rev2's single flag; None = per-family flags


KEP_3698 = ProfileKeys("podNetworkName", "podNetworkAttachmentName", "isDefaultGW4", "isDefaultGW6", None)
KEP_3698_REV2 = ProfileKeys("name", "attachmentName", "isDefaultGW", "isDefaultGW", "isDefaultGW")

# Every spelling readers accept, per meaning (both revisions and the rev-1 example's ``podNetwork``).
NETWORK_KEYS = ("podNetworkName", "name", "podNetwork")
ATTACHMENT_KEYS = ("podNetworkAttachmentName", "attachmentName")


def keys_for(profile: Profile) -> ProfileKeys:
    return KEP_3698 if profile is Profile.KEP_3698 else KEP_3698_REV2


_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def is_dns_label(value: str) -> bool:
    return len(value) <= 63 and bool(_LABEL.match(value))


def is_dns_subdomain(value: str) -> bool:
    return len(value) <= 253 and bool(_SUBDOMAIN.match(value))


def apply_template(template: str, namespace: str, name: str) -> str:
    """PodNetwork name of a NAD: ``{name}`` and ``{namespace}`` replaced, nothing else interpreted."""
    return template.replace("{namespace}", namespace).replace("{name}", name)


def check_template(template: str) -> str | None:
    """Why a name template is unusable, or None."""
    rest = template.replace("{namespace}", "").replace("{name}", "")
    if "{" in rest or "}" in rest:
        return f"name template {template!r}: only {{name}} and {{namespace}} may appear in braces"
    if "{name}" not in template:
        return f"name template {template!r} must contain {{name}}"
    return None


def short_hash(*parts: str) -> str:
    import hashlib  # only naming collisions need it; keeps start-up light

    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:5]


def dns_label(value: str, *hash_parts: str) -> str:
    """``value`` made a valid DNS label (RFC 1123); a hash keeps altered names distinct."""
    label = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")
    label = re.sub(r"-{2,}", "-", label)
    if label == value and len(label) <= 63:
        return label
    suffix = short_hash(value, *hash_parts)
    return (label[: 63 - len(suffix) - 1].rstrip("-") + "-" + suffix).lstrip("-")


def invalid_interface_reason(name: str) -> str | None:
    """CNI's interface-name rule (libcni ValidateInterfaceName), which Multus applies at ADD."""
    if not name:
        return "is empty"
    if len(name.encode()) > 15:
        return f"is {len(name.encode())} bytes long (the limit is 15)"
    if name in (".", ".."):
        return "may not be '.' or '..'"
    for char in name:
        if char in "/:" or char.isspace():
            return f"contains {char!r}"
    return None
