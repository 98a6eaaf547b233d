"""The selection element's codec: Multus's pod annotations ``k8s.v1.cni.cncf.io/networks`` and
``v1.multus-cni.io/default-network``, and the JSON of one element (carriers and claims hold it too).

Parsing reproduces Multus's ``parsePodNetworkAnnotation`` (reference/multus.md §1, §2, §4.1): the same form
detection, the same short-form rules, the same Go ``encoding/json`` semantics for the JSON form, and the same
post-processing checks, with error messages that start like Multus's and then name the element and value.
On top of that (SPEC §4.1) it rejects what Multus accepts but can never work at run time (an element with an
empty name, a ``null`` element), and it keeps what Multus drops (unknown keys, ``ipam-claim-reference``) so
that a conversion loses nothing; ``Attachment.ignored_keys`` says which of those Multus ignores.

Formatting writes elements back, in the short form only when that is lossless.
"""

from ..attachment import Attachment
from .format import format_annotation, format_json, format_short, is_short_safe
from .parse import parse_default_network, parse_networks

ParsedElement = Attachment  # what the parser returns: the model's attachment

__all__ = [
    "ParsedElement",
    "format_annotation",
    "format_json",
    "format_short",
    "is_short_safe",
    "parse_default_network",
    "parse_networks",
]
