"""Per-file state shared by readers and writers: the text, its documents, edits and findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from yaml.nodes import Node

from . import namespaces
from .findings import Finding, Severity
from .manifests.edit import Editor
from .manifests.objects import K8sObject
from .manifests.render import detect_style
from .manifests.source import SourceText
from .manifests.yamldoc import Document, line_col
from .model.inventory import Inventory
from .options import Options

_Self = TypeVar("_Self", bound="FileContext")


@dataclass
class FileContext:
    display: str  # the path as the user named it, used in findings
    path: Path | None  # on disk (None for stdin)
    source: SourceText
    docs: list[Document]
    options: Options
    editor: Editor
    is_json: bool
    findings: list[Finding] = field(default_factory=list)
    # The run-wide facts: NADs, PodNetworks, claims of every input (SPEC §6); empty for a lone text.
    inventory: Inventory = field(default_factory=Inventory)
    # Whether a kustomization uses the file as a patch (a patch cannot create objects): asked only when
    # a conversion would create some, since finding out reads the kustomizations above the file.
    patch_test: Callable[[], bool] | None = None
    # The namespace of the object a patch of this file changes (kustomize applies a patch to an object of
    # its kustomization's resources, and the patched object keeps that object's namespace).
    patch_namespace: Callable[[K8sObject], str | None] | None = None
    # Another part of the same file has errors (a big file converted in chunks, chunked.py): the file
    # stays untouched, so nothing is added per network here either.
    file_failed: bool = False
    # What the writers learnt in the earlier parts of the same file (chunked.py): PodNetworks added, their
    # NADs, generated object names; None when the context is the whole file.
    file_state: dict[str, Any] | None = None
    _is_patch: bool | None = field(default=None, repr=False)

    @property
    def is_patch(self) -> bool:
        if self._is_patch is None:
            self._is_patch = bool(self.patch_test is not None and self.patch_test())
        return self._is_patch

    @classmethod
    def of(
        cls: type[_Self],
        display: str,
        path: Path | None,
        source: SourceText,
        docs: list[Document],
        options: Options,
        is_json: bool,
        **more: Any,
    ) -> _Self:
        """A context for parsed ``source``: its editor writes in the style the documents show."""
        style = detect_style([d.root for d in docs], is_json)
        editor = Editor(source.text, source.newline, style)
        return cls(display, path, source, docs, options, editor, is_json, **more)

    @property
    def text(self) -> str:
        return self.source.text

    def report(
        self,
        rule: str,
        severity: Severity,
        message: str,
        node: Node | None = None,
        path: str = "",
        hint: str = "",
        line: int = 0,
        column: int = 0,
    ) -> None:
        if node is not None and not line:
            line, column = line_col(node)
        self.findings.append(
            Finding(
                rule=rule,
                severity=severity,
                message=message,
                file=self.display,
                line=line,
                column=column,
                path=path,
                hint=hint,
            )
        )

    def report_strict(
        self, rule: str, severity: Severity, message: str, node: Node | None, path: str, hint: str = ""
    ) -> None:
        """A warning that --strict turns into an error (a loss the user asked not to accept)."""
        if severity is Severity.WARNING and self.options.strict:
            severity = Severity.ERROR
            hint = (hint + " " if hint else "") + "(an error because of --strict)"
        self.report(rule, severity, message, node=node, path=path, hint=hint)

    def resolve_namespace(self, given: str | None) -> tuple[str, str]:
        """(namespace, source) of an object that says ``given``: see ``namespaces.resolve``."""
        return namespaces.resolve(given, self.options.namespace, self.path, self.inventory.target_namespaces)

    def namespace_of(self, obj: K8sObject, baked: bool = False) -> str:
        """The object's namespace; reports the fallback to ``default``.

        ``baked``: the namespace is written into something that does not follow the object when it is
        applied elsewhere (a cluster-scoped PodNetwork's reference to a NAD, a PodNetwork name made with
        ``{namespace}``): then the guess is a warning, since ``kubectl apply -n prod`` would not move it.
        """
        ns, source = self.resolve_namespace(obj.namespace)
        if source in ("kustomization", "default") and self.patch_namespace is not None:
            target = self.patch_namespace(obj)
            if target:
                return target
        if source == "default":
            where = {"node": obj.node, "path": obj.path.rstrip(".") or "metadata"}
            if baked:
                self.report(
                    "default-namespace",
                    Severity.WARNING,
                    f"{obj.kind} {obj.name or '(unnamed)'} has no namespace, and none is decided for its "
                    "file: 'default' is written where its namespace must be said (a cluster-wide PodNetwork "
                    "names it)",
                    hint="set metadata.namespace, the namespace: of its kustomization or the targetNamespace "
                    "of the Flux Kustomization that deploys it, pass --namespace, or set namespace in the "
                    "project configuration",
                    **where,  # type: ignore[arg-type]
                )
            else:
                self.report(
                    "default-namespace",
                    Severity.INFO,
                    f"{obj.kind} {obj.name or '(unnamed)'} has no namespace: assuming 'default'",
                    hint="set metadata.namespace, pass --namespace, or convert inside a kustomization with "
                    "one",
                    **where,  # type: ignore[arg-type]
                )
        return ns

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)
