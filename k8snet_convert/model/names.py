"""Names every dialect agrees on: the primary interface, the default network, DNS-label rules, the
interface-name rule, and the PodNetwork name template with its inverse."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# The cluster's default network (KEP-3698) and the interface it always has in the pod (Multus, CNI).
DEFAULT_NETWORK = "default"
PRIMARY_INTERFACE = "eth0"

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def implicit_interface(position: int) -> str:
    """Multus's name for an unnamed interface: the k-th network of the annotation (from 1) is ``net<k>``;
    position 0 is the primary network, ``eth0``."""
    return f"net{position}" if position else PRIMARY_INTERFACE


def is_dns_label(value: str) -> bool:
    return len(value) <= 63 and bool(_LABEL.match(value))


def is_dns_subdomain(value: str) -> bool:
    return len(value) <= 253 and bool(_SUBDOMAIN.match(value))


def short_hash(*parts: str) -> str:
    import hashlib  # only naming collisions need it; keeps start-up light

    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:5]


def dns_label(value: str, *hash_parts: str) -> str:
    """``value`` made a valid DNS label (RFC 1123); a hash keeps altered names distinct."""
    label = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")
    label = re.sub(r"-{2,}", "-", label)
    if label == value and len(label) <= 63:
        return label
    suffix = short_hash(value, *hash_parts)
    return (label[: 63 - len(suffix) - 1].rstrip("-") + "-" + suffix).lstrip("-")


def invalid_interface_reason(name: str) -> str | None:
    """CNI's interface-name rule (libcni ValidateInterfaceName), which Multus applies at ADD."""
    if not name:
        return "is empty"
    if len(name.encode()) > 15:
        return f"is {len(name.encode())} bytes long (the limit is 15)"
    if name in (".", ".."):
        return "may not be '.' or '..'"
    for char in name:
        if char in "/:" or char.isspace():
            return f"contains {char!r}"
    return None


INTERFACE_HINT = "interface names are 1-15 bytes, not '.' or '..', without '/', ':' or whitespace"


# -- the PodNetwork name template ----------------------------------------------------------------------


def apply_template(template: str, namespace: str, name: str) -> str:
    """PodNetwork name of a NAD: ``{name}`` and ``{namespace}`` replaced, nothing else interpreted."""
    return template.replace("{namespace}", namespace).replace("{name}", name)


def check_template(template: str) -> str | None:
    """Why a name template is unusable, or None."""
    rest = template.replace("{namespace}", "").replace("{name}", "")
    if "{" in rest or "}" in rest:
        return f"name template {template!r}: only {{name}} and {{namespace}} may appear in braces"
    if "{name}" not in template:
        return f"name template {template!r} must contain {{name}}"
    return None


_LABEL_PART = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN_PART = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


@lru_cache(maxsize=4096)
def invert_template(template: str, network: str, default_namespace: str) -> tuple[tuple[str, str], ...]:
    """Every (namespace, name) of a NAD that ``template`` maps to the PodNetwork name ``network``.

    Without ``{namespace}`` in the template the namespace is ``default_namespace`` (the pod's, or Multus's
    for the default network). With it, the namespace is a DNS label (no dots), the name a DNS subdomain;
    more than one answer means the name cannot be inverted (``{namespace}-{name}``).
    """
    parts = [p for p in re.split(r"(\{namespace\}|\{name\})", template) if p]
    found: list[tuple[str, str]] = []

    def match(index: int, pos: int, bound: dict[str, str]) -> Iterator[dict[str, str]]:
        if index == len(parts):
            if pos == len(network):
                yield bound
            return
        part = parts[index]
        placeholder = part[1:-1] if part in ("{namespace}", "{name}") else None
        if placeholder is None or placeholder in bound:
            literal = part if placeholder is None else bound[placeholder]
            if network.startswith(literal, pos):
                yield from match(index + 1, pos + len(literal), bound)
            return
        for end in range(pos + 1, len(network) + 1):
            value = network[pos:end]
            if placeholder == "namespace" and (len(value) > 63 or not _LABEL_PART.fullmatch(value)):
                continue
            yield from match(index + 1, end, {**bound, placeholder: value})

    for bound in match(0, 0, {}):
        name = bound.get("name", "")
        namespace = bound.get("namespace", default_namespace)
        valid = bool(name) and bool(_SUBDOMAIN_PART.fullmatch(name))
        if valid and apply_template(template, namespace, name) == network and (namespace, name) not in found:
            found.append((namespace, name))
        if len(found) > 1:
            break
    return tuple(found)
