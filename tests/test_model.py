"""model.SelectionElement (plain, fast to import) accepts exactly what its JSON Schema's model accepts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from k8snet_convert.model import InvalidElement, SelectionElement
from k8snet_convert.schema import SelectionElementSchema

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
KEYS = [
    "namespace", "interface", "ips", "mac", "infiniband-guid", "portMappings", "bandwidth", "cni-args",
    "default-route", "deviceID", "ipam-claim-reference", "org.example.x", "interfac",
]  # fmt: skip
PORT = st.dictionaries(
    st.sampled_from(["hostPort", "containerPort", "protocol", "hostIP", "extra"]),
    JSON | st.integers(),
    max_size=4,
)
VALUES = {
    "ips": st.lists(st.text(max_size=3) | JSON, max_size=2),
    "portMappings": st.lists(PORT | JSON, max_size=2),
    "bandwidth": st.dictionaries(st.sampled_from(["ingressRate", "egressBurst", "x"]), st.integers() | JSON),
    "default-route": st.lists(st.text(max_size=3) | JSON, max_size=2),
}


@st.composite
def elements(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {}
    data["name"] = draw(st.text(max_size=5) | JSON)
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=5, unique=True)):
        data[key] = draw(VALUES.get(key, st.text(max_size=4)) | JSON)
    if draw(st.integers(0, 9)) == 0:
        del data["name"]
    return data


def _schema_accepts(data: dict[str, Any]) -> dict[str, Any] | None:
    try:
        model = SelectionElementSchema.model_validate(data)
    except ValidationError:
        return None
    return model.model_dump(by_alias=True, exclude_unset=True, mode="json")


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None or k not in SelectionElement._known_keys()}


@settings(max_examples=400, deadline=None)
@given(elements())
def test_same_verdicts_and_same_data_as_the_schema_model(data: dict[str, Any]) -> None:
    expected = _schema_accepts(data)
    try:
        element = SelectionElement.model_validate(data)
    except InvalidElement:
        assert expected is None, f"the schema accepts {data!r}"
        return
    assert expected is not None, f"the schema refuses {data!r}"
    assert element.canonical() == _drop_none(expected)


@pytest.mark.parametrize(
    "data",
    [
        {"name": 1},
        {"name": "a", "ips": "10.0.0.1"},
        {"name": "a", "bandwidth": {"ingressRate": True}},
        {"name": "a", "portMappings": [{"hostPort": 1.5}]},
        {"name": "a", "cni-args": []},
        {"namespace": "a"},
    ],
)
def test_wrong_types_are_refused(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidElement):
        SelectionElement.model_validate(data)


def test_absent_null_and_empty_and_key_order() -> None:
    element = SelectionElement.model_validate(
        {"org.x": 1, "ips": [], "name": "a", "mac": None, "cni-args": {}}, extras={"cni_args": 2}
    )
    assert element.canonical_json() == '{"name":"a","ips":[],"cni-args":{},"org.x":1,"cni_args":2}'
    assert element.cni_args == {} and element.mac is None and "mac" not in element.model_fields_set
    assert element.params() == {"ips": [], "cni-args": {}, "org.x": 1, "cni_args": 2}
    assert element == SelectionElement.model_validate(element.canonical())
    assert len({element, SelectionElement.model_validate(element.canonical())}) == 1
