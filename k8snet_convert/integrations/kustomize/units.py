"""A kustomization is converted whole or not at all (SPEC §6).

A base and the overlays that build on it are one unit: the files ``kubectl kustomize`` reads for any of
them (resources, bases, components, patch files, the kustomization files themselves). Converting some of
a unit's files and not others renders half-migrated objects: a Deployment with the Multus annotation from
its base and ``spec.networks`` from its overlay's patch, each with a different subset of the networks.

The survey records each kustomization's direct links; the run joins them into units (connected
components), converts a unit's files in one batch, and before anything is written ``block`` keeps every
file of a unit in which some file cannot be converted as it was, naming that file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from typing import Any

from ... import rules
from ...findings import Finding, Severity
from ...manifests import plain
from ...namespaces import kustomization_in
from ...results import FileResult
from .reading import patch_paths_of

UNIT_RULE = "kustomize-unit-blocked"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
CONVERT = rules.Stage.CONVERT


def links(kustomization: str, data: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The files a kustomization reads directly (absolute, normalised): its resource files, the
    kustomization files of the folders it names as resources, bases or components, and its patch files.
    ``data``: its content, when the caller has read it already."""
    if data is None:
        data = plain.load_mapping(kustomization)
    folder = os.path.dirname(kustomization)
    found: list[str] = []
    for key in ("resources", "bases", "components"):
        items = data.get(key)
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, str) or "://" in item or item.startswith(("git@", "github.com/")):
                continue
            target = os.path.normpath(os.path.join(folder, item))
            if target.endswith(MANIFEST_SUFFIXES):
                # A manifest's name: joined as it is (a missing file joins nothing); no stat per file
                # (a 10,000-file tree names 10,000 of them).
                found.append(target)
                continue
            try:
                mode = os.stat(target).st_mode
            except (OSError, ValueError):
                continue  # missing: kustomize reports it
            if stat.S_ISDIR(mode):
                inner = kustomization_in(target)
                if inner is not None:
                    found.append(inner)
            elif stat.S_ISREG(mode):
                found.append(target)
    found.extend(sorted(patch_paths_of(data, kustomization)))
    return tuple(found)


def units(kustomizations: Iterable[tuple[str, tuple[str, ...]]], candidates: Iterable[str]) -> dict[str, str]:
    """{candidate file: unit} for the candidate files that share a unit with another candidate (a unit is
    named by one of its kustomization files). A file no kustomization reads is a unit of its own."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the same root whatever the order: deterministic names

    for kustomization, linked in kustomizations:
        parent.setdefault(kustomization, kustomization)
        for file in linked:
            parent.setdefault(file, file)
            union(kustomization, file)
    grouped: dict[str, list[str]] = {}
    for file in candidates:
        if file in parent:
            grouped.setdefault(find(file), []).append(file)
    return {file: root for root, files in grouped.items() if len(files) > 1 for file in files}


def block(results: list[FileResult], unit_of: dict[str, str]) -> None:
    """Keep every file of a unit as it was when one of its files cannot be converted.

    ``unit_of`` maps a result's display name to its unit. The blocked files lose their new content and
    created files, and get an error naming the first file (in input order) that blocked them.
    """
    by_unit: dict[str, list[FileResult]] = {}
    for result in results:
        unit = unit_of.get(result.display)
        if unit is not None:
            by_unit.setdefault(unit, []).append(result)
    for members in by_unit.values():
        blocker = next((r for r in members if _blocking(r)), None)
        if blocker is None:
            continue
        first = next(f for f in blocker.findings if _is_blocking(f))
        for result in members:
            if result is blocker or _blocking(result) or not result.changed:
                continue
            result.new = None
            result.created = []
            # What the conversion would have done (moved, added, would-convert) did not happen: only
            # the findings about the manifests themselves stay.
            result.findings = [
                f for f in result.findings if rules.get(f.rule).stage is not rules.Stage.CONVERT
            ]
            where = f"{first.file}:{first.line}:{first.column}" if first.line else first.file
            result.findings.append(
                Finding(
                    rule=UNIT_RULE,
                    severity=Severity.ERROR,
                    message="not converted: it is built by the same kustomization as "
                    f"{blocker.display}, which cannot be converted ({where}: {first.rule}); converting this "
                    "file alone would leave the rendered overlays half-migrated",
                    file=result.display,
                    hint=f"fix {blocker.display} first, then convert again: the whole kustomization converts "
                    "together",
                )
            )


def _is_blocking(finding: Finding) -> bool:
    # check's would-convert is an error that says "this file would change", not "it cannot".
    return finding.severity is Severity.ERROR and finding.rule != "would-convert"


def _blocking(result: FileResult) -> bool:
    return any(_is_blocking(f) for f in result.findings)
