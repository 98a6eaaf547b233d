"""Every object --to dra emits deserialises into the official Kubernetes client's models without losing a
field, and validates against the JSON Schemas of dialects/dra/models.py and schemas/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from kubernetes.client import ApiClient

from k8snet_convert import schema
from k8snet_convert.dialects.dra import models

from .conftest import FIXTURES, ROOT

CASES = sorted(p for p in FIXTURES.glob("dra-*") if any(p.glob("input.*")))
CLIENT_TYPES = {
    ("resource.k8s.io/v1", "ResourceClaimTemplate"): "V1ResourceClaimTemplate",
    ("resource.k8s.io/v1beta1", "ResourceClaimTemplate"): "V1beta1ResourceClaimTemplate",
    ("resource.k8s.io/v1", "DeviceClass"): "V1DeviceClass",
    ("resource.k8s.io/v1beta1", "DeviceClass"): "V1beta1DeviceClass",
    ("v1", "Pod"): "V1Pod",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("apps/v1", "StatefulSet"): "V1StatefulSet",
    ("apps/v1", "DaemonSet"): "V1DaemonSet",
    ("batch/v1", "Job"): "V1Job",
}
API = ApiClient()


def objects(case: Path) -> list[dict[str, Any]]:
    source = next(
        p for p in case.glob("expected.*") if p.suffix in (".yaml", ".json") and "findings" not in p.name
    )
    found: list[dict[str, Any]] = []
    for doc in yaml.safe_load_all(source.read_text(encoding="utf-8-sig")):
        if isinstance(doc, dict) and doc.get("kind") == "List":
            found.extend(doc["items"])
        elif isinstance(doc, dict):
            found.append(doc)
    return found


def through_client(obj: dict[str, Any], client_type: str) -> Any:
    model = API._ApiClient__deserialize(obj, client_type)  # type: ignore[attr-defined]
    return API.sanitize_for_serialization(model)  # type: ignore[no-untyped-call]


def schema_validator(model: type[Any]) -> jsonschema.protocols.Validator:
    body = model.model_json_schema(by_alias=True)
    cls = jsonschema.validators.validator_for(body)
    validator: jsonschema.protocols.Validator = cls(body)
    return validator


def checked_in(stem: str) -> jsonschema.protocols.Validator:
    body = json.loads((ROOT / "schemas" / f"{stem}.schema.json").read_text())
    cls = jsonschema.validators.validator_for(body)
    validator: jsonschema.protocols.Validator = cls(body)
    return validator


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_emitted_objects_survive_the_kubernetes_client(case: Path) -> None:
    seen = 0
    for obj in objects(case):
        client_type = CLIENT_TYPES.get((str(obj.get("apiVersion")), str(obj.get("kind"))))
        if client_type is None:
            assert obj["kind"] in ("NetworkAttachmentDefinition", "VirtualMachine"), obj["kind"]
            continue
        assert through_client(obj, client_type) == obj
        seen += 1
    assert seen


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_emitted_objects_validate_against_the_schemas(case: Path) -> None:
    params = checked_in("dra-cni-parameters")
    claim_entry = schema_validator(models.PodResourceClaim)
    for obj in objects(case):
        model = models.model_for(obj)
        if model is not None:
            assert list(schema_validator(model).iter_errors(obj)) == []
            model.model_validate(obj)
            if obj["kind"] == "ResourceClaimTemplate":
                for config in obj["spec"]["spec"]["devices"]["config"]:
                    assert list(params.iter_errors(config["opaque"]["parameters"])) == []
        spec = obj.get("spec", {})
        template = spec.get("template", {}).get("spec") if obj["kind"] != "Pod" else spec
        for entry in (template or {}).get("resourceClaims", []):
            if "resourceClaimTemplateName" in entry:
                assert list(claim_entry.iter_errors(entry)) == []


def test_the_client_check_sees_a_lost_field() -> None:
    """The v1beta1 request layout under v1 loses its fields in the client: the check above can fail."""
    obj = objects(FIXTURES / "dra-v1beta1")[-1]
    assert obj["kind"] == "ResourceClaimTemplate"
    wrong = {**obj, "apiVersion": "resource.k8s.io/v1"}
    assert through_client(wrong, "V1ResourceClaimTemplate") != wrong


def test_the_schemas_reject_what_the_api_rejects() -> None:
    obj = objects(FIXTURES / "dra-single-config")[-1]
    v1 = schema_validator(models.ResourceClaimTemplate)
    flat = json.loads(json.dumps(obj))
    request = flat["spec"]["spec"]["devices"]["requests"][0]
    request.update(request.pop("exactly"))
    assert [e.message for e in v1.iter_errors(flat)]
    two = json.loads(json.dumps(obj))
    two["spec"]["spec"]["devices"]["requests"][0]["exactly"]["count"] = 2
    assert [e.message for e in v1.iter_errors(two)]
    long_if = json.loads(json.dumps(obj))
    long_if["spec"]["spec"]["devices"]["config"][0]["opaque"]["parameters"]["ifName"] = "x" * 16
    assert [e.message for e in v1.iter_errors(long_if)]
    unconfigured = json.loads(json.dumps(obj))
    unconfigured["spec"]["spec"]["devices"]["config"][0]["requests"] = ["other"]
    with pytest.raises(ValueError, match="exactly one CNI config"):
        models.ResourceClaimTemplate.model_validate(unconfigured)


def test_pod_claim_entry_needs_exactly_one_source() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        models.PodResourceClaim.model_validate({"name": "a"})
    with pytest.raises(ValueError, match="exactly one"):
        models.PodResourceClaim.model_validate(
            {"name": "a", "resourceClaimName": "b", "resourceClaimTemplateName": "c"}
        )


def test_parameters_model_matches_the_checked_in_schema() -> None:
    """models.CniParameters is meant to replace schema.CniParameters: both must give the same schema."""
    assert models.CniParameters.model_json_schema() == schema.CniParameters.model_json_schema()
    assert (
        schema.render("dra-cni-parameters")
        == (ROOT / "schemas" / "dra-cni-parameters.schema.json").read_text()
    )


def test_only_our_objects_have_a_schema() -> None:
    template = objects(FIXTURES / "dra-single-config")[-1]
    assert models.schema_stem(template) == "dra-resourceclaimtemplate.v1"
    beta = objects(FIXTURES / "dra-v1beta1")
    assert [models.schema_stem(o) for o in beta] == [
        None,
        None,
        "dra-deviceclass",
        "dra-resourceclaimtemplate.v1beta1",
    ]
    gpu = json.loads(json.dumps(template))
    gpu["spec"]["spec"]["devices"]["config"][0]["opaque"]["driver"] = "gpu.example.com"
    assert models.schema_stem(gpu) is None
    theirs = {**beta[2], "metadata": {"name": "gpu"}}
    assert models.schema_stem(theirs) is None
