"""Kustomize (SPEC §6): a repository's kustomizations converted with the files they build.

* ``reading``: what kustomize says about a file (is it a patch, its targets, a kustomization's resources);
* ``patches``: a kustomization's patches converted to the run's target (``to_native``, ``to_multus``,
  refused for DRA), with ``patch_editor`` and ``patch_text`` beneath them;
* ``namespace_config``: the transformer configuration that keeps PodNetworks cluster-scoped and their
  references following a kustomization's ``namespace:``;
* ``namespace_template``: the refusal of a ``{namespace}`` name template that a ``namespace:`` moves;
* ``units``: a base and its overlays converted whole or not at all.
"""

from __future__ import annotations

from .namespace_config import (
    NAMESPACE_CONFIG,
    SCOPE_TRANSFORMER,
    known_files,
    may_change,
    needs_namespace_config,
)
from .patch_text import pointer, pointer_tokens
from .patches import convert, convert_patch_file

__all__ = [
    "NAMESPACE_CONFIG",
    "SCOPE_TRANSFORMER",
    "convert",
    "convert_patch_file",
    "known_files",
    "may_change",
    "needs_namespace_config",
    "pointer",
    "pointer_tokens",
]
