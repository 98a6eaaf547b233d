"""``validate``: objects in files against the JSON Schemas of ``schema.py`` (SPEC §8).

Files are read like every other command reads them (``exclude``, the configuration, what git ignores,
Helm templates skipped and said, unreadable files reported); each problem is a ``schema-violation``
finding at the line and column of the value it is about (the schema error's path, followed through the
YAML nodes). A PodNetwork is checked against the schema of its own KEP revision: the revision of the
pod ``spec.networks`` entries of the run that name it (``name`` in the last revision,
``podNetworkName`` in the first), else the run's ``--profile``. Both revisions give a PodNetwork the
same shape, but the last one requires a domain-prefixed ``spec.provider``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema
from yaml.nodes import MappingNode, Node, SequenceNode

from .findings import Finding, Severity
from .manifests.objects import K8sObject, iter_objects, pod_template
from .manifests.yamldoc import Document, get, get_path, line_col, parse_documents, scalar, to_python
from .options import Options, Profile
from .schema import schema_of

RULE = "schema-violation"
PODNETWORK_STEMS = {
    Profile.KEP_3698: "podnetwork.kep-3698",
    Profile.KEP_3698_REV2: "podnetwork.kep-3698-rev2",
}
_REV2_ENTRY_KEYS = {"name", "attachmentName", "isDefaultGW"}


@cache
def validator(stem: str) -> jsonschema.protocols.Validator:
    schema = schema_of(stem)
    cls = jsonschema.validators.validator_for(schema)
    checker: jsonschema.protocols.Validator = cls(schema)
    return checker


def _errors(stem: str, instance: Any) -> list[jsonschema.ValidationError]:
    """The schema's errors, each an ``anyOf``'s most relevant branch ("'multus' does not match
    '^…/…$'" rather than "is not valid under any of the given schemas")."""
    from jsonschema.exceptions import best_match

    found = []
    for error in validator(stem).iter_errors(instance):
        if error.validator == "anyOf" and error.context:
            # an optional field (``string | null``): the branch of the value's own type says what is wrong
            typed = [e for e in error.context if e.validator != "type"]
            error = best_match(typed or error.context) or error
        found.append(error)
    return sorted(found, key=lambda e: list(map(str, e.absolute_path)))


def _path(error: jsonschema.ValidationError, prefix: str = "") -> str:
    parts = [prefix] if prefix else []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(part if "." not in part and "/" not in part else f'"{part}"')
    return ".".join(parts)


def _message(error: jsonschema.ValidationError, prefix: str = "") -> str:
    path = _path(error, prefix)
    return (f"{path}: " if path else "") + error.message


def errors_for(stem: str, instance: Any) -> list[str]:
    """The problems of ``instance`` under one schema, as ``path: message`` texts."""
    return [_message(e) for e in _errors(stem, instance)]


def entry_stem(entry: Any) -> str:
    """Which revision a pod ``spec.networks`` entry is written in, by its keys."""
    if isinstance(entry, dict) and _REV2_ENTRY_KEYS & set(entry):
        return "network-entry.kep-3698-rev2"
    return "network-entry.kep-3698"


def node_at(node: Node, path: Iterator[Any] | list[Any]) -> Node:
    """The deepest node of ``path`` (keys and indexes) that exists: where a problem is to be shown."""
    for part in path:
        child: Node | None = None
        if isinstance(node, MappingNode) and isinstance(part, str):
            child = get(node, part)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node


@dataclass
class Validation:
    """What a ``validate`` run found: its findings and what it checked."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    objects: int = 0
    # PodNetworks, checked once every file is read (their revision may come from another file)
    podnetworks: list[tuple[str, K8sObject]] = field(default_factory=list)
    rev2_names: set[str] = field(default_factory=set)
    rev1_names: set[str] = field(default_factory=set)
    suppressions: dict[str, Any] = field(default_factory=dict)  # by file: its suppression comments

    def problem(
        self, display: str, obj: K8sObject, node: Node, error: jsonschema.ValidationError, prefix: str = ""
    ) -> None:
        """One schema error of the value at ``node`` (``prefix``: that value's YAML path in ``obj``)."""
        where = node_at(node, list(error.absolute_path))
        self.add(display, obj, where, _message(error, prefix), _path(error, prefix))

    def add(self, display: str, obj: K8sObject, node: Node, message: str, path: str) -> None:
        """A ``schema-violation`` finding at ``node``; ``path`` is relative to the object."""
        line, column = line_col(node)
        self.findings.append(
            Finding(
                rule=RULE,
                severity=Severity.ERROR,
                message=f"{obj.kind} {obj.name or '(unnamed)'}: {message}",
                file=display,
                line=line,
                column=column,
                path=obj.path + path,
            )
        )

    def check(
        self, display: str, obj: K8sObject, node: Node, stem: str, instance: Any = None, prefix: str = ""
    ) -> None:
        for error in _errors(stem, to_python(node) if instance is None else instance):
            self.problem(display, obj, node, error, prefix)

    def document(self, display: str, doc: Document) -> None:
        for obj in iter_objects(doc):
            self.objects += self._object(display, obj)

    def _object(self, display: str, obj: K8sObject) -> bool:
        """Check one object; whether any schema applied to it."""
        checked = False
        if obj.kind == "PodNetwork":
            self.podnetworks.append((display, obj))
            checked = True
        elif obj.kind == "PodNetworkAttachment":
            self.check(display, obj, obj.node, "podnetworkattachment")
            checked = True
        elif obj.kind == "NetworkAttachmentDefinition":
            self.check(display, obj, obj.node, "networkattachmentdefinition")
            checked = True
        elif obj.kind in ("ResourceClaimTemplate", "DeviceClass"):
            from . import device_models
            from .dialects.dra.models import schema_stem

            # only the CNI driver's, our DeviceClass, and the objects of --devices
            data = to_python(obj.node)
            stem = schema_stem(data) or device_models.schema_stem(data)
            if stem:
                self.check(display, obj, obj.node, stem)
                checked = True
        elif obj.kind == "ConfigMap":
            raw_node = get_path(obj.node, "data", "selection.json")
            raw = scalar(raw_node)
            if raw is not None and raw_node is not None:
                checked = True
                try:
                    element = json.loads(raw)
                except json.JSONDecodeError as exc:
                    where = 'data."selection.json"'
                    self.add(display, obj, raw_node, f"selection.json is not JSON: {exc.msg}", where)
                else:  # inside a JSON string: the value's own line is as close as YAML marks go
                    for error in _errors("selection-element", element):
                        self.problem(display, obj, raw_node, error, 'data."selection.json"')
        template = pod_template(obj)
        networks = get(template.spec, "networks") if template else None
        if networks is not None:
            checked = True
            assert template is not None
            networks_path = template.key_path("spec", "networks")[len(obj.path) :]
            if not isinstance(networks, SequenceNode):
                self.add(display, obj, networks, f"{networks_path} must be a list", networks_path)
            else:
                for index, entry_node in enumerate(networks.value):
                    entry = to_python(entry_node)
                    stem = entry_stem(entry)
                    self.check(display, obj, entry_node, stem, entry, f"{networks_path}[{index}]")
                    names = self.rev2_names if stem.endswith("rev2") else self.rev1_names
                    if isinstance(entry, dict):
                        names.add(str(entry.get("name") or entry.get("podNetworkName") or ""))
        return checked

    def finish(self, profile: Profile) -> None:
        """The PodNetworks, each against its own revision's schema."""
        for display, obj in self.podnetworks:
            if obj.name in self.rev2_names:
                revision = Profile.KEP_3698_REV2
            elif obj.name in self.rev1_names:
                revision = Profile.KEP_3698
            else:
                revision = profile
            self.check(display, obj, obj.node, PODNETWORK_STEMS[revision])
        self.podnetworks.clear()


def check_text(display: str, text: str, profile: Profile = Profile.KEP_3698) -> list[Finding]:
    """The problems of the objects in one text (PodNetworks by the revision of its pod entries)."""
    run = Validation()
    for doc in parse_documents(text):
        run.document(display, doc)
    run.finish(profile)
    return run.findings


def validate_paths(inputs: list[str], options: Options) -> Validation:
    """Every input file, read as lint reads them; suppression comments are applied by the caller."""
    from . import verdict
    from .lint.source import load_unmarked, read_inputs, symlink_findings
    from .results import unreadable_folder_findings

    run = Validation()
    skipped: list[Any] = []
    unreadable: list[tuple[str, str]] = []
    for result in read_inputs(inputs, options, skipped, unreadable):
        run.files += 1
        # every file is parsed: a ConfigMap or PodNetworkAttachment may carry no networking marker
        ctx = load_unmarked(result, options) if not result.findings else None
        if ctx is not None:
            for doc in ctx.docs:
                run.document(result.display, doc)
            verdict.read_suppressions(result, ctx)
            result.findings.extend(ctx.findings)
        run.findings.extend(result.findings)
        if result.suppressions is not None:
            run.suppressions[result.display] = result.suppressions
    run.finish(options.profile)
    run.findings.extend(symlink_findings(skipped, "validate"))
    run.findings.extend(unreadable_folder_findings(unreadable))
    return run
