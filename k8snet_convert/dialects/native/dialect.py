"""The native dialect (KEP-3698): PodNetwork, PodNetworkAttachment and pod ``spec.networks``."""

from __future__ import annotations

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.plan import EditPlan
from ...model import Inventory, Workload
from ...options import Options
from ..base import Reading
from . import reader, retire, writer
from .objects import read_podnetwork
from .profiles import PODNETWORK_KIND


class NativeDialect:
    name = "native"

    def detect(self, ctx: FileContext) -> Reading:
        return reader.detect(ctx)

    def read(self, ctx: FileContext) -> Reading:
        return reader.read(ctx)

    def retire(
        self, ctx: FileContext, plan: EditPlan, reading: Reading, converted: list[Workload], target: str
    ) -> None:
        retire.retire(ctx, plan, reading, converted, target)

    def normalisation_asked(self, options: Options) -> bool:
        return "profile" in options.given

    def needs_normalising(self, workload: Workload, options: Options) -> bool:
        # Another KEP revision, when the user asked for one (flag or configuration): never by default,
        # so that a repository already written in either revision passes `check` untouched.
        return "profile" in options.given and workload.variant not in (None, options.profile.value)

    def emit(
        self, ctx: FileContext, plan: EditPlan, workloads: list[Workload], readings: dict[str, Reading]
    ) -> list[Workload]:
        return writer.NativeWriter(ctx, plan).emit(workloads)

    def emit_networks(self, ctx: FileContext, plan: EditPlan, readings: dict[str, Reading]) -> None:
        nads = [nad for reading in readings.values() for nad in reading.nads]
        writer.NativeWriter(ctx, plan).emit_networks(nads)

    def scan(
        self, obj: K8sObject, namespace: str, display: str, inventory: Inventory, options: Options
    ) -> None:
        if obj.kind == PODNETWORK_KIND:
            inventory.add_podnetwork(read_podnetwork(obj, options.provider, namespace).fact(display))
