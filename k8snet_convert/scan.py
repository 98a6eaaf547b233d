"""Building the run-wide inventory (SPEC §6): every NAD, PodNetwork and CNI-DRA claim of the inputs.

Only files whose bytes can hold such objects are parsed (the byte markers below); each object is offered
to every dialect's ``scan``, which keeps what resolving a reference needs. The conversion of a file never
depends on the order files are read in: the inventory is complete before the first file is converted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from . import namespaces, prefilter
from .context import FileContext
from .dialects.registry import DIALECTS
from .errors import ConvertError
from .manifests.objects import K8sObject, iter_objects
from .manifests.source import decode
from .manifests.yamldoc import Document, get_path, parse_documents, scalar
from .model import Inventory
from .options import Options


def scan_documents(
    docs: list[Document], display: str, path: Path | None, options: Options, inventory: Inventory
) -> None:
    for doc in docs:
        for obj in iter_objects(doc):
            if not obj.kind:
                continue
            if obj.kind == "Kustomization" and obj.api_version.startswith(FLUX_GROUP) and path is not None:
                _flux(obj, path, inventory)
                continue
            namespace = namespaces.resolve(
                obj.namespace, options.namespace, path, inventory.target_namespaces
            )[0]
            for dialect in DIALECTS.values():
                dialect.scan(obj, namespace, display, inventory, options)


FLUX_GROUP = "kustomize.toolkit.fluxcd.io/"


def _flux(obj: K8sObject, path: Path, inventory: Inventory) -> None:
    """A Flux Kustomization with ``spec.targetNamespace`` decides the namespace of the folder it deploys."""
    target = scalar(get_path(obj.node, "spec", "targetNamespace"))
    folder = scalar(get_path(obj.node, "spec", "path"))
    if target and folder is not None:
        inventory.target_namespaces[namespaces.flux_folder(os.fspath(path), folder)] = target


def settle(inventory: Inventory, options: Options) -> None:
    """Once every file is read: the NADs that do not say their namespace get the one a Flux Kustomization
    read after them decides (the survey meets files in walk order)."""
    if not inventory.target_namespaces:
        return
    inventory.relocate(
        lambda network: namespaces.resolve(
            None, options.namespace, Path(network.file), inventory.target_namespaces
        )[0]
    )


def scan_bytes(
    display: str,
    path: Path | None,
    data: bytes,
    options: Options,
    inventory: Inventory,
    more: Callable[[list[Document], str], list[Document]] | None = None,
) -> None:
    """Add one file's objects; a file that cannot be read is its conversion's business, not the scan's.
    ``more``: documents an integration finds inside these (a Helm values file's raw objects)."""
    if len(data) > options.max_file_size or not prefilter.may_hold_facts(data):
        return
    try:
        text = decode(data).text
        docs = parse_documents(text)
    except (ConvertError, RecursionError):
        return
    scan_documents(docs + (more(docs, text) if more else []), display, path, options, inventory)


def file_inventory(ctx: FileContext) -> Inventory:
    """The inventory of one file on its own (a lone text, or a file outside a run)."""
    inventory = Inventory()
    scan_documents(ctx.docs, ctx.display, ctx.path, ctx.options, inventory)
    return inventory
