"""Lint of native (KEP-3698) manifests: pod ``spec.networks`` and PodNetwork objects.

The rules are those the Multus side checks before converting (SPEC §4.7), asked of what is already
native: interface names, one reference per PodNetwork, one default gateway per family, no networks on
host-network pods; plus the native shapes' own: an entry names exactly one network or attachment, a
Multus-served PodNetwork references a NAD.
"""

from __future__ import annotations

from typing import Protocol

from yaml.nodes import Node

from ..context import FileContext
from ..dialects.native.entries import NetworkEntry, read_networks
from ..dialects.native.objects import read_attachment, read_podnetwork
from ..dialects.native.profiles import ATTACHMENT_KIND, PARAMS_ANNOTATION, PODNETWORK_KIND
from ..findings import Finding, Severity
from ..manifests.objects import K8sObject, PodTemplate, iter_objects, pod_template
from ..manifests.yamldoc import get, get_pair, get_path, is_true
from ..model.names import DEFAULT_NETWORK, INTERFACE_HINT, invalid_interface_reason
from ..options import DEFAULT_PROVIDER
from ..results import FileResult


class _Report(Protocol):
    """How the helpers report on one pod (a closure that knows the pod's title and path)."""

    def __call__(self, rule: str, message: str, node: Node, hint: str = "") -> None: ...


NAD_NOT_FOUND_HINT = "convert or apply that NetworkAttachmentDefinition too, or fix the reference"


def check(ctx: FileContext, result: FileResult) -> None:
    objects = [obj for doc in ctx.docs for obj in iter_objects(doc)]
    # Attachments resolve to their PodNetwork only within the file: results must not depend on which
    # other files a pre-commit invocation happens to get.
    attachments: dict[tuple[str, str], str | None] = {}
    for obj in objects:
        if obj.kind == ATTACHMENT_KIND:
            info = read_attachment(obj, _namespace(ctx, obj))
            attachments[(info.namespace, info.name)] = info.network
    for obj in objects:
        if obj.kind == PODNETWORK_KIND:
            _podnetwork(ctx, result, obj)
            continue
        template = pod_template(obj)
        if template is not None:
            _pod(ctx, obj, template, attachments)


def _namespace(ctx: FileContext, obj: K8sObject) -> str:
    return ctx.resolve_namespace(obj.namespace)[0]


def _podnetwork(ctx: FileContext, result: FileResult, obj: K8sObject) -> None:
    info = read_podnetwork(obj, ctx.options.provider, _namespace(ctx, obj))
    # A NAD reference without a namespace: the KEP's examples always give one; 'default' is what an
    # unqualified namespaced reference means elsewhere in Kubernetes.
    nad_refs = [r for r in info.refs if r.is_nad and r.name]
    where = obj.path + "spec"
    # A missing provider means Multus, as does the configured --provider (the reverse reader agrees).
    multus = {DEFAULT_PROVIDER, ctx.options.provider} - {""}
    if info.provider is not None and info.provider not in multus:
        ctx.report(
            "not-multus-provider",
            Severity.INFO,
            f"PodNetwork {info.name}: provider {info.provider!r}, not {DEFAULT_PROVIDER}; its parametersRefs "
            "are not checked (and it has no Multus form)",
            node=get_path(obj.node, "spec", "provider") or obj.node,
            path=where + ".provider",
        )
        return
    if len(nad_refs) != 1 and info.name != DEFAULT_NETWORK:
        count = len(nad_refs)
        what = f"{count} NetworkAttachmentDefinitions" if count else "no NetworkAttachmentDefinition"
        ctx.report(
            "no-nad-reference",
            Severity.WARNING,
            f"PodNetwork {info.name}: spec.parametersRefs names {what}, but Multus serves a network from "
            "exactly one NetworkAttachmentDefinition (and it has no Multus form)",
            node=get_path(obj.node, "spec", "parametersRefs") or get(obj.node, "spec") or obj.node,
            path=where + ".parametersRefs",
            hint="reference one NAD: {group: k8s.cni.cncf.io, kind: network-attachment-definitions, "
            "name, namespace}",
        )
    for ref in nad_refs:
        namespace = ref.namespace or "default"
        line, column = ref.node.start_mark.line + 1, ref.node.start_mark.column + 1
        finding = Finding(
            rule="nad-not-found",
            severity=Severity.INFO,
            message=f"PodNetwork {info.name} references NetworkAttachmentDefinition "
            f"{namespace}/{ref.name}, which is not among the inputs",
            file=ctx.display,
            line=line,
            column=column,
            path=where + ".parametersRefs",
            hint=NAD_NOT_FOUND_HINT,
        )
        result.nad_refs.append(((namespace, ref.name), finding))


def _pod(
    ctx: FileContext, obj: K8sObject, template: PodTemplate, attachments: dict[tuple[str, str], str | None]
) -> None:
    found = read_networks(template.spec)
    if found is None:
        carrier = get_pair(template.annotations, PARAMS_ANNOTATION)
        if carrier is not None:
            ctx.report(
                "attachment-params-unused",
                Severity.WARNING,
                f"{obj.kind} {obj.name}: {PARAMS_ANNOTATION} is set but the pod has no spec.networks",
                node=carrier[0],
                path=template.key_path("metadata", "annotations", PARAMS_ANNOTATION),
                hint="remove the annotation, or add the spec.networks it belongs to",
            )
        return
    key, entries = found.key, found.entries
    path = template.key_path("spec", "networks")
    title = f"{obj.kind} {obj.name or obj.generate_name or '(unnamed)'}"

    def report(rule: str, message: str, node: Node, hint: str = "") -> None:
        ctx.report(rule, Severity.ERROR, f"{title}: {message}", node=node, path=path, hint=hint)

    if entries and is_true(get(template.spec, "hostNetwork")):
        report(
            "host-network",
            "hostNetwork: true with spec.networks (KEP-3698 forbids networks on host-network pods)",
            key,
            "drop spec.networks or hostNetwork",
        )
    if found.problem is not None:
        report(found.problem.rule, "spec.networks must be a list", found.problem.node)
    for entry in entries:
        for problem in entry.problems:
            report(problem.rule, problem.text(entry.index), problem.node, problem.hint)
        if entry.unknown_keys:
            ctx.report(
                "unknown-entry-key",
                Severity.WARNING,
                f"{title}: spec.networks entry {entry.index + 1} has "
                f"{', '.join(map(repr, entry.unknown_keys))}, which no KEP-3698 revision defines",
                node=entry.node,
                path=path,
                hint="check the spelling against podNetworkName/name, podNetworkAttachmentName/"
                "attachmentName, interfaceName, isDefaultGW4/isDefaultGW6/isDefaultGW",
            )
    _duplicates(report, entries, _namespace(ctx, obj), attachments)
    _interfaces(report, entries)
    _gateways(report, entries)


def _duplicates(
    report: _Report,
    entries: list[NetworkEntry],
    namespace: str,
    attachments: dict[tuple[str, str], str | None],
) -> None:
    seen: dict[str, NetworkEntry] = {}
    for entry in entries:
        if entry.problems:
            continue
        keys = []
        if entry.attachment is not None:
            keys.append(f"attachment {entry.attachment}")
            network = attachments.get((namespace, entry.attachment))
            if network:
                keys.append(f"network {network}")
        elif entry.network is not None:
            keys.append(f"network {entry.network}")
        for key in keys:
            other = seen.get(key)
            if other is not None and other is not entry:
                report(
                    "duplicate-network",
                    f"{other.label} and {entry.label} attach to the same {key.split(' ')[0]} "
                    f"{key.split(' ', 1)[1]!r}; the KEP allows one reference per PodNetwork",
                    entry.node,
                    "attach each network once",
                )
                break
            seen[key] = entry


def _interfaces(report: _Report, entries: list[NetworkEntry]) -> None:
    seen: dict[str, NetworkEntry] = {}
    for entry in entries:
        if entry.interface is None or entry.interface_node is None:
            continue  # unnamed: the implementation picks a free name
        reason = invalid_interface_reason(entry.interface)
        if reason:
            report(
                "invalid-interface-name",
                f"interface name {entry.interface!r} of {entry.label} {reason}",
                entry.interface_node,
                INTERFACE_HINT,
            )
        other = seen.get(entry.interface)
        if other is not None:
            report(
                "duplicate-interface",
                f"interface name {entry.interface!r} is used by {other.label} and {entry.label}",
                entry.interface_node,
                "give each network its own interface name",
            )
        seen.setdefault(entry.interface, entry)


def _gateways(report: _Report, entries: list[NetworkEntry]) -> None:
    for family in (4, 6):
        owners = [e for e in entries if family in e.gateways]
        if len(owners) > 1:
            report(
                "multiple-default-routes",
                f"{' and '.join(o.label for o in owners)} all claim the IPv{family} default gateway",
                owners[1].node,
                "flag one network per address family",
            )
