"""NetworkAttachmentDefinitions: the CNI config inside, and the checks SPEC §4.7 makes on it."""

from __future__ import annotations

import contextlib
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from yaml.nodes import ScalarNode

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.yamldoc import get, get_path, scalar
from ...model import Severity

NAD_KIND = "NetworkAttachmentDefinition"
NAD_GROUP = "k8s.cni.cncf.io"
RESOURCE_NAME_KEY = "k8s.v1.cni.cncf.io/resourceName"
KNOWN_CNI_VERSIONS = ("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")


@dataclass
class Nad:
    obj: K8sObject
    name: str
    namespace: str
    config_text: str | None  # None or "" = config-less (the config lives on the nodes)
    config: dict[str, Any] | None  # parsed, when valid JSON
    resource_name: str | None

    @property
    def key(self) -> tuple[str, str]:
        return self.namespace, self.name

    @property
    def plugins(self) -> list[dict[str, Any]]:
        """The plugin chain: one plugin for a single config, the list of a conflist (``type`` wins)."""
        if not self.config:
            return []
        if self.config.get("type"):
            return [self.config]
        plugins = self.config.get("plugins")
        return [p for p in plugins if isinstance(p, dict)] if isinstance(plugins, list) else []

    def ipam_families(self) -> set[int] | None:
        """Address families of the IPAM ranges, when the config says (None = unknown)."""
        families: set[int] = set()
        for plugin in self.plugins:
            ipam = plugin.get("ipam")
            if isinstance(ipam, dict):
                families |= _families(ipam)
        return families or None


def is_nad(obj: K8sObject) -> bool:
    return obj.kind == NAD_KIND and obj.api_version.startswith(NAD_GROUP + "/")


def _families(ipam: dict[str, Any]) -> set[int]:
    """Families of every address-like value in an IPAM section (host-local, static, whereabouts...)."""
    found: set[int] = set()

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("routes", "dns", "exclude"):
                    continue
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                found.add(ipaddress.ip_network(value.split("-")[0], strict=False).version)

    visit({k: v for k, v in ipam.items() if k in ("subnet", "ranges", "range", "addresses", "ipRanges")})
    return found


def read_nad(ctx: FileContext, obj: K8sObject) -> Nad:
    namespace = ctx.namespace_of(obj)
    name = obj.name
    resource_name = scalar(get_path(obj.node, "metadata", "annotations", RESOURCE_NAME_KEY))
    config_node = get_path(obj.node, "spec", "config")
    config_text = scalar(config_node)
    nad = Nad(obj, name, namespace, config_text, None, resource_name)
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
        nad.config = _parse_config(ctx, nad, config_node, where)
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


def _parse_config(ctx: FileContext, nad: Nad, node: ScalarNode, where: str) -> dict[str, Any] | None:
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


def nad_identity(nad: Nad) -> str:
    """What decides whether two NADs are the same network: config and resource name."""
    if nad.config is not None:
        return json.dumps(nad.config, sort_keys=True) + "|" + (nad.resource_name or "")
    return (nad.config_text or "") + "|" + (nad.resource_name or "")


def get_config_node(obj: K8sObject) -> ScalarNode | None:
    node = get(get(obj.node, "spec"), "config")
    return node if isinstance(node, ScalarNode) else None
