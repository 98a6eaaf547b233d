"""Per-file results and the cross-file checks: light, so a run over unrelated files imports little."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import prefilter
from .errors import ConvertError
from .findings import Finding, Severity
from .options import Devices, Options, Target

if TYPE_CHECKING:
    from .suppress import Suppressions


@dataclass
class FileResult:
    display: str
    path: Path | None
    original: bytes
    new: bytes | None = None  # None: nothing to change (or the file failed and stays untouched)
    findings: list[Finding] = field(default_factory=list)
    nads: list[tuple[str, str]] = field(default_factory=list)  # NADs defined in the file
    nad_refs: list[tuple[tuple[str, str], Finding]] = field(default_factory=list)  # uses, with a location
    podnetworks: list[tuple[str, tuple[str, str], str]] = field(default_factory=list)  # (name, NAD, identity)
    created: list[tuple[Path, bytes]] = field(default_factory=list)  # new files (kustomize configurations)
    suppressions: Suppressions | None = None  # its ``# k8snet-convert: ignore[...]`` comments, if any

    @property
    def changed(self) -> bool:
        return (self.new is not None and self.new != self.original) or bool(self.created)

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def nad_use(
    nad: tuple[str, str], subject: str, file: str, line: int, column: int, path: str
) -> tuple[tuple[str, str], Finding]:
    """A workload's use of a NAD, with the finding to report if no input of the run defines it."""
    return (
        nad,
        Finding(
            rule="nad-not-found",
            severity=Severity.INFO,
            message=f"{subject} uses NetworkAttachmentDefinition {nad[0]}/{nad[1]}, which is not among "
            "the inputs",
            file=file,
            line=line,
            column=column,
            path=path,
            hint="convert it too, or make sure it exists in the cluster (its PodNetwork must be created "
            "from it)",
        ),
    )


def too_deep(
    display: str, path: Path | None, data: bytes, left: str = "the file is left untouched"
) -> FileResult:
    """The result of a text nested beyond what the parser survives (RecursionError): a finding, no edit."""
    result = FileResult(display, path, data)
    result.findings.append(
        Finding(
            rule="too-deep",
            severity=Severity.ERROR,
            message=f"the document is nested too deeply to be processed; {left}",
            file=display,
        )
    )
    return result


def error_finding(result: FileResult, exc: ConvertError) -> Finding:
    """The tool's own error about a whole file (or a place in it, when the error knows where)."""
    return Finding(
        rule=exc.rule,
        severity=Severity.ERROR,
        message=exc.message,
        file=result.display,
        line=exc.line,
        column=exc.column,
        hint=exc.hint,
    )


def symlink_findings(links: list[Path], verb: str = "convert") -> list[Finding]:
    """Symbolic links met while walking a folder are never followed: each is said."""
    return [
        Finding(
            rule="symlink-skipped",
            severity=Severity.INFO,
            message=f"a symbolic link: not followed (name its target to {verb} it)",
            file=link.as_posix(),
        )
        for link in links
    ]


def unreadable_folder_findings(folders: list[tuple[str, str]]) -> list[Finding]:
    """Folders the walk could not list: their files are not read, and the run says so."""
    return [
        Finding(
            rule="unreadable-folder",
            severity=Severity.ERROR,
            message=f"cannot read the folder: {reason}; the files in it are not read",
            file=folder,
            hint="check its permissions",
        )
        for folder, reason in folders
    ]


def needs_parsing(path: Path | str | None, data: bytes, options: Options) -> bool:
    """Whether a file can hold anything for us: the byte pre-filter (with the pod markers of the dialects
    converted from), plus kustomizations that set a namespace (over resources that may hold NADs:
    ``integrations.kustomize.may_change`` looks further)."""
    if prefilter.may_contain_networking(data, pod_markers(options)):
        return True
    return options.to is Target.NATIVE and is_kustomization(path) and KUSTOMIZATION_NAMESPACE_MARKER in data


@lru_cache(maxsize=16)
def pod_markers(options: Options) -> tuple[bytes, ...]:
    """Markers of the pods of the dialects converted from that have none of their own: native pods
    (``networks``) and DRA pods naming claims of another file (``resourceClaims``)."""
    markers = []
    target = options.to.value
    if "native" in options.sources and (target != "native" or "profile" in options.given):
        markers.append(prefilter.NATIVE_POD_MARKER)
    if "dra" in options.sources and (target != "dra" or "dra_api_version" in options.given):
        markers.append(prefilter.DRA_POD_MARKER)
    if options.devices is Devices.DRA:  # device requests of pods without networks (DPDK apps)
        markers.append(prefilter.DEVICE_REQUEST_MARKER)
    elif options.devices is Devices.DEVICE_PLUGIN:  # claims of templates in another file
        markers.append(prefilter.DRA_POD_MARKER)
    return tuple(markers)


# A kustomization without networking markers changes only when it sets ``namespace:`` (the key can be
# spelled otherwise only with escapes, which the pre-filter catches).
KUSTOMIZATION_NAMESPACE_MARKER = b"namespace"


KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def is_kustomization(path: Path | str | None) -> bool:
    return path is not None and os.path.basename(path) in KUSTOMIZATION_NAMES


# Findings that say a file still holds Multus-era networking only a person can migrate (a template of
# another engine, Helm values, a chart helper): ``check`` fails on them as on a file it would change.
MIGRATION_LEFT = frozenset(
    {"templated-file", "templated-value", "helm-helper-networks", "helm-template-unparsed"}
)


COLLISION_HINT = "use --name-template '{namespace}.{name}' (invertible: namespaces contain no dots)"


def cross_file_findings(
    results: Iterable[FileResult], defined: set[tuple[str, str]] | None = None
) -> list[Finding]:
    """NADs used but defined nowhere in the inputs (``defined``: the inventory's, else the results' own);
    PodNetwork names claimed from two files."""
    results = list(results)
    if defined is None:
        defined = {key for r in results for key in r.nads}
    findings: list[Finding] = []
    reported: set[tuple[str, tuple[str, str]]] = set()
    for r in results:
        for key, finding in r.nad_refs:
            if key not in defined and (finding.file, key) not in reported:
                reported.add((finding.file, key))
                findings.append(finding)
    claims: dict[str, tuple[tuple[str, str], str, str]] = {}
    for r in results:
        for name, nad, identity in r.podnetworks:
            prior = claims.get(name)
            if prior is None:
                claims[name] = (nad, identity, r.display)
            elif prior[0] != nad and prior[2] != r.display:
                same = prior[1] == identity
                findings.append(
                    Finding(
                        rule="podnetwork-name-collision",
                        severity=Severity.WARNING if same else Severity.ERROR,
                        message=f"NetworkAttachmentDefinitions {prior[0][0]}/{prior[0][1]} ({prior[2]}) and "
                        f"{nad[0]}/{nad[1]} both map to PodNetwork {name!r}"
                        + (" (identical configs)" if same else " with different configs"),
                        file=r.display,
                        hint=COLLISION_HINT,
                    )
                )
    return findings


def first_changed_line(original: bytes, new: bytes) -> int:
    """1-based number of the first line of ``original`` that ``new`` changes, for ``file:line``.

    Objects appended after the end point at the original's last line; 0 when nothing changes. Found by
    comparing the texts, not lists of their lines: a 10 MiB file is 600,000 lines.
    """
    if original == new:
        return 0
    old, fresh = _text(original), _text(new)
    if old == fresh:
        return max(_line_count(old), 1)  # the same text in other bytes (an encoding change)
    at = _first_difference(old, fresh)
    if at >= len(old):  # only appended: the original's last line
        return max(_line_count(old), 1)
    # A line that only gained an ending changed nothing on the original's own lines before it.
    return min(old.count("\n", 0, at) + 1, max(_line_count(old), 1))


def _first_difference(a: str, b: str, block: int = 65536) -> int:
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start : start + block] == b[start : start + block]:
        start += block
    end = min(start + block, limit)
    while start < end and a[start] == b[start]:
        start += 1
    return start


def _line_count(text: str) -> int:
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)


def _text(data: bytes) -> str:
    from .manifests.source import decode

    try:
        return decode(data).text
    except ConvertError:
        return data.decode("utf-8", errors="replace")
