"""Helm charts, values files, Flux HelmReleases and the templates of other engines (SPEC §6, §6.1).

The loading, pipeline and scan layers dispatch here: by path (a chart's templates/), or by content
(values files and HelmReleases, template syntax). Nothing heavy is imported until a file needs it: a run
over files without templates pays for ``template_kind`` (one cached stat per folder) and a byte search.

* ``chart.py``: chart templates converted in place (``mask.py`` masks the actions, ``footprints.py``
  finds what cannot be converted, ``restore.py`` writes the result back with its actions);
* ``values.py``: values files and HelmReleases (Multus annotations reported, raw objects converted);
* ``templates.py``: Jinja, envsubst, kube-burner and other Go templates, named and left untouched;
* ``verify.py``: ``--verify-helm``, the proof by Helm's own engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .paths import chart_root, is_values_file, template_kind

if TYPE_CHECKING:
    from ...context import FileContext
    from ...manifests.yamldoc import Document
    from ...model import Inventory
    from ...options import Options
    from ...results import FileResult

__all__ = [
    "chart_root",
    "check_values",
    "is_values_file",
    "other_template",
    "raw_object_documents",
    "scan_bytes",
    "template_kind",
    "template_syntax",
]

_RAW_OBJECT_MARKER = "extra"  # every raw-object key of values.RAW_OBJECT_KEYS starts with it
_HELMRELEASE_MARKER = "HelmRelease"


def _values_like(text: str, path: Path | None, options: Options) -> bool:
    return _HELMRELEASE_MARKER in text or is_values_file(path, options.values_files)


def raw_object_documents(
    docs: list[Document], text: str, path: Path | None, options: Options
) -> list[Document]:
    """The raw-object lists (``extraDeploy``…) of a values file or HelmRelease, as List documents."""
    if _RAW_OBJECT_MARKER not in text or not _values_like(text, path, options):
        return []
    from .values import raw_object_documents as found

    return found(docs, path, options)


def scan_bytes(display: str, path: Path | None, data: bytes, options: Options, inventory: Inventory) -> None:
    """The survey's reading of one file (``scan.scan_bytes``): a chart's template with its actions
    masked, the raw objects of values files and HelmReleases as objects of their own."""
    if template_kind(path) == "template":
        from .chart import scan_template

        scan_template(display, path, data, options, inventory)
        return
    from ...scan import scan_bytes as scan

    scan(
        display,
        path,
        data,
        options,
        inventory,
        lambda docs, text: raw_object_documents(docs, text, path, options),
    )


def check_values(ctx: FileContext) -> None:
    """Multus annotations set by a values file or a HelmRelease (``templated-value``)."""
    if _values_like(ctx.text, ctx.path, ctx.options):
        from .values import check

        check(ctx)


def template_syntax(text: str) -> bool:
    """Whether ``text`` may hold template syntax of any engine (``{{``, ``{%``, ``${``)."""
    return "{{" in text or "{%" in text or "${" in text


def other_template(result: FileResult, text: str, docs: list[Document] | None, options: Options) -> bool:
    """Whether the file is a template of another engine (then reported and left untouched)."""
    from . import templates

    if not templates.decides(text, docs, result.path):
        return False
    templates.report(result, text, docs, options)
    return True
