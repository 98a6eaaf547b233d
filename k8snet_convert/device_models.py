"""Pydantic models of the objects ``--devices`` writes, the source of their JSON Schemas (SPEC §8).

Like the DRA writer's (dialects/dra/models.py, whose building blocks they share), they describe what
k8snet-convert writes, which is stricter than the Kubernetes API: one request of ``count`` devices of a
class, selected by the device's ``k8s.cni.cncf.io/resourceName``, and the annotation that says which
extended resource the object stands for.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from .dialects.dra.models import (
    DNS_LABEL,
    DNS_SUBDOMAIN,
    ClusterMeta,
    DeviceSelector,
    TemplateMeta,
    _Strict,
)
from .dialects.multus.device_objects import MAX_COUNT, RESOURCE_ANNOTATION


def _marked(data: Any) -> Any:
    annotations = data.get("annotations") if isinstance(data, dict) else None
    if not isinstance(annotations, dict) or not annotations.get(RESOURCE_ANNOTATION):
        raise ValueError(f"the {RESOURCE_ANNOTATION} annotation names the extended resource it stands for")
    return data


class DevicesTemplateMeta(TemplateMeta):
    @model_validator(mode="before")
    @classmethod
    def _names_its_resource(cls, data: Any) -> Any:
        return _marked(data)


class DevicesClassMeta(ClusterMeta):
    @model_validator(mode="before")
    @classmethod
    def _names_its_resource(cls, data: Any) -> Any:
        return _marked(data)


class ExactDevices(_Strict):
    """``exactly``: ``count`` devices of the class whose resourceName attribute is the NAD's."""

    deviceClassName: str = Field(pattern=DNS_SUBDOMAIN, max_length=253)
    allocationMode: Literal["ExactCount"]
    count: int = Field(ge=1, le=MAX_COUNT)
    selectors: list[DeviceSelector] = Field(min_length=1, max_length=32)


class DevicesRequest(_Strict):
    name: str = Field(pattern=DNS_LABEL, max_length=63)
    exactly: ExactDevices


class DevicesClaim(_Strict):
    requests: list[DevicesRequest] = Field(min_length=1, max_length=1)


class DevicesClaimSpec(_Strict):
    devices: DevicesClaim


class DevicesTemplateSpec(_Strict):
    spec: DevicesClaimSpec


class DevicesResourceClaimTemplate(_Strict):
    """The ResourceClaimTemplate of --devices dra (resource.k8s.io/v1: Multus's DRA integration needs it)."""

    apiVersion: Literal["resource.k8s.io/v1"]
    kind: Literal["ResourceClaimTemplate"]
    metadata: DevicesTemplateMeta
    spec: DevicesTemplateSpec


class ExtendedResourceSpec(_Strict):
    selectors: list[DeviceSelector] = Field(min_length=1, max_length=32)
    # An extended resource name: domain-qualified (a NAD's resourceName may be bare, but no pod could
    # request a bare one).
    extendedResourceName: str = Field(pattern=r"^[^/]+/[^/]+$", max_length=253)


class ExtendedResourceDeviceClass(_Strict):
    """The DeviceClass of --devices dra-extended: an extended resource served by DRA."""

    apiVersion: Literal["resource.k8s.io/v1"]
    kind: Literal["DeviceClass"]
    metadata: DevicesClassMeta
    spec: ExtendedResourceSpec


# schemas/<stem>.schema.json -> model, for schema.MODELS
MODELS: dict[str, type[BaseModel]] = {
    "devices-resourceclaimtemplate": DevicesResourceClaimTemplate,
    "devices-deviceclass": ExtendedResourceDeviceClass,
}


def schema_stem(obj: dict[str, Any]) -> str | None:
    """The schema of an object --devices wrote (it carries the device-resource annotation), else None."""
    metadata = obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict) or RESOURCE_ANNOTATION not in annotations:
        return None
    if not str(obj.get("apiVersion")).startswith("resource.k8s.io/"):
        return None
    return {
        "ResourceClaimTemplate": "devices-resourceclaimtemplate",
        "DeviceClass": "devices-deviceclass",
    }.get(str(obj.get("kind")))
