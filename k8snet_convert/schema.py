"""Pydantic models of every object the tool emits or reads, and the JSON Schemas made from them (SPEC §8).

The checked-in ``schemas/*.json`` are generated from these models (``python -m k8snet_convert.schema``);
a test fails when they drift. ``validate`` checks objects against the same schemas.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .device_models import MODELS as DEVICE_MODELS
from .dialects.dra.models import MODELS as DRA_MODELS
from .dialects.dra.models import CniParameters
from .model import IPAM_CLAIM_REFERENCE

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
# KEP-3698 rev 2's kubebuilder pattern for PodNetworkSpec.provider.
PROVIDER_PATTERN = (
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$"
)
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


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


class SelectionElementSchema(BaseModel):
    """One element of the ``k8s.v1.cni.cncf.io/networks`` annotation, in canonical key spelling.

    Absent fields and ``[]``/``{}`` are distinct; keys Multus does not know (extension keys, misspellings,
    ``ipam-claim-reference``) are kept as extra fields so nothing is lost.
    """

    # The schema of ``model.SelectionElement`` (a plain class, kept off pydantic for start-up time);
    # tests/test_model.py checks that both accept the same elements.

    model_config = ConfigDict(
        extra="allow", strict=True, validate_by_alias=True, validate_by_name=False, title="SelectionElement"
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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ClusterObjectMeta(BaseModel):
    """metadata of a cluster-scoped object: no namespace."""

    model_config = ConfigDict(extra="allow", strict=True)
    name: str = Field(pattern=DNS_SUBDOMAIN, max_length=253)
    namespace: None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None


class NamespacedObjectMeta(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    name: str = Field(pattern=DNS_SUBDOMAIN, max_length=253)
    namespace: str | None = Field(default=None, pattern=DNS_LABEL, max_length=63)
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None


class ParametersRef(_Strict):
    """KEP-3698 ParametersRef: ``kind`` is the resource plural in the KEP's examples."""

    group: str
    kind: str = Field(min_length=1)
    name: str = Field(min_length=1)
    namespace: str | None = None


class PodNetworkSpec(_Strict):
    enabled: bool = True
    parametersRefs: list[ParametersRef] | None = None
    provider: str | None = Field(default=None, min_length=1, max_length=253)


class PodNetworkSpecRev2(PodNetworkSpec):
    provider: str | None = Field(default=None, min_length=1, max_length=253, pattern=PROVIDER_PATTERN)


class PodNetwork(_Strict):
    """KEP-3698 PodNetwork, first revision's shape (``apiVersion`` set by --api-version)."""

    apiVersion: str
    kind: Literal["PodNetwork"]
    metadata: ClusterObjectMeta
    spec: PodNetworkSpec
    status: dict[str, Any] | None = None


class PodNetworkRev2(PodNetwork):
    """KEP-3698 PodNetwork, last revision (provider must be domain-prefixed)."""

    spec: PodNetworkSpecRev2


class PodNetworkAttachmentSpec(_Strict):
    podNetworkName: str = Field(min_length=1)
    parametersRefs: list[ParametersRef] | None = None


class PodNetworkAttachment(_Strict):
    apiVersion: str
    kind: Literal["PodNetworkAttachment"]
    metadata: NamespacedObjectMeta
    spec: PodNetworkAttachmentSpec
    status: dict[str, Any] | None = None


def _one_of(data: Any, a: str, b: str) -> Any:
    if isinstance(data, dict) and (a in data) == (b in data):
        raise ValueError(f"exactly one of {a} and {b} must be set")
    return data


class NetworkEntry(_Strict):
    """Pod ``spec.networks`` entry, KEP-3698 first revision (the prototype's keys)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "oneOf": [{"required": ["podNetworkName"]}, {"required": ["podNetworkAttachmentName"]}]
        },
    )
    podNetworkName: str | None = Field(default=None, min_length=1)
    podNetworkAttachmentName: str | None = Field(default=None, min_length=1)
    interfaceName: str | None = Field(default=None, min_length=1, max_length=15)
    isDefaultGW4: bool | None = None
    isDefaultGW6: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, data: Any) -> Any:
        return _one_of(data, "podNetworkName", "podNetworkAttachmentName")


class NetworkEntryRev2(_Strict):
    """Pod ``spec.networks`` entry, KEP-3698 last revision."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"oneOf": [{"required": ["name"]}, {"required": ["attachmentName"]}]},
    )
    name: str | None = Field(default=None, min_length=1)
    attachmentName: str | None = Field(default=None, min_length=1)
    interfaceName: str | None = Field(default=None, min_length=1, max_length=15)
    isDefaultGW: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, data: Any) -> Any:
        return _one_of(data, "name", "attachmentName")


class NadSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    config: str | None = None


class NetworkAttachmentDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    apiVersion: Literal["k8s.cni.cncf.io/v1"]
    kind: Literal["NetworkAttachmentDefinition"]
    metadata: NamespacedObjectMeta
    spec: NadSpec | None = None


# file stem -> model; the file is schemas/<stem>.schema.json
MODELS: dict[str, type[BaseModel]] = {
    "podnetwork.kep-3698": PodNetwork,
    "podnetwork.kep-3698-rev2": PodNetworkRev2,
    "podnetworkattachment": PodNetworkAttachment,
    "network-entry.kep-3698": NetworkEntry,
    "network-entry.kep-3698-rev2": NetworkEntryRev2,
    "networkattachmentdefinition": NetworkAttachmentDefinition,
    "selection-element": SelectionElementSchema,
    "dra-cni-parameters": CniParameters,
    **DRA_MODELS,
    **DEVICE_MODELS,
}


def schema_of(stem: str) -> dict[str, Any]:
    body = MODELS[stem].model_json_schema(by_alias=True)
    return {"$schema": SCHEMA_DIALECT, "$id": f"https://k8snet-convert.io/schemas/{stem}.schema.json", **body}


def render(stem: str) -> str:
    return json.dumps(schema_of(stem), indent=2, sort_keys=False) + "\n"


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem in MODELS:
        path = folder / f"{stem}.schema.json"
        path.write_text(render(stem), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m k8snet_convert.schema [FOLDER]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for p in write_all(target):
        print(p)
