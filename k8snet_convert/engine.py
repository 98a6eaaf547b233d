"""The engine: one file's conversion, ``retire(source) + emit(target)`` through the model.

Every dialect present in the file is read into model workloads (each with the footprint its dialect
occupies); the target dialect's writer says each workload's new form, the engine retires each source
footprint, and each source dialect retires the objects its converted workloads leave unused. All of it goes
into one edit plan, applied at the end. No pair of dialects has code of its own: native -> dra is what
native -> multus -> dra gives, because both go through the same model.

The engine never imports an integration (kustomize, Helm): they call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import FileContext
from .dialects.base import Reading, two_forms
from .dialects.registry import DIALECTS
from .manifests.objects import PodTemplate
from .manifests.plan import EditPlan
from .model import Severity, Workload


@dataclass
class Conversion:
    """What one file's conversion read and wrote (for the run's cross-file checks and for lint)."""

    readings: dict[str, Reading] = field(default_factory=dict)
    written: list[Workload] = field(default_factory=list)
    plan: EditPlan | None = None


def sources(ctx: FileContext) -> list[str]:
    """The dialects converted from: every dialect the run reads from but the target, and the target too
    when the user asked for a normalisation within it (another KEP revision, annotation style, DRA API)."""
    options = ctx.options
    target = options.to.value
    return [
        name
        for name in DIALECTS
        if name in options.sources and (name != target or DIALECTS[name].normalisation_asked(options))
    ]


def convert(ctx: FileContext, apply: bool = True) -> Conversion:
    """Plan (and with ``apply``, make) the edits that convert ``ctx``'s file to ``ctx.options.to``."""
    target_name = ctx.options.to.value
    target = DIALECTS[target_name]
    from_ = sources(ctx)
    outcome = Conversion()
    for name, dialect in DIALECTS.items():
        outcome.readings[name] = dialect.read(ctx) if name in from_ else dialect.detect(ctx)
    both = _two_forms(ctx, outcome.readings)
    # A file with errors stays untouched (SPEC §6), but is still planned: every problem of the file is
    # reported in one run, not the first one that stops it.
    plan = EditPlan(ctx.editor, ctx.docs, ctx.is_json)
    outcome.plan = plan
    workloads = [
        wl
        for name in from_
        for wl in outcome.readings[name].workloads
        if id(wl.template.node) not in both
        and (wl.dialect != target_name or target.needs_normalising(wl, ctx.options))
    ]
    _shared_nodes(ctx, workloads)
    outcome.written = target.emit(ctx, plan, workloads, outcome.readings)
    for wl in outcome.written:
        edits = plan.template(wl.template)
        edits.drop_annotations.extend(wl.footprint.annotations)
        edits.drop_spec.extend(wl.footprint.spec)
        edits.drop_claims.extend(wl.footprint.claims)
    for name in from_:
        converted = [wl for wl in outcome.written if wl.dialect == name]
        DIALECTS[name].retire(ctx, plan, outcome.readings[name], converted, target_name)
    if not ctx.has_errors and not ctx.file_failed:  # nothing is added, so nothing is said
        target.emit_networks(ctx, plan, outcome.readings)
    if apply and not ctx.has_errors:
        plan.apply()
    return outcome


def _two_forms(ctx: FileContext, readings: dict[str, Reading]) -> set[int]:
    """Pod templates that carry two dialects at once: they have no single meaning, so none is converted
    (the user decides which form is right). Reported at the first dialect's construct."""
    owners: dict[int, list[str]] = {}
    sites: dict[int, tuple[PodTemplate, Any]] = {}
    for reading in readings.values():
        for key, site in reading.templates.items():
            owners.setdefault(key, []).append(reading.dialect)
            sites.setdefault(key, site)
    both = {key for key, found in owners.items() if len(found) > 1}
    for key in sorted(both, key=lambda k: sites[k][1].start_mark.index):
        template, node = sites[key]
        obj = template.obj
        label = f"{obj.kind} {obj.name or obj.generate_name.rstrip('-') or obj.kind.lower()}"
        ctx.report(
            "networks-exist",
            Severity.ERROR,
            two_forms(label, *owners[key][:2]),
            node=node,
            path=template.key_path(*_where(owners[key][0])),
            hint="remove one of the two by hand: k8snet-convert will not merge them",
        )
    return both


def _where(dialect: str) -> tuple[str, ...]:
    return {"multus": ("metadata", "annotations"), "native": ("spec", "networks")}.get(
        dialect, ("spec", "resourceClaims")
    )


def _shared_nodes(ctx: FileContext, workloads: list[Workload]) -> None:
    """Workloads whose pod template or networks are one YAML node through an alias (``&tpl`` ...
    ``*tpl``): an edit of that text changes every object that shares it, and two conversions of it
    would write it twice. Such a file is refused (an error), never written with a duplicate key."""
    owners: dict[int, Workload] = {}
    for wl in workloads:
        nodes = [
            wl.template.node,
            *(k for k, _ in wl.footprint.annotations),
            *(k for k, _ in wl.footprint.spec),
        ]
        other = next((owners[id(n)] for n in nodes if id(n) in owners and owners[id(n)] is not wl), None)
        if other is not None:
            ctx.report(
                "shared-template",
                Severity.ERROR,
                f"{wl.label} shares its pod template (or its networks) with {other.label} through a YAML "
                "alias: converting it would change both at once",
                node=wl.anchor,
                path=wl.anchor_path,
                hint="write the template out in each object (no &anchor / *alias), then convert",
            )
            continue
        owners.update((id(n), wl) for n in nodes)
