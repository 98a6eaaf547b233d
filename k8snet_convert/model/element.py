"""The Multus selection element: the richest way to say one attachment, so every dialect reads into it.

Nothing here imports pydantic: this module is on the path of every converted file.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["IPAM_CLAIM_REFERENCE", "MULTUS_KNOWN_KEYS", "InvalidElement", "SelectionElement"]

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


class InvalidElement(ValueError):
    """A selection element whose fields have the wrong JSON types."""


# Field -> (JSON type check, what the message says). The same rules as the pydantic model of
# ``schema.SelectionElementSchema`` (strict types), which tests/test_model.py checks case by case.
def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _port_mappings(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    for entry in value:
        if not isinstance(entry, dict):
            return False
        for key in ("hostPort", "containerPort"):
            if entry.get(key) is not None and not _is_int(entry[key]):
                return False
        for key in ("protocol", "hostIP"):
            if entry.get(key) is not None and not _is_str(entry[key]):
                return False
    return True


def _bandwidth(value: Any) -> bool:
    return isinstance(value, dict) and all(
        value.get(key) is None or _is_int(value[key])
        for key in ("ingressRate", "ingressBurst", "egressRate", "egressBurst")
    )


_CHECKS: dict[str, tuple[Any, str]] = {
    "namespace": (_is_str, "a string"),
    "interface": (_is_str, "a string"),
    "ips": (_str_list, "a list of strings"),
    "mac": (_is_str, "a string"),
    "infiniband-guid": (_is_str, "a string"),
    "portMappings": (_port_mappings, "a list of {hostPort, containerPort: int, protocol, hostIP: string}"),
    "bandwidth": (_bandwidth, "an object of integers"),
    "cni-args": (lambda v: isinstance(v, dict), "an object"),
    "default-route": (_str_list, "a list of strings"),
    "deviceID": (_is_str, "a string"),
    IPAM_CLAIM_REFERENCE: (_is_str, "a string"),
}
# Canonical order of the known keys in canonical(): the order of the Go struct.
_ORDER = ("name", *_CHECKS)
_ATTRIBUTE = {key: key.replace("-", "_") for key in _ORDER}


class SelectionElement:
    """One element of the ``k8s.v1.cni.cncf.io/networks`` annotation, in canonical key spelling.

    Only the keys that were given are held, so absent and ``[]``/``{}`` stay distinct. JSON ``null``
    means absent for Multus (Go's encoding/json), so the parser leaves such fields out. Keys Multus does
    not know (extension keys like ``org.example.key``, misspellings) are kept as extras so nothing is lost.

    A plain class rather than a pydantic model: it is built for every element of every file, and
    importing pydantic would double the start-up of a one-file pre-commit run. The JSON Schema comes
    from ``schema.SelectionElementSchema``, which accepts exactly what ``model_validate`` accepts.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._hash: int | None = None

    @classmethod
    def model_validate(cls, data: Any, extras: dict[str, Any] | None = None) -> SelectionElement:
        """Check the JSON types of the known keys; ``extras`` are unknown keys, taken as they are."""
        if not isinstance(data, dict):
            raise InvalidElement("a selection element must be a JSON object")
        name = data.get("name")
        if not isinstance(name, str):
            raise InvalidElement("name: must be a string" if "name" in data else "name: required")
        for key, value in data.items():
            check = _CHECKS.get(key)
            if check is not None and value is not None and not check[0](value):
                raise InvalidElement(f"{key}: must be {check[1]}")
        known = {k: data[k] for k in _ORDER if k in data and data[k] is not None}
        unknown = {k: v for k, v in data.items() if k not in _CHECKS and k != "name"}
        return cls({**known, **unknown, **(extras or {})})

    # -- the fields the dialects read ----------------------------------------------------------------

    @property
    def name(self) -> str:
        return str(self._data["name"])

    @property
    def namespace(self) -> str | None:
        return self._data.get("namespace")

    @property
    def interface(self) -> str | None:
        return self._data.get("interface")

    @property
    def default_route(self) -> list[str] | None:
        return self._data.get("default-route")

    @property
    def ips(self) -> list[str] | None:
        return self._data.get("ips")

    @property
    def mac(self) -> str | None:
        return self._data.get("mac")

    @property
    def infiniband_guid(self) -> str | None:
        return self._data.get("infiniband-guid")

    @property
    def portMappings(self) -> list[dict[str, Any]] | None:
        return self._data.get("portMappings")

    @property
    def bandwidth(self) -> dict[str, Any] | None:
        return self._data.get("bandwidth")

    @property
    def cni_args(self) -> dict[str, Any] | None:
        return self._data.get("cni-args")

    @property
    def deviceID(self) -> str | None:
        return self._data.get("deviceID")

    @property
    def ipam_claim_reference(self) -> str | None:
        return self._data.get(IPAM_CLAIM_REFERENCE)

    @property
    def model_fields_set(self) -> set[str]:
        """The fields that were given, by attribute name (``cni_args`` for ``cni-args``)."""
        return {_ATTRIBUTE.get(key, key) for key in self._data}

    @staticmethod
    def _known_keys() -> tuple[str, ...]:
        return _ORDER

    @property
    def extras(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k not in _CHECKS and k != "name"}

    # -- forms ---------------------------------------------------------------------------------------

    def canonical(self) -> dict[str, Any]:
        """The element as a JSON object: canonical key spelling, only the keys that were given."""
        copy: dict[str, Any] = json.loads(json.dumps(self._data))  # a deep copy callers may change
        return copy

    def canonical_json(self) -> str:
        """Compact canonical JSON, the form stored in carriers (``selection.json``)."""
        return json.dumps(self._data, separators=(",", ":"), ensure_ascii=False)

    def params(self) -> dict[str, Any]:
        """Everything but name, namespace and interface: what PodNetwork cannot say."""
        data = self.canonical()
        for key in ("name", "namespace", "interface"):
            data.pop(key, None)
        return data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SelectionElement) and self._data == other._data

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.canonical_json())
        return self._hash

    def __repr__(self) -> str:
        return f"SelectionElement({self.canonical_json()})"
