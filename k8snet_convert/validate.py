"""``validate``: objects in files against the JSON Schemas of ``schema.py`` (SPEC §8)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema

from . import files
from .errors import ConvertError
from .manifests.objects import iter_objects, pod_template
from .manifests.source import decode
from .manifests.yamldoc import get, get_path, line_col, parse_documents, scalar, to_python
from .schema import schema_of


@cache
def validator(stem: str) -> jsonschema.protocols.Validator:
    schema = schema_of(stem)
    cls = jsonschema.validators.validator_for(schema)
    checker: jsonschema.protocols.Validator = cls(schema)
    return checker


def errors_for(stem: str, instance: Any) -> list[str]:
    return [
        (f"{'.'.join(str(p) for p in e.absolute_path)}: " if e.absolute_path else "") + e.message
        for e in sorted(validator(stem).iter_errors(instance), key=lambda e: list(map(str, e.path)))
    ]


def entry_stem(entry: Any) -> str:
    """Which revision an entry is written in, by its keys."""
    rev2 = {"name", "attachmentName", "isDefaultGW"}
    if isinstance(entry, dict) and rev2 & set(entry):
        return "network-entry.kep-3698-rev2"
    return "network-entry.kep-3698"


def podnetwork_stem(obj: Any) -> str:
    provider = obj.get("spec", {}).get("provider") if isinstance(obj.get("spec"), dict) else None
    del provider  # both revisions share the shape; rev 2 adds the provider pattern
    return "podnetwork.kep-3698"


def check_text(display: str, text: str) -> Iterator[str]:
    """Problems of the objects in one file, as ``file:line:col: message`` lines."""
    for doc in parse_documents(text):
        for obj in iter_objects(doc):
            line, col = line_col(obj.node)
            where = f"{display}:{line}:{col}"
            stem = None
            if obj.kind == "PodNetwork":
                stem = podnetwork_stem(to_python(obj.node))
            elif obj.kind == "PodNetworkAttachment":
                stem = "podnetworkattachment"
            elif obj.kind == "NetworkAttachmentDefinition":
                stem = "networkattachmentdefinition"
            elif obj.kind in ("ResourceClaimTemplate", "DeviceClass"):
                from . import device_models
                from .dialects.dra.models import schema_stem

                # only the CNI driver's, our DeviceClass, and the objects of --devices
                data = to_python(obj.node)
                stem = schema_stem(data) or device_models.schema_stem(data)
            if stem:
                for message in errors_for(stem, to_python(obj.node)):
                    yield f"{where}: {obj.kind} {obj.name}: {message}"
            if obj.kind == "ConfigMap":
                raw = scalar(get_path(obj.node, "data", "selection.json"))
                if raw is not None:
                    try:
                        element = json.loads(raw)
                    except json.JSONDecodeError as exc:
                        yield f"{where}: ConfigMap {obj.name}: selection.json is not JSON: {exc.msg}"
                        continue
                    for message in errors_for("selection-element", element):
                        yield f"{where}: ConfigMap {obj.name}: selection.json: {message}"
            template = pod_template(obj)
            networks = get(template.spec, "networks") if template else None
            if networks is not None:
                entries = to_python(networks)
                nline, ncol = line_col(networks)
                if not isinstance(entries, list):
                    yield f"{display}:{nline}:{ncol}: spec.networks must be a list"
                    continue
                for i, entry in enumerate(entries):
                    for message in errors_for(entry_stem(entry), entry):
                        where = f"{display}:{nline}:{ncol}: {obj.kind} {obj.name}"
                        yield f"{where}: spec.networks[{i}]: {message}"


def validate_paths(inputs: list[str]) -> tuple[list[str], int]:
    problems: list[str] = []
    checked = 0
    for display, path in files.discover(inputs):
        data = path.read_bytes() if path is not None else __import__("sys").stdin.buffer.read()
        try:
            text = decode(data).text
            found = list(check_text(display, text))
        except ConvertError as exc:
            problems.append(f"{display}: {exc.message}")
            continue
        checked += 1
        problems.extend(found)
    return problems, checked
