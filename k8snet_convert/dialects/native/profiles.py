"""The two KEP-3698 revisions as emitter profiles, and the native objects' kinds and keys."""

from __future__ import annotations

from dataclasses import dataclass

from ...options import Profile

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


# Keys only one revision spells (``interfaceName`` is shared): they tell which profile entries are in.
REV1_KEYS = frozenset(
    {"podNetworkName", "podNetwork", "podNetworkAttachmentName", "isDefaultGW4", "isDefaultGW6"}
)
REV2_KEYS = frozenset({"name", "attachmentName", "isDefaultGW"})


def profile_of(keys: set[str]) -> Profile | None:
    """The revision a set of entry keys was written in (None: not said, or both)."""
    rev1, rev2 = bool(keys & REV1_KEYS), bool(keys & REV2_KEYS)
    if rev1 == rev2:
        return None
    return Profile.KEP_3698 if rev1 else Profile.KEP_3698_REV2
