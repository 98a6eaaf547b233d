"""Byte-level pre-filter: files that cannot hold multi-network objects are never YAML-parsed.

Every marker below is a substring that any spelling of a relevant key or kind must contain:
- ``cni.cncf.io``: the networks annotation (``k8s.v1.cni.cncf.io/...``, also JSON-escaped ``\\/`` and
  JSON-patch ``~1`` forms, which only change the ``/``), the NAD apiVersion ``k8s.cni.cncf.io/v1``,
  status annotations and resourceName;
- ``multus-cni.io``: ``v1.multus-cni.io/default-network``;
- ``multus``: KubeVirt's ``multus.networkName`` and the PodNetwork provider;
- ``PodNetwork``: native PodNetwork / PodNetworkAttachment kinds;
- ``k8snet-convert.io``: our own attachment-params annotation;
- ``resource.k8s.io``: DRA claims and templates.
UTF-16 and UTF-32 files are decoded by their byte order mark before the test.
"""

from __future__ import annotations

import codecs

MARKERS: tuple[str, ...] = (
    "cni.cncf.io",
    "multus",
    "PodNetwork",
    "k8snet-convert.io",
    "resource.k8s.io",
)
_BYTE_MARKERS = tuple(m.encode() for m in MARKERS)
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def may_contain_networking(data: bytes) -> bool:
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data[:4] in _WIDE_BOMS:
        return True  # wide encodings: let the decoder and the parser decide
    return any(marker in data for marker in _BYTE_MARKERS)
