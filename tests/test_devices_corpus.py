"""The corpus's SR-IOV manifests (sriov-network-device-plugin, sriov-network-operator, network-resources-
injector, Multus, vDPA, RDMA, ...) through --devices dra and back, one source repository at a time (its
files are one run: the NADs of its docs are the inventory of its pods).

Run with ``-s`` to see the counts per repository.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from k8snet_convert.options import Devices, Options, OutputMode, Target
from k8snet_convert.pipeline import collect_inventory
from k8snet_convert.run import run

MARKERS = (b"resourceName", b"intel.com/", b"sriov", b"mellanox.com/", b"openshift.io/")
FORWARD = Options(to=Target.MULTUS, devices=Devices.DRA, mode=OutputMode.WRITE, jobs=1, quiet=True)
BACK = Options(to=Target.MULTUS, devices=Devices.DEVICE_PLUGIN, mode=OutputMode.WRITE, jobs=1, quiet=True)


def _repositories(corpus: Path) -> dict[str, list[Path]]:
    """Every file of each source repository that has SR-IOV content somewhere (a vDPA pod need not say
    "sriov": its NAD, in another file, does)."""
    found: dict[str, list[Path]] = {}
    for path in sorted((corpus / "plain").iterdir()):
        found.setdefault(path.name.split("__")[0], []).append(path)
    return {
        repository: files
        for repository, files in found.items()
        if any(marker in path.read_bytes() for path in files for marker in MARKERS)
    }


def _meaning(data: bytes, pools: set[str]) -> list[Any]:
    """The documents as data, each container's devices of the pools as {resource: count}: the way back
    writes them as requests and limits, last, with the amount quoted (the source may have said limits
    only, 1 unquoted, or listed them first)."""
    docs = [d for d in yaml.safe_load_all(data.decode("utf-8-sig")) if d is not None]
    for container in _containers(docs):
        resources = container.get("resources")
        if resources is None:  # ``resources:`` with no value is no resources
            container.pop("resources", None)
        if not isinstance(resources, dict):
            continue
        devices: dict[str, int] = {}
        for section in ("requests", "limits"):
            amounts = resources.get(section)
            if not isinstance(amounts, dict):
                continue
            for resource in [r for r in amounts if r in pools]:
                devices[resource] = int(str(amounts.pop(resource)))
            if not amounts:
                del resources[section]
        if devices:
            resources["devices"] = devices
    return docs


def _containers(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("containers", "initContainers") and isinstance(item, list):
                found.extend(c for c in item if isinstance(c, dict))
            found.extend(_containers(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_containers(item))
    return found


def test_sriov_corpus_moves_to_dra_and_back(corpus: Path, tmp_path: Path) -> None:
    totals: Counter[str] = Counter()
    rules: Counter[tuple[str, str]] = Counter()
    rows = []
    for repository, files in _repositories(corpus).items():
        folder = tmp_path / repository
        folder.mkdir()
        for path in files:
            shutil.copy(path, folder / path.name)
        inventory = collect_inventory([(str(p), p, p.read_bytes()) for p in files], FORWARD)
        pools = set(inventory.device_pools())
        forward = run([str(folder)], FORWARD)
        claimed = [f for f in forward.findings if f.rule == "devices-claimed"]
        moves = sum(f.message.count(" -> claim ") for f in claimed)
        rules.update((f.rule, f.severity.value) for f in forward.findings)
        errors = [f for f in forward.findings if f.severity.value == "error"]
        assert not [f for f in errors if f.rule.startswith("devices") or f.rule == "internal-error"]
        # every device request of a pool moved, but those reported as not movable
        stayed = {(f.file, f.line) for f in forward.findings if f.rule == "devices-count-unknown"}
        for name in forward.changed:
            docs = yaml.safe_load_all(Path(name).read_text(encoding="utf-8-sig"))
            left = [
                r
                for c in _containers(list(docs))
                for section in ("requests", "limits")
                for r in ((c.get("resources") or {}).get(section) or {})
                if r in pools
            ]
            assert not left or any(file == name for file, _ in stayed), (name, left)
        back = run([str(folder)], BACK)
        assert not [f for f in back.findings if f.rule.startswith("devices") and f.severity.value != "info"]
        exact = 0
        for path in files:
            now = (folder / path.name).read_bytes()
            exact += now == path.read_bytes()
            assert _meaning(now, pools) == _meaning(path.read_bytes(), pools), path.name
        changed = len(forward.changed)
        rows.append(f"{repository:28} {len(files):5} {changed:7} {len(claimed):9} {moves:5} {exact:5}")
        totals.update(files=len(files), changed=changed, workloads=len(claimed), moves=moves)
        totals.update(exact=exact, repositories=bool(moves))
    print("\nrepository                   files changed workloads moves exact-back")
    print("\n".join(rows))
    print(dict(totals))
    print({f"{rule} ({severity})": n for (rule, severity), n in sorted(rules.items())})
    # the corpus is exercised: devices of many pods in many repositories move
    assert totals["moves"] >= 30 and totals["workloads"] >= 30 and totals["repositories"] >= 10
    assert rules[("devices-cluster-needs", "info")] >= 20
