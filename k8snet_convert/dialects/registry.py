"""The dialects, in one table (pandoc's readers and writers): a conversion reads every dialect a file
holds and writes the target's; adding a dialect is one reader, one writer and a line here."""

from __future__ import annotations

from .base import Dialect
from .dra.dialect import DraDialect
from .multus.dialect import MultusDialect
from .native.dialect import NativeDialect

DIALECTS: dict[str, Dialect] = {
    "multus": MultusDialect(),
    "native": NativeDialect(),
    "dra": DraDialect(),
}


def get(name: str) -> Dialect:
    return DIALECTS[name]
