"""The corpus through every dialect: each file that converts multus -> native also goes native -> dra and
dra -> native, with each repository's files as one run (their inventory), and native -> dra -> native gives
back what the native file meant (SPEC §5's equality, minus what DRA reports as dropped). Skipped when the
corpus is absent."""

from __future__ import annotations

import collections
from dataclasses import replace
from pathlib import Path

from k8snet_convert.errors import ConvertError
from k8snet_convert.manifests.source import decode
from k8snet_convert.model import Finding, Inventory, Severity
from k8snet_convert.options import Options, Target
from k8snet_convert.pipeline import collect_inventory
from k8snet_convert.roundtrip import _dra_carried, convert_text, differences, load_text

# Why a file has no DRA form, as the conversion reports it (SPEC §2, docs/dra.md).
NO_DRA_FORM = {
    "dra-default-network",  # a pod's primary network replaced: claims only add interfaces
    "dra-config-less-nad",  # the config lives on the nodes: nothing to embed
    "dra-nad-not-found",  # the repository does not define the NAD
    "dra-nad-conflict",  # documentation repositories define one NAD differently in several files
    "invalid-cni-json",
    "dra-parameters-too-large",
}


def _stage(files: dict[str, str], options: Options) -> tuple[dict[str, str], dict[str, list[Finding]]]:
    """Convert every file of one repository as one run: the inventory is the whole repository's."""
    inventory = collect_inventory([(n, None, t.encode()) for n, t in files.items()], options)
    out: dict[str, str] = {}
    findings: dict[str, list[Finding]] = {}
    for name, text in files.items():
        out[name], findings[name] = convert_text(
            text, options, display=name, is_json=name.endswith(".json"), inventory=inventory
        )
    return out, findings


def _errors(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings if f.severity is Severity.ERROR}


def test_corpus_goes_through_every_dialect(corpus: Path) -> None:
    groups: dict[str, dict[str, str]] = collections.defaultdict(dict)
    for path in sorted((corpus / "plain").iterdir()):
        try:
            groups[path.name.split("__")[0]][path.name] = decode(path.read_bytes()).text
        except ConvertError:  # an undecodable file is the conversion's business, not this chain's
            continue
    native_options = Options()
    converted = through = 0
    no_form: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    for files in groups.values():
        native, forward = _stage(files, native_options)
        moved = {n for n, t in native.items() if t != files[n] and not _errors(forward[n])}
        if not moved:
            continue
        converted += len(moved)
        dra, to_dra = _stage({n: native[n] for n in moved}, replace(native_options, to=Target.DRA))
        # Only the files that reached DRA go back: a failed file keeps its native objects, which a real run
        # would count (another file "holds the PodNetwork already") but this chain does not.
        back, to_native = _stage({n: t for n, t in dra.items() if not _errors(to_dra[n])}, native_options)
        inventory: Inventory = collect_inventory(
            [(n, None, t.encode()) for n, t in native.items()], native_options
        )
        for name in sorted(moved):
            refused = _errors(to_dra[name])
            if refused:
                unexplained = refused - NO_DRA_FORM
                if unexplained:
                    problems.append(f"{name}: native -> dra: {sorted(unexplained)}")
                no_form.update(refused & NO_DRA_FORM)
                continue
            # What a claim carries is decided by the file's own NAD definition, as the DRA writer decides it.
            carried = _dra_carried(
                load_text(native[name], native_options, name, inventory=inventory).inventory
            )
            if _errors(to_native[name]):
                problems.append(f"{name}: dra -> native: {sorted(_errors(to_native[name]))}")
                continue
            found = differences(
                native[name],
                back[name],
                native_options,
                is_json=name.endswith(".json"),
                inventory=inventory,
                carried=carried,
            )
            problems.extend(f"{name}:{d.line}: {d.message}" for d in found)
            through += 1
    print(
        f"{converted} files convert to native; {through} go native -> dra -> native; "
        f"no DRA form: {dict(no_form)}"
    )
    assert problems == [], "\n".join(problems)
    assert converted > 350
    assert through > converted // 4
