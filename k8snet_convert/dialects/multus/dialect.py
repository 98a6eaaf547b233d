"""The Multus dialect: NetworkAttachmentDefinitions and the pod-template annotations."""

from __future__ import annotations

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.plan import EditPlan
from ...model import Inventory, Workload
from ...options import Options
from ..base import Reading
from . import devices, other_readers, reader, writer
from .device_objects import extended_resource, template_fact
from .nad import is_nad, network_of
from .other_readers import OtherReaders


class MultusDialect:
    name = "multus"

    def detect(self, ctx: FileContext) -> Reading:
        return reader.detect(ctx)

    def read(self, ctx: FileContext) -> Reading:
        return reader.read_file(ctx)

    def retire(
        self, ctx: FileContext, plan: EditPlan, reading: Reading, converted: list[Workload], target: str
    ) -> None:
        """NADs stay in every dialect (they hold the CNI config): nothing but the annotations goes. What
        else read those annotations, or names the NADs, is told (``other_readers``)."""
        if isinstance(reading.own, OtherReaders):
            other_readers.report(ctx, reading.own, converted, target)

    def normalisation_asked(self, options: Options) -> bool:
        return "annotation_style" in options.given and options.annotation_style.value != "auto"

    def needs_normalising(self, workload: Workload, options: Options) -> bool:
        # The other form of the annotation, when one was asked for (`auto` keeps what is written).
        style = options.annotation_style.value
        return "annotation_style" in options.given and style != "auto" and workload.variant != style

    def emit(
        self, ctx: FileContext, plan: EditPlan, workloads: list[Workload], readings: dict[str, Reading]
    ) -> list[Workload]:
        return writer.emit(ctx, plan, workloads)

    def emit_networks(self, ctx: FileContext, plan: EditPlan, readings: dict[str, Reading]) -> None:
        """A NAD is the Multus form of a network already; what may change is where the devices of its
        resourceName come from (--devices, a rule of this writer: the workloads have their Multus form)."""
        devices.emit(ctx, plan, readings)

    def scan(
        self, obj: K8sObject, namespace: str, display: str, inventory: Inventory, options: Options
    ) -> None:
        if is_nad(obj):
            inventory.add_nad(network_of(obj, namespace, display))
            return
        # What --devices wrote, so that a run resolves it wherever it is (or finds it there already).
        template = template_fact(obj, namespace, display)
        if template is not None:
            inventory.add_device_template(template)
        resource = extended_resource(obj)
        if resource is not None:
            inventory.add_extended_class(resource, display)
