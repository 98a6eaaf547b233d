"""Retiring the native dialect: the objects converted workloads leave behind.

* PodNetworks whose ``parametersRefs`` name a NAD go (the NAD is the network's Multus and DRA form; it
  stays), and the ``default`` PodNetwork; a PodNetwork with no Multus form is kept and reported as an
  error. Not when converting to native again (a normalisation keeps every PodNetwork).
* The PodNetworkAttachments and ConfigMaps whose parameters went back into the elements go, unless they
  carry fields the native writer never writes, or another workload of the file still uses them.

The native writer inserts its objects as whole documents (or List items), so removing them gives back the
original bytes in the common cases: a removed document takes its ``---`` line with it.
"""

from __future__ import annotations

from ...context import FileContext
from ...manifests.plan import EditPlan
from ...model import Severity, Workload
from ...model.names import DEFAULT_NETWORK
from ..base import Reading
from .objects import NativeAttachment, NativePodNetwork, SelectionCarrier, extra_fields
from .workload import NativeFile


def retire(
    ctx: FileContext, plan: EditPlan, reading: Reading, converted: list[Workload], target: str
) -> None:
    native = reading.own
    assert isinstance(native, NativeFile)
    done_templates = {id(wl.template.node) for wl in converted}
    if target != "native":
        for pn in native.podnetworks:
            _podnetwork(ctx, plan, pn)
    consumed: dict[int, NativeAttachment] = {}
    carriers: dict[int, SelectionCarrier] = {}
    blocked: set[int] = set()
    for wl in native.workloads:
        done = wl.ok and id(wl.template.node) in done_templates
        for attachment in wl.attachments:
            if done:
                consumed[id(attachment.obj.node)] = attachment
            else:
                blocked.add(id(attachment.obj.node))
        for carrier in wl.carriers:
            if done:
                carriers[id(carrier.obj.node)] = carrier
            else:
                blocked.add(id(carrier.obj.node))
    _carriers(ctx, plan, native, consumed, carriers, blocked, warn_unused=target != "native")


def _podnetwork(ctx: FileContext, plan: EditPlan, pn: NativePodNetwork) -> None:
    node, path = pn.obj.node, pn.obj.path + "metadata.name"
    if pn.name == DEFAULT_NETWORK and pn.nad is None:
        ctx.report_strict(
            "default-podnetwork-dropped",
            Severity.INFO,
            "PodNetwork default is the cluster's default network, which Multus configures on the nodes; "
            "it has no Multus form and is removed",
            node,
            path,
        )
        plan.remove_object(pn.obj)
        return
    if pn.problem is not None:
        ctx.report_strict(
            pn.problem_rule,
            Severity.ERROR,
            f"PodNetwork {pn.name} has no Multus form: {pn.problem}; it is kept",
            node,
            path,
            hint="Multus attaches NetworkAttachmentDefinitions: give the PodNetwork one in "
            "parametersRefs, or keep this network native",
        )
        return
    assert pn.nad is not None
    if not pn.enabled:
        ctx.report_strict(
            "podnetwork-disabled",
            Severity.WARNING,
            f"PodNetwork {pn.name} is disabled (spec.enabled: false); Multus has no such switch, so pods "
            f"that use NetworkAttachmentDefinition {pn.nad[0]}/{pn.nad[1]} will attach to it",
            node,
            path,
            hint="remove the network from the pods that must not use it",
        )
    extras = extra_fields(pn.obj) + [f"spec.parametersRefs ({r.kind} {r.name})" for r in pn.other_refs]
    if extras:
        ctx.report_strict(
            "podnetwork-fields-dropped",
            Severity.WARNING,
            f"PodNetwork {pn.name} is removed (NetworkAttachmentDefinition {pn.nad[0]}/{pn.nad[1]} is "
            f"its Multus form) with {', '.join(extras)}, which Multus has no place for",
            node,
            path,
            hint="move what matters onto the NetworkAttachmentDefinition",
        )
    plan.remove_object(pn.obj)


def _carriers(
    ctx: FileContext,
    plan: EditPlan,
    native: NativeFile,
    consumed: dict[int, NativeAttachment],
    carriers: dict[int, SelectionCarrier],
    blocked: set[int],
    warn_unused: bool,
) -> None:
    kept_refs: set[tuple[str, str]] = set()
    for attachment in native.attachments:
        key = id(attachment.obj.node)
        node, path = attachment.obj.node, attachment.obj.path + "metadata.name"
        label = f"PodNetworkAttachment {attachment.namespace}/{attachment.name}"
        extras = extra_fields(attachment.obj) if key in consumed else []
        why: tuple[str, str] | None = None  # (message, hint) when it stays, said
        if key in blocked:
            pass  # its workload was not converted: nothing to say about it
        elif key not in consumed and warn_unused:
            why = (
                f"{label} is used by no workload in this file; it has no Multus form and is left as it is",
                "convert it together with the workloads that use it",
            )
        elif extras:
            why = (
                f"{label} was read back into the Multus annotation but is kept: it has "
                f"{', '.join(extras)}, which k8snet-convert never writes",
                "delete it by hand once nothing else needs it",
            )
        if key in blocked or key not in consumed or extras:
            if why is not None:
                ctx.report_strict("carrier-kept", Severity.WARNING, why[0], node, path, hint=why[1])
            # what it references stays with it
            kept_refs.update((r.namespace or attachment.namespace, r.name) for r in attachment.refs)
            continue
        plan.remove_object(attachment.obj)
    for key, carrier in carriers.items():
        if key in blocked or (carrier.namespace, carrier.name) in kept_refs:
            continue
        extras = extra_fields(carrier.obj)
        if extras:
            ctx.report_strict(
                "carrier-kept",
                Severity.WARNING,
                f"ConfigMap {carrier.namespace}/{carrier.name} was read back into the Multus annotation "
                f"but is kept: it has {', '.join(extras)}, which k8snet-convert never writes",
                carrier.obj.node,
                carrier.obj.path + "metadata.name",
                hint="delete it by hand once nothing else needs it",
            )
            continue
        plan.remove_object(carrier.obj)
