"""Byte-level pre-filter: files that cannot hold multi-network objects are never YAML-parsed.

A file is a candidate when its bytes contain any of these, and only then is it decoded and parsed:

- ``cni.cncf.io``: the networks annotation ``k8s.v1.cni.cncf.io/networks`` in every spelling that keeps
  the dots (JSON-escaped ``\\/`` and JSON-patch ``~1`` change only the ``/``), the NAD apiVersion
  ``k8s.cni.cncf.io/v1``, the status annotations and ``resourceName``;
- ``multus``: ``v1.multus-cni.io/default-network``, KubeVirt's ``multus.networkName``;
- ``PodNetwork``: the native PodNetwork and PodNetworkAttachment kinds;
- ``k8snet-convert.io``: this tool's attachment-params annotation;
- ``resource.k8s.io``: DRA ResourceClaims and ResourceClaimTemplates;
- a byte order mark of UTF-16 or UTF-32 (the markers above would be spread over wide characters), or a NUL
  byte (a UTF-16 file without a BOM, or a binary file named ``.yaml``: reported, not skipped);
- a backslash escape that can spell any character in a quoted YAML/JSON string (``\\u``, ``\\U``, ``\\x``)
  or join two lines of a double-quoted string (a backslash before a line break): with these a key can be
  written without its literal bytes, so such files are parsed to be sure.

Nothing else can spell those keys and kinds: plain and single-quoted scalars have no escapes, and folded
lines join with a space. tests/test_prefilter.py checks every spelling listed here.

Kustomization files (``kustomization.yaml``, ``kustomization.yml``, ``Kustomization``) without a marker
are candidates too when they contain ``namespace`` (``results.needs_parsing``): such a kustomization
needs the namespace transformer configuration if its resources hold NADs or PodNetworks. It is then
read as plain data, and parsed for editing only when its resources say so
(``integrations.kustomize.may_change``, tested against the full reading in tests/test_kustomize.py).
"""

from __future__ import annotations

import codecs

MARKERS: tuple[bytes, ...] = (
    b"cni.cncf.io",
    b"multus",
    b"PodNetwork",
    b"k8snet-convert.io",
    b"resource.k8s.io",
)
ESCAPES: tuple[bytes, ...] = (b"\\u", b"\\U", b"\\x", b"\\\n", b"\\\r")
WIDE_BOMS: tuple[bytes, ...] = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32 BOMs start with these


# Native pod entries (``name``/``interfaceName``) and DRA pod claims (a template named in another file) carry
# no marker of their own: when that dialect is converted from, any file with the key is read.
NATIVE_POD_MARKER = b"networks"
DRA_POD_MARKER = b"resourceClaims"
# --devices dra: a container's device requests (a pod may use a network's devices without the annotation).
DEVICE_REQUEST_MARKER = b"resources"


def may_contain_networking(data: bytes, extra: tuple[bytes, ...] = ()) -> bool:
    """Whether ``data`` can hold objects to convert; ``extra``: markers of pods without one of their own."""
    if any(marker in data for marker in extra):
        return True
    if data[:2] in WIDE_BOMS or data[:4] == codecs.BOM_UTF32_BE:
        return True
    return (
        any(marker in data for marker in MARKERS)
        or b"\x00" in data
        or (b"\\" in data and any(escape in data for escape in ESCAPES))
    )


# Kinds the run-wide inventory keeps (NADs, PodNetworks, DRA claims): a file without any of these bytes, nor
# an escape or wide encoding that could hide them, holds nothing for it.
FACT_MARKERS: tuple[bytes, ...] = (
    b"NetworkAttachmentDefinition",
    b"PodNetwork",
    b"resource.k8s.io",
    b"targetNamespace",  # a Flux Kustomization deciding the namespace of what it deploys
)


def may_hold_facts(data: bytes) -> bool:
    if any(marker in data for marker in FACT_MARKERS) or b"\x00" in data:
        return True
    if data[:2] in WIDE_BOMS:
        return True
    return b"\\" in data and any(escape in data for escape in ESCAPES)
