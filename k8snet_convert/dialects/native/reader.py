"""Native reader: KEP-3698 objects and pod ``spec.networks`` of one file -> the Multus IR.

Readers accept every spelling of both KEP revisions (SPEC §2): pod entries with ``podNetworkName`` /
``name`` / ``podNetwork``, ``podNetworkAttachmentName`` / ``attachmentName``, ``isDefaultGW4`` /
``isDefaultGW6`` / ``isDefaultGW``; PodNetworks of any apiVersion; ``parametersRefs`` naming a NAD by
resource (``network-attachment-definitions``) or kind (``NetworkAttachmentDefinition``).

Each pod entry is read back into one Multus selection element (``Attachment``, the same IR the Multus
reader produces):

* the network: the PodNetwork of the entry (or of its PodNetworkAttachment) names a NAD. The NAD is found
  through the PodNetwork objects of the file, else through the element stored in the attachment's
  carrier, else by inverting ``--name-template`` (SPEC §5);
* the per-attachment parameters: from the ConfigMap behind a PodNetworkAttachment (``selection.json``) or
  from the ``k8snet-convert.io/attachment-params`` annotation, keyed by interface name;
* the interface: ``interfaceName``, except Multus's implicit name for that position (``net<k>`` for the
  k-th secondary network, ``eth0`` for the primary), which is left implicit: the canonical form;
* ``default-route``: gateway IPs come from the carrier; a gateway flag on a secondary entry without them
  is ``default-route: []``. The primary network owns every family nobody claims, as in Multus.

The first entry is the pod's primary network: ``default`` is the cluster's default network (no Multus
form, dropped), anything else becomes ``v1.multus-cni.io/default-network``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...context import FileContext
from ...manifests.objects import K8sObject, PodTemplate, guessed_templates, iter_objects, pod_template
from ...manifests.yamldoc import get, get_pair, is_true, scalar
from ...model import Severity
from ..base import Reading
from .entries import ENTRY_KEYS, INTERFACE_KEY, read_networks
from .objects import (
    CONFIGMAP_KIND,
    NativePodNetwork,
    read_attachment,
    read_carrier,
    read_podnetwork,
)
from .profiles import ATTACHMENT_KIND, PARAMS_ANNOTATION, PODNETWORK_KIND, profile_of
from .resolve import WorkloadResolution
from .workload import NativeFile, NativeWorkload

# The carrier keys that say where an element goes; parameters never move them.
PLACEMENT_KEYS = frozenset({"name", "namespace", "interface", "interfacerequest"})
# The Multus annotations: a pod with them and spec.networks has two meanings (the engine reports it).
MULTUS_KEYS = ("k8s.v1.cni.cncf.io/networks", "v1.multus-cni.io/default-network")


def quiet_namespace(ctx: FileContext, obj: K8sObject) -> str:
    """The namespace of an object without reporting the fallback (the workload's finding says it)."""
    return ctx.resolve_namespace(obj.namespace)[0]


def podnetwork_namespace(ctx: FileContext, obj: K8sObject) -> str:
    """What a PodNetwork's NAD reference without a namespace means: the namespace its file is applied in."""
    return ctx.resolve_namespace(None)[0]


@dataclass
class NativeReader:
    ctx: FileContext
    result: NativeFile = field(default_factory=NativeFile)

    # -- findings ------------------------------------------------------------------------------------

    def report(
        self, rule: str, severity: Severity, message: str, node: Node | None, path: str, hint: str = ""
    ) -> None:
        self.ctx.report_strict(rule, severity, message, node, path, hint)

    # -- the whole file ------------------------------------------------------------------------------

    def read(self) -> NativeFile:
        objects = [obj for doc in self.ctx.docs for obj in iter_objects(doc)]
        for obj in objects:
            if obj.kind == PODNETWORK_KIND:
                self.result.podnetworks.append(self._podnetwork(obj))
            elif obj.kind == ATTACHMENT_KIND:
                self.result.attachments.append(read_attachment(obj, quiet_namespace(self.ctx, obj)))
            elif obj.kind == CONFIGMAP_KIND and obj.api_version == "v1":
                self.result.configmaps.append(read_carrier(obj, quiet_namespace(self.ctx, obj)))
        self._detect_api_version()
        for obj in objects:
            template = pod_template(obj)
            if template is not None:
                workload = self._workload(obj, template)
                if workload is not None:
                    self.result.workloads.append(workload)
            elif not obj.is_kubevirt and not (obj.kind.endswith("List") and obj.list_seq is None):
                self._unknown_kind(obj)
        self._detect_profile()
        return self.result

    def _detect_api_version(self) -> None:
        versions = {p.obj.api_version for p in self.result.podnetworks}
        versions |= {a.obj.api_version for a in self.result.attachments}
        self.result.api_version = versions.pop() if len(versions) == 1 else None

    def _detect_profile(self) -> None:
        keys: set[str] = set()
        for wl in self.result.workloads:
            for entry in wl.entries:
                keys |= entry.keys
        self.result.profile = profile_of(keys)

    # -- objects -------------------------------------------------------------------------------------

    def _podnetwork(self, obj: K8sObject) -> NativePodNetwork:
        pn = read_podnetwork(obj, self.ctx.options.provider, podnetwork_namespace(self.ctx, obj))
        if pn.unnamed_namespace and pn.nad is not None:
            _, source = self.ctx.resolve_namespace(None)
            if source == "default":
                ref = next(r for r in pn.refs if r.is_nad)
                self.ctx.report(
                    "default-namespace",
                    Severity.INFO,
                    f"PodNetwork {obj.name}: its NetworkAttachmentDefinition reference {ref.name!r} has "
                    "no namespace: assuming 'default'",
                    node=ref.node,
                    path=obj.path + "spec.parametersRefs",
                    hint="set the namespace of the reference, or pass --namespace",
                )
        return pn

    def _unknown_kind(self, obj: K8sObject) -> None:
        """spec.networks of KEP shape where k8snet-convert does not know the pod template: reported."""
        for guess in guessed_templates(obj):
            networks = get(guess.spec, "networks")
            if not isinstance(networks, SequenceNode):
                continue
            kep = any(
                isinstance(item, MappingNode)
                and any(str(k.value) in ENTRY_KEYS - {"name", INTERFACE_KEY} for k, _ in item.value)
                for item in networks.value
            )
            if kep:
                self.report(
                    "unknown-workload-kind",
                    Severity.WARNING,
                    f"{obj.kind or '(no kind)'} {obj.name}: carries KEP-3698 spec.networks at "
                    f"{guess.key_path('spec', 'networks')} but k8snet-convert does not know this kind's pod "
                    "template, so it is not converted",
                    networks,
                    guess.key_path("spec", "networks"),
                    hint="convert the rendered pods, or open an issue to add the kind",
                )
                return

    # -- workloads -----------------------------------------------------------------------------------

    def _workload(self, obj: K8sObject, template: PodTemplate) -> NativeWorkload | None:
        networks_path = template.key_path("spec", "networks")
        found = read_networks(template.spec, networks_path)
        params_pair = get_pair(template.annotations, PARAMS_ANNOTATION)
        if found is None:
            if params_pair is not None:
                self.report(
                    "attachment-params-unused",
                    Severity.WARNING,
                    f"{obj.kind} {obj.name}: {PARAMS_ANNOTATION} is set but the pod has no spec.networks; "
                    "it is left as it is",
                    params_pair[0],
                    template.key_path("metadata", "annotations", PARAMS_ANNOTATION),
                    hint="remove the annotation, or add the spec.networks it belongs to",
                )
            return None
        wl = NativeWorkload(obj, template, self.ctx.namespace_of(obj), (found.key, found.value), params_pair)
        if found.problem is not None:
            self._error(wl, found.problem.rule, "spec.networks must be a list", found.value, networks_path)
            return wl
        for entry in found.entries:
            for problem in entry.problems:
                self._error(
                    wl, problem.rule, problem.text(entry.index), problem.node, entry.path, problem.hint
                )
            if entry.problems:
                continue
            if entry.unknown_keys:
                self.report(
                    "unknown-entry-key",
                    Severity.WARNING,
                    f"{wl.label}: spec.networks[{entry.index}] has "
                    f"{', '.join(map(repr, entry.unknown_keys))}, which no KEP-3698 revision defines and "
                    "Multus cannot say; dropped",
                    entry.node,
                    entry.path,
                    hint="check the spelling against the profile's keys",
                )
            wl.entries.append(entry)
        if is_true(get(template.spec, "hostNetwork")) and len(found.entries) > 1:
            self._error(
                wl,
                "host-network",
                "hostNetwork: true with secondary networks (Multus ignores them; the KEP forbids networks "
                "with hostNetwork)",
                found.value,
                networks_path,
                hint="drop the secondary networks or hostNetwork",
            )
        if not wl.ok:
            return wl
        params = self._params_annotation(wl)
        WorkloadResolution(self.ctx, self.result, wl, params).run()
        return wl

    def _error(
        self, wl: NativeWorkload, rule: str, message: str, node: Node | None, path: str, hint: str = ""
    ) -> None:
        wl.ok = False
        self.ctx.report(rule, Severity.ERROR, f"{wl.label}: {message}", node=node, path=path, hint=hint)

    def _params_annotation(self, wl: NativeWorkload) -> dict[str, dict[str, Any]]:
        """The attachment-params annotation: a JSON object of parameter objects keyed by interface."""
        if wl.params_pair is None:
            return {}
        value = wl.params_pair[1]
        path = wl.template.key_path("metadata", "annotations", PARAMS_ANNOTATION)
        raw = scalar(value) if isinstance(value, ScalarNode) and value.tag.endswith(":str") else None
        problem = None
        loaded: Any = None
        if raw is None:
            problem = "must be a string (annotations are map[string]string)"
        else:
            try:
                loaded = json.loads(raw)
            except json.JSONDecodeError as exc:
                problem = f"is not JSON: {exc.msg} (column {exc.colno})"
        if problem is None and not (
            isinstance(loaded, dict) and all(isinstance(v, dict) for v in loaded.values())
        ):
            problem = "must be a JSON object of parameter objects keyed by interface name"
        if problem is not None:
            self._error(
                wl,
                "invalid-attachment-params",
                f"{PARAMS_ANNOTATION} {problem}",
                value,
                path,
                hint='e.g. {"net1": {"ips": ["10.0.0.5/24"]}}',
            )
            return {}
        assert isinstance(loaded, dict)
        return loaded


def read_file(ctx: FileContext) -> NativeFile:
    """Every native object and workload of one file, with each workload's networks as Multus elements."""
    return NativeReader(ctx).read()


def read(ctx: FileContext) -> Reading:
    """The file's native workloads in the model (those that could not be read are not among them)."""
    native = read_file(ctx)
    reading = Reading("native", own=native)
    for wl in native.workloads:
        reading.templates[id(wl.template.node)] = (wl.template, wl.networks_pair[1])
        if wl.ok:
            reading.workloads.append(wl.model())
    return reading


def detect(ctx: FileContext) -> Reading:
    """The pod templates with ``spec.networks`` (nothing resolved, nothing reported)."""
    reading = Reading("native")
    for doc in ctx.docs:
        for obj in iter_objects(doc):
            template = pod_template(obj)
            pair = get_pair(template.spec, "networks") if template is not None else None
            if template is not None and pair is not None:
                reading.templates[id(template.node)] = (template, pair[1])
    return reading
