"""The Multus dialect: NetworkAttachmentDefinitions and the pod-template annotations."""

from __future__ import annotations

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.plan import EditPlan
from ...model import Inventory, Workload
from ...options import Options
from ..base import Reading
from . import other_readers, reader, writer
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
        """A NAD is the Multus form of a network already."""

    def scan(
        self, obj: K8sObject, namespace: str, display: str, inventory: Inventory, options: Options
    ) -> None:
        if is_nad(obj):
            inventory.add_nad(network_of(obj, namespace, display))
