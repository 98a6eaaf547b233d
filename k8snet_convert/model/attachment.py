"""One network of a pod, as the model holds it: a Multus selection element with its NAD resolved.

Of the three forms (the Multus annotation, KEP-3698 entries with their carriers, CNI-DRA claims), the
selection element says the most: every reader reads into it and every writer writes from it, so no pair
of dialects needs code of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .element import SelectionElement

NadKey = tuple[str, str]  # (namespace, name) of a NetworkAttachmentDefinition


@dataclass(frozen=True)
class Attachment:
    """One selection element as Multus reads it, plus what a lossless conversion needs to know."""

    element: SelectionElement  # canonical keys; namespace only if given non-empty
    namespace: str  # resolved: element.namespace, else the pod's (Multus's for the default network)
    form: Literal["short", "json"] = "json"  # how the source wrote it (the Multus annotation's form)
    # Keys Multus silently ignores (carried in ``element`` all the same, except an overridden
    # ``interfaceRequest``): unknown non-dotted keys, unknown keys inside portMappings entries and bandwidth
    # (as ``portMappings.key`` / ``bandwidth.key``), ``ipam-claim-reference``, and ``interfaceRequest`` when
    # a non-empty ``interface`` overrides it.
    ignored_keys: tuple[str, ...] = ()

    @property
    def interface(self) -> str | None:
        return self.element.interface

    @property
    def nad(self) -> NadKey:
        return self.namespace, self.element.name

    @property
    def label(self) -> str:
        return f"network {self.namespace}/{self.element.name}"
