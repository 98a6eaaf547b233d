"""Every name a rendered overlay uses must exist in that rendering (SPEC §6).

With a ``--name-template`` that holds ``{namespace}``, the name of a NAD's PodNetwork, and every pod's
reference to it, hold the namespace the NAD or the pod was converted in. A kustomization whose
``namespace:`` moves those objects into another namespace renders a PodNetwork named after the old one,
while the overlay's own patches (converted in the overlay's namespace) name the new one: a dangling
reference. kustomize cannot rename an object for its namespace, so such a kustomization is refused, with
the objects that would be named wrongly.
"""

from __future__ import annotations

import os
from typing import Any

from yaml.nodes import MappingNode

from ... import namespaces
from ...context import FileContext
from ...dialects.multus.nad import NAD_KIND
from ...dialects.multus.reader import NETWORKS_KEY
from ...errors import AnnotationError
from ...manifests.objects import POD_TEMPLATE_PATHS
from ...manifests.yamldoc import get, scalar
from ...model import Severity
from ...model.codec.parse import parse_networks
from ...model.names import apply_template
from ...options import Target
from .reading import _plain_objects_cached, _resource_entries

RULE = "kustomize-namespace-template"
SHOWN = 3  # objects named in the message; the rest are counted


def check_namespace_template(ctx: FileContext, root: MappingNode) -> None:
    """Refuse a kustomization whose ``namespace:`` a {namespace} name template cannot follow."""
    options = ctx.options
    template = options.name_template
    node = get(root, "namespace")
    namespace = scalar(node)
    if options.to is not Target.NATIVE or "{namespace}" not in template or not namespace or ctx.path is None:
        return
    moved: list[str] = []
    for file, _outer, stamp in _resource_entries(os.fspath(ctx.path)):
        for obj in _plain_objects_cached(file, stamp):
            own = _converted_in(obj, file, ctx)
            if own is not None and own != namespace:
                meta = obj.get("metadata")
                name = str(meta.get("name") or "") if isinstance(meta, dict) else ""
                shown = os.path.relpath(file, os.path.dirname(os.fspath(ctx.path)))
                moved.append(f"{obj.get('kind')} {name} ({shown}, converted in {own!r})")
    if not moved:
        return
    example = apply_template(template, "<namespace>", "<nad>")
    listed = "; ".join(moved[:SHOWN]) + (f"; and {len(moved) - SHOWN} more" if len(moved) > SHOWN else "")
    ctx.report(
        RULE,
        Severity.ERROR,
        f"namespace {namespace!r} moves objects whose PodNetwork names hold another namespace "
        f"(--name-template {template!r} names them {example!r}): {listed}. The rendered overlay would name "
        "PodNetworks after the old namespace, and kustomize cannot rename them",
        node=node,
        path="namespace",
        hint="use --name-template '{name}' (PodNetwork names must then be unique across namespaces), set "
        "the namespace in the base, or give this overlay NADs of its own",
    )


def _converted_in(obj: Any, file: str, ctx: FileContext) -> str | None:
    """The namespace ``obj`` is converted in when it bakes it into a PodNetwork name (a NAD, or a pod
    that names a NAD without a namespace), else None."""
    meta = obj.get("metadata")
    given = meta.get("namespace") if isinstance(meta, dict) else None
    given = given if isinstance(given, str) and given else None
    kind = obj.get("kind")
    if kind == NAD_KIND:
        return _resolve(given, file, ctx)
    path = POD_TEMPLATE_PATHS.get(kind) if isinstance(kind, str) else None
    if path is None:
        return None
    template: Any = obj
    for key in path:
        template = template.get(key) if isinstance(template, dict) else None
    meta = template.get("metadata") if isinstance(template, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    value = annotations.get(NETWORKS_KEY) if isinstance(annotations, dict) else None
    if not isinstance(value, str):
        return None
    try:
        local = any(a.nad[0] == "" for a in parse_networks(value, ""))
    except AnnotationError:
        return None  # the file's own conversion reports it
    return _resolve(given, file, ctx) if local else None


def _resolve(given: str | None, file: str, ctx: FileContext) -> str:
    from pathlib import Path

    return namespaces.resolve(given, ctx.options.namespace, Path(file), ctx.inventory.target_namespaces)[0]
