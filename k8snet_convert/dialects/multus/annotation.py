"""The Multus annotations' codec, which lives in the model (``model.codec``): the native carriers and the
DRA provenance hold selection elements in the same JSON, so every dialect reads elements through it."""

from ...model.codec import (
    ParsedElement,
    format_annotation,
    format_json,
    format_short,
    is_short_safe,
    parse_default_network,
    parse_networks,
)

__all__ = [
    "ParsedElement",
    "format_annotation",
    "format_json",
    "format_short",
    "is_short_safe",
    "parse_default_network",
    "parse_networks",
]
