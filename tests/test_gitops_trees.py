"""Trees shaped like real GitOps repositories, checked with kustomize itself (SPEC §6).

* Bases without namespaces, overlays that set one, Flux ``Kustomization`` objects with ``targetNamespace``:
  no namespace is invented (what had none still has none, generated objects included), a PodNetwork takes
  its NAD's namespace from the Flux Kustomization that deploys it, and ``kubectl kustomize`` of every
  converted overlay equals the conversion of its original rendering.
* Both directions: the native tree converted back to Multus renders what the original rendered (the same
  networks, as Multus reads them), patches included.
* A kustomization is converted whole or not at all: a refused patch keeps its base as it was.
* Both name templates: ``{name}`` follows any overlay; ``{namespace}.{name}`` under an overlay that moves the
  namespace is refused, never a dangling name.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_convert import pipeline
from k8snet_convert.manifests.objects import POD_TEMPLATE_PATHS
from k8snet_convert.model import Finding, Severity
from k8snet_convert.model.codec.parse import parse_networks
from k8snet_convert.model.names import implicit_interface
from k8snet_convert.options import AttachmentParams, Options, OutputMode, Target
from k8snet_convert.run import run

NETWORKS = "k8s.v1.cni.cncf.io/networks"

# -- a Flux home-ops repository: NADs deployed by a Flux Kustomization with targetNamespace, an app base
# without any namespace, two overlays that set one (one patches the networks with JSON 6902, one with a
# strategic-merge patch file).

HOME_OPS: dict[str, str] = {
    "clusters/home/infrastructure.yaml": """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: networks
  namespace: flux-system
spec:
  interval: 10m
  path: ./infrastructure/networks
  prune: true
  targetNamespace: network
  sourceRef:
    kind: GitRepository
    name: flux-system
""",
    "infrastructure/networks/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - iot.yaml
""",
    "infrastructure/networks/iot.yaml": """\
# The IoT VLAN, reachable from the media apps.
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: iot
spec:
  config: |-
    {
      "cniVersion": "0.3.1",
      "name": "iot",
      "type": "macvlan",
      "master": "eth0.20",
      "ipam": {"type": "static"}
    }
""",
    "apps/media/base/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - jellyfin.yaml
  - scanner.yaml
""",
    "apps/media/base/jellyfin.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: jellyfin
spec:
  selector:
    matchLabels: {app: jellyfin}
  template:
    metadata:
      labels: {app: jellyfin}
      annotations:
        # a fixed address on the IoT VLAN for DLNA discovery
        k8s.v1.cni.cncf.io/networks: |
          [{"name": "iot", "namespace": "network", "interface": "iot0", "ips": ["192.168.20.50/24"]}]
    spec:
      containers:
      - name: jellyfin
        image: jellyfin/jellyfin:10.9
""",
    "apps/media/base/scanner.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: scanner
spec:
  selector:
    matchLabels: {app: scanner}
  template:
    metadata:
      labels: {app: scanner}
      annotations:
        k8s.v1.cni.cncf.io/networks: network/iot
    spec:
      containers:
      - name: scanner
        image: registry.example/scanner:2
""",
    "apps/media/overlays/prod/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: media
resources:
  - ../../base
patches:
  - target:
      kind: Deployment
      name: scanner
    patch: |-
      - op: replace
        path: /spec/template/metadata/annotations/k8s.v1.cni.cncf.io~1networks
        value: network/iot@scan0
""",
    "apps/media/overlays/staging/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: media-staging
resources:
  - ../../base
patches:
  - path: scanner-off.yaml
""",
    "apps/media/overlays/staging/scanner-off.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: scanner
spec:
  template:
    metadata:
      annotations:
        k8s.v1.cni.cncf.io/networks: '[]'
""",
}
HOME_OVERLAYS = ("apps/media/base", "apps/media/overlays/prod", "apps/media/overlays/staging")


# -- helpers -----------------------------------------------------------------------------------------


def _kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not installed")
    return found


def _write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def _render(folder: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [_kubectl(), "kustomize", str(folder)], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return _sorted(yaml.safe_load_all(done.stdout))


def _sorted(objects: Any) -> list[dict[str, Any]]:
    def key(obj: dict[str, Any]) -> tuple[str, str, str]:
        meta = obj.get("metadata") or {}
        return (str(obj.get("kind")), str(meta.get("namespace", "")), str(meta.get("name", "")))

    return sorted((o for o in objects if o), key=key)


def _errors(findings: list[Finding]) -> list[str]:
    return [f"{f.file}:{f.line} {f.rule} {f.message}" for f in findings if f.severity is Severity.ERROR]


def _convert(tree: Path, **options: Any) -> list[Finding]:
    outcome = run([str(tree)], Options(mode=OutputMode.WRITE, **options), stdout=io.StringIO())
    return outcome.findings


def _convert_rendering(objects: list[dict[str, Any]], tmp: Path, **options: Any) -> list[dict[str, Any]]:
    """The rendered overlay converted as one file (what converting the output of kustomize gives)."""
    text = yaml.safe_dump_all(objects, sort_keys=False)
    target = tmp / "rendered.yaml"
    target.write_text(text)
    result = pipeline.convert_file("rendered.yaml", target, text.encode(), Options(**options))
    assert _errors(result.findings) == []
    return _sorted(yaml.safe_load_all((result.new or result.original).decode()))


def _multus_meaning(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Objects with each networks annotation replaced by what Multus reads in it: the same networks,
    interfaces and parameters whatever the spelling (short or JSON form, spaces, implicit net1...)."""
    out = []
    for obj in objects:
        obj = yaml.safe_load(yaml.safe_dump(obj))  # a copy
        path = POD_TEMPLATE_PATHS.get(obj.get("kind", ""))
        template = obj
        for key in path or ():
            template = template.get(key) or {}
        annotations = (template.get("metadata") or {}).get("annotations") or {}
        if path is not None and NETWORKS in annotations:
            namespace = (obj.get("metadata") or {}).get("namespace", "default")
            annotations[NETWORKS] = [
                (
                    a.nad,
                    a.interface or implicit_interface(i + 1),
                    {
                        k: v
                        for k, v in a.element.canonical().items()
                        if k not in ("name", "namespace", "interface")
                    },
                )
                for i, a in enumerate(parse_networks(annotations[NETWORKS], namespace))
            ]
        out.append(obj)
    return out


def _namespaces_of(tree: Path) -> dict[tuple[str, str, str], str | None]:
    """(file, kind, name) -> metadata.namespace of every object of every YAML file of the tree."""
    found: dict[tuple[str, str, str], str | None] = {}
    for file in sorted(tree.rglob("*.yaml")):
        for obj in yaml.safe_load_all(file.read_text()):
            if isinstance(obj, dict) and "kind" in obj:
                meta = obj.get("metadata") or {}
                rel = file.relative_to(tree).as_posix()
                found[(rel, str(obj["kind"]), str(meta.get("name")))] = meta.get("namespace")
    return found


# -- namespaces decided at apply time ---------------------------------------------------------------


@pytest.fixture(scope="module")
def home_ops(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Finding]]:
    """The original tree and its conversion to native (ConfigMap carriers)."""
    _kubectl()
    original = _write_tree(tmp_path_factory.mktemp("original"), HOME_OPS)
    converted = tmp_path_factory.mktemp("native") / "tree"
    shutil.copytree(original, converted)
    findings = _convert(converted)
    return original, converted, findings


def test_home_ops_converts_without_errors_or_invented_namespaces(
    home_ops: tuple[Path, Path, list[Finding]],
) -> None:
    original, converted, findings = home_ops
    assert _errors(findings) == []
    # `default` is never baked in: the NAD's namespace comes from Flux's targetNamespace.
    assert [f for f in findings if f.rule == "default-namespace" and f.severity is not Severity.INFO] == []
    before, after = _namespaces_of(original), _namespaces_of(converted)
    for key, namespace in before.items():
        assert after[key] == namespace, key
    generated = {k: ns for k, ns in after.items() if k not in before}
    kinds = {kind for _, kind, _ in generated}
    assert {"PodNetwork", "PodNetworkAttachment", "ConfigMap"} <= kinds
    # What `kubectl apply -n other -f` would place: no generated namespaced object names a namespace.
    assert {k: ns for k, ns in generated.items() if ns is not None} == {}


def test_podnetwork_takes_the_flux_target_namespace(home_ops: tuple[Path, Path, list[Finding]]) -> None:
    _original, converted, _findings = home_ops
    documents = list(yaml.safe_load_all((converted / "infrastructure/networks/iot.yaml").read_text()))
    podnetwork = next(d for d in documents if d["kind"] == "PodNetwork")
    assert podnetwork["spec"]["parametersRefs"][0]["namespace"] == "network"
    carriers = yaml.safe_load_all((converted / "apps/media/base/jellyfin.yaml").read_text())
    for obj in carriers:
        if obj["kind"] == "PodNetworkAttachment":
            assert obj["spec"]["parametersRefs"] == [
                {"group": "", "kind": "ConfigMap", "name": obj["metadata"]["name"]}
            ]


@pytest.mark.parametrize("overlay", HOME_OVERLAYS)
def test_rendered_overlay_of_the_converted_tree_equals_the_converted_rendering(
    overlay: str, home_ops: tuple[Path, Path, list[Finding]], tmp_path: Path
) -> None:
    original, converted, _findings = home_ops
    expected = _convert_rendering(_render(original / overlay), tmp_path)
    actual = _render(converted / overlay)
    assert not any(NETWORKS in yaml.safe_dump(o) for o in actual)  # both sides native, not vacuous
    assert any(o["kind"] == "PodNetworkAttachment" for o in actual)
    assert actual == expected


@pytest.mark.parametrize("overlay", HOME_OVERLAYS)
def test_back_to_multus_renders_the_original_networks(
    overlay: str, home_ops: tuple[Path, Path, list[Finding]], tmp_path: Path
) -> None:
    original, converted, _findings = home_ops
    back = tmp_path / "back"
    shutil.copytree(converted, back)
    assert _errors(_convert(back, to=Target.MULTUS)) == []
    rendered = _render(back / overlay)
    assert not any(o["kind"] in ("PodNetwork", "PodNetworkAttachment") for o in rendered)
    # kustomize's own configuration files stay (harmless without PodNetworks); the objects are the same.
    assert _multus_meaning(rendered) == _multus_meaning(_render(original / overlay))


def test_the_way_back_undoes_the_patches(home_ops: tuple[Path, Path, list[Finding]], tmp_path: Path) -> None:
    _original, converted, _findings = home_ops
    back = tmp_path / "back"
    shutil.copytree(converted, back)
    _convert(back, to=Target.MULTUS)
    for name in (
        "apps/media/overlays/prod/kustomization.yaml",
        "apps/media/overlays/staging/scanner-off.yaml",
    ):
        text = (back / name).read_text()
        assert "networks" in text and "spec/networks" not in text and "podNetworkName" not in text, name
    kustomization = yaml.safe_load((back / "apps/media/overlays/prod/kustomization.yaml").read_text())
    patch = yaml.safe_load(kustomization["patches"][0]["patch"])
    assert patch == [
        {
            "op": "replace",
            "path": "/spec/template/metadata/annotations/k8s.v1.cni.cncf.io~1networks",
            "value": "network/iot@scan0",
        }
    ]


# -- whole or not at all ----------------------------------------------------------------------------

REFUSED: dict[str, str] = {
    "apps/db/base/kustomization.yaml": "resources:\n  - nad.yaml\n  - db.yaml\n",
    "apps/db/base/nad.yaml": """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: storage
spec:
  config: '{"cniVersion": "1.0.0", "name": "storage", "type": "macvlan", "master": "eth1",
    "ipam": {"type": "static"}}'
""",
    "apps/db/base/db.yaml": """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
      annotations:
        k8s.v1.cni.cncf.io/networks: storage
    spec:
      containers:
      - name: db
        image: postgres:16
""",
    "apps/db/overlays/prod/kustomization.yaml": """\
namespace: db
resources:
  - ../../base
patches:
  - path: db-address.yaml
""",
    # A fixed address: a patch cannot create the PodNetworkAttachment and ConfigMap that carry it.
    "apps/db/overlays/prod/db-address.yaml": """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    metadata:
      annotations:
        k8s.v1.cni.cncf.io/networks: '[{"name": "storage", "ips": ["10.2.0.10/24"]}]'
""",
    # An unrelated app converts all the same.
    "apps/web/web.yaml": """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: web
  annotations:
    k8s.v1.cni.cncf.io/networks: web/frontnet
spec:
  containers:
  - name: web
    image: nginx
""",
}


def test_a_refused_patch_keeps_its_whole_kustomization(tmp_path: Path) -> None:
    tree = _write_tree(tmp_path / "tree", REFUSED)
    before = {name: (tree / name).read_bytes() for name in REFUSED}
    findings = _convert(tree)
    errors = {
        (f.file.removeprefix(str(tree) + "/"), f.rule) for f in findings if f.severity is Severity.ERROR
    }
    assert errors == {
        ("apps/db/overlays/prod/db-address.yaml", "attachment-params-in-patch"),
        ("apps/db/base/nad.yaml", "kustomize-unit-blocked"),
        ("apps/db/base/db.yaml", "kustomize-unit-blocked"),
        ("apps/db/overlays/prod/kustomization.yaml", "kustomize-unit-blocked"),  # its namespace config
    }
    blocked = next(f for f in findings if f.rule == "kustomize-unit-blocked")
    assert "apps/db/overlays/prod/db-address.yaml" in blocked.message
    for name in REFUSED:
        if name.startswith("apps/db/"):
            assert (tree / name).read_bytes() == before[name], name
    assert (tree / "apps/web/web.yaml").read_bytes() != before["apps/web/web.yaml"]
    assert not (tree / "apps/db/base/k8snet-convert-namespace.yaml").exists()


def test_a_refused_unit_is_the_same_for_any_jobs_and_for_check(tmp_path: Path) -> None:
    # Enough unrelated files for a worker pool: the unit's files still meet in one batch.
    files = dict(REFUSED)
    for i in range(60):
        files[f"apps/filler/f{i:02}.yaml"] = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f{i}\n"
    reports = []
    for jobs in (1, 2):
        tree = _write_tree(tmp_path / f"tree{jobs}", files)
        findings = _convert(tree, jobs=jobs)
        reports.append(sorted((f.file.removeprefix(str(tree)), f.rule) for f in findings))
    assert reports[0] == reports[1]
    tree = _write_tree(tmp_path / "check", files)
    outcome = run([str(tree)], Options(mode=OutputMode.CHECK), stdout=io.StringIO())
    assert not any(name.startswith(str(tree / "apps/db")) for name in outcome.changed)
    assert {f.rule for f in outcome.findings if f.file.endswith("db.yaml")} >= {"kustomize-unit-blocked"}


# -- name templates under an overlay that moves the namespace ---------------------------------------

BRIDGE: dict[str, str] = {
    "base/kustomization.yaml": "namespace: multus\nresources:\n  - nad.yaml\n  - app.yaml\n",
    "base/nad.yaml": """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: bridge-conf
spec:
  config: '{"cniVersion": "1.0.0", "name": "bridge-conf", "type": "bridge", "bridge": "br0",
    "ipam": {"type": "host-local", "subnet": "10.10.0.0/24"}}'
""",
    "base/app.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
      annotations:
        k8s.v1.cni.cncf.io/networks: bridge-conf
    spec:
      containers:
      - name: app
        image: busybox
""",
    "overlays/prod/kustomization.yaml": """\
namespace: prod
resources:
  - ../../base
patches:
  - target:
      kind: Deployment
      name: app
    patch: |-
      - op: replace
        path: /spec/template/metadata/annotations/k8s.v1.cni.cncf.io~1networks
        value: bridge-conf@br1
""",
    "overlays/same/kustomization.yaml": "namespace: multus\nresources:\n  - ../../base\n",
}


def test_a_namespace_template_that_an_overlay_moves_is_refused(tmp_path: Path) -> None:
    tree = _write_tree(tmp_path / "tree", BRIDGE)
    before = {name: (tree / name).read_bytes() for name in BRIDGE}
    findings = _convert(tree, name_template="{namespace}.{name}")
    refused = [f for f in findings if f.rule == "kustomize-namespace-template"]
    assert [(Path(f.file).relative_to(tree).as_posix(), f.line) for f in refused] == [
        ("overlays/prod/kustomization.yaml", 1)
    ]
    assert "'prod'" in refused[0].message and "bridge-conf" in refused[0].message
    assert all((tree / name).read_bytes() == before[name] for name in BRIDGE)  # nothing half-migrated


def test_a_namespace_template_without_a_moving_overlay_renders_whole(tmp_path: Path) -> None:
    files = {k: v for k, v in BRIDGE.items() if not k.startswith("overlays/prod")}
    tree = _write_tree(tmp_path / "tree", files)
    assert _errors(_convert(tree, name_template="{namespace}.{name}")) == []
    for overlay in ("base", "overlays/same"):
        rendered = _render(tree / overlay)
        names = {o["metadata"]["name"] for o in rendered if o["kind"] == "PodNetwork"}
        used = {
            e["podNetworkName"]
            for o in rendered
            if o["kind"] == "Deployment"
            for e in o["spec"]["template"]["spec"]["networks"]
        }
        assert names == {"multus.bridge-conf"}
        assert used - {"default"} == names  # every name the rendering uses exists in it


def test_the_name_template_without_namespace_follows_any_overlay(tmp_path: Path) -> None:
    original = _write_tree(tmp_path / "original", BRIDGE)
    tree = tmp_path / "tree"
    shutil.copytree(original, tree)
    assert _errors(_convert(tree)) == []
    for overlay in ("base", "overlays/prod", "overlays/same"):
        rendered = _render(tree / overlay)
        assert rendered == _convert_rendering(_render(original / overlay), tmp_path)
        names = {o["metadata"]["name"] for o in rendered if o["kind"] == "PodNetwork"}
        used = {
            e["podNetworkName"]
            for o in rendered
            if o["kind"] == "Deployment"
            for e in o["spec"]["template"]["spec"]["networks"]
        }
        assert used - {"default"} <= names


# -- the shapes of the pipeline itself --------------------------------------------------------------


def test_annotation_carriers_have_no_namespace_either(tmp_path: Path) -> None:
    tree = _write_tree(
        tmp_path / "tree", {k: v for k, v in HOME_OPS.items() if k.startswith("apps/media/base")}
    )
    assert _errors(_convert(tree, attachment_params=AttachmentParams.ANNOTATION)) == []
    for obj in yaml.safe_load_all((tree / "apps/media/base/jellyfin.yaml").read_text()):
        assert "namespace" not in obj["metadata"]
