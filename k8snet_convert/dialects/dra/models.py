"""Pydantic models of the DRA objects the writer emits, the source of their JSON Schemas (SPEC §8).

They describe what k8snet-convert writes (one request per template, one CNI config per request), which is
stricter than the Kubernetes API: ``extra="forbid"`` makes a stray field a schema error. The shapes follow
kubernetes/api ``resource/v1`` and ``resource/v1beta1`` (native.md §3.1, §3.2).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CniParameters(_Strict):
    """Opaque parameters of the CNI DRA driver (``cni.dra.networking.x-k8s.io``)."""

    apiVersion: Literal["cni.networking.x-k8s.io/v1alpha1", "cni.dra.networking.x-k8s.io/v1alpha1"]
    kind: Literal["CNI"]
    ifName: str = Field(min_length=1, max_length=15)
    config: dict[str, Any]


class TemplateMeta(_Strict):
    name: str = Field(pattern=DNS_SUBDOMAIN, max_length=253)
    namespace: str | None = Field(default=None, pattern=DNS_LABEL, max_length=63)
    annotations: dict[str, str] | None = None
    labels: dict[str, str] | None = None


class ClusterMeta(_Strict):
    name: str = Field(pattern=DNS_SUBDOMAIN, max_length=253)
    annotations: dict[str, str] | None = None
    labels: dict[str, str] | None = None


class CelSelector(_Strict):
    expression: str = Field(min_length=1)


class DeviceSelector(_Strict):
    cel: CelSelector


class ExactDeviceRequest(_Strict):
    """resource.k8s.io/v1 ``exactly``: a CNI request takes one device of the class."""

    deviceClassName: str = Field(pattern=DNS_SUBDOMAIN, max_length=253)
    allocationMode: Literal["ExactCount"] = "ExactCount"
    count: Literal[1] = 1
    selectors: list[DeviceSelector] | None = None


class DeviceRequestV1(_Strict):
    name: str = Field(pattern=DNS_LABEL, max_length=63)
    exactly: ExactDeviceRequest


class DeviceRequestV1beta1(ExactDeviceRequest):
    """resource.k8s.io/v1beta1: the same fields sit directly on the request."""

    name: str = Field(pattern=DNS_LABEL, max_length=63)


class OpaqueCniConfig(_Strict):
    driver: Literal["cni.dra.networking.x-k8s.io"]
    parameters: CniParameters


class DeviceClaimConfiguration(_Strict):
    requests: list[str] = Field(min_length=1, max_length=32)
    opaque: OpaqueCniConfig


def _configs_name_requests(data: Any) -> Any:
    """Every config names requests of the claim, and every request has exactly one CNI config."""
    if not isinstance(data, dict):
        return data
    names = [str(r.get("name")) for r in data.get("requests") or [] if isinstance(r, dict)]
    configured = [
        str(n) for c in data.get("config") or [] if isinstance(c, dict) for n in c.get("requests") or []
    ]
    if sorted(configured) != sorted(names):
        raise ValueError("each request needs exactly one CNI config naming it")
    return data


class DeviceClaimV1(_Strict):
    requests: list[DeviceRequestV1] = Field(min_length=1, max_length=32)
    config: list[DeviceClaimConfiguration] = Field(min_length=1, max_length=32)

    @model_validator(mode="before")
    @classmethod
    def _one_config_per_request(cls, data: Any) -> Any:
        return _configs_name_requests(data)


class DeviceClaimV1beta1(_Strict):
    requests: list[DeviceRequestV1beta1] = Field(min_length=1, max_length=32)
    config: list[DeviceClaimConfiguration] = Field(min_length=1, max_length=32)

    @model_validator(mode="before")
    @classmethod
    def _one_config_per_request(cls, data: Any) -> Any:
        return _configs_name_requests(data)


class ClaimSpecV1(_Strict):
    devices: DeviceClaimV1


class ClaimSpecV1beta1(_Strict):
    devices: DeviceClaimV1beta1


class TemplateSpecV1(_Strict):
    metadata: dict[str, Any] | None = None
    spec: ClaimSpecV1


class TemplateSpecV1beta1(_Strict):
    metadata: dict[str, Any] | None = None
    spec: ClaimSpecV1beta1


class ResourceClaimTemplate(_Strict):
    """A ResourceClaimTemplate for the CNI DRA driver, resource.k8s.io/v1 (--dra-api-version v1)."""

    apiVersion: Literal["resource.k8s.io/v1"]
    kind: Literal["ResourceClaimTemplate"]
    metadata: TemplateMeta
    spec: TemplateSpecV1


class ResourceClaimTemplateV1beta1(_Strict):
    """A ResourceClaimTemplate for the CNI DRA driver, resource.k8s.io/v1beta1."""

    apiVersion: Literal["resource.k8s.io/v1beta1"]
    kind: Literal["ResourceClaimTemplate"]
    metadata: TemplateMeta
    spec: TemplateSpecV1beta1


class DeviceClassSpec(_Strict):
    selectors: list[DeviceSelector] = Field(min_length=1, max_length=32)


class DeviceClass(_Strict):
    """The DeviceClass written by --emit-device-class (same shape in v1 and v1beta1)."""

    apiVersion: Literal["resource.k8s.io/v1", "resource.k8s.io/v1beta1"]
    kind: Literal["DeviceClass"]
    metadata: ClusterMeta
    spec: DeviceClassSpec


class PodResourceClaim(_Strict):
    """An entry of a pod's ``spec.resourceClaims``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "oneOf": [{"required": ["resourceClaimTemplateName"]}, {"required": ["resourceClaimName"]}]
        },
    )
    name: str = Field(pattern=DNS_LABEL, max_length=63)
    resourceClaimTemplateName: str | None = Field(default=None, pattern=DNS_SUBDOMAIN, max_length=253)
    resourceClaimName: str | None = Field(default=None, pattern=DNS_SUBDOMAIN, max_length=253)

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("resourceClaimTemplateName" in data) == ("resourceClaimName" in data):
            raise ValueError("exactly one of resourceClaimTemplateName and resourceClaimName must be set")
        return data


# schemas/<stem>.schema.json -> model, for schema.MODELS
MODELS: dict[str, type[BaseModel]] = {
    "dra-resourceclaimtemplate.v1": ResourceClaimTemplate,
    "dra-resourceclaimtemplate.v1beta1": ResourceClaimTemplateV1beta1,
    "dra-deviceclass": DeviceClass,
    "dra-pod-resource-claim": PodResourceClaim,
}


def schema_stem(obj: dict[str, Any]) -> str | None:
    """The schema an object is checked against (``validate``), or None when it is not one the tool writes.

    Only templates for the CNI driver and the DeviceClass the tool labels as its own: a GPU claim or a
    cluster's own DeviceClass follow other rules.
    """
    kind, version = obj.get("kind"), obj.get("apiVersion")
    if kind == "ResourceClaimTemplate" and version in ("resource.k8s.io/v1", "resource.k8s.io/v1beta1"):
        spec = obj.get("spec")
        devices = spec.get("spec", {}).get("devices", {}) if isinstance(spec, dict) else {}
        configs = devices.get("config") if isinstance(devices, dict) else None
        drivers = {
            c.get("opaque", {}).get("driver")
            for c in (configs if isinstance(configs, list) else [])
            if isinstance(c, dict) and isinstance(c.get("opaque"), dict)
        }
        if "cni.dra.networking.x-k8s.io" in drivers:
            return "dra-resourceclaimtemplate." + str(version).rsplit("/", 1)[1]
        return None
    if kind == "DeviceClass" and str(version).startswith("resource.k8s.io/"):
        metadata = obj.get("metadata")
        labels = metadata.get("labels") if isinstance(metadata, dict) else None
        if isinstance(labels, dict) and labels.get("app.kubernetes.io/managed-by") == "k8snet-convert":
            return "dra-deviceclass"
    return None


def model_for(obj: dict[str, Any]) -> type[BaseModel] | None:
    """The model an emitted object must satisfy (see ``schema_stem``)."""
    stem = schema_stem(obj)
    return MODELS[stem] if stem else None
