"""A small generator of synthetic GitOps repositories, used when ../shared/bench/gen_gitops.py is absent.

It mirrors the shape of that generator (one folder per app: kustomization, workload, Service,
ConfigMap; for a share of the apps, NetworkAttachmentDefinitions and a Multus networks annotation on
the pod template, with comments) so that figures from a fresh clone are comparable, not identical.

Usage: python -m benchmarks.gen OUT_DIR [--files N] [--affected FRACTION] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

_CNI_TYPES = ("macvlan", "ipvlan", "bridge", "host-device")


def _nad(rng: random.Random, name: str, ns: str, n: int) -> str:
    conf: dict[str, object] = {"cniVersion": "0.3.1", "name": name, "type": rng.choice(_CNI_TYPES)}
    conf["ipam"] = {"type": "whereabouts", "range": f"192.168.{n % 250}.0/24"}
    # Both spellings of the config occur in real repositories and parse differently.
    if rng.random() < 0.5:
        body = "  config: '" + json.dumps(conf) + "'\n"
    else:
        body = "  config: |\n    " + json.dumps(conf, indent=2).replace("\n", "\n    ") + "\n"
    return (
        f"# secondary network {name}\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
        f"metadata:\n  name: {name}\n  namespace: {ns}\nspec:\n{body}"
    )


def _annotation(rng: random.Random, nets: list[str], ns: str) -> str:
    form = rng.random()
    if form < 0.4:  # short form
        return "'" + ",".join(nets) + "'"
    if form < 0.7:  # namespaced with interface names
        return "'" + ", ".join(f"{ns}/{x}@net{i + 1}" for i, x in enumerate(nets)) + "'"
    elements = [{"name": x, "interface": f"net{i + 1}"} for i, x in enumerate(nets)]
    return "'" + json.dumps(elements) + "'"


def _workload(rng: random.Random, app: str, ns: str, nets: list[str]) -> str:
    kind = rng.choice(("Deployment", "Deployment", "StatefulSet"))
    ann = ""
    if nets:
        ann = (
            "      annotations:\n        # attach the data-plane networks\n"
            f"        k8s.v1.cni.cncf.io/networks: {_annotation(rng, nets, ns)}\n"
        )
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {app}\n  namespace: {ns}\n"
        f"spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {app}\n"
        f"  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {app}\n{ann}"
        f"    spec:\n      containers:\n      - name: {app}\n"
        f"        image: registry.example/{app}:1.{rng.randrange(40)}.0\n"
        "        ports:\n        - containerPort: 8080\n          name: http\n"
        "        env:\n        - name: LOG_LEVEL\n          value: info  # keep quiet in prod\n"
    )


def generate(out: Path, files: int, affected: float = 0.1, seed: int = 7) -> int:
    """Write at least ``files`` manifest files under ``out``; return how many were written."""
    rng = random.Random(seed)
    written = 0
    app_i = 0
    while written < files:
        app_i += 1
        app = f"app{app_i}"
        ns = f"team{app_i % 37}"
        folder = out / "clusters" / f"cluster{app_i % 5}" / ns / app
        folder.mkdir(parents=True, exist_ok=True)
        texts: dict[str, str] = {}
        nets: list[str] = []
        if rng.random() < affected:
            nets = [f"{app}-net{i}" for i in range(rng.randint(1, 3))]
            texts["networks.yaml"] = "---\n".join(_nad(rng, x, ns, app_i + i) for i, x in enumerate(nets))
        texts["workload.yaml"] = _workload(rng, app, ns, nets)
        texts["service.yaml"] = (
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\n  namespace: {ns}\nspec:\n"
            f"  selector:\n    app.kubernetes.io/name: {app}\n  ports:\n  - port: 80\n    targetPort: http\n"
        )
        texts["config.yaml"] = (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}-config\n  namespace: {ns}\ndata:\n"
            f'  settings.json: |\n    {{"shards": {rng.randrange(1, 64)}}}\n'
        )
        texts["kustomization.yaml"] = (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            f"namespace: {ns}\nresources:\n" + "".join(f"- {f}\n" for f in sorted(texts))
        )
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
            written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--affected", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    written = generate(args.out, args.files, args.affected, args.seed)
    print(f"wrote {written} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
