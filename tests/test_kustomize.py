"""Kustomize (SPEC §6): JSON 6902 patches, inline patches, the namespace transformer configuration.

The end-to-end check is kustomize's own: ``kubectl kustomize`` of the converted tree equals the conversion
of ``kubectl kustomize`` of the original tree, for a base and overlays that patch (strategic merge, JSON
6902 inline and in files) and override the namespace. The unit tests apply original and converted JSON
patches with ``jsonpatch`` to a base object and compare with converting the patched object.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonpatch  # type: ignore[import-untyped]
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet_convert import namespaces, pipeline
from k8snet_convert.integrations import kustomize as kustomize_convert
from k8snet_convert.integrations.kustomize import NAMESPACE_CONFIG, SCOPE_TRANSFORMER
from k8snet_convert.integrations.kustomize import reading as kustomize
from k8snet_convert.model import Finding, Severity
from k8snet_convert.options import AttachmentParams, Options, OutputMode, Profile, Target
from k8snet_convert.results import FileResult
from k8snet_convert.run import run

TREE = Path(__file__).parent / "fixtures_kustomize" / "tree"
NETWORKS = "k8s.v1.cni.cncf.io/networks"
DEFAULT_NETWORK = "v1.multus-cni.io/default-network"
PARAMS = "k8snet-convert.io/attachment-params"
NETWORKS_PTR = "k8s.v1.cni.cncf.io~1networks"
DEFAULT_PTR = "v1.multus-cni.io~1default-network"

# Whether pipeline.convert_file hands JSON 6902 patch files to kustomize_convert.convert_patch_file.


# -- helpers -----------------------------------------------------------------------------------------


def _kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not installed")
    return found


def _sort_key(obj: dict[str, Any]) -> tuple[str, str, str]:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind")), str(meta.get("namespace", "")), str(meta.get("name", "")))


def _parse(text: str) -> list[dict[str, Any]]:
    return sorted((d for d in yaml.safe_load_all(text) if d), key=_sort_key)


def _render(folder: Path) -> str:
    done = subprocess.run(
        [_kubectl(), "kustomize", str(folder)], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _errors(findings: list[Finding]) -> list[str]:
    return [f"{f.file}:{f.line} {f.rule} {f.message}" for f in findings if f.severity is Severity.ERROR]


def _convert_tree(tmp: Path, options: Options, drop: tuple[str, ...] = ()) -> Path:
    tree = tmp / "converted"
    shutil.copytree(TREE, tree)
    for name in drop:
        shutil.rmtree(tree / name)
    outcome = run([str(tree)], options, stdout=io.StringIO())
    assert _errors(outcome.findings) == []
    # A second run changes nothing (SPEC §6): the configuration is not added twice, patches stay.
    again = run([str(tree)], Options(**{**options.__dict__, "mode": OutputMode.CHECK}), stdout=io.StringIO())
    assert again.changed == []
    return tree


def _convert_stream(text: str, tmp: Path, options: Options) -> str:
    """The rendered overlay converted as one file, outside any kustomization."""
    target = tmp / "rendered" / "all.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    result = pipeline.convert_file("all.yaml", target, target.read_bytes(), options)
    assert _errors(result.findings) == []
    return (result.new or result.original).decode()


# -- the end-to-end check ----------------------------------------------------------------------------

OVERLAYS = ("base", "overlays/smp", "overlays/json6902", "overlays/namespace", "overlays/params")
CASES = [
    pytest.param(
        mode,
        overlay,
        marks=[],
        id=f"{mode}-{overlay.rsplit('/', 1)[-1]}",
    )
    for mode in (AttachmentParams.CONFIGMAP, AttachmentParams.ANNOTATION)
    for overlay in OVERLAYS
    # A patch cannot create a PodNetworkAttachment: the params overlay converts only with annotation.
    if not (mode is AttachmentParams.CONFIGMAP and overlay == "overlays/params")
]


@pytest.fixture(scope="module")
def converted_trees(tmp_path_factory: pytest.TempPathFactory) -> dict[AttachmentParams, Path]:
    _kubectl()
    trees = {}
    for mode in (AttachmentParams.CONFIGMAP, AttachmentParams.ANNOTATION):
        tmp = tmp_path_factory.mktemp(f"tree-{mode}")
        drop = ("overlays/params",) if mode is AttachmentParams.CONFIGMAP else ()
        trees[mode] = _convert_tree(tmp, Options(mode=OutputMode.WRITE, attachment_params=mode), drop)
    return trees


@pytest.mark.parametrize(("mode", "overlay"), CASES)
def test_kustomize_build_of_converted_tree_equals_converted_build(
    mode: AttachmentParams, overlay: str, converted_trees: dict[AttachmentParams, Path], tmp_path: Path
) -> None:
    options = Options(attachment_params=mode)
    expected_text = _convert_stream(_render(TREE / overlay), tmp_path, options)
    actual_text = _render(converted_trees[mode] / overlay)
    # Guard against a vacuous pass: both sides are native, and they are equal.
    assert NETWORKS not in actual_text
    assert "PodNetwork" in actual_text
    assert _parse(actual_text) == _parse(expected_text)


def test_params_overlay_is_refused_with_configmap_carriers(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(TREE, tree)
    outcome = run([str(tree / "overlays" / "params")], Options(mode=OutputMode.WRITE), stdout=io.StringIO())
    rules = {f.rule for f in outcome.findings if f.severity is Severity.ERROR}
    assert rules == {"attachment-params-in-patch"}
    assert (tree / "overlays/params/kustomization.yaml").read_bytes() == (
        TREE / "overlays/params/kustomization.yaml"
    ).read_bytes()


def test_namespace_overlay_keeps_podnetworks_cluster_scoped(
    converted_trees: dict[AttachmentParams, Path],
) -> None:
    objects = _parse(_render(converted_trees[AttachmentParams.ANNOTATION] / "overlays" / "namespace"))
    podnetworks = [o for o in objects if o["kind"] == "PodNetwork"]
    assert {o["metadata"]["name"] for o in podnetworks} == {"macvlan", "storage"}
    for obj in podnetworks:
        assert "namespace" not in obj["metadata"]
        assert [r["namespace"] for r in obj["spec"]["parametersRefs"]] == ["prod"]
    nads = [o for o in objects if o["kind"] == "NetworkAttachmentDefinition"]
    assert {o["metadata"]["namespace"] for o in nads} == {"prod"}


# -- JSON 6902: converting patches, checked with jsonpatch -------------------------------------------


def _workload(kind: str, annotations: dict[str, str] | None, labels: bool = True) -> dict[str, Any]:
    template: dict[str, Any] = {"metadata": {}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
    if labels:
        template["metadata"]["labels"] = {"app": "x"}
    if annotations is not None:
        template["metadata"]["annotations"] = dict(annotations)
    if not template["metadata"]:
        del template["metadata"]
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": {"name": "x", "namespace": "ns"}}
    if kind == "Pod":
        obj["metadata"].update(template.get("metadata", {}))
        obj["spec"] = template["spec"]
    elif kind == "CronJob":
        obj["apiVersion"] = "batch/v1"
        obj["spec"] = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}
    else:
        obj["apiVersion"] = "apps/v1"
        obj["spec"] = {"template": template}
    return obj


PREFIX = {"Pod": "", "Deployment": "/spec/template", "CronJob": "/spec/jobTemplate/spec/template"}


def _convert_object(obj: dict[str, Any], options: Options) -> dict[str, Any]:
    result = pipeline.convert_file("obj.yaml", None, yaml.safe_dump(obj).encode(), options)
    assert _errors(result.findings) == []
    docs = list(yaml.safe_load_all((result.new or result.original).decode()))
    converted: dict[str, Any] = _without_empty_maps(docs[0])
    return converted


def _without_empty_maps(obj: Any) -> Any:
    """What the API server keeps: ObjectMeta's maps are ``omitempty``, so ``annotations: {}`` is absent."""
    if isinstance(obj, dict):
        cleaned = {k: _without_empty_maps(v) for k, v in obj.items()}
        for key in ("annotations", "labels"):
            if cleaned.get(key) == {}:
                del cleaned[key]
        if cleaned.get("metadata") == {} and "kind" not in cleaned:
            del cleaned["metadata"]
        return cleaned
    if isinstance(obj, list):
        return [_without_empty_maps(v) for v in obj]
    return obj


def _patch_file(
    tmp: Path,
    text: str,
    kind: str | None,
    name: str = "ops.yaml",
    target_name: str = "x",
    base: dict[str, Any] | None = None,
) -> Path:
    """A patch file and a kustomization that references it with a target of ``kind`` (and holds ``base``)."""
    folder = tmp / "overlay"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    target: dict[str, Any] = {"name": target_name}
    if kind is not None:
        target["kind"] = kind
    resources = []
    if base is not None:
        (folder / "base.yaml").write_text(yaml.safe_dump(base))
        resources.append("base.yaml")
    (folder / "kustomization.yaml").write_text(
        yaml.safe_dump({"resources": resources, "patches": [{"path": name, "target": target}]})
    )
    return folder / name


def _convert_patch(path: Path, options: Options) -> FileResult:
    """The patch file through the pipeline's loading and kustomize_convert.convert_patch_file."""
    result = FileResult(path.name, path, path.read_bytes())
    ctx = pipeline.load(result, options)
    if ctx is None:
        return result  # the byte pre-filter: nothing Multus-related in the file
    assert kustomize_convert.convert_patch_file(ctx, result)
    result.findings.extend(ctx.findings)
    if ctx.editor.edits and not ctx.has_errors:
        result.new = ctx.source.encode(ctx.editor.result())
    return result


def _check_equivalent(
    tmp: Path,
    base: dict[str, Any],
    ops: list[dict[str, Any]],
    options: Options | None = None,
    as_json: bool = False,
) -> tuple[list[dict[str, Any]], FileResult]:
    """Converting (base + patch) == (converted base) + (converted patch); returns the converted ops.

    PodNetwork names carry the namespace, so the patch must find its target's namespace (``ns``, from
    the kustomization's resources) to agree with the conversion of the patched object.
    """
    options = dataclasses.replace(options or Options(), name_template="{namespace}.{name}")
    expected = _convert_object(jsonpatch.apply_patch(base, ops), options)
    text = json.dumps(ops, indent=2) if as_json else yaml.safe_dump(ops, sort_keys=False)
    path = _patch_file(tmp, text, base["kind"], "ops.json" if as_json else "ops.yaml", base=base)
    result = _convert_patch(path, options)
    assert _errors(result.findings) == []
    assert "default-namespace" not in {f.rule for f in result.findings}
    new_ops = yaml.safe_load((result.new or result.original).decode())
    actual = _without_empty_maps(jsonpatch.apply_patch(_convert_object(base, options), new_ops))
    assert actual == expected
    if result.new is not None:
        # Idempotent: the converted patch converts to itself.
        path.write_bytes(result.new)
        assert _convert_patch(path, options).new is None
    return new_ops, result


@pytest.mark.parametrize("kind", ["Deployment", "CronJob", "Pod"])
@pytest.mark.parametrize("op", ["add", "replace"])
def test_add_or_replace_networks_annotation(tmp_path: Path, kind: str, op: str) -> None:
    base = _workload(kind, {"team": "a", **({NETWORKS: "old"} if op == "replace" else {})})
    path = f"{PREFIX[kind]}/metadata/annotations/{NETWORKS_PTR}"
    new_ops, _ = _check_equivalent(tmp_path, base, [{"op": op, "path": path, "value": "a, ns2/b@eth9"}])
    assert new_ops == [
        {
            "op": op,
            "path": f"{PREFIX[kind]}/spec/networks",
            "value": [
                {
                    "podNetworkName": "default",
                    "interfaceName": "eth0",
                    "isDefaultGW4": True,
                    "isDefaultGW6": True,
                },
                {"podNetworkName": "ns.a", "interfaceName": "net1"},
                {"podNetworkName": "ns2.b", "interfaceName": "eth9"},
            ],
        }
    ]


@pytest.mark.parametrize("kind", ["Deployment", "CronJob", "Pod"])
def test_remove_networks_annotation(tmp_path: Path, kind: str) -> None:
    base = _workload(kind, {"team": "a", NETWORKS: "a"})
    path = f"{PREFIX[kind]}/metadata/annotations/{NETWORKS_PTR}"
    new_ops, _ = _check_equivalent(tmp_path, base, [{"op": "remove", "path": path}])
    assert new_ops == [{"op": "remove", "path": f"{PREFIX[kind]}/spec/networks"}]


def test_annotation_only_annotations_emptied(tmp_path: Path) -> None:
    """The base's only annotation replaced: its converted base has no annotations map left."""
    base = _workload("Deployment", {NETWORKS: "a"})
    path = f"/spec/template/metadata/annotations/{NETWORKS_PTR}"
    _check_equivalent(tmp_path, base, [{"op": "replace", "path": path, "value": "b"}])


def test_whole_annotations_object(tmp_path: Path) -> None:
    base = _workload("Deployment", {"old": "1"})
    value = {NETWORKS: "a@x1", "team": "b"}
    new_ops, _ = _check_equivalent(
        tmp_path, base, [{"op": "add", "path": "/spec/template/metadata/annotations", "value": value}]
    )
    assert new_ops[0]["value"] == {"team": "b"}
    assert new_ops[1]["op"] == "add"
    assert new_ops[1]["path"] == "/spec/template/spec/networks"


def test_whole_annotations_object_with_only_the_annotation(tmp_path: Path) -> None:
    base = _workload("Deployment", {"old": "1"})
    ops = [{"op": "replace", "path": "/spec/template/metadata/annotations", "value": {NETWORKS: "a"}}]
    new_ops, _ = _check_equivalent(tmp_path, base, ops)
    assert new_ops[0]["value"] == {}


def test_whole_metadata_object(tmp_path: Path) -> None:
    base = _workload("CronJob", None)
    value = {"labels": {"app": "y"}, "annotations": {NETWORKS: "a", DEFAULT_NETWORK: "kube-system/pri"}}
    ops = [{"op": "add", "path": "/spec/jobTemplate/spec/template/metadata", "value": value}]
    new_ops, _ = _check_equivalent(tmp_path, base, ops)
    assert new_ops[1]["value"][0]["podNetworkName"] == "kube-system.pri"


def test_whole_template_gets_networks_inside(tmp_path: Path) -> None:
    base = _workload("Deployment", None)
    template = {
        "metadata": {"labels": {"app": "z"}, "annotations": {NETWORKS: "a", "k": "v"}},
        "spec": {"containers": [{"name": "c", "image": "j"}]},
    }
    new_ops, _ = _check_equivalent(
        tmp_path, base, [{"op": "replace", "path": "/spec/template", "value": template}]
    )
    assert len(new_ops) == 1
    assert [e["podNetworkName"] for e in new_ops[0]["value"]["spec"]["networks"]] == ["default", "ns.a"]


def test_both_annotations_in_one_patch(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a"})
    ops = [
        {
            "op": "add",
            "path": f"/spec/template/metadata/annotations/{DEFAULT_PTR}",
            "value": "kube-system/pri",
        },
        {"op": "add", "path": "/spec/template/metadata/labels/tier", "value": "t"},
        {"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "a"},
    ]
    new_ops, _ = _check_equivalent(tmp_path, base, ops)
    assert [o["path"] for o in new_ops] == [
        "/spec/template/metadata/labels/tier",
        "/spec/template/spec/networks",
    ]


def test_networks_removed_default_network_set(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a", NETWORKS: "a,b"})
    ops = [
        {"op": "remove", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}"},
        {"op": "add", "path": f"/spec/template/metadata/annotations/{DEFAULT_PTR}", "value": "pri"},
    ]
    _check_equivalent(tmp_path, base, ops)


def test_both_annotations_removed(tmp_path: Path) -> None:
    base = _workload("Pod", {"team": "a", NETWORKS: "a", DEFAULT_NETWORK: "pri"})
    ops = [
        {"op": "remove", "path": f"/metadata/annotations/{NETWORKS_PTR}"},
        {"op": "remove", "path": f"/metadata/annotations/{DEFAULT_PTR}"},
    ]
    new_ops, _ = _check_equivalent(tmp_path, base, ops)
    assert new_ops == [{"op": "remove", "path": "/spec/networks"}]


@pytest.mark.parametrize("implicit", [False, True])
def test_default_network_removed_alone(tmp_path: Path, implicit: bool) -> None:
    """The primary entry changes field by field, so the gateway flags of the target survive."""
    base = _workload(
        "Deployment",
        {"team": "a", DEFAULT_NETWORK: "pri", NETWORKS: '[{"name": "a", "default-route": ["10.0.0.1"]}]'},
    )
    ops = [{"op": "remove", "path": f"/spec/template/metadata/annotations/{DEFAULT_PTR}"}]
    _check_equivalent(tmp_path, base, ops, Options(implicit_interfaces=implicit))


def test_default_network_set_alone_is_converted_with_a_review_warning(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a", NETWORKS: "a"})
    ops = [{"op": "add", "path": f"/spec/template/metadata/annotations/{DEFAULT_PTR}", "value": "ns/pri@e0"}]
    _, result = _check_equivalent(tmp_path, base, ops)
    assert [f.rule for f in result.findings if f.severity is Severity.WARNING] == ["kustomize-patch-review"]


def test_attachment_params_annotation(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a"})
    value = '[{"name": "a", "interface": "n1", "ips": ["10.1.1.1/24"], "mac": "02:00:00:00:00:01"}]'
    ops = [{"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": value}]
    options = Options(attachment_params=AttachmentParams.ANNOTATION)
    new_ops, result = _check_equivalent(tmp_path, base, ops, options)
    assert new_ops[1]["path"] == "/spec/template/metadata/annotations/k8snet-convert.io~1attachment-params"
    assert json.loads(new_ops[1]["value"]) == {"n1": {"ips": ["10.1.1.1/24"], "mac": "02:00:00:00:00:01"}}
    assert [f.rule for f in result.findings if f.severity is Severity.WARNING] == ["kustomize-patch-review"]


def test_attachment_params_on_a_target_whose_only_annotation_was_multus(tmp_path: Path) -> None:
    """The limit the review warning names: the converted target has no annotations map to add to."""
    base = _workload("Deployment", {NETWORKS: "a"})
    value = '[{"name": "b", "mac": "02:00:00:00:00:01"}]'
    ops = [{"op": "replace", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": value}]
    options = Options(attachment_params=AttachmentParams.ANNOTATION)
    result = _convert_patch(_patch_file(tmp_path, yaml.safe_dump(ops), "Deployment", base=base), options)
    assert "kustomize-patch-review" in {f.rule for f in result.findings}
    assert result.new is not None
    with pytest.raises((jsonpatch.JsonPatchConflict, jsonpatch.JsonPointerException)):
        jsonpatch.apply_patch(_convert_object(base, options), yaml.safe_load(result.new))


def test_attachment_params_annotation_in_whole_object(tmp_path: Path) -> None:
    base = _workload("Deployment", None)
    value = {NETWORKS: '[{"name": "a", "ips": ["10.1.1.1/24"]}]'}
    ops = [{"op": "add", "path": "/spec/template/metadata/annotations", "value": value}]
    new_ops, _ = _check_equivalent(
        tmp_path, base, ops, Options(attachment_params=AttachmentParams.ANNOTATION)
    )
    assert list(new_ops[0]["value"]) == [PARAMS]


def test_attachment_params_dropped(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a"})
    ops = [
        {
            "op": "add",
            "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}",
            "value": '[{"name": "a", "mac": "02:00:00:00:00:01"}]',
        }
    ]
    _, result = _check_equivalent(tmp_path, base, ops, Options(attachment_params=AttachmentParams.DROP))
    assert {f.rule for f in result.findings} >= {"attachment-params-dropped"}


def test_attachment_params_configmap_is_an_error(tmp_path: Path) -> None:
    text = f"""\
- op: add
  path: /spec/template/metadata/annotations/{NETWORKS_PTR}
  value: '[{{"name": "a", "ips": ["10.1.1.1/24"]}}]'
"""
    result = _convert_patch(_patch_file(tmp_path, text, "Deployment"), Options())
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert [(f.rule, f.line, f.path) for f in errors] == [("attachment-params-in-patch", 3, "[0].value")]
    assert "attachment-params-moved" not in {f.rule for f in result.findings}
    assert result.new is None


def test_profile_rev2(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a", DEFAULT_NETWORK: "pri", NETWORKS: "a"})
    ops = [{"op": "remove", "path": f"/spec/template/metadata/annotations/{DEFAULT_PTR}"}]
    new_ops, _ = _check_equivalent(tmp_path, base, ops, Options(profile=Profile.KEP_3698_REV2))
    assert new_ops[0]["path"] == "/spec/template/spec/networks/0/name"


def test_json_file_stays_json_and_unrelated_ops_stay(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a"})
    ops = [
        {"op": "add", "path": "/spec/template/metadata/labels/z", "value": "1"},
        {"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "a"},
    ]
    _, result = _check_equivalent(tmp_path, base, ops, as_json=True)
    assert result.new is not None
    converted = json.loads(result.new)
    assert converted[0] == ops[0]
    assert converted[1]["path"] == "/spec/template/spec/networks"


def test_block_patch_minimal_diff(tmp_path: Path) -> None:
    text = f"""\
# networks for the front end
- op: add   # the networks
  path: /spec/template/metadata/annotations/{NETWORKS_PTR}
  value: "a"
# and a label
- {{op: add, path: /spec/template/metadata/labels/tier, value: front}}
"""
    result = _convert_patch(_patch_file(tmp_path, text, "Deployment"), Options())
    assert result.new is not None
    assert (
        result.new.decode()
        == """\
# networks for the front end
- op: add   # the networks
  path: /spec/template/spec/networks
  value:
  - podNetworkName: default
    interfaceName: eth0
    isDefaultGW4: true
    isDefaultGW6: true
  - podNetworkName: a
    interfaceName: net1
# and a label
- {op: add, path: /spec/template/metadata/labels/tier, value: front}
"""
    )


def test_flow_operations_in_a_block_list(tmp_path: Path) -> None:
    base = _workload("Deployment", {"team": "a"})
    text = (
        f"- {{op: add, path: /spec/template/metadata/annotations/{NETWORKS_PTR}, value: 'a, b'}}\n"
        "- {op: add, path: /spec/template/metadata/labels/x, value: y}\n"
    )
    path = _patch_file(tmp_path, text, "Deployment", base=base)
    result = _convert_patch(path, Options())
    assert result.new is not None
    new = result.new.decode()
    assert new.splitlines()[0].startswith("- {op: add, path: /spec/template/spec/networks, value: [{")
    assert new.splitlines()[1] == "- {op: add, path: /spec/template/metadata/labels/x, value: y}"
    ops = yaml.safe_load(new)
    assert [e["podNetworkName"] for e in ops[0]["value"]] == ["default", "a", "b"]
    expected = _convert_object(jsonpatch.apply_patch(base, yaml.safe_load(text)), Options())
    assert jsonpatch.apply_patch(_convert_object(base, Options()), ops) == expected


def test_block_patch_with_params_op(tmp_path: Path) -> None:
    text = f"""\
- op: add
  path: /spec/template/metadata/annotations/{NETWORKS_PTR}
  value: '[{{"name": "a", "mac": "02:00:00:00:00:01"}}]'"""
    path = _patch_file(tmp_path, text, "Deployment")
    result = _convert_patch(path, Options(attachment_params=AttachmentParams.ANNOTATION))
    assert result.new is not None
    assert (
        result.new.decode()
        == """\
- op: add
  path: /spec/template/spec/networks
  value:
  - podNetworkName: default
    interfaceName: eth0
    isDefaultGW4: true
    isDefaultGW6: true
  - podNetworkName: a
    interfaceName: net1
- op: add
  path: /spec/template/metadata/annotations/k8snet-convert.io~1attachment-params
  value: '{"net1":{"mac":"02:00:00:00:00:01"}}'"""
    )


def test_whole_document_replaced(tmp_path: Path) -> None:
    base = _workload("Pod", {"team": "a"})
    ops = [{"op": "replace", "path": "", "value": _workload("Pod", {NETWORKS: "a", "k": "v"})}]
    new_ops, _ = _check_equivalent(tmp_path, base, ops)
    assert len(new_ops) == 1
    assert new_ops[0]["value"]["metadata"]["annotations"] == {"k": "v"}


def test_one_line_json_with_params_op(tmp_path: Path) -> None:
    value = json.dumps('[{"name": "a", "mac": "02:00:00:00:00:01"}]')
    text = (
        f'[{{"op": "add", "path": "/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": {value}}}]'
    )
    path = _patch_file(tmp_path, text, "Deployment", "ops.json")
    result = _convert_patch(path, Options(attachment_params=AttachmentParams.ANNOTATION))
    assert result.new is not None
    new = result.new.decode()
    assert "\n" not in new
    assert [o["path"] for o in json.loads(new)] == [
        "/spec/template/spec/networks",
        "/spec/template/metadata/annotations/k8snet-convert.io~1attachment-params",
    ]


def test_patch_file_without_target_kind(tmp_path: Path) -> None:
    """Pod-template paths shared by every kind convert; the object's own annotations are only reported."""
    text = f"""\
- op: add
  path: /spec/template/metadata/annotations/{NETWORKS_PTR}
  value: a
- op: add
  path: /metadata/annotations/{NETWORKS_PTR}
  value: b
"""
    path = tmp_path / "lonely" / "ops.yaml"
    path.parent.mkdir()
    path.write_text(text)
    result = _convert_patch(path, Options())
    assert result.new is not None
    ops = yaml.safe_load(result.new)
    assert [o["path"] for o in ops] == [
        "/spec/template/spec/networks",
        f"/metadata/annotations/{NETWORKS_PTR}",
    ]
    assert [(f.rule, f.line) for f in result.findings if f.severity is Severity.WARNING] == [
        ("unknown-workload-kind", 4)
    ]


def test_unknown_target_kind_is_reported_not_converted(tmp_path: Path) -> None:
    text = f"- op: add\n  path: /spec/template/metadata/annotations/{NETWORKS_PTR}\n  value: a\n"
    result = _convert_patch(_patch_file(tmp_path, text, "Widget"), Options())
    assert result.new is None
    assert [f.rule for f in result.findings] == ["unknown-workload-kind"]


@pytest.mark.parametrize(
    ("ops", "rule"),
    [
        ([{"op": "test", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "a"}], None),
        (
            [{"op": "copy", "from": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "path": "/x"}],
            None,
        ),
        (
            [
                {"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "a"},
                {
                    "op": "replace",
                    "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}",
                    "value": "b",
                },
            ],
            None,
        ),
        (
            [
                {"op": "add", "path": "/spec/template/metadata/annotations", "value": {NETWORKS: "a"}},
                {"op": "add", "path": f"/spec/template/metadata/annotations/{DEFAULT_PTR}", "value": "b"},
            ],
            None,
        ),
        (
            [
                {"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "a"},
                {"op": "add", "path": "/spec/template/spec/networks", "value": []},
            ],
            "networks-exist",
        ),
        (
            [{"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": 3}],
            "invalid-annotation",
        ),
        (
            [{"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "a,a"}],
            "duplicate-network",
        ),
        (
            [{"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "A_B"}],
            "invalid-annotation",
        ),
    ],
)
def test_refused_patches_are_left_untouched(
    tmp_path: Path, ops: list[dict[str, Any]], rule: str | None
) -> None:
    result = _convert_patch(_patch_file(tmp_path, yaml.safe_dump(ops), "Deployment"), Options())
    assert result.new is None
    assert [f.rule for f in result.findings if f.severity is Severity.ERROR] == [
        rule or "kustomize-patch-unsupported"
    ]


def test_strategic_merge_file_is_not_a_json6902_patch(tmp_path: Path) -> None:
    path = _patch_file(tmp_path, yaml.safe_dump(_workload("Deployment", {NETWORKS: "a"})), None)
    result = FileResult(path.name, path, path.read_bytes())
    ctx = pipeline.load(result, Options())
    assert ctx is not None
    assert not kustomize_convert.convert_patch_file(ctx, result)
    assert ctx.editor.edits == []


def test_target_namespace_comes_from_the_kustomization_resources(tmp_path: Path) -> None:
    """An overlay without namespace: the target lives where its base puts it ({namespace} templates)."""
    _base(tmp_path / "base", {"web.yaml": yaml.safe_dump(_workload("Deployment", {"team": "a"}))})
    text = f"- op: add\n  path: /spec/template/metadata/annotations/{NETWORKS_PTR}\n  value: macvlan\n"
    path = _patch_file(tmp_path, text, "Deployment")
    kustomization = path.parent / "kustomization.yaml"
    data = yaml.safe_load(kustomization.read_text())
    kustomization.write_text(yaml.safe_dump({**data, "resources": ["../base"]}))
    result = _convert_patch(path, Options(name_template="{namespace}.{name}"))
    assert result.new is not None
    # The workload says namespace ns, but the base's kustomization moves it to apps.
    assert yaml.safe_load(result.new)[0]["value"][1]["podNetworkName"] == "apps.macvlan"
    assert kustomize.target_namespace(kustomization, "Deployment", "x") == "apps"
    assert kustomize.target_namespace(kustomization, "Deployment", "x|y") == "apps"
    assert kustomize.target_namespace(kustomization, "Pod", "x") is None


def test_nad_references_are_recorded(tmp_path: Path) -> None:
    text = f"- op: add\n  path: /spec/template/metadata/annotations/{NETWORKS_PTR}\n  value: other/a, b\n"
    result = _convert_patch(_patch_file(tmp_path, text, "Deployment"), Options(namespace="team"))
    assert [key for key, _ in result.nad_refs] == [("other", "a"), ("team", "b")]
    assert result.nad_refs[0][1].line == 3


# A property: for any base and any add/replace/remove of the annotation that applies to it, patching then
# converting equals converting the base and the patch.
_NAMES = st.sampled_from(["a", "b", "c", "ns1/d"])
_ELEMENTS = st.lists(
    st.tuples(_NAMES, st.sampled_from([None, "e1", "e2", "e3"])),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t[0],
).filter(lambda els: len({i for _, i in els if i}) == len([i for _, i in els if i]))


def _annotation(elements: list[tuple[str, str | None]], as_json: bool) -> str:
    if as_json:
        out = []
        for name, iface in elements:
            ns, _, short = name.rpartition("/")
            element: dict[str, Any] = {"name": short}
            if ns:
                element["namespace"] = ns
            if iface:
                element["interface"] = iface
            out.append(element)
        return json.dumps(out)
    return ", ".join(name + (f"@{iface}" if iface else "") for name, iface in elements)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["Pod", "Deployment", "CronJob"]),
    before=st.one_of(st.none(), _ELEMENTS),
    after=st.one_of(st.none(), _ELEMENTS),
    other=st.booleans(),
    as_json=st.booleans(),
    replace=st.booleans(),
)
def test_property_patch_then_convert_equals_convert_then_patch(
    tmp_path_factory: pytest.TempPathFactory,
    kind: str,
    before: list[tuple[str, str | None]] | None,
    after: list[tuple[str, str | None]] | None,
    other: bool,
    as_json: bool,
    replace: bool,
) -> None:
    annotations = {"team": "x"} if other else {}
    if before is not None:
        annotations[NETWORKS] = _annotation(before, as_json)
    base = _workload(kind, annotations)
    path = f"{PREFIX[kind]}/metadata/annotations/{NETWORKS_PTR}"
    if after is None:
        if before is None:
            return  # nothing to remove
        ops: list[dict[str, Any]] = [{"op": "remove", "path": path}]
    else:
        if not annotations:
            return  # JSON patch cannot add a key to a missing map
        verb = "replace" if replace and before is not None else "add"
        ops = [{"op": verb, "path": path, "value": _annotation(after, not as_json)}]
    _check_equivalent(tmp_path_factory.mktemp("prop"), base, ops)


# -- inline patches in the kustomization -------------------------------------------------------------


def _convert_kustomization(folder: Path, text: str, options: Options | None = None) -> FileResult:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kustomization.yaml"
    path.write_bytes(text.encode())
    return pipeline.convert_file(str(path), path, path.read_bytes(), options or Options())


def test_inline_block_patch_keeps_everything_else(tmp_path: Path) -> None:
    text = f"""\
resources:
  - ../base   # the base
patches:
  - target: {{kind: Deployment, name: web}}
    # keep me
    patch: |-
      # a comment inside the patch
      - op: replace
        path: /spec/template/metadata/annotations/{NETWORKS_PTR}
        value: b@x1

      - op: add
        path: /spec/template/metadata/labels/tier
        value: front
  - path: other.yaml
"""
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is not None
    assert (
        result.new.decode()
        == """\
resources:
  - ../base   # the base
patches:
  - target: {kind: Deployment, name: web}
    # keep me
    patch: |-
      # a comment inside the patch
      - op: replace
        path: /spec/template/spec/networks
        value:
          - podNetworkName: default
            interfaceName: eth0
            isDefaultGW4: true
            isDefaultGW6: true
          - podNetworkName: b
            interfaceName: x1

      - op: add
        path: /spec/template/metadata/labels/tier
        value: front
  - path: other.yaml
"""
    )
    assert result.findings == []


def test_inline_patch_crlf_and_clip_chomping(tmp_path: Path) -> None:
    text = (
        "patches:\r\n- target:\r\n    kind: Pod\r\n    name: p\r\n  patch: |\r\n"
        f"    - op: add\r\n      path: /metadata/annotations/{NETWORKS_PTR}\r\n      value: a\r\n"
    )
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is not None
    new = result.new.decode()
    assert "\n" not in new.replace("\r\n", "")
    patch = yaml.safe_load(new)["patches"][0]["patch"]
    assert patch.endswith("\n") and not patch.endswith("\n\n")
    assert yaml.safe_load(patch)[0]["path"] == "/spec/networks"


def test_inline_patch_at_the_end_of_a_file_without_final_newline(tmp_path: Path) -> None:
    text = (
        "patches:\n- target: {kind: Deployment, name: w}\n  patch: |-\n    - op: remove\n"
        f"      path: /spec/template/metadata/annotations/{NETWORKS_PTR}\n    - op: add\n"
        f"      path: /spec/template/metadata/annotations/{DEFAULT_PTR}\n      value: ns/pri"
    )
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is not None
    new = result.new.decode()
    assert not new.endswith("\n")
    [op] = yaml.safe_load(yaml.safe_load(new)["patches"][0]["patch"])
    assert op["op"] == "add"
    assert [e["podNetworkName"] for e in op["value"]] == ["pri"]


def test_inline_patch_with_an_indentation_indicator_is_rewritten_whole(tmp_path: Path) -> None:
    text = (
        "patches:\n- target: {kind: Pod, name: p}\n  patch: |2\n      - op: add\n"
        f"        path: /metadata/annotations/{NETWORKS_PTR}\n        value: a\n"
    )
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is not None
    patch = yaml.safe_load(result.new)["patches"][0]["patch"]
    assert patch.startswith("  - op: add\n")  # the indicator's extra indentation was content, still is
    assert yaml.safe_load(patch)[0]["path"] == "/spec/networks"


def test_inline_single_quoted_json_patch(tmp_path: Path) -> None:
    ops = [{"op": "add", "path": f"/spec/template/metadata/annotations/{NETWORKS_PTR}", "value": "a"}]
    text = (
        "patchesJson6902:\n- target: {group: apps, version: v1, kind: Deployment, name: w}\n"
        f"  patch: '{json.dumps(ops)}'\n"
    )
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is not None
    line = result.new.decode().splitlines()[2]
    assert line.startswith("  patch: '[{")
    assert json.loads(yaml.safe_load(result.new)["patchesJson6902"][0]["patch"])[0]["path"] == (
        "/spec/template/spec/networks"
    )


def test_inline_patch_findings_point_into_the_block(tmp_path: Path) -> None:
    text = f"""\
patches:
  - target: {{kind: Deployment, name: web}}
    patch: |
      - op: add
        path: /spec/template/metadata/annotations/{NETWORKS_PTR}
        value: '[{{"name": "a", "ips": ["10.0.0.1/24"]}}]'
"""
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is None
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert (error.rule, error.line, error.column, error.path) == (
        "attachment-params-in-patch",
        6,
        16,
        "patches[0].patch[0].value",
    )


def test_inline_strategic_merge_patches(tmp_path: Path) -> None:
    text = f"""\
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          metadata:
            annotations:
              {NETWORKS}: a
patchesStrategicMerge:
  - |-
    apiVersion: v1
    kind: Pod
    metadata:
      name: p
      annotations:
        {NETWORKS}: b
        keep: me
"""
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is not None
    data = yaml.safe_load(result.new)
    web = yaml.safe_load(data["patches"][0]["patch"])
    assert web["spec"]["template"] == {
        "spec": {
            "networks": [
                {
                    "podNetworkName": "default",
                    "interfaceName": "eth0",
                    "isDefaultGW4": True,
                    "isDefaultGW6": True,
                },
                {"podNetworkName": "a", "interfaceName": "net1"},
            ]
        }
    }
    pod = yaml.safe_load(data["patchesStrategicMerge"][0])
    assert pod["metadata"]["annotations"] == {"keep": "me"}
    assert [e["podNetworkName"] for e in pod["spec"]["networks"]] == ["default", "b"]


def test_inline_strategic_merge_patch_of_a_nad_gains_no_podnetwork(tmp_path: Path) -> None:
    text = """\
patches:
  - patch: |-
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata:
        name: macvlan
      spec:
        config: '{"cniVersion": "0.3.1", "name": "macvlan", "type": "macvlan"}'
"""
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is None
    assert _errors(result.findings) == []


def test_inline_strategic_merge_patch_with_configmap_params_is_refused(tmp_path: Path) -> None:
    text = f"""\
patches:
  - patch: |-
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
        annotations:
          {NETWORKS}: '[{{"name": "a", "mac": "02:00:00:00:00:01"}}]'
"""
    result = _convert_kustomization(tmp_path / "ov", text)
    assert result.new is None
    assert [f.rule for f in result.findings if f.severity is Severity.ERROR] == ["attachment-params-in-patch"]
    assert "attachment-params-moved" not in {f.rule for f in result.findings}
    # The workload's own findings point into the block, with the patch's path in front of theirs.
    [status] = [f for f in result.findings if f.rule == "default-namespace"]
    assert (status.line, status.path) == (3, "patches[0].patch.metadata")
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    path = 'patches[0].patch.metadata.annotations."k8s.v1.cni.cncf.io/networks"'
    assert (error.line, error.column, error.path) == (8, 40, path)


def test_other_targets_do_nothing_to_kustomizations(tmp_path: Path) -> None:
    from k8snet_convert.options import Target

    text = f"""\
namespace: x
resources: [nad.yaml]
patches:
  - target: {{kind: Pod, name: p}}
    patch: '[{{"op": "add", "path": "/metadata/annotations/{NETWORKS_PTR}", "value": "a"}}]'
"""
    (tmp_path / "ov").mkdir()
    (tmp_path / "ov" / "nad.yaml").write_text(_NAD)
    result = _convert_kustomization(tmp_path / "ov", text, Options(to=Target.MULTUS))
    assert result.new is None and result.created == []


# -- the namespace transformer configuration ---------------------------------------------------------

_NAD = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: macvlan
spec:
  config: '{"cniVersion": "0.3.1", "name": "macvlan", "type": "macvlan"}'
"""


def _base(folder: Path, resources: dict[str, str], namespace: str | None = "apps") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in resources.items():
        (folder / name).write_text(text)
    data: dict[str, Any] = {"resources": list(resources)}
    if namespace:
        data = {"namespace": namespace, **data}
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return folder / "kustomization.yaml"


def _convert_path(path: Path, options: Options | None = None) -> FileResult:
    return pipeline.convert_file(str(path), path, path.read_bytes(), options or Options())


def test_namespace_config_is_added_once(tmp_path: Path) -> None:
    path = _base(tmp_path / "base", {"nad.yaml": _NAD})
    result = _convert_path(path)
    assert result.new is not None
    assert result.new.decode() == (
        "namespace: apps\nresources:\n- nad.yaml\n"
        f"configurations:\n- {NAMESPACE_CONFIG}\ntransformers:\n- {SCOPE_TRANSFORMER}\n"
    )
    assert sorted(p.name for p, _ in result.created) == sorted([NAMESPACE_CONFIG, SCOPE_TRANSFORMER])
    assert [f.rule for f in result.findings] == ["kustomize-namespace-config"]
    path.write_bytes(result.new)
    for file, data in result.created:
        file.write_bytes(data)
    again = _convert_path(path)
    assert again.new is None and again.created == [] and again.findings == []


def test_namespace_config_kustomize_semantics(tmp_path: Path) -> None:
    """With the configuration, kustomize keeps PodNetworks cluster-scoped and moves their references."""
    kustomization = _base(tmp_path / "base", {"nad.yaml": _NAD})
    run([str(tmp_path / "base")], Options(mode=OutputMode.WRITE), stdout=io.StringIO())
    assert (kustomization.parent / NAMESPACE_CONFIG).is_file()
    objects = _parse(_render(kustomization.parent))
    [podnetwork] = [o for o in objects if o["kind"] == "PodNetwork"]
    assert "namespace" not in podnetwork["metadata"]
    assert podnetwork["spec"]["parametersRefs"][0]["namespace"] == "apps"


def test_namespace_config_through_bases_and_existing_lists(tmp_path: Path) -> None:
    _base(tmp_path / "base", {"nad.yaml": _NAD}, namespace=None)
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    text = (
        "namespace: prod  # production\nresources:\n  - ../base\n"
        "configurations:\n  - mine.yaml\ntransformers: []\n"
    )
    (overlay / "kustomization.yaml").write_text(text)
    result = _convert_path(overlay / "kustomization.yaml")
    assert result.new is not None
    assert result.new.decode() == (
        "namespace: prod  # production\nresources:\n  - ../base\nconfigurations:\n  - mine.yaml\n"
        f'  - {NAMESPACE_CONFIG}\ntransformers: ["{SCOPE_TRANSFORMER}"]\n'
    )


def test_namespace_config_needs_a_namespace_and_networks(tmp_path: Path) -> None:
    no_namespace = _base(tmp_path / "a", {"nad.yaml": _NAD}, namespace=None)
    assert _convert_path(no_namespace).new is None
    no_networks = _base(
        tmp_path / "b", {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"}
    )
    assert _convert_path(no_networks).new is None


def test_namespace_config_for_workloads_that_gain_attachments(tmp_path: Path) -> None:
    pod = f"""\
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    {NETWORKS}: '[{{"name": "a", "mac": "02:00:00:00:00:01"}}]'
spec:
  containers: []
"""
    path = _base(tmp_path / "base", {"pod.yaml": pod})
    assert _convert_path(path).created != []
    assert _convert_path(path, Options(attachment_params=AttachmentParams.ANNOTATION)).created == []


def test_namespace_config_reads_resources_through_the_guarded_parser(tmp_path: Path) -> None:
    """An alias bomb among the resources is refused, not expanded (the kustomization stays as it is)."""
    levels = ["a0: &a0 [k8s.cni.cncf.io, k8s.cni.cncf.io]"]
    levels += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    bomb = "kind: NetworkAttachmentDefinition\nmetadata: {name: x}\n" + "\n".join(levels) + "\n"
    path = _base(tmp_path / "base", {"bomb.yaml": bomb})
    result = _convert_path(path)
    assert result.new is None and result.created == []
    assert kustomize.target_namespace(path, "NetworkAttachmentDefinition", "x") is None


def test_namespace_config_never_overwrites_a_foreign_file(tmp_path: Path) -> None:
    path = _base(tmp_path / "base", {"nad.yaml": _NAD})
    (path.parent / NAMESPACE_CONFIG).write_text("namespace: []\n")
    result = _convert_path(path)
    assert [p.name for p, _ in result.created] == [SCOPE_TRANSFORMER]
    assert NAMESPACE_CONFIG not in (result.new or b"").decode()
    assert "kustomize-config-exists" in {f.rule for f in result.findings}


# -- kustomize.py ------------------------------------------------------------------------------------


def test_is_json6902() -> None:
    assert kustomize.is_json6902([{"op": "add", "path": "/a", "value": 1}, {"op": "remove", "path": ""}])
    assert not kustomize.is_json6902([])
    assert not kustomize.is_json6902([{"op": "merge", "path": "/a"}])
    assert not kustomize.is_json6902({"op": "add", "path": "/a"})
    assert not kustomize.is_json6902([{"op": "add"}])


def test_pointers() -> None:
    assert kustomize_convert.pointer_tokens("/a~1b/c~0d") == ("a/b", "c~d")
    assert kustomize_convert.pointer_tokens("") == ()
    assert kustomize_convert.pointer_tokens("a") is None
    assert kustomize_convert.pointer(("a/b", "c~d")) == "/a~1b/c~0d"


def test_targets_and_patch_files(tmp_path: Path) -> None:
    overlay = tmp_path / "ov"
    (overlay / "p").mkdir(parents=True)
    (overlay / "p" / "a.yaml").write_text("- {op: remove, path: /x}\n")
    (overlay / "kustomization.yaml").write_text(
        "patches:\n- path: p/a.yaml\n  target: {kind: CronJob, name: n, namespace: s}\n"
        "patchesJson6902:\n- path: p/a.yaml\n  target: {kind: Pod, name: q}\n"
    )
    targets = kustomize.json6902_targets(overlay / "p" / "a.yaml")
    assert [(t.kind, t.name, t.namespace) for t in targets] == [("CronJob", "n", "s"), ("Pod", "q", None)]
    assert kustomize.is_patch_file(overlay / "p" / "a.yaml")
    assert not kustomize.is_patch_file(overlay / "kustomization.yaml")
    # The cache follows the file: a rewritten kustomization is read again.
    (overlay / "kustomization.yaml").write_text("resources: []\n# now without patches, a longer file\n")
    assert kustomize.json6902_targets(overlay / "p" / "a.yaml") == []


def test_resource_files_follow_bases_and_components(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "a.yaml").write_text("kind: A\n")
    (base / "kustomization.yaml").write_text("resources: [a.yaml, https://example.com/x.yaml]\n")
    comp = tmp_path / "comp"
    comp.mkdir()
    (comp / "c.yaml").write_text("kind: C\n")
    (comp / "kustomization.yaml").write_text("kind: Component\nresources: [c.yaml]\n")
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text("resources: [../base, ../base]\ncomponents: [../comp]\n")
    found = sorted(p.name for p in kustomize.resource_files(overlay / "kustomization.yaml"))
    assert found == ["a.yaml", "c.yaml"]


# -- which kustomizations are parsed at all ----------------------------------------------------------


def _full_reading(path: Path, options: Options) -> tuple[bool, list[Finding], list[Path]]:
    """What converting a kustomization does when it is parsed whatever its bytes (edits, findings, files)."""
    result = FileResult(str(path), path, path.read_bytes())
    ctx = pipeline.load(result, options, prefilter_bytes=False)
    if ctx is None:
        return False, result.findings, []
    kustomize_convert.convert(ctx, result)
    return bool(ctx.editor.edits), [*result.findings, *ctx.findings], [p for p, _ in result.created]


def _kustomizations(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name in ("kustomization.yaml", "kustomization.yml"))


@pytest.mark.parametrize(
    "options",
    [
        Options(),
        Options(attachment_params=AttachmentParams.ANNOTATION),
        Options(profile=Profile.KEP_3698_REV2),
    ],
    ids=["default", "annotation-params", "rev2"],
)
def test_skipped_kustomizations_would_not_have_changed(tmp_path: Path, options: Options) -> None:
    """``may_change`` False is certain: the full reading of such a kustomization changes and reports nothing.

    Checked on the kustomize fixture tree and a generated GitOps tree (namespaced apps, a tenth with NADs).
    """
    from benchmarks.gen import generate

    shutil.copytree(TREE, tmp_path / "tree")
    generate(tmp_path / "gitops", 400, affected=0.3, seed=3)
    skipped = parsed = 0
    for path in _kustomizations(tmp_path):
        if kustomize_convert.may_change(path, path.read_bytes(), options):
            parsed += 1
            continue
        skipped += 1
        assert _full_reading(path, options) == (False, [], []), path
    assert skipped > 20 and parsed > 10  # both kinds occur: the check is not vacuous


def test_may_change_reads_namespace_and_resources(tmp_path: Path) -> None:
    options = Options()
    with_nad = _base(tmp_path / "a", {"nad.yaml": _NAD})
    plain_apps = _base(tmp_path / "b", {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"})
    no_namespace = _base(tmp_path / "c", {"nad.yaml": _NAD}, namespace=None)
    overlay = tmp_path / "d" / "kustomization.yaml"
    overlay.parent.mkdir()
    overlay.write_text("namespace: prod\nresources:\n- ../c\n")
    expected = {with_nad: True, plain_apps: False, no_namespace: False, overlay: True}
    assert {p: kustomize_convert.may_change(p, p.read_bytes(), options) for p in expected} == expected
    # Other targets touch kustomizations only through patches, which carry the markers.
    assert not kustomize_convert.may_change(with_nad, with_nad.read_bytes(), Options(to=Target.DRA))


def test_a_broken_kustomization_that_sets_a_namespace_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "nad.yaml").write_text(_NAD)
    broken = folder / "kustomization.yaml"
    broken.write_text("namespace: apps\nresources: [nad.yaml\n")
    result = _convert_path(broken)
    assert [(f.rule, f.line) for f in result.findings] == [("invalid-yaml", 3)]
    # Without a namespace (and without networking markers) it is a file like any other: not read.
    broken.write_text("resources: [nad.yaml\n")
    assert _convert_path(broken).findings == []


def test_a_kustomization_added_later_is_seen(tmp_path: Path) -> None:
    """Folder listings are cached by the folder's modification time: a new kustomization is not missed."""
    app = tmp_path / "app"
    app.mkdir()
    assert namespaces.nearest_kustomization(app) is None
    (tmp_path / "kustomization.yaml").write_text("namespace: outer\n")
    assert namespaces.nearest_kustomization(app) == tmp_path / "kustomization.yaml"
    (app / "kustomization.yaml").write_text("namespace: inner\n")
    assert namespaces.nearest_kustomization(app) == app / "kustomization.yaml"
