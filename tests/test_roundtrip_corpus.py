"""The round trip on every document of the real-world corpus (SPEC §5); skipped when the corpus is absent.

multus -> native -> multus must give back every document, semantically equal, except where the native form
cannot carry what the file said: those are listed with the reason, and every other file must pass.
native -> multus -> native must hold for every converted file, with no exception.
"""

from __future__ import annotations

import json
from pathlib import Path

from k8snet_convert.manifests.source import decode
from k8snet_convert.model import Severity
from k8snet_convert.options import Options, Target
from k8snet_convert.pipeline import convert_file
from k8snet_convert.roundtrip import NAMESPACE_LOST, Difference, convert_text, round_trip

# Why a document may not come back, as the difference says it.
NAMESPACE_NOT_SAID = "the PodNetwork name does not say the namespace of a NAD that is not in the file"
TO_MULTUS = Options(to=Target.MULTUS)
DEFAULT_NAME = "a NAD named 'default' maps to the PodNetwork name of the cluster's default network"


def _reason(difference: Difference) -> str | None:
    """The known reason for a difference, or None when it is unexplained (a bug)."""
    if difference.message.endswith(NAMESPACE_LOST):
        return NAMESPACE_NOT_SAID
    marker = "the default network comes back as null instead of "
    if marker in difference.message:
        before = json.loads(difference.message.split(marker, 1)[1])
        if before.get("name") == "default":
            return DEFAULT_NAME
    return None


def _converted(corpus: Path) -> list[tuple[Path, str, bool]]:
    """(file, text, is JSON) of every plain corpus file the forward run converts."""
    found = []
    for path in sorted((corpus / "plain").iterdir()):
        data = path.read_bytes()
        if convert_file(path.name, path, data, Options()).new is not None:
            found.append((path, decode(data).text, path.suffix == ".json"))
    return found


def test_multus_native_multus(corpus: Path) -> None:
    converted = _converted(corpus)
    assert len(converted) > 350
    explained: dict[str, list[str]] = {}
    unexplained: list[str] = []
    identical = 0
    for path, text, is_json in converted:
        _, back, found = round_trip(text, Options(), path=path, is_json=is_json)
        identical += back == text
        for difference in found:
            reason = _reason(difference)
            if reason is None:
                unexplained.append(f"{path.name}:{difference.line}: {difference.message}")
            else:
                explained.setdefault(reason, []).append(f"{path.name}:{difference.line}")
    listing = "\n".join(f"{reason}:\n  " + "\n  ".join(where) for reason, where in explained.items())
    print(f"documents that do not come back, by reason:\n{listing}")
    assert not unexplained, "\n".join(unexplained)
    # The corpus today: 23 files reference NADs in another namespace (or Multus's namespace) without the
    # NAD in the file, or a NAD named "default"; the bound leaves room for corpus growth, not for regressions.
    failing = {entry.split(":")[0] for where in explained.values() for entry in where}
    assert len(failing) <= len(converted) // 15, listing
    # Most files come back byte for byte, not only semantically.
    assert identical > len(converted) // 2


def test_multus_native_multus_with_an_invertible_template(corpus: Path) -> None:
    """With {namespace}.{name} a PodNetwork name says its NAD: every document comes back."""
    options = Options(name_template="{namespace}.{name}")
    failures: list[str] = []
    for path, text, is_json in _converted(corpus):
        _, _, found = round_trip(text, options, path=path, is_json=is_json)
        failures.extend(f"{path.name}:{d.line}: {d.message}" for d in found)
    assert not failures, "\n".join(failures)


def test_native_multus_native(corpus: Path) -> None:
    """Every converted file, read back to Multus and forward again, says the same, without exception."""
    failures: list[str] = []
    for path, text, is_json in _converted(corpus):
        native, _ = convert_text(text, Options(), path=path, is_json=is_json)
        multus, found = convert_text(native, TO_MULTUS, path=path, is_json=is_json)
        assert not [f for f in found if f.severity is Severity.ERROR], (path.name, found)
        # converting twice equals converting once
        assert convert_text(multus, TO_MULTUS, path=path, is_json=is_json)[0] == multus, path.name
        _, _, differences = round_trip(native, TO_MULTUS, path=path, is_json=is_json)
        failures.extend(f"{path.name}:{d.line}: {d.message}" for d in differences)
    assert not failures, "\n".join(failures)
