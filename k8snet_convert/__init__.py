"""k8snet-convert: migrate Kubernetes manifests between Multus and native multi-networking.

The Python API (docs/api.md): ``convert_text(text, to="native", **options) -> ConversionResult``, and the
``Finding`` and ``Severity`` its results carry. They are imported on first use (PEP 562), so that
``import k8snet_convert`` — which every run of the command line does — stays as light as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["ConversionResult", "Finding", "Severity", "__version__", "convert_text"]

if TYPE_CHECKING:  # what type checkers see; at run time, __getattr__ below
    from .api import ConversionResult, convert_text
    from .findings import Finding, Severity

_LAZY = {
    "convert_text": "api",
    "ConversionResult": "api",
    "Finding": "findings",
    "Severity": "findings",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
