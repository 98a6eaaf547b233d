"""The CNI config a claim embeds: a NAD's config with one attachment's per-attachment fields written in.

Multus passes ``cni-args`` by merging it into every plugin's ``args.cni``, ``ips`` and ``mac`` as CNI_ARGS
and runtimeConfig; a claim has only the config, so they go where the plugins read them from the config:
static IPAM ``addresses``, host-local's ``args.cni.ips`` convention, tuning's ``mac``. The rest is lost,
each with its reason.
"""

from __future__ import annotations

import copy
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from ...model import SelectionElement
from ...model.network import plugin_chain
from ...options import DraApiVersion, Options
from . import (
    ALLOCATION_MODE,
    DEVICE_CLASS_KIND,
    DRIVER,
    EMBEDDED_ANNOTATION,
    MANAGED_BY,
    MANAGED_BY_LABEL,
    NETWORK_ANNOTATION,
    PARAMETERS_API_VERSION,
    PARAMETERS_KIND,
    TEMPLATE_KIND,
    api_version,
    device_class_selector,
)

__all__ = ["plugin_chain"]  # re-exported: readers of claims walk the same chain

# Why a per-attachment field cannot be written into the embedded config.
_RUNTIME_ONLY = (
    "Multus hands it to the plugins as a runtimeConfig capability, and the CNI DRA driver has no such channel"
)
LOSS_REASONS: dict[str, str] = {
    "infiniband-guid": _RUNTIME_ONLY,
    "portMappings": _RUNTIME_ONLY,
    "bandwidth": _RUNTIME_ONLY,
    "deviceID": _RUNTIME_ONLY + " (DRA allocates the device itself)",
    "default-route": "a claim cannot move the pod's default route; put the route into the CNI config's IPAM "
    "routes",
    "ipam-claim-reference": "Multus ignores it too, and IPAM claims have no DRA form",
}
_OTHER_LOSS = "the CNI DRA driver has no place for it"


# -- the embedded config --------------------------------------------------------------------------------


# Deeper configs are refused before they are copied and rendered (both recurse once per level).
MAX_NESTING = 64


def nesting(value: Any) -> int:
    """How deeply lists and objects nest in a JSON value (iteratively: the value may be hostile)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            items = current.values() if isinstance(current, dict) else current
            stack.extend((item, depth) for item in items)
    return deepest


@dataclass
class Embedding:
    """A NAD config with one selection element's per-attachment fields written into it."""

    config: dict[str, Any]
    params: dict[str, Any]  # the element fields the config now says (canonical keys, element order)
    placed: dict[str, str]  # key -> where it went, for the finding
    lost: dict[str, str]  # key -> why it could not be written
    name_added: bool = False


def with_name(config: dict[str, Any], nad_name: str) -> tuple[dict[str, Any], bool]:
    """Multus gives a config without ``name`` the NAD's name (reference/multus.md §3.2); so does the claim."""
    if isinstance(config.get("name"), str) and config["name"]:
        return config, False
    items = [(k, v) for k, v in config.items() if k != "name"]
    at = 1 if items and items[0][0] == "cniVersion" else 0
    items.insert(at, ("name", nad_name))
    return dict(items), True


def embed(config: dict[str, Any], nad_name: str, element: SelectionElement) -> Embedding:
    """Write what the CNI config can carry of ``element`` into a copy of ``config``.

    Multus passes ``cni-args`` by merging it into every plugin's ``args.cni``, ``ips`` and ``mac`` as
    CNI_ARGS and runtimeConfig; a claim has only the config, so they go where the plugins read them from
    the config: static IPAM ``addresses``, host-local's ``args.cni.ips`` convention, tuning's ``mac``.
    """
    named, added = with_name(copy.deepcopy(config), nad_name)
    result = Embedding(named, {}, {}, {}, added)
    params = element.params()
    plugins = plugin_chain(named)
    # cni-args first: Multus merges it into the config before any plugin reads args.cni.ips.
    for key in ("cni-args", "ips", "mac"):
        if key not in params:
            continue
        value = params[key]
        if key == "cni-args":
            outcome = _cni_args(plugins, value)
        elif key == "ips":
            outcome = _ips(plugins, value)
        else:
            outcome = _mac(plugins, value)
        if outcome[0]:
            result.placed[key] = outcome[1]
        else:
            result.lost[key] = outcome[1]
    for key, value in params.items():
        if key in result.placed:
            result.params[key] = value
        elif key not in result.lost:
            result.lost[key] = LOSS_REASONS.get(key, _OTHER_LOSS)
    return result


def _cni_args(plugins: list[dict[str, Any]], value: dict[str, Any]) -> tuple[bool, str]:
    if not plugins:
        return False, "the config has no plugin to take it"
    for plugin in plugins:
        args = plugin.get("args")
        if args is not None and not (isinstance(args, dict) and isinstance(args.get("cni", {}), dict)):
            return False, "a plugin's args.cni is not an object"
    for plugin in plugins:
        args = plugin.setdefault("args", {})
        args.setdefault("cni", {}).update(copy.deepcopy(value))
    return True, "args.cni of every plugin, as Multus merges it"


def _ips(plugins: list[dict[str, Any]], ips: list[str]) -> tuple[bool, str]:
    if not ips:
        return True, "nothing to write (Multus passes no address either)"
    with_ipam = [p for p in plugins if isinstance(p.get("ipam"), dict)]
    if len(with_ipam) != 1:
        what = "no plugin has" if not with_ipam else "several plugins have"
        return False, f"{what} an IPAM section to take them"
    plugin = with_ipam[0]
    ipam: dict[str, Any] = plugin["ipam"]
    kind = ipam.get("type")
    args = plugin.get("args")
    cni = args.get("cni") if isinstance(args, dict) else None
    if kind == "static":
        if not all(_is_cidr(ip) for ip in ips):
            return False, "static IPAM takes CIDR addresses only (Multus would fail the pod as well)"
        if isinstance(cni, dict) and "ips" in cni:
            return False, "the config's args.cni.ips already overrides the static addresses"
        current = ipam.get("addresses", [])
        if not isinstance(current, list):
            return False, "the static IPAM addresses are not a list"
        entries = [{"address": ip} for ip in ips]
        capabilities = plugin.get("capabilities")
        if isinstance(capabilities, dict) and capabilities.get("ips") is True:
            # Multus's runtimeConfig ips replace the configured addresses (plugins' static IPAM).
            ipam["addresses"] = entries
            return True, "the static IPAM addresses (replacing them, as runtimeConfig ips do)"
        # Without the capability only CNI_ARGS IP reaches the plugin, which appends.
        ipam["addresses"] = [*current, *entries]
        return True, "the static IPAM addresses (appended, as CNI_ARGS IP does)"
    if kind == "host-local":
        if args is not None and not (isinstance(args, dict) and isinstance(args.get("cni", {}), dict)):
            return False, "the plugin's args.cni is not an object"
        cni_args = plugin.setdefault("args", {}).setdefault("cni", {})
        current = cni_args.get("ips", [])
        if not isinstance(current, list):
            return False, "the plugin's args.cni.ips is not a list"
        cni_args["ips"] = [*current, *ips]
        return True, "host-local's args.cni.ips (the CNI args convention)"
    return False, f"{kind or 'this'} IPAM takes no per-pod addresses from its config"


def _is_cidr(value: str) -> bool:
    try:
        ipaddress.ip_interface(value)
    except ValueError:
        return False
    return "/" in value


def _mac(plugins: list[dict[str, Any]], mac: str) -> tuple[bool, str]:
    tuning = [p for p in plugins if p.get("type") == "tuning"]
    if not tuning:
        return False, "the chain has no tuning plugin to set it"
    for plugin in tuning:
        plugin["mac"] = mac
    return True, "the tuning plugin's mac"


def parameters(interface: str, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": PARAMETERS_API_VERSION,
        "kind": PARAMETERS_KIND,
        "ifName": interface,
        "config": config,
    }


def parameters_size(params: dict[str, Any]) -> int:
    """Bytes of the parameters as the API server stores them (compact JSON)."""
    return len(json.dumps(params, separators=(",", ":"), ensure_ascii=False).encode())


def template_object(
    name: str,
    namespace: str | None,
    nad: tuple[str, str],
    interface: str,
    embedding: Embedding,
    options: Options,
) -> dict[str, Any]:
    """A ResourceClaimTemplate with one request for one CNI device (native.md §3.2)."""
    annotations = {NETWORK_ANNOTATION: f"{nad[0]}/{nad[1]}"}
    if embedding.params:
        annotations[EMBEDDED_ANNOTATION] = json.dumps(
            embedding.params, separators=(",", ":"), ensure_ascii=False
        )
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    metadata["annotations"] = annotations
    device = {"deviceClassName": options.device_class, "allocationMode": ALLOCATION_MODE, "count": 1}
    if options.dra_api_version is DraApiVersion.V1BETA1:
        request: dict[str, Any] = {"name": name, **device}  # v1beta1: the fields sit on the request
    else:
        request = {"name": name, "exactly": device}
    config = {
        "requests": [name],
        "opaque": {"driver": DRIVER, "parameters": parameters(interface, embedding.config)},
    }
    return {
        "apiVersion": api_version(options.dra_api_version.value),
        "kind": TEMPLATE_KIND,
        "metadata": metadata,
        "spec": {"spec": {"devices": {"requests": [request], "config": [config]}}},
    }


def device_class_object(options: Options) -> dict[str, Any]:
    return {
        "apiVersion": api_version(options.dra_api_version.value),
        "kind": DEVICE_CLASS_KIND,
        "metadata": {"name": options.device_class, "labels": {MANAGED_BY_LABEL: MANAGED_BY}},
        "spec": {"selectors": [{"cel": {"expression": device_class_selector()}}]},
    }
