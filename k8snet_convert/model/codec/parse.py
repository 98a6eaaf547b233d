"""Parsing the networks and default-network annotations exactly as Multus's parsePodNetworkAnnotation."""

from __future__ import annotations

import re
from typing import Any, Literal

from ...errors import AnnotationError
from ..attachment import Attachment
from ..element import IPAM_CLAIM_REFERENCE, SelectionElement
from .gojson import (
    _ANNOTATION_PREFIX,
    _DEFAULT_NETWORK_PREFIX,
    _DNS1123_LABEL,
    _EMPTY_VALUE,
    _IFNAMSIZ_MAX,
    _JSON_FORM_HINT,
    _JSON_TRIGGERS,
    _decode_json,
    _go_address_bits,
    _go_trim,
    _is_go_cidr,
    _is_go_mac,
    _q,
    _Report,
    _short_interface_ok,
    _Struct,
    _text,
)

# ----------------------------------------------------------------------------------------------------
# Parsing


def _short_error(
    prefix: str, index: int, item: str, multus_message: str, detail: str, hint: str = ""
) -> AnnotationError:
    return AnnotationError(
        f"{prefix}{_ANNOTATION_PREFIX}parsePodNetworkObjectName: {multus_message}: "
        f"element {index} {_q(item)}: {detail}",
        hint=hint,
    )


def _parse_short(value: str, prefix: str) -> list[_Struct]:
    """Multus's short form: "[namespace/]name[@interface]" items separated by commas."""
    elements: list[_Struct] = []
    for index, raw_item in enumerate(value.split(","), start=1):
        item = _go_trim(raw_item)
        slash_parts = item.split("/")
        if len(slash_parts) > 2:
            raise _short_error(
                prefix, index, item, "Invalid network object (failed at '/')", 'more than one "/"'
            )
        namespace = _go_trim(slash_parts[0]) if len(slash_parts) == 2 else ""
        at_parts = slash_parts[-1].split("@")
        if len(at_parts) > 2:
            raise _short_error(
                prefix, index, item, "Invalid network object (failed at '@')", 'more than one "@"'
            )
        name = _go_trim(at_parts[0])
        interface = _go_trim(at_parts[1]) if len(at_parts) == 2 else ""

        for what, token in (("namespace", namespace), ("network name", name)):
            if token and not _DNS1123_LABEL.fullmatch(token):
                raise _short_error(
                    prefix,
                    index,
                    item,
                    "Failed to parse: one or more items did not match comma-delimited format (must consist "
                    "of lower case alphanumeric characters). Must start and end with an alphanumeric "
                    f"character), mismatch @ '{token}'",
                    f"the {what} {_q(token)} is not a DNS-1123 label (lower-case letters, digits and '-', "
                    "starting and ending with a letter or digit)",
                    hint=_JSON_FORM_HINT if what == "network name" else "",
                )
        if interface and not _short_interface_ok(interface):
            size = len(interface.encode("utf-8"))
            raise _short_error(
                prefix,
                index,
                item,
                "Failed to parse interface name: must be less than 15 chars and not contain '/' or spaces. "
                f"interface name '{interface}'",
                f"the interface name {_q(interface)} is {size} bytes long, at most {_IFNAMSIZ_MAX} allowed"
                if size > _IFNAMSIZ_MAX
                else f"the interface name {_q(interface)} contains whitespace",
            )
        fields: dict[str, Any] = {"name": name}
        if namespace:
            fields["namespace"] = namespace
        if interface:
            fields["interface"] = interface
        elements.append(_Struct(fields))
    return elements


def _multus_checks(struct: _Struct, index: int, prefix: str) -> None:
    """Multus's post-processing checks on one element (the JSON form is the only one that sets these keys)."""
    where = f"element {index}"
    mac = struct.fields.get("mac")
    if mac and not _is_go_mac(mac):
        raise AnnotationError(
            f"{prefix}{_ANNOTATION_PREFIX}failed to mac: address {mac}: invalid MAC address ({where}: "
            f'"mac" is {_q(mac)})',
            hint='a MAC address is 6, 8 or 20 bytes: "02:00:00:00:00:01", "02-00-.." or "0200.0000.0001"',
        )
    guid = struct.fields.get("infiniband-guid")
    if guid and not _is_go_mac(guid):
        raise AnnotationError(
            f"{prefix}{_ANNOTATION_PREFIX}failed to validate infiniband GUID: address {guid}: "
            f'invalid MAC address ({where}: "infiniband-guid" is {_q(guid)})'
        )
    for ip in struct.fields.get("ips") or ():
        if "/" in ip:
            if not _is_go_cidr(ip):
                raise AnnotationError(
                    f'{prefix}failed to parse CIDR {_q(ip)}: invalid CIDR address: {ip} ({where}: in "ips")'
                )
        elif _go_address_bits(ip) is None:
            raise AnnotationError(
                f'{prefix}failed to parse IP address {_q(ip)} ({where}: in "ips")',
                hint="IPv4 fields must not have leading zeros, and IPv6 zones (%eth0) are not accepted"
                if "%" in ip or re.search(r"(^|\.)0\d", ip)
                else "",
            )


def _tool_checks(struct: _Struct, report: _Report, index: int, form: str) -> None:
    """What Multus accepts but can never work at run time (SPEC §4.1), or the model cannot carry."""
    if not struct.fields.get("name"):
        if form == "short":
            raise AnnotationError(
                f"element {index} has an empty network name: Multus accepts it, but no "
                "NetworkAttachmentDefinition has an empty name, so the pod could never start",
                hint="remove the empty item (a doubled, leading or trailing comma, or a blank value?)",
            )
        raise AnnotationError(
            f'element {index} has no "name" (or an empty one): Multus accepts it, but no '
            "NetworkAttachmentDefinition has an empty name, so the pod could never start"
        )
    for number, gateway in enumerate(struct.fields.get("default-route") or (), start=1):
        if gateway is None:
            raise AnnotationError(
                f'element {index}: "default-route" item {number} is null or "": Multus reads it as no '
                "address at all (a nil IP), which can never be a gateway"
            )
    for number, entry in enumerate(struct.fields.get("portMappings") or (), start=1):
        if entry is None:
            raise AnnotationError(
                f'element {index}: "portMappings" item {number} is null: Multus would hand the CNI plugins a '
                "port mapping without ports, which can never work"
            )
    if report.uncarried:
        raise AnnotationError(f"element {index}: {_q(report.uncarried.path)}: {report.uncarried.message}")


def _build(
    struct: _Struct, report: _Report, default_namespace: str, form: Literal["short", "json"]
) -> Attachment:
    fields = dict(struct.fields)
    ignored = list(report.ignored)
    # interfaceRequest, the pre-3.2 spelling, counts only when interface is empty; the canonical element
    # has interface alone.
    interface_request = fields.pop("interfaceRequest", None)
    if interface_request:
        if fields.get("interface"):
            ignored.append("interfaceRequest")
        else:
            fields["interface"] = interface_request
    # Empty namespace and interface mean "not given" to Multus.
    for key in ("namespace", "interface"):
        if not fields.get(key):
            fields.pop(key, None)
    if fields.get(IPAM_CLAIM_REFERENCE) is not None:
        ignored.append(IPAM_CLAIM_REFERENCE)
    if fields.get("portMappings") is not None:
        fields["portMappings"] = [entry.as_dict() for entry in fields["portMappings"]]
    if fields.get("bandwidth") is not None:
        fields["bandwidth"] = fields["bandwidth"].as_dict()
    known = {key: value for key, value in fields.items() if value is not None}
    # Unknown keys go in as extras, never through the known keys' checks.
    element = SelectionElement.model_validate(known, extras=struct.extras)
    return Attachment(
        element=element,
        namespace=element.namespace or default_namespace,
        form=form,
        ignored_keys=tuple(ignored),
    )


def _parse(value: str, default_namespace: str, prefix: str) -> list[Attachment]:
    value = _text(value)
    if _JSON_TRIGGERS.intersection(value):
        form: Literal["short", "json"] = "json"
        decoded = _decode_json(value, prefix)
    else:
        form = "short"
        decoded = [(struct, _Report()) for struct in _parse_short(value, prefix)]
    # Multus's own checks first, element by element, so that where Multus fails the message is its own.
    structs: list[tuple[_Struct, _Report]] = []
    for index, (struct, report) in enumerate(decoded, start=1):
        if struct is None:
            raise AnnotationError(
                f"element {index} is null: Multus crashes on it (nil pointer dereference)",
                hint="remove the null from the array",
            )
        _multus_checks(struct, index, prefix)
        structs.append((struct, report))
    for index, (struct, report) in enumerate(structs, start=1):
        _tool_checks(struct, report, index, form)
    return [_build(struct, report, default_namespace, form) for struct, report in structs]


def parse_networks(value: str, pod_namespace: str) -> list[Attachment]:
    """Parse ``k8s.v1.cni.cncf.io/networks``; elements without a namespace are in ``pod_namespace``.

    ``""`` is no networks (Multus treats an empty value like an absent one). Raises AnnotationError.
    """
    if value == "":
        return []
    return _parse(value, pod_namespace, "")


def parse_default_network(value: str, multus_namespace: str) -> Attachment:
    """Parse ``v1.multus-cni.io/default-network``: one element, namespace defaulting to ``multus_namespace``.

    Raises AnnotationError.
    """
    if value == "":
        raise AnnotationError(
            f"{_DEFAULT_NETWORK_PREFIX}{_EMPTY_VALUE} (the value is empty)",
            hint="name the network, or remove the annotation to keep the cluster default network",
        )
    elements = _parse(value, multus_namespace, _DEFAULT_NETWORK_PREFIX)
    if len(elements) > 1:
        raise AnnotationError(
            f"tryLoadK8sPodDefaultNetwork: more than one default network is specified: {value} "
            f"({len(elements)} elements)"
        )
    if not elements:
        raise AnnotationError(
            f"the default network annotation {_q(value)} names no network: Multus crashes on it "
            "(index out of range)",
            hint="name the network, or remove the annotation to keep the cluster default network",
        )
    return elements[0]
