"""Multus reader: NADs and the pod-template annotations of workloads, into the model."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import Node, ScalarNode

from ...context import FileContext
from ...errors import AnnotationError
from ...manifests.objects import K8sObject, PodTemplate, guessed_templates, iter_objects, pod_template
from ...manifests.yamldoc import get, get_pair, get_path, is_true, scalar
from ...model import Footprint, Severity, Workload
from ...model.codec import ParsedElement, parse_default_network, parse_networks
from ..base import Reading
from . import other_readers
from .nad import is_nad, read_nad
from .other_readers import OtherReaders

NETWORKS_KEY = "k8s.v1.cni.cncf.io/networks"
DEFAULT_NETWORK_KEY = "v1.multus-cni.io/default-network"
STATUS_KEYS = ("k8s.v1.cni.cncf.io/network-status", "k8s.v1.cni.cncf.io/networks-status")
MULTUS_POD_KEYS = (NETWORKS_KEY, DEFAULT_NETWORK_KEY)


@dataclass
class AnnotationRef:
    key: ScalarNode
    value: Node


def _annotation(template: PodTemplate, key: str) -> AnnotationRef | None:
    pair = get_pair(template.annotations, key)
    return AnnotationRef(pair[0], pair[1]) if pair else None


# The API server refuses objects whose annotations total more than 256 KiB
# (apimachinery's TotalAnnotationSizeLimitB): a longer value can never reach Multus.
MAX_ANNOTATION_BYTES = 256 * 1024


def _string_value(ctx: FileContext, template: PodTemplate, ref: AnnotationRef, key: str) -> str | None:
    value = ref.value
    if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:str":
        text = str(value.value)
        size = len(text.encode())
        if size > MAX_ANNOTATION_BYTES:
            ctx.report(
                "invalid-annotation",
                Severity.ERROR,
                f"annotation {key} is {size:,} bytes; the API server refuses annotations over 256 KiB "
                "in total",
                node=value,
                path=template.key_path("metadata", "annotations", key),
            )
            return None
        return text
    if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        return ""
    ctx.report(
        "invalid-annotation",
        Severity.ERROR,
        f"annotation {key} must be a string (annotations are map[string]string)",
        node=value,
        path=template.key_path("metadata", "annotations", key),
        hint="quote the value",
    )
    return None


def read_workload(ctx: FileContext, obj: K8sObject, template: PodTemplate) -> Workload | None:
    networks_ref = _annotation(template, NETWORKS_KEY)
    default_ref = _annotation(template, DEFAULT_NETWORK_KEY)
    if networks_ref is None and default_ref is None:
        return None
    # With {namespace} in the name template, the pod's namespace is written into the PodNetwork names
    # of its networks: a guess must be said louder.
    options = ctx.options
    namespace = ctx.namespace_of(
        obj, baked="{namespace}" in options.name_template and options.to.value == "native"
    )
    networks: list[ParsedElement] = []
    default: ParsedElement | None = None
    ok = True
    if networks_ref is not None:
        value = _string_value(ctx, template, networks_ref, NETWORKS_KEY)
        try:
            networks = parse_networks(value, namespace) if value is not None else []
            ok = ok and value is not None
        except AnnotationError as exc:
            ok = False
            ctx.report(
                exc.rule,
                Severity.ERROR,
                f"{NETWORKS_KEY}: {exc.message}",
                node=networks_ref.value,
                path=template.key_path("metadata", "annotations", NETWORKS_KEY),
                hint=exc.hint or "check the value with: k8snet-convert parse-annotation VALUE",
            )
    if default_ref is not None:
        value = _string_value(ctx, template, default_ref, DEFAULT_NETWORK_KEY)
        try:
            default = (
                parse_default_network(value, ctx.options.multus_namespace) if value is not None else None
            )
            ok = ok and value is not None
        except AnnotationError as exc:
            ok = False
            ctx.report(
                exc.rule,
                Severity.ERROR,
                f"{DEFAULT_NETWORK_KEY}: {exc.message}",
                node=default_ref.value,
                path=template.key_path("metadata", "annotations", DEFAULT_NETWORK_KEY),
                hint=exc.hint
                or "check the value with: k8snet-convert parse-annotation --default-network VALUE",
            )
    if not ok:
        return None
    for parsed in [*networks, *([default] if default else [])]:
        for key in parsed.ignored_keys:
            ref = networks_ref if parsed is not default else default_ref
            assert ref is not None
            ctx.report(
                "ignored-by-multus",
                Severity.WARNING,
                f"network {parsed.element.name!r}: Multus silently ignores the key {key!r}; it is carried "
                "over unchanged",
                node=ref.value,
                path=template.key_path("metadata", "annotations", ref.key.value),
                hint="check the spelling against the NetworkSelectionElement keys",
            )
    refs = [r for r in (networks_ref, default_ref) if r is not None]
    anchor = refs[0]
    return Workload(
        template=template,
        dialect="multus",
        namespace=namespace,
        primary=default,
        networks=networks,
        footprint=Footprint(annotations=[(r.key, r.value) for r in refs]),
        anchor=anchor.value,
        anchor_path=template.key_path("metadata", "annotations", str(anchor.key.value)),
        host_network=is_true(get(template.spec, "hostNetwork")),
        primary_anchor=default_ref.value if default_ref is not None else None,
        explicit_empty=networks_ref is not None and not networks,
        variant=networks[0].form if networks else default.form if default else None,
    )


def _report_status(ctx: FileContext, template: PodTemplate) -> None:
    for key in STATUS_KEYS:
        pair = get_pair(template.annotations, key)
        if pair:
            ctx.report(
                "network-status",
                Severity.INFO,
                f"status annotation {key} is written by Multus at run time; it is left as it is",
                node=pair[0],
                path=template.key_path("metadata", "annotations", key),
                hint="remove it from manifests: the cluster rewrites it",
            )


def _kubevirt(ctx: FileContext, obj: K8sObject, result: Reading) -> None:
    from ...manifests.objects import KUBEVIRT_NETWORK_PATHS

    networks = get_path(obj.node, *KUBEVIRT_NETWORK_PATHS[obj.kind])
    if networks is None or not hasattr(networks, "value") or not isinstance(networks.value, list):
        return
    for item in networks.value:
        name = scalar(get_path(item, "multus", "networkName"))
        if not name:
            continue
        ns, _, nad_name = name.rpartition("/")
        result.kubevirt_nads.add((ns or (obj.namespace or ""), nad_name))
        ctx.report(
            "kubevirt-reference",
            Severity.INFO,
            f"{obj.kind} {obj.name}: KubeVirt references NetworkAttachmentDefinition {name!r} "
            "(multus.networkName); KubeVirt has no native multi-network form yet, so it is left as it is",
            node=item,
            path=obj.path + ".".join(KUBEVIRT_NETWORK_PATHS[obj.kind]),
            hint="keep the NAD: the VM still needs it",
        )


def read_file(ctx: FileContext) -> Reading:
    result = Reading("multus")
    readers = OtherReaders()
    result.own = readers
    for doc in ctx.docs:
        for obj in iter_objects(doc):
            if is_nad(obj):
                result.nads.append(read_nad(ctx, obj))
                continue
            other_readers.note(obj, readers)
            if obj.is_kubevirt:
                _kubevirt(ctx, obj, result)
                continue
            template = pod_template(obj)
            if template is not None:
                _report_status(ctx, template)
                refs = [r for r in (_annotation(template, k) for k in MULTUS_POD_KEYS) if r is not None]
                if refs:
                    result.templates[id(template.node)] = (template, refs[0].value)
                workload = read_workload(ctx, obj, template)
                if workload is not None:
                    result.workloads.append(workload)
                continue
            if obj.kind.endswith("List") and obj.list_seq is None and obj.path == "":
                continue
            for guess in guessed_templates(obj):
                for key in MULTUS_POD_KEYS:
                    ref = _annotation(guess, key)
                    if ref is not None:
                        ctx.report(
                            "unknown-workload-kind",
                            Severity.WARNING,
                            f"{obj.kind or '(no kind)'} {obj.name}: carries {key} at "
                            f"{guess.key_path('metadata', 'annotations')} but k8snet-convert does not know "
                            "this kind's pod template, so it is not converted",
                            node=ref.key,
                            path=guess.key_path("metadata", "annotations", key),
                            hint="convert the rendered pods, or open an issue to add the kind",
                        )
    return result


def detect(ctx: FileContext) -> Reading:
    """The pod templates that carry a Multus annotation (nothing parsed, nothing reported)."""
    result = Reading("multus")
    for doc in ctx.docs:
        for obj in iter_objects(doc):
            template = pod_template(obj)
            if template is None:
                continue
            for key in MULTUS_POD_KEYS:
                pair = get_pair(template.annotations, key)
                if pair is not None:
                    result.templates[id(template.node)] = (template, pair[1])
                    break
    return result
