"""``--devices``: the SR-IOV devices of Multus networks move between the device plugin and DRA (SPEC §2).

A writer rule of the Multus dialect, run once the file's workloads have their Multus form: the networks
stay as they are (the NADs, their ``k8s.v1.cni.cncf.io/resourceName``, the networks annotation), only the
way pods get their devices changes (reference/native.md §3.4).

* ``dra``: every container request of an extended resource that a NAD of the run names becomes a claim of a
  ResourceClaimTemplate (``device_objects``); a pod without requests (the network-resources-injector added
  them at admission) gets, on its first container, one device per attachment of such a NAD. Multus's DRA
  integration then matches the allocated devices to the NADs by the ``k8s.cni.cncf.io/resourceName``
  attribute.
* ``dra-extended``: pods stay as they are; a DeviceClass with ``spec.extendedResourceName`` per resource,
  beside the first NAD of the run that names it (one per run, whatever the number of workers).
* ``device-plugin``: the claims and objects written by the two others go back to requests.

What the cluster still needs is reported (info) once per resource, at that same NAD; what cannot be moved
is left as it is and reported.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from ...context import FileContext
from ...manifests.objects import K8sObject, PodTemplate, iter_objects, pod_template
from ...manifests.plan import EditPlan
from ...manifests.resources import Container, ContainerEdits, Pair, containers
from ...manifests.yamldoc import get, get_path, scalar
from ...model import DeviceTemplateFact, Network, Severity, Workload
from ...model.names import dns_label
from ...namespaces import resolve
from ...options import Devices
from ..base import Reading
from . import device_objects
from .device_objects import DEVICE_ID_ATTRIBUTE, RESOURCE_NAME_ATTRIBUTE, TemplateKey
from .nad import RESOURCE_NAME_KEY, is_nad

# Native resources (cpu, memory, hugepages-*) have no domain; kubernetes.io names are the cluster's own.
_EXTENDED = re.compile(r"^(?!([a-z0-9.-]*\.)?kubernetes\.io/)[^/]+/[^/]+$")
_WHOLE = re.compile(r"^\+?[0-9]+$")


def is_extended(resource: str) -> bool:
    """An extended resource (a device plugin's, or one a DeviceClass maps): domain-qualified, not the
    ``kubernetes.io`` domain's."""
    return bool(_EXTENDED.match(resource))


def emit(ctx: FileContext, plan: EditPlan, readings: dict[str, Reading]) -> None:
    """The device axis of one file, after its workloads were written (nothing when the file has errors)."""
    mode = ctx.options.devices
    if mode is Devices.KEEP:
        return
    devices = FileDevices(ctx, plan, readings)
    if mode is Devices.DRA:
        devices.to_claims()
    elif mode is Devices.DRA_EXTENDED:
        devices.to_extended_resources()
    else:
        devices.to_device_plugin()


def undo_devices(devices: Devices, source: FileContext | None) -> Devices:
    """The --devices that undoes ``devices`` on a file (--verify-roundtrip): device-plugin undoes dra and
    dra-extended, and is undone by the one whose objects the source holds."""
    if devices in (Devices.DRA, Devices.DRA_EXTENDED):
        return Devices.DEVICE_PLUGIN
    if devices is Devices.DEVICE_PLUGIN and source is not None:
        found = [obj for doc in source.docs for obj in iter_objects(doc)]
        if any(device_objects.template_fact(obj, "", source.display) for obj in found):
            return Devices.DRA
        if any(_our_device_class(obj) for obj in found):
            return Devices.DRA_EXTENDED
    return Devices.KEEP


@dataclass
class Move:
    """One container's devices of one resource that become (or come back from) a claim."""

    container: Container
    resource: str
    count: int
    injected: bool  # the pod made no request: the network-resources-injector's, one per attachment
    claim: str = ""  # the pod's claim entry
    template: str = ""


@dataclass
class Site:
    """A workload of the file: its pod template and, when it has Multus networks, their model."""

    obj: K8sObject
    template: PodTemplate
    workload: Workload | None
    annotation: Node | None = None  # the networks annotation when it does not parse (no workload)

    @property
    def label(self) -> str:
        obj = self.obj
        return f"{obj.kind} {obj.name or obj.generate_name.rstrip('-') or obj.kind.lower()}"


@dataclass
class PodClaim:
    """An entry of a pod's ``spec.resourceClaims`` that names a template --devices dra wrote."""

    name: str
    node: MappingNode
    fact: DeviceTemplateFact


@dataclass
class FileDevices:
    ctx: FileContext
    plan: EditPlan
    readings: dict[str, Reading]
    sites: list[Site] = field(init=False)
    objects: list[K8sObject] = field(init=False)
    # The file's templates written by --devices dra, by (namespace references resolve in, name).
    templates: dict[tuple[str, str], tuple[K8sObject, DeviceTemplateFact]] = field(init=False)
    named: dict[str, Network] = field(init=False)  # every resourceName of the run, with its first NAD
    edits: dict[int, ContainerEdits] = field(default_factory=dict)  # by id(container node)

    def __post_init__(self) -> None:
        self.named = self.ctx.inventory.device_pools()
        self.objects = [obj for doc in self.ctx.docs for obj in iter_objects(doc)]
        multus = _multus_workloads(self.ctx, self.readings)
        detected = self.readings["multus"].templates if "multus" in self.readings else {}
        self.sites = []
        self.templates = {}
        for obj in self.objects:
            template = pod_template(obj)
            if template is not None:
                workload = multus.get(id(template.node))
                annotation = detected.get(id(template.node)) if workload is None else None
                self.sites.append(Site(obj, template, workload, annotation[1] if annotation else None))
            fact = device_objects.template_fact(obj, self.namespace(obj), self.ctx.display)
            if fact is not None:
                self.templates.setdefault((fact.namespace, fact.name), (obj, fact))

    # -- shared --------------------------------------------------------------------------------------

    def namespace(self, obj: K8sObject) -> str:
        """The namespace references resolve in (quietly: the readers report the fallback)."""
        return resolve(obj.namespace, self.ctx.options.namespace, self.ctx.path)[0]

    def report(self, rule: str, severity: Severity, message: str, node: Node | None, path: str) -> None:
        if severity is Severity.WARNING and self.ctx.options.strict:
            self.ctx.report(rule, Severity.ERROR, message, node=node, path=path, hint=_HINTS[rule] + _STRICT)
            return
        self.ctx.report(rule, severity, message, node=node, path=path, hint=_HINTS.get(rule, ""))

    def leaving(self, site: Site) -> set[int]:
        """The pod's claim items the conversion of its networks removes (CNI DRA claims, --to multus)."""
        edits = self.plan.templates.get(id(site.template.node))
        return {id(item) for item in edits.drop_claims} if edits is not None else set()

    def pod_claims(self, site: Site) -> list[MappingNode]:
        seq = get(site.template.spec, "resourceClaims")
        leaving = self.leaving(site)
        items = seq.value if isinstance(seq, SequenceNode) else []
        return [item for item in items if isinstance(item, MappingNode) and id(item) not in leaving]

    def our_claims(self, site: Site) -> list[PodClaim]:
        """The pod's claims of templates --devices dra wrote (in this file, else elsewhere in the run)."""
        namespace = self.namespace(site.obj)
        found = []
        for item in self.pod_claims(site):
            name = scalar(get(item, "name"))
            template = scalar(get(item, "resourceClaimTemplateName"))
            if not name or not template:
                continue
            here = self.templates.get((namespace, template))
            elsewhere = self.ctx.inventory.device_templates.get((namespace, template))
            fact = here[1] if here is not None else elsewhere
            if fact is not None:
                found.append(PodClaim(name, item, fact))
        return found

    def pools(self) -> dict[str, Network]:
        """The SR-IOV pools of the run: every resourceName a NAD names, but other device plugins'."""
        return {r: n for r, n in self.named.items() if device_objects.other_device_plugin(r) is None}

    def first_nads(self) -> list[tuple[str, K8sObject]]:
        """(resource, NAD object) for every resource whose first NAD in the run is in this file: where its
        DeviceClass and the report of what the cluster needs go, once per run."""
        found = []
        for resource, network in self.named.items():
            if network.file != self.ctx.display:
                continue
            obj = next((o for o in self.objects if _defines(o, network, self.namespace(o))), None)
            if obj is not None:
                found.append((resource, obj))
        return found

    def cluster_needs(self, resource: str, nad: K8sObject, extended: bool) -> bool:
        """Report what the cluster needs for ``resource``; False for another device plugin's resource
        (reported too: it stays with that plugin)."""
        where = get_path(nad.node, "metadata", "annotations", RESOURCE_NAME_KEY)
        path = nad.path + f'metadata.annotations."{RESOURCE_NAME_KEY}"'
        owner = device_objects.other_device_plugin(resource)
        if owner is not None:
            self.report(
                "devices-other-plugin",
                Severity.INFO,
                f"resource {resource!r} is {owner}, not an SR-IOV pool: no DRA driver publishes it, so "
                "pods keep requesting it from that device plugin",
                where,
                path,
            )
            return False
        pools = sorted(
            {
                f"{n.key[0]}/{n.key[1]}"
                for networks in self.ctx.inventory.definitions.values()
                for n in networks
                if n.resource_name == resource
            }
        )
        injector = (
            "the network-resources-injector may stay: the requests it adds are served by the DeviceClass"
            if extended
            else f"the network-resources-injector must not add {resource!r} to pods any more (pods claim "
            "the devices; a request it adds would ask the device plugin again)"
        )
        self.report(
            "devices-cluster-needs",
            Severity.INFO,
            f"resource {resource!r} (NetworkAttachmentDefinition {', '.join(pools)}): the SR-IOV DRA driver "
            f"must publish the device attributes {RESOURCE_NAME_ATTRIBUTE}: {resource!r} and "
            f"{DEVICE_ID_ATTRIBUTE} on the devices of this pool (a DeviceAttributes object selected "
            f"by the pool's SriovResourcePolicy), Multus must run with its DRA integration, and {injector}",
            where,
            path,
        )
        return True

    def apply_container_edits(self) -> None:
        for edits in self.edits.values():
            edits.apply(self.ctx.editor)

    def container_edits(self, container: Container) -> ContainerEdits:
        return self.edits.setdefault(id(container.node), ContainerEdits(container))

    # -- dra: requests -> claims ---------------------------------------------------------------------

    def to_claims(self) -> None:
        pools = self.pools()
        for resource, nad in self.first_nads():
            self.cluster_needs(resource, nad, extended=False)
        planned = [(site, self.moves(site, pools)) for site in self.sites]
        planned = [(site, moves) for site, moves in planned if moves]
        if planned and self.ctx.is_patch:
            for site, _ in planned:
                self.report(
                    "devices-in-patch",
                    Severity.WARNING,
                    f"{site.label}: its device requests stay: a kustomize patch cannot create the "
                    "ResourceClaimTemplates their claims need",
                    site.template.node,
                    site.template.key_path("spec"),
                )
            return
        taken = self.template_names()
        emitted: set[tuple[str | None, str]] = set()
        for site, moves in planned:
            moves = self.name_templates(site, moves, taken)
            if moves:
                self.claim(site, moves, emitted, taken)
        self.apply_container_edits()

    def moves(self, site: Site, pools: dict[str, Network]) -> list[Move]:
        """The device requests of one workload that become claims; what cannot is reported."""
        found: list[Move] = []
        explicit: set[str] = set()
        unknown: set[str] = set()
        for container in containers(site.template):
            requests, limits = container.amounts("requests"), container.amounts("limits")
            for resource in dict.fromkeys([*requests, *limits]):
                pair = requests.get(resource) or limits[resource]
                if resource not in pools:
                    named = device_objects.other_device_plugin(resource) is not None  # said at its NAD
                    if is_extended(resource) and not named and resource not in unknown:
                        unknown.add(resource)
                        self.report(
                            "devices-resource-unknown",
                            Severity.INFO,
                            f"{site.label}: container {container.name!r} requests {resource!r}, which no "
                            "NetworkAttachmentDefinition of the run names: it is left as it is",
                            pair[0],
                            f"{container.path}.resources",
                        )
                    continue
                explicit.add(resource)
                count = self.count(site, container, resource, requests.get(resource), limits.get(resource))
                if count is not None:
                    found.append(Move(container, resource, count, injected=False))
        found.extend(self.injected(site, explicit))
        return found

    def count(
        self, site: Site, container: Container, resource: str, request: Pair | None, limit: Pair | None
    ) -> int | None:
        """The number of devices a container requests; None (reported) when it cannot be told."""
        pairs = [pair for pair in (request, limit) if pair is not None]
        texts = [scalar(value) for _, value in pairs]
        numbers = [int(t) for t in texts if t is not None and _WHOLE.match(t.strip())]
        if len(numbers) < len(pairs):
            problem = f"{' / '.join(repr(t) for t in texts)} is not a whole number of devices"
        elif len(set(numbers)) > 1:
            problem = f"requests ({texts[0]}) and limits ({texts[1]}) differ (the API refuses that)"
        elif numbers[0] == 0:
            problem = "it asks for no device"
        elif numbers[0] > device_objects.MAX_COUNT:
            problem = f"{numbers[0]} is more than the {device_objects.MAX_COUNT} devices a claim can hold"
        else:
            return numbers[0]
        self.report(
            "devices-count-unknown",
            Severity.WARNING,
            f"{site.label}: container {container.name!r} requests {resource!r}, but how many devices cannot "
            f"be told or claimed: {problem}; it is left as it is",
            pairs[0][1],
            f"{container.path}.resources",
        )
        return None

    def injected(self, site: Site, explicit: set[str]) -> list[Move]:
        """What the network-resources-injector would add: one device per attachment of a NAD that names a
        resource no container requests, on the first container (reference/native.md §3.4)."""
        wl = site.workload
        first = next((c for c in containers(site.template) if c.first), None)
        if wl is None and site.annotation is not None and first is not None:
            self.report(
                "devices-count-unknown",
                Severity.WARNING,
                f"{site.label}: its networks annotation does not parse, so the devices the "
                "network-resources-injector would add for them cannot be told; no claim is added for them",
                site.annotation,
                site.template.key_path("metadata", "annotations"),
            )
            return []
        if wl is None or first is None:
            return []
        counts: dict[str, int] = {}
        for attachment in wl.attachments:
            definitions = self.ctx.inventory.definitions.get(attachment.nad, [])
            names = {n.resource_name for n in definitions}
            network = f"{attachment.nad[0]}/{attachment.nad[1]}"
            if not definitions:
                self.report(
                    "devices-nad-unknown",
                    Severity.INFO,
                    f"{site.label}: NetworkAttachmentDefinition {network} is not among the inputs: whether "
                    "it needs a device (its resourceName) cannot be told",
                    wl.anchor,
                    wl.anchor_path,
                )
                continue
            undecided = {name for name in names if name and name not in explicit}
            if len(names) > 1 and undecided:  # a resource some container requests says it already
                files = ", ".join(dict.fromkeys(n.file for n in definitions))
                self.report(
                    "devices-count-unknown",
                    Severity.WARNING,
                    f"{site.label}: NetworkAttachmentDefinition {network} names different resources in "
                    f"{files}, so the devices the network-resources-injector would add cannot be told; "
                    "no claim is added for them",
                    wl.anchor,
                    wl.anchor_path,
                )
                return []
            if len(names) == 1 and undecided:
                resource = undecided.pop()
                if device_objects.other_device_plugin(resource) is None:
                    counts[resource] = counts.get(resource, 0) + 1
        claimed = {claim.fact.resource for claim in self.our_claims(site)}
        counts = {r: n for r, n in counts.items() if r not in claimed}  # moved already (a second run)
        if counts and self.other_claims(site):
            self.report(
                "devices-claims-exist",
                Severity.WARNING,
                f"{site.label}: the pod already has resource claims, which may hold the devices of its "
                f"networks ({', '.join(sorted(counts))}); no claim is added",
                wl.anchor,
                wl.anchor_path,
            )
            return []
        return [Move(first, r, n, injected=True) for r, n in counts.items()]

    def other_claims(self, site: Site) -> bool:
        """Whether the pod claims anything --devices did not write (and no conversion removes)."""
        ours = {id(c.node) for c in self.our_claims(site)}
        return any(id(item) not in ours for item in self.pod_claims(site))

    def template_names(self) -> dict[tuple[str | None, str], DeviceTemplateFact | None]:
        """Every ResourceClaimTemplate of the file, by (namespace as written, name): ours with their fact,
        any other with None (its name is taken)."""
        taken: dict[tuple[str | None, str], DeviceTemplateFact | None] = {}
        for obj in self.objects:
            if device_objects.is_resource_object(obj, device_objects.TEMPLATE_KIND):
                fact = device_objects.template_fact(obj, self.namespace(obj), self.ctx.display)
                taken.setdefault((obj.namespace, obj.name), fact)
        return taken

    def name_templates(
        self, site: Site, moves: list[Move], taken: dict[tuple[str | None, str], DeviceTemplateFact | None]
    ) -> list[Move]:
        """Each move's template and claim names; a move whose template name another object holds stays."""
        kept = []
        claim_names = {scalar(get(item, "name")) or "" for item in self.pod_claims(site)}
        for move in moves:
            key = TemplateKey(site.obj.namespace, move.resource, move.count, move.injected)
            name = key.name
            here = (key.namespace, name) in taken
            other = taken.get((key.namespace, name))
            elsewhere = self.ctx.inventory.device_templates.get((self.namespace(site.obj), name))
            if (here and (other is None or not key.matches(other))) or (
                elsewhere is not None and not key.matches(elsewhere)
            ):
                self.report(
                    "devices-template-name-taken",
                    Severity.WARNING,
                    f"{site.label}: ResourceClaimTemplate {name} exists already and claims something else; "
                    f"the {move.resource!r} requests of container {move.container.name!r} stay as they are",
                    site.template.node,
                    site.template.key_path("spec"),
                )
                continue
            move.template = name
            move.claim = _unique(name, claim_names)
            claim_names.add(move.claim)
            kept.append(move)
        return kept

    def claim(
        self,
        site: Site,
        moves: list[Move],
        emitted: set[tuple[str | None, str]],
        existing: dict[tuple[str | None, str], DeviceTemplateFact | None],
    ) -> None:
        edits = self.plan.template(site.template)
        new_objects: list[dict[str, Any]] = []
        namespace = site.obj.namespace
        for move in moves:
            container = self.container_edits(move.container)
            if not move.injected:
                container.drop.append(move.resource)
            container.new_claims.append(move.claim)
            edits.new_claims.append({"name": move.claim, "resourceClaimTemplateName": move.template})
            place = (namespace, move.template)
            elsewhere = self.ctx.inventory.device_templates.get((self.namespace(site.obj), move.template))
            if place in emitted or place in existing or (elsewhere and elsewhere.file != self.ctx.display):
                continue  # written already: in this file, or in another file of the run
            emitted.add(place)
            new_objects.append(
                device_objects.template_object(
                    move.template,
                    namespace,
                    move.resource,
                    move.count,
                    move.injected,
                    self.ctx.options.devices_class,
                )
            )
        self.plan.add_objects_after(site.obj, new_objects)
        said = "; ".join(
            f"container {m.container.name!r}: {m.resource}: {m.count}"
            + (" (added by the network-resources-injector: one per attachment)" if m.injected else "")
            + f" -> claim {m.claim}"
            for m in moves
        )
        self.report(
            "devices-claimed",
            Severity.INFO,
            f"{site.label}: devices claimed from DeviceClass {self.ctx.options.devices_class}: {said}",
            site.template.node,
            site.template.key_path("spec", "resourceClaims"),
        )

    # -- dra-extended: a DeviceClass per resource ----------------------------------------------------

    def to_extended_resources(self) -> None:
        mapped = {r for o in self.objects if (r := device_objects.extended_resource(o)) is not None}
        for resource, nad in self.first_nads():
            if not self.cluster_needs(resource, nad, extended=True):
                continue
            elsewhere = self.ctx.inventory.extended_classes.get(resource)
            if resource in mapped or (elsewhere is not None and elsewhere != self.ctx.display):
                continue  # mapped already: in this file, or in another file of the run
            if self.ctx.is_patch:
                continue  # a patch cannot create objects; its base's conversion writes the class
            self.plan.add_objects_after(nad, [device_objects.device_class_object(resource)])
            self.report(
                "devices-class-written",
                Severity.INFO,
                f"DeviceClass {device_objects.device_class_name(resource)} (cluster-scoped) is written for "
                f"{resource!r}: the scheduler turns the pods' requests of it into claims of the SR-IOV DRA "
                "driver's devices (feature gate DRAExtendedResource, alpha in Kubernetes 1.34)",
                nad.node,
                nad.path.rstrip(".") or "metadata",
            )

    # -- device-plugin: claims -> requests -----------------------------------------------------------

    def to_device_plugin(self) -> None:
        users: dict[tuple[str, str], list[bool]] = {}
        for site in self.sites:
            claims = self.our_claims(site)
            for claim in claims:
                users.setdefault((claim.fact.namespace, claim.fact.name), [])
            restored = [self.restore(site, claim) for claim in claims]
            for claim, what in zip(claims, restored, strict=True):
                users[(claim.fact.namespace, claim.fact.name)].append(bool(what))
            said = "; ".join(what for what in restored if what)
            if said:
                self.report(
                    "devices-restored",
                    Severity.INFO,
                    f"{site.label}: devices back to the device plugin: {said}",
                    site.template.node,
                    site.template.key_path("spec", "resourceClaims"),
                )
        for (namespace, name), (obj, fact) in self.templates.items():
            done = users.get((namespace, name), [])
            if done and all(done):  # every claim of it in the file went back
                self.plan.remove_object(obj)
            elif not done:
                self.report(
                    "devices-template-kept",
                    Severity.INFO,
                    f"ResourceClaimTemplate {name} ({fact.resource}) is kept: no workload in this file "
                    "claims it",
                    obj.node,
                    obj.path.rstrip(".") or "metadata",
                )
        for obj in self.objects:
            resource = _our_device_class(obj)
            if resource is not None:
                self.plan.remove_object(obj)
                self.report(
                    "devices-class-removed",
                    Severity.INFO,
                    f"DeviceClass {obj.name} ({resource}) is removed: the device plugin serves the requests",
                    obj.node,
                    obj.path.rstrip(".") or "metadata",
                )
        self.apply_container_edits()

    def restore(self, site: Site, claim: PodClaim) -> str:
        """The claim back to what it was made from; '' when it stays (reported)."""
        users = [
            (container, item)
            for container in containers(site.template)
            for name, item in container.claim_refs()
            if name == claim.name
        ]
        fact = claim.fact
        for container, _ in users:
            sections = (container.amounts("requests"), container.amounts("limits"))
            held = [amounts for amounts in sections if fact.resource in amounts]
            if held and not fact.injected:
                self.report(
                    "devices-count-unknown",
                    Severity.WARNING,
                    f"{site.label}: container {container.name!r} requests {fact.resource!r} already, next to "
                    f"claim {claim.name!r} of {fact.count}; the claim stays",
                    held[0][fact.resource][0],
                    f"{container.path}.resources",
                )
                return ""
        for container, item in users:
            edits = self.container_edits(container)
            edits.drop_claims.append(item)
            if not fact.injected:
                edits.add[fact.resource] = str(fact.count)
        self.plan.template(site.template).drop_claims.append(claim.node)
        if not users:
            return f"claim {claim.name} removed (no container used it)"
        if fact.injected:
            return f"claim {claim.name} removed (the network-resources-injector adds {fact.resource} again)"
        where = ", ".join(repr(c.name) for c, _ in users)
        return f"claim {claim.name} -> {fact.resource}: {fact.count} in container {where}"


def _our_device_class(obj: K8sObject) -> str | None:
    """The resource of a DeviceClass that --devices dra-extended wrote (None for any other object)."""
    resource = device_objects.extended_resource(obj)
    return resource if resource is not None and device_objects.marked_resource(obj) == resource else None


def _defines(obj: K8sObject, network: Network, namespace: str) -> bool:
    return is_nad(obj) and (namespace, obj.name) == network.key


def _unique(name: str, taken: set[str]) -> str:
    """A pod claim name: the template's, numbered when the pod claims the same template twice."""
    candidate, k = name, 1
    while candidate in taken:
        k += 1
        candidate = dns_label(f"{name}-{k}")
    return candidate


def _multus_workloads(ctx: FileContext, readings: dict[str, Reading]) -> dict[int, Workload]:
    """The file's workloads in their Multus form, by pod template: those written in this run, and those
    Multus already had. The Multus reader runs quietly when it did not run for the conversion (--to multus
    without a normalisation asked for only detects): its findings are not what the user asked about."""
    found: dict[int, Workload] = {}
    multus = readings.get("multus")
    if multus is not None and multus.templates and not multus.workloads:
        from .reader import read_file

        multus = read_file(dataclasses.replace(ctx, findings=[]))
    for reading in [*(r for r in readings.values() if r.dialect != "multus"), *([multus] if multus else [])]:
        for wl in reading.workloads:
            found.setdefault(id(wl.template.node), wl)
    return found


_STRICT = " (an error because of --strict)"
_HINTS = {
    "devices-cluster-needs": "see docs/dra.md, 'Keep Multus, move the devices'",
    "devices-resource-unknown": "if it is a network's device, convert together with the NAD that names it",
    "devices-count-unknown": "write the request as a whole number, the same in requests and limits",
    "devices-nad-unknown": "convert together with the files that hold the NADs (or list them as inventory)",
    "devices-claims-exist": "add the network devices to the pod's claims by hand, or remove those claims",
    "devices-template-name-taken": "rename the existing ResourceClaimTemplate",
    "devices-in-patch": "convert the base the patch applies to",
    "devices-claimed": "",
    "devices-class-written": "enable the DRAExtendedResource feature gate; keep one copy of the DeviceClass",
    "devices-restored": "",
    "devices-template-kept": "delete it once no workload claims it",
    "devices-class-removed": "",
}
