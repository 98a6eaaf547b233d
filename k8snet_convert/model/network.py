"""A NetworkAttachmentDefinition as the run knows it: the CNI config and device resource behind a name."""

from __future__ import annotations

import contextlib
import ipaddress
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .attachment import NadKey


@dataclass(frozen=True)
class Network:
    key: NadKey
    config_text: str | None  # None or blank: config-less (the config lives on the nodes)
    resource_name: str | None  # k8s.v1.cni.cncf.io/resourceName: the device pool it needs
    file: str = ""  # where it is defined (display name)
    # Other files that define the same NAD differently: no definition may win by file order.
    conflicts: tuple[str, ...] = field(default=(), compare=False)
    # Whether the NAD says its namespace (metadata.namespace), or it was resolved for its file.
    namespaced: bool = field(default=True, compare=False)

    @cached_property
    def config(self) -> dict[str, Any] | None:
        """The parsed CNI config (None when it is missing or not a JSON object)."""
        if not self.config_text:
            return None
        try:
            value = json.loads(self.config_text)
        except (ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None

    @property
    def plugins(self) -> list[dict[str, Any]]:
        """The plugin chain: one plugin for a single config, the list of a conflist (``type`` wins)."""
        return plugin_chain(self.config) if self.config else []

    def ipam_families(self) -> set[int] | None:
        """Address families of the IPAM ranges, when the config says (None = unknown)."""
        families: set[int] = set()
        for plugin in self.plugins:
            ipam = plugin.get("ipam")
            if isinstance(ipam, dict):
                families |= _families(ipam)
        return families or None

    def meaning(self) -> tuple[object, str | None]:
        """What makes two definitions the same network: the parsed config (not its formatting) and the
        device resource."""
        config: object = self.config if self.config is not None else self.config_text
        return config, self.resource_name


def plugin_chain(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The plugins of a config, as references into it: the config itself when ``type`` is set (Multus:
    ``type`` wins over ``plugins``), else the dict entries of ``plugins``."""
    if config.get("type"):
        return [config]
    plugins = config.get("plugins")
    return [p for p in plugins if isinstance(p, dict)] if isinstance(plugins, list) else []


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
