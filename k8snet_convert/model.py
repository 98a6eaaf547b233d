"""The normalised model (IR) shared by every dialect, and findings.

Readers turn a dialect into these objects, writers turn them into a dialect. Nothing here knows about YAML
text. The models are also the single source of the JSON Schemas in ``schemas/`` (see ``schema.py``).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .findings import Finding, Severity

__all__ = ["Bandwidth", "Finding", "PortMapping", "SelectionElement", "Severity"]

# The keys Multus's own NetworkSelectionElement knows, in canonical spelling (reference/multus.md §2).
# ``ipam-claim-reference`` is in the NAD client's type but not in Multus's: Multus drops it.
MULTUS_KNOWN_KEYS: tuple[str, ...] = (
    "name",
    "namespace",
    "ips",
    "mac",
    "infiniband-guid",
    "interface",
    "interfaceRequest",
    "portMappings",
    "bandwidth",
    "cni-args",
    "default-route",
    "deviceID",
)
IPAM_CLAIM_REFERENCE = "ipam-claim-reference"


class PortMapping(BaseModel):
    """One ``portMappings`` entry; Multus's PortMapEntry."""

    model_config = ConfigDict(extra="allow", strict=True)

    hostPort: int | None = None
    containerPort: int | None = None
    protocol: str | None = None
    hostIP: str | None = None


class Bandwidth(BaseModel):
    """The ``bandwidth`` object; Multus's BandwidthEntry (integers, bits per second / bits)."""

    model_config = ConfigDict(extra="allow", strict=True)

    ingressRate: int | None = None
    ingressBurst: int | None = None
    egressRate: int | None = None
    egressBurst: int | None = None


class SelectionElement(BaseModel):
    """One element of the ``k8s.v1.cni.cncf.io/networks`` annotation, in canonical key spelling.

    Fields that were absent stay unset (``model_fields_set``), so absent and ``[]``/``{}`` stay distinct.
    JSON ``null`` means absent for Multus (Go's encoding/json), so the parser leaves such fields unset.
    Keys Multus does not know (extension keys like ``org.example.key``, misspellings,
    ``ipam-claim-reference``) are kept as extra fields so nothing is lost.
    """

    # Validation by alias only: an unknown JSON key spelled like a Python field name (``cni_args``)
    # must stay an extra key, not fill ``cni-args``.
    model_config = ConfigDict(
        extra="allow", strict=True, validate_by_alias=True, validate_by_name=False, frozen=True
    )

    name: str
    namespace: str | None = None
    interface: str | None = None
    ips: list[str] | None = None
    mac: str | None = None
    infiniband_guid: str | None = Field(default=None, alias="infiniband-guid")
    portMappings: list[PortMapping] | None = None
    bandwidth: Bandwidth | None = None
    cni_args: dict[str, Any] | None = Field(default=None, alias="cni-args")
    default_route: list[str] | None = Field(default=None, alias="default-route")
    deviceID: str | None = None
    ipam_claim_reference: str | None = Field(default=None, alias=IPAM_CLAIM_REFERENCE)

    def canonical(self) -> dict[str, Any]:
        """The element as a JSON object: canonical key spelling, only the keys that were given."""
        return self.model_dump(by_alias=True, exclude_unset=True, mode="json")

    def canonical_json(self) -> str:
        """Compact canonical JSON, the form stored in carriers (``selection.json``)."""
        return json.dumps(self.canonical(), separators=(",", ":"), ensure_ascii=False)

    def params(self) -> dict[str, Any]:
        """Everything but name, namespace and interface: what PodNetwork cannot say."""
        data = self.canonical()
        for key in ("name", "namespace", "interface"):
            data.pop(key, None)
        return data
