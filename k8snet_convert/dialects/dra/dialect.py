"""The DRA dialect: ResourceClaimTemplates of the CNI DRA driver and pod ``spec.resourceClaims``."""

from __future__ import annotations

from ...context import FileContext
from ...manifests.objects import K8sObject
from ...manifests.plan import EditPlan
from ...model import Inventory, Workload
from ...options import Options
from ..base import Reading
from . import elements, retire, writer


class DraDialect:
    name = "dra"

    def detect(self, ctx: FileContext) -> Reading:
        return elements.detect(ctx)

    def read(self, ctx: FileContext) -> Reading:
        return elements.read(ctx)

    def retire(
        self, ctx: FileContext, plan: EditPlan, reading: Reading, converted: list[Workload], target: str
    ) -> None:
        retire.retire(ctx, plan, reading, converted, target)

    def normalisation_asked(self, options: Options) -> bool:
        return "dra_api_version" in options.given

    def needs_normalising(self, workload: Workload, options: Options) -> bool:
        # Another resource.k8s.io version, when one was asked for.
        version = options.dra_api_version.value
        return "dra_api_version" in options.given and workload.variant not in (None, version)

    def emit(
        self, ctx: FileContext, plan: EditPlan, workloads: list[Workload], readings: dict[str, Reading]
    ) -> list[Workload]:
        return writer.DraWriter(ctx, plan).emit(workloads)

    def emit_networks(self, ctx: FileContext, plan: EditPlan, readings: dict[str, Reading]) -> None:
        if ctx.options.drop_nads:
            nads = [nad for reading in readings.values() for nad in reading.nads]
            vms = {key for reading in readings.values() for key in reading.kubevirt_nads}
            writer.DraWriter(ctx, plan).drop_nads(nads, vms)

    def scan(
        self, obj: K8sObject, namespace: str, display: str, inventory: Inventory, options: Options
    ) -> None:
        fact = elements.claim_fact(obj, namespace, display)
        if fact is not None:
            inventory.add_claim(fact)
