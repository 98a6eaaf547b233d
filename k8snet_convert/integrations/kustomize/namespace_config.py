"""The namespace transformer configuration: a kustomization that sets ``namespace:`` over resources that
hold (or will hold after conversion) PodNetworks or PodNetworkAttachments gains a transformer
configuration, so that ``spec.parametersRefs[].namespace`` follows the objects it names, and a transformer
that takes the namespace off the cluster-scoped PodNetwork again (kustomize treats kinds it does not know as
namespaced, and only a custom OpenAPI schema could tell it otherwise — which would replace the built-in
schema and break strategic merges of built-in kinds).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ... import prefilter
from ...context import FileContext
from ...dialects.multus.nad import NAD_KIND
from ...dialects.native.profiles import ATTACHMENT_KIND, PODNETWORK_KIND
from ...errors import ConvertError
from ...files import lexical, lexical_str, read_file
from ...manifests import plain, render
from ...manifests.edit import content_end
from ...manifests.objects import iter_objects
from ...manifests.source import decode
from ...manifests.yamldoc import get, get_pair, parse_documents, scalar
from ...model import Severity
from ...options import AttachmentParams, Options, Target
from ...results import KUSTOMIZATION_NAMESPACE_MARKER, pod_markers
from .reading import (
    resource_stamps,
)

if TYPE_CHECKING:
    from ...results import FileResult
from .patch_text import _replace

NAMESPACE_CONFIG = "k8snet-convert-namespace.yaml"
SCOPE_TRANSFORMER = "k8snet-convert-cluster-scoped.yaml"

NAMESPACE_CONFIG_TEXT = """\
# Written by k8snet-convert. PodNetwork and PodNetworkAttachment name their parameters objects (a
# NetworkAttachmentDefinition, a ConfigMap) by namespace. kustomize's namespace transformer does not know
# these fields: without this configuration the references would keep the old namespace while the objects
# they name move into the kustomization's namespace.
namespace:
- kind: PodNetwork
  path: spec/parametersRefs/namespace
- kind: PodNetworkAttachment
  path: spec/parametersRefs/namespace
"""

SCOPE_TRANSFORMER_TEXT = """\
# Written by k8snet-convert. PodNetwork is cluster-scoped, but kustomize treats kinds it does not know as
# namespaced and gives them the kustomization's namespace. This transformer runs after the namespace
# transformer and takes the namespace off again (the add makes the remove safe when there is none).
apiVersion: builtin
kind: PatchTransformer
metadata:
  name: k8snet-convert-podnetwork-cluster-scoped
patch: |-
  [{"op": "add", "path": "/metadata/namespace", "value": ""},
   {"op": "remove", "path": "/metadata/namespace"}]
target:
  kind: PodNetwork
"""


@lru_cache(maxsize=4096)
def _builds_native_objects_cached(path: str, stamp: tuple[int, int], options: Options) -> bool:
    return _builds_native_objects(path, options)


def _builds_native_objects(path: str, options: Options) -> bool:
    """Whether a resource file holds, or after conversion will hold, PodNetworks or PodNetworkAttachments.

    NADs count too: a file whose conversion fails keeps its NADs, and gets its PodNetworks later. The
    answer is the same before and after the file is converted, so it does not depend on whether a run
    with --write has reached the file yet.
    """
    try:
        data = read_file(path)
    except OSError:
        return False
    if not prefilter.may_contain_networking(data):
        return False
    wanted = {PODNETWORK_KIND, ATTACHMENT_KIND, NAD_KIND}
    if _holds_kinds(data, wanted):
        return True
    # Only a workload with per-attachment parameters makes objects (a PodNetworkAttachment): that takes
    # the conversion itself, so it is done last and only for files that may hold such a workload.
    if b"cni.cncf.io" not in data or options.attachment_params is not AttachmentParams.CONFIGMAP:
        return False
    new = _converted_text(path, data, options)
    return new is not None and _holds_kinds(new.encode(), wanted)


def _converted_text(path: str, data: bytes, options: Options) -> str | None:
    """A resource file converted on its own (None when it fails or does not change)."""
    from ... import engine
    from ...loading import load
    from ...results import FileResult
    from ...scan import file_inventory

    ctx = load(FileResult(path, Path(path), data), options)
    if ctx is None:
        return None
    ctx.inventory = file_inventory(ctx)
    engine.convert(ctx)
    return ctx.editor.result() if ctx.editor.edits and not ctx.has_errors else None


def _holds_kinds(data: bytes, kinds: set[str]) -> bool:
    try:
        documents = parse_documents(decode(data).text)
    except ConvertError:
        return False
    return any(obj.kind in kinds for doc in documents for obj in iter_objects(doc))


# What the caller has just learnt about files (absolute, normalised paths) while converting them:
# files without any networking marker, and files that define NADs. ``needs_namespace_config`` need
# not read those again. Set only inside ``known_files``.
_KNOWN_PLAIN: frozenset[str] | set[str] = frozenset()
_KNOWN_NADS: frozenset[str] | set[str] = frozenset()


@contextmanager
def known_files(plain: frozenset[str] | set[str], nads: frozenset[str] | set[str]) -> Iterator[None]:
    """While converting kustomizations, trust that ``plain`` files make no PodNetworks and that
    ``nads`` files hold NADs (so their kustomizations need the namespace configuration)."""
    global _KNOWN_PLAIN, _KNOWN_NADS
    prior = _KNOWN_PLAIN, _KNOWN_NADS
    _KNOWN_PLAIN, _KNOWN_NADS = plain, nads
    try:
        yield
    finally:
        _KNOWN_PLAIN, _KNOWN_NADS = prior


def needs_namespace_config(kustomization: Path | str, options: Options) -> bool:
    """A kustomization's resources (through its bases) hold PodNetwork-making objects."""
    for file, stamp in dict.fromkeys(resource_stamps(os.fspath(kustomization))):
        if file in _KNOWN_PLAIN:
            continue
        if file in _KNOWN_NADS:
            return True
        try:
            found = _builds_native_objects_cached(file, stamp, options)
        except TypeError:  # an Options value that cannot be hashed: no cache
            found = _builds_native_objects(file, options)
        if found:
            return True
    return False


def may_change(kustomization: Path, data: bytes, options: Options) -> bool:
    """Whether converting a kustomization can change it or report on it; False is certain.

    Parsing every kustomization with marks was half of a 10,000-file ``--check``. One without any
    networking marker (so without patches to convert) changes only when it sets a namespace over
    resources that make PodNetworks, which the plain-data reading of it and its resources tells.
    """
    if options.to is not Target.NATIVE:
        return prefilter.may_contain_networking(data, pod_markers(options))
    if prefilter.may_contain_networking(data):
        return True
    if KUSTOMIZATION_NAMESPACE_MARKER not in data:
        return False
    path = lexical_str(kustomization)  # the key _resources reads it under
    content = plain.load(path)
    if plain.unreadable(content):
        return True  # the full reading reports why
    namespace = content.get("namespace") if isinstance(content, dict) else None
    if not namespace or not isinstance(namespace, str):
        return False
    # With {namespace} in PodNetwork names, the namespace must be checked against the resources'.
    return "{namespace}" in options.name_template or needs_namespace_config(path, options)


def _references(root: MappingNode, key: str, folder: Path, file: Path) -> bool:
    items = get(root, key)
    if not isinstance(items, SequenceNode):
        return False
    return any(
        isinstance(v, ScalarNode) and lexical(folder / str(v.value)) == lexical(file) for v in items.value
    )


def _namespace_config(ctx: FileContext, result: FileResult, root: MappingNode) -> None:
    namespace = scalar(get(root, "namespace"))
    if not namespace or ctx.path is None or not needs_namespace_config(ctx.path, ctx.options):
        return
    folder = ctx.path.parent
    changed: list[str] = []
    created: list[tuple[Path, bytes]] = []
    for name, list_key, content in (
        (NAMESPACE_CONFIG, "configurations", NAMESPACE_CONFIG_TEXT),
        (SCOPE_TRANSFORMER, "transformers", SCOPE_TRANSFORMER_TEXT),
    ):
        file = folder / name
        referenced = _references(root, list_key, folder, file)
        if file.exists():
            try:
                same = read_file(file, limit=len(content.encode())) == content.encode()
            except OSError:
                same = False
            if not same and not referenced:
                ctx.report(
                    "kustomize-config-exists",
                    Severity.WARNING,
                    f"{name} exists next to the kustomization with other content: it is not overwritten "
                    f"nor added to {list_key}",
                    node=root,
                    path=list_key,
                    hint="rename or remove the file, then convert again (it is k8snet-convert's own name)",
                )
                continue
        else:
            created.append((file, content.encode()))
        if not referenced:
            _append_reference(ctx, root, list_key, name)
            changed.append(f"{list_key}: {name}")
    if not changed and not created:
        return
    ctx.report(
        "kustomize-namespace-config",
        Severity.INFO,
        f"the kustomization sets namespace {namespace!r} over PodNetworks: "
        + (", ".join(changed) if changed else "configuration files restored")
        + " (PodNetworks stay cluster-scoped, their parametersRefs follow the namespace)",
        node=get(root, "namespace") or root,
        path="namespace",
    )
    if not ctx.has_errors:
        result.created.extend(created)


def _append_reference(ctx: FileContext, root: MappingNode, key: str, name: str) -> None:
    editor = ctx.editor
    pair = get_pair(root, key)
    if pair is None:
        editor.add_pair(root, key, [name])
        return
    items = pair[1]
    if isinstance(items, SequenceNode) and items.value:
        # Strings render like objects in a sequence (the Editor's signature names only objects).
        editor.add_sequence_items_after(items, items.value[-1], cast(list[dict[str, Any]], [name]))
        return
    # ``configurations: []`` or an empty value: write the list in place.
    flow = bool(getattr(items, "flow_style", False)) or ctx.is_json
    rendered = json.dumps([name]) if flow or isinstance(items, SequenceNode) else None
    start = int(pair[0].end_mark.index)
    end = content_end(ctx.text, items)
    if rendered is None:
        col = int(pair[0].start_mark.column)
        text = render.pair_text("k", [name], col, editor.style, editor.newline)
        _replace(editor, start, end, text[col + 1 : -len(editor.newline)])
    else:
        _replace(editor, start, end, ": " + rendered)
