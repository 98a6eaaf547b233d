"""NetworkAttachmentDefinitions: the CNI config inside, and the checks SPEC §4.7 makes on it."""

from __future__ import annotations

import json
from typing import Any

from yaml.nodes import ScalarNode

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.yamldoc import get_path, scalar
from ...model import Network, Severity
from ...options import Target
from ..base import NadSite

NAD_KIND = "NetworkAttachmentDefinition"
NAD_GROUP = "k8s.cni.cncf.io"
RESOURCE_NAME_KEY = "k8s.v1.cni.cncf.io/resourceName"
KNOWN_CNI_VERSIONS = ("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")


def is_nad(obj: K8sObject) -> bool:
    return obj.kind == NAD_KIND and obj.api_version.startswith(NAD_GROUP + "/")


def network_of(obj: K8sObject, namespace: str, display: str) -> Network:
    """The NAD as the model holds it (no checks: ``read_nad`` makes them)."""
    return Network(
        (namespace, obj.name),
        scalar(get_path(obj.node, "spec", "config")),
        scalar(get_path(obj.node, "metadata", "annotations", RESOURCE_NAME_KEY)),
        display,
        namespaced=obj.namespace is not None,
    )


def read_nad(ctx: FileContext, obj: K8sObject) -> NadSite:
    namespace = ctx.namespace_of(obj, baked=ctx.options.to is Target.NATIVE)
    name = obj.name
    nad = NadSite(network_of(obj, namespace, ctx.display), obj)
    resource_name = nad.network.resource_name
    config_node = get_path(obj.node, "spec", "config")
    config_text = nad.network.config_text
    where = obj.path + "spec.config"
    if not config_text or not config_text.strip():
        if config_text is not None and config_text.strip() == "" and config_text != "":
            ctx.report(
                "invalid-cni-json",
                Severity.ERROR,
                f"NetworkAttachmentDefinition {namespace}/{name}: spec.config is blank",
                node=config_node,
                path=where,
                hint="remove spec.config for a config-less NAD, or give the CNI JSON",
            )
        else:
            ctx.report(
                "config-less-nad",
                Severity.INFO,
                f"NetworkAttachmentDefinition {namespace}/{name} has no spec.config: "
                "its CNI config lives on the nodes (/etc/cni/multus/net.d)",
                node=obj.node,
                path=obj.path + "spec",
            )
    else:
        assert isinstance(config_node, ScalarNode)
        _check_config(ctx, nad, config_node, where)
    if resource_name:
        ctx.report(
            "device-resources",
            Severity.WARNING,
            f"NetworkAttachmentDefinition {namespace}/{name} requests device resource {resource_name!r}: "
            "clusters often rely on the network-resources-injector webhook, keyed on this annotation, "
            "to add the device requests to pods",
            node=get_path(obj.node, "metadata", "annotations"),
            path=obj.path + "metadata.annotations",
            hint="run with --inject-resources to write the requests into the containers explicitly",
        )
    return nad


def _check_config(ctx: FileContext, nad: NadSite, node: ScalarNode, where: str) -> dict[str, Any] | None:
    text = str(node.value)
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        line, column = locate_in_scalar(ctx.text, node, exc.pos)
        ctx.report(
            "invalid-cni-json",
            Severity.ERROR,
            f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}: invalid CNI JSON in spec.config: "
            f"{exc.msg} (line {exc.lineno}, column {exc.colno} of the config)",
            path=where,
            line=line,
            column=column,
            hint="fix the JSON; Multus would fail to load this network",
        )
        return None
    if not isinstance(config, dict):
        ctx.report(
            "invalid-cni-json",
            Severity.ERROR,
            f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}: spec.config must be a JSON object",
            node=node,
            path=where,
        )
        return None
    _primary_role(ctx, nad, node, where, config)
    config_name = config.get("name")
    if isinstance(config_name, str) and config_name and config_name != nad.name:
        ctx.report(
            "config-name-mismatch",
            Severity.WARNING,
            f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}: CNI config name {config_name!r} "
            "differs from the NAD name (plugins, IPAM and caches see the config name)",
            node=node,
            path=where,
            hint='use the same name in metadata.name and the config\'s "name"',
        )
    version = config.get("cniVersion")
    if version is not None and version not in KNOWN_CNI_VERSIONS:
        ctx.report(
            "unknown-cni-version",
            Severity.WARNING,
            f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}: cniVersion {version!r} is not one "
            f"libcni knows ({', '.join(KNOWN_CNI_VERSIONS)})",
            node=node,
            path=where,
        )
    if not config.get("type") and not isinstance(config.get("plugins"), list):
        ctx.report(
            "invalid-cni-json",
            Severity.ERROR,
            f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}: the config has neither 'type' "
            "nor 'plugins'",
            node=node,
            path=where,
            hint="Multus: delegate must have the 'type' or 'plugin' field",
        )
    return config


def _primary_role(
    ctx: FileContext, nad: NadSite, node: ScalarNode, where: str, config: dict[str, Any]
) -> None:
    """OVN-Kubernetes user-defined networks with ``"role": "primary"`` replace the namespace's primary
    network; KEP-3698 has no per-namespace primary network, so the conversion means something else."""
    plugins = [config, *(p for p in config.get("plugins") or [] if isinstance(p, dict))]
    if not any(p.get("role") == "primary" for p in plugins):
        return
    text = str(node.value)
    at = text.find('"role"')
    line, column = locate_in_scalar(ctx.text, node, max(at, 0))
    ctx.report(
        "primary-role-network",
        Severity.WARNING,
        f'NetworkAttachmentDefinition {nad.namespace}/{nad.name} has "role": "primary" (an OVN-Kubernetes '
        "user-defined network: the primary network of its namespace's pods, in place of the cluster's); "
        "KEP-3698 has no per-namespace primary network: its PodNetwork is cluster-wide, and pods that name "
        "it get it as one more network, not as their primary one",
        path=where,
        line=line,
        column=column,
        hint="keep this network on OVN-Kubernetes' UserDefinedNetwork API, or make the pods name it as their "
        "primary network (v1.multus-cni.io/default-network) before converting",
    )


def locate_in_scalar(text: str, node: ScalarNode, pos: int) -> tuple[int, int]:
    """File line and column (1-based) of character ``pos`` of a scalar's value.

    Exact for block scalars and single-line quoted scalars; for multi-line flow scalars each folded
    line is matched by its stripped content, which is exact unless escapes precede the position.
    """
    start = int(node.start_mark.index)
    end = int(node.end_mark.index)
    raw = text[start:end]
    first_line = int(node.start_mark.line) + 1
    if node.style in ("|", ">"):
        lines = raw.split("\n")[1:]
        indent = next((len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()), 0)
        value_lines = str(node.value).split("\n")
        consumed = 0
        for i, value_line in enumerate(value_lines):
            if pos <= consumed + len(value_line):
                return first_line + 1 + i, indent + (pos - consumed) + 1
            consumed += len(value_line) + 1
        return first_line + len(value_lines), indent + 1
    quote = 1 if node.style in ("'", '"') else 0
    body_lines = raw[quote:].split("\n")
    consumed = 0
    for i, raw_line in enumerate(body_lines):
        stripped = raw_line.strip() if i else raw_line.rstrip()
        lead = (len(raw_line) - len(raw_line.lstrip())) if i else 0
        if pos <= consumed + len(stripped):
            col0 = int(node.start_mark.column) + quote if i == 0 else 0
            return first_line + i, col0 + lead + (pos - consumed) + 1
        consumed += len(stripped) + 1
    return int(node.end_mark.line) + 1, int(node.end_mark.column) + 1
