"""The normalised model every dialect meets in: attachments (selection elements), workloads with their
footprint, networks (NADs) and the run-wide inventory. Plain data, no YAML, no pydantic."""

from ..findings import Finding, Severity
from .attachment import Attachment, NadKey
from .element import IPAM_CLAIM_REFERENCE, MULTUS_KNOWN_KEYS, InvalidElement, SelectionElement
from .inventory import ClaimFact, DeviceTemplateFact, Inventory, PodNetworkFact
from .network import Network, plugin_chain
from .workload import Footprint, Workload

__all__ = [
    "IPAM_CLAIM_REFERENCE",
    "MULTUS_KNOWN_KEYS",
    "Attachment",
    "ClaimFact",
    "DeviceTemplateFact",
    "Finding",
    "Footprint",
    "InvalidElement",
    "Inventory",
    "NadKey",
    "Network",
    "PodNetworkFact",
    "SelectionElement",
    "Severity",
    "Workload",
    "plugin_chain",
]
