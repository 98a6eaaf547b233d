"""schemas/ is generated from the pydantic models: fail on drift, and check what the models accept."""

from __future__ import annotations

import json

import pytest

from k8snet_convert.schema import MODELS, render
from k8snet_convert.validate import errors_for

from .conftest import ROOT

SCHEMAS = ROOT / "schemas"
PN = {"apiVersion": "v1", "kind": "PodNetwork"}


@pytest.mark.parametrize("stem", sorted(MODELS))
def test_checked_in_schema_matches_the_model(stem: str) -> None:
    path = SCHEMAS / f"{stem}.schema.json"
    assert path.exists(), f"run: python -m k8snet_convert.schema schemas ({path} is missing)"
    assert path.read_text() == render(stem), f"{path} drifted: python -m k8snet_convert.schema schemas"


def test_no_stale_schema_files() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(f"{s}.schema.json" for s in MODELS)


def test_schemas_are_2020_12() -> None:
    for path in SCHEMAS.glob("*.json"):
        assert json.loads(path.read_text())["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    ("stem", "instance", "ok"),
    [
        (
            "network-entry.kep-3698",
            {"podNetworkName": "a", "interfaceName": "net1", "isDefaultGW4": True},
            True,
        ),
        ("network-entry.kep-3698", {"podNetworkName": "a", "podNetworkAttachmentName": "b"}, False),
        ("network-entry.kep-3698", {"name": "a"}, False),
        ("network-entry.kep-3698-rev2", {"attachmentName": "a", "isDefaultGW": True}, True),
        ("network-entry.kep-3698-rev2", {"name": "a", "interfaceName": "sixteen-chars-xx"}, False),
        ("selection-element", {"name": "a", "ips": [], "cni-args": {}, "org.example/x": 1}, True),
        ("selection-element", {"name": "a", "bandwidth": {"ingressRate": 1.5}}, False),
        ("selection-element", {"namespace": "a"}, False),
        (
            "podnetwork.kep-3698-rev2",
            {**PN, "metadata": {"name": "a"}, "spec": {"provider": "no-domain"}},
            False,
        ),
        ("podnetwork.kep-3698", {**PN, "metadata": {"name": "a"}, "spec": {"provider": "no-domain"}}, True),
        ("podnetwork.kep-3698", {**PN, "metadata": {"name": "a", "namespace": "x"}, "spec": {}}, False),
    ],
)
def test_schema_verdicts(stem: str, instance: object, ok: bool) -> None:
    assert (errors_for(stem, instance) == []) is ok
