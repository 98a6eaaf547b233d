"""Building the run-wide inventory (SPEC §6): every NAD, PodNetwork and CNI-DRA claim of the inputs.

Only files whose bytes can hold such objects are parsed (the byte markers below); each object is offered
to every dialect's ``scan``, which keeps what resolving a reference needs. The conversion of a file never
depends on the order files are read in: the inventory is complete before the first file is converted.
"""

from __future__ import annotations

from pathlib import Path

from . import namespaces, prefilter
from .context import FileContext
from .dialects.registry import DIALECTS
from .errors import ConvertError
from .integrations import helm
from .manifests.objects import iter_objects
from .manifests.source import decode
from .manifests.yamldoc import Document, parse_documents
from .model import Inventory
from .options import Options


def scan_documents(
    docs: list[Document], display: str, path: Path | None, options: Options, inventory: Inventory
) -> None:
    for doc in docs:
        for obj in iter_objects(doc):
            if not obj.kind:
                continue
            namespace = namespaces.resolve(obj.namespace, options.namespace, path)[0]
            for dialect in DIALECTS.values():
                dialect.scan(obj, namespace, display, inventory, options)


def scan_bytes(display: str, path: Path | None, data: bytes, options: Options, inventory: Inventory) -> None:
    """Add one file's objects; a file that cannot be read is its conversion's business, not the scan's."""
    if len(data) > options.max_file_size or not prefilter.may_hold_facts(data):
        return
    if helm.template_kind(path) == "template":  # a chart's template: read with its actions masked
        from .integrations.helm.chart import scan_template

        scan_template(display, path, data, options, inventory)
        return
    try:
        text = decode(data).text
        docs = parse_documents(text)
    except (ConvertError, RecursionError):
        return
    scan_documents(
        docs + helm.raw_object_documents(docs, text, path, options), display, path, options, inventory
    )


def file_inventory(ctx: FileContext) -> Inventory:
    """The inventory of one file on its own (a lone text, or a file outside a run)."""
    inventory = Inventory()
    scan_documents(ctx.docs, ctx.display, ctx.path, ctx.options, inventory)
    return inventory
