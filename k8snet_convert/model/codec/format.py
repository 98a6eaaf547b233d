"""Writing selection elements back as an annotation value, in the short form only when that is lossless."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from ..element import SelectionElement
from .gojson import (
    _DNS1123_LABEL,
    _JSON_TRIGGERS,
    _go_trim,
    _short_interface_ok,
)

# ----------------------------------------------------------------------------------------------------
# Formatting

_SHORT_KEYS = frozenset({"name", "namespace", "interface"})
_SHORT_INTERFACE_FORBIDDEN = frozenset(",@/") | _JSON_TRIGGERS


def is_short_safe(element: SelectionElement) -> bool:
    """Whether the short form says exactly this element: parsing ``format_short`` gives it back."""
    if not _SHORT_KEYS.issuperset(element.canonical()):
        return False
    if not _DNS1123_LABEL.fullmatch(element.name):
        return False
    if element.namespace is not None and not _DNS1123_LABEL.fullmatch(element.namespace):
        return False
    interface = element.interface
    if interface is None:
        return True
    # Besides Multus's rule: no separator or JSON trigger, and nothing TrimSpace would take off the ends.
    return (
        interface != ""
        and _short_interface_ok(interface)
        and not _SHORT_INTERFACE_FORBIDDEN.intersection(interface)
        and _go_trim(interface) == interface
    )


def _short(element: SelectionElement) -> str:
    text = element.name
    if element.namespace is not None:
        text = f"{element.namespace}/{text}"
    if element.interface is not None:
        text = f"{text}@{element.interface}"
    return text


def format_short(elements: Sequence[SelectionElement]) -> str:
    """The short form, "ns/name@if,b". Raises ValueError for an element that is not short-safe."""
    for index, element in enumerate(elements, start=1):
        if not is_short_safe(element):
            raise ValueError(
                f"element {index} ({element.canonical_json()}) cannot be written in the short form"
            )
    return ",".join(_short(element) for element in elements)


def format_json(elements: Sequence[SelectionElement]) -> str:
    """The JSON form: an array of the elements' canonical objects."""
    return json.dumps([element.canonical() for element in elements], ensure_ascii=False, allow_nan=False)


def format_annotation(elements: Sequence[SelectionElement], style: Literal["auto", "short", "json"]) -> str:
    """``auto``: the short form when it is lossless for every element (and there is one), else JSON."""
    if style == "short" or (style == "auto" and elements and all(is_short_safe(e) for e in elements)):
        return format_short(elements)
    return format_json(elements)
