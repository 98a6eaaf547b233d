"""lint: every rule it reports (a positive and a negative case each), suppression comments, exit codes,
and agreement with convert on the golden fixtures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from k8snet_convert import files, rules
from k8snet_convert.cli import build_options, main
from k8snet_convert.context import FileContext
from k8snet_convert.lint import CHECKERS, LintResult, lint_paths
from k8snet_convert.options import Options
from k8snet_convert.results import FileResult

from .conftest import FIXTURES

NAD = """\
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: {name}
  namespace: {namespace}
spec:
  config: '{{"cniVersion": "1.0.0", "name": "{name}", "type": "macvlan",
    "ipam": {{"type": "host-local", "subnet": "10.1.0.0/24"}}}}'
"""


def nad(name: str = "net-a", namespace: str = "lab") -> str:
    return NAD.format(name=name, namespace=namespace)


def pod(annotation: str, extra_spec: str = "", namespace: str = "  namespace: lab\n") -> str:
    """A Multus pod; the annotation value is on line 7."""
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
        + namespace
        + "  annotations:\n"
        + f"    k8s.v1.cni.cncf.io/networks: {annotation}\n"
        + "spec:\n"
        + extra_spec
        + "  containers:\n  - name: c\n    image: busybox\n"
    )


def native_pod(entries: str, extra_spec: str = "") -> str:
    """A native pod; the first entry is on line 8."""
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: lab\nspec:\n"
        + extra_spec
        + "  networks:\n"
        + entries
        + "  containers:\n  - name: c\n    image: busybox\n"
    )


def podnetwork(body: str, name: str = "net-a") -> str:
    return f"apiVersion: v1\nkind: PodNetwork\nmetadata:\n  name: {name}\nspec:\n  enabled: true\n{body}"


MULTUS_REFS = (
    "  provider: k8s.cni.cncf.io/multus\n  parametersRefs:\n"
    "  - {group: k8s.cni.cncf.io, kind: network-attachment-definitions, name: net-a, namespace: lab}\n"
)


def lint(tmp_path: Path, files: dict[str, str | bytes], **options: object) -> LintResult:
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return lint_paths([str(tmp_path)], Options(**options))  # type: ignore[arg-type]


def rule_lines(result: LintResult, rule: str) -> list[int]:
    return [f.line for f in result.findings if f.rule == rule]


@dataclass(frozen=True)
class Case:
    rule: str
    positive: dict[str, str | bytes]
    line: int  # where the positive case's first finding of the rule is (0: the whole file)
    negative: dict[str, str | bytes]


def _files(text: str) -> dict[str, str | bytes]:
    return {"app.yaml": text}


CASES = [
    Case(
        "duplicate-key",
        _files(pod("net-a").replace("  name: p\n", "  name: p\n  name: q\n")),
        5,
        _files(pod("net-a")),
    ),
    Case(
        "merge-key",
        _files(pod("net-a").replace("  annotations:\n", "  annotations:\n    <<: {team: a}\n")),
        7,
        _files(pod("net-a").replace("  annotations:\n", "  annotations:\n    '<<': {team: a}\n")),
    ),
    Case(
        "templated-file",  # a kube-burner template: the pod's name is an action; reported at the annotation
        _files(pod("net-a").replace("name: p\n", "name: p-{{.Iteration}}\n")),
        7,
        _files(pod("net-a").replace("image: busybox", "image: busybox:{{ variables.version }}")),
    ),
    Case(
        "helm-dynamic-networks",
        {"chart/Chart.yaml": "name: c\n", "chart/templates/pod.yaml": pod("{{ toJson .Values.networks }}")},
        7,
        {
            "chart/Chart.yaml": "name: c\n",
            "chart/templates/pod.yaml": pod('\'[{"name": "{{ .Values.n }}"}]\''),
        },
    ),
    Case(
        "helm-templated-config",
        {
            "chart/Chart.yaml": "name: c\n",
            "chart/templates/nad.yaml": nad().replace('"type": "macvlan"', '"type": {{ .Values.t | quote }}'),
        },
        7,
        {
            "chart/Chart.yaml": "name: c\n",
            "chart/templates/nad.yaml": nad().replace('"type": "macvlan"', '"type": "{{ .Values.t }}"'),
        },
    ),
    Case(
        "helm-template-unparsed",
        {"chart/Chart.yaml": "name: c\n", "chart/templates/pod.yaml": pod("net-a") + "  - {{ .x }: [\n"},
        12,
        {"chart/Chart.yaml": "name: c\n", "chart/templates/pod.yaml": pod("net-a")},
    ),
    Case(
        "helm-helper-networks",
        {
            "chart/Chart.yaml": "name: c\n",
            "chart/templates/_helpers.tpl": '{{- define "c.net" -}}\n'
            "k8s.v1.cni.cncf.io/networks: a\n{{- end }}\n",
        },
        2,
        {
            "chart/Chart.yaml": "name: c\n",
            "chart/templates/_helpers.tpl": '{{- define "c.name" -}}\nc\n{{- end }}\n',
        },
    ),
    Case(
        "templated-value",
        {
            "chart/Chart.yaml": "name: c\n",
            "chart/values.yaml": "podAnnotations:\n  k8s.v1.cni.cncf.io/networks: a\n",
        },
        2,
        {
            "chart/Chart.yaml": "name: c\n",
            "chart/values.yaml": "podAnnotations:\n  prometheus.io/scrape: 'true'\n",
        },
    ),
    Case("default-namespace", _files(pod("net-a", namespace="")), 1, _files(pod("net-a"))),
    Case(
        "unknown-workload-kind",
        _files(
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: lab\nspec:\n"
            "  template:\n    metadata:\n      annotations:\n        k8s.v1.cni.cncf.io/networks: net-a\n"
        ),
        10,
        _files(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  namespace: lab\nspec:\n"
            "  template:\n    metadata:\n      annotations:\n        k8s.v1.cni.cncf.io/networks: net-a\n"
        ),
    ),
    Case(
        "kubevirt-reference",
        _files(
            "apiVersion: kubevirt.io/v1\nkind: VirtualMachineInstance\n"
            "metadata:\n  name: vm\n  namespace: lab\n"
            "spec:\n  networks:\n  - name: data\n    multus:\n      networkName: lab/net-a\n"
        ),
        8,
        _files(
            "apiVersion: kubevirt.io/v1\nkind: VirtualMachineInstance\n"
            "metadata:\n  name: vm\n  namespace: lab\n"
            "spec:\n  networks:\n  - name: default\n    pod: {}\n"
        ),
    ),
    Case(
        "network-status",
        _files(
            pod("net-a").replace(
                "  annotations:\n", "  annotations:\n    k8s.v1.cni.cncf.io/network-status: '[]'\n"
            )
        ),
        7,
        _files(pod("net-a")),
    ),
    Case("invalid-annotation", _files(pod("net-a@eth0@x")), 7, _files(pod("net-a@eth0"))),
    Case(
        "ignored-by-multus",
        _files(pod("""'[{"name": "net-a", "defaultRoute": ["10.1.0.1"]}]'""")),
        7,
        _files(pod("""'[{"name": "net-a", "default-route": ["10.1.0.1"]}]'""")),
    ),
    Case(
        "nad-not-found",
        {"app.yaml": pod("net-b"), "nad.yaml": nad()},
        7,
        {"app.yaml": pod("net-a"), "nad.yaml": nad()},
    ),
    Case(
        "downward-api-annotation",
        _files(
            pod(
                "net-a",
                "  volumes:\n  - name: info\n    downwardAPI:\n      items:\n      - path: nets\n"
                "        fieldRef:\n"
                "          fieldPath: metadata.annotations['k8s.v1.cni.cncf.io/networks']\n",
            )
        ),
        15,
        _files(
            pod(
                "net-a",
                "  volumes:\n  - name: info\n    downwardAPI:\n      items:\n      - path: labels\n"
                "        fieldRef:\n          fieldPath: metadata.labels\n",
            )
        ),
    ),
    Case(
        "multi-network-policy",
        _files(
            "apiVersion: k8s.cni.cncf.io/v1beta1\nkind: MultiNetworkPolicy\nmetadata:\n  name: deny\n"
            "  namespace: lab\n  annotations:\n    k8s.v1.cni.cncf.io/policy-for: lab/net-a\nspec:\n"
            "  podSelector: {}\n"
        ),
        7,
        _files(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n"
            "  namespace: lab\nspec:\n  podSelector: {}\n"
        ),
    ),
    Case(
        "service-network",
        _files(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: lab\n  annotations:\n"
            "    k8s.v1.cni.cncf.io/service-network: net-a\nspec:\n  selector: {app: a}\n"
        ),
        7,
        _files(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: lab\nspec:\n"
            "  selector: {app: a}\n"
        ),
    ),
    Case(
        "primary-role-network",
        _files(nad().replace('"type": "macvlan",', '"type": "ovn-k8s-cni-overlay", "role": "primary",')),
        7,
        _files(nad().replace('"type": "macvlan",', '"type": "ovn-k8s-cni-overlay", "role": "secondary",')),
    ),
    Case(
        "invalid-cni-json",
        _files(nad().replace('"type": "macvlan",', '"type": "macvlan"')),
        8,  # inside the JSON: the error is on the config's second line
        _files(nad()),
    ),
    Case(
        "config-name-mismatch", _files(nad().replace('"name": "net-a"', '"name": "other"')), 7, _files(nad())
    ),
    Case("unknown-cni-version", _files(nad().replace("1.0.0", "9.9.9")), 7, _files(nad())),
    Case(
        "config-less-nad",
        _files(
            "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\n"
            "metadata:\n  name: n\n  namespace: lab\n"
        ),
        1,
        _files(nad()),
    ),
    Case(
        "device-resources",
        _files(
            nad().replace(
                "  namespace: lab\n",
                "  namespace: lab\n  annotations:\n    k8s.v1.cni.cncf.io/resourceName: intel.com/sriov\n",
            )
        ),
        7,
        _files(nad()),
    ),
    Case("duplicate-interface", _files(pod("net-a@net2, net-b")), 7, _files(pod("net-a@data0, net-b"))),
    Case(
        "invalid-interface-name",
        _files(pod("""'[{"name": "net-a", "interface": "sixteen-bytes-00"}]'""")),
        7,
        _files(pod("""'[{"name": "net-a", "interface": "fifteen-bytes-0"}]'""")),
    ),
    Case("duplicate-network", _files(pod("net-a, net-a")), 7, _files(pod("net-a, net-b"))),
    Case(
        "multiple-default-routes",
        _files(
            pod(
                """'[{"name": "net-a", "default-route": ["10.1.0.1"]},"""
                """ {"name": "net-b", "default-route": ["10.2.0.1"]}]'"""
            )
        ),
        7,
        _files(
            pod(
                """'[{"name": "net-a", "default-route": ["10.1.0.1"]},"""
                """ {"name": "net-b", "default-route": ["fd00::1"]}]'"""
            )
        ),
    ),
    Case(
        "host-network",
        _files(pod("net-a", "  hostNetwork: true\n")),
        7,
        _files(pod("net-a", "  hostNetwork: false\n")),
    ),
    Case(
        "networks-exist",
        _files(pod("net-a", "  networks:\n  - {podNetworkName: default, interfaceName: eth0}\n")),
        7,
        _files(pod("net-a")),
    ),
    Case(
        "invalid-podnetwork-name",
        _files(pod("""'[{"name": "lab/net-a"}]'""")),
        7,
        _files(pod("""'[{"name": "net-a", "namespace": "lab"}]'""")),
    ),
    Case(
        "podnetwork-name-collision",
        {"a.yaml": nad("net-a", "lab"), "b.yaml": nad("net-a", "prod").replace("10.1.0.0", "10.9.0.0")},
        0,
        {"a.yaml": nad("net-a", "lab"), "b.yaml": nad("net-b", "prod")},
    ),
    Case(
        "network-and-attachment",
        _files(native_pod("  - {name: net-a, attachmentName: p-net1, interfaceName: net1}\n")),
        8,
        _files(native_pod("  - {attachmentName: p-net1, interfaceName: net1}\n")),
    ),
    Case(
        "invalid-network-entry",
        _files(native_pod("  - {interfaceName: net1}\n")),
        8,
        _files(native_pod("  - {podNetworkName: net-a, interfaceName: net1}\n")),
    ),
    Case(
        "no-nad-reference",
        _files(podnetwork("  provider: k8s.cni.cncf.io/multus\n")),
        6,
        _files(podnetwork(MULTUS_REFS)),
    ),
    Case(
        "not-multus-provider",
        _files(podnetwork("  provider: foo.io/bar\n")),
        7,
        _files(podnetwork(MULTUS_REFS)),
    ),
    Case(
        "unknown-entry-key",
        _files(native_pod("  - {name: net-a, interfaceName: net1, ips: [10.0.0.5/24]}\n")),
        8,
        _files(native_pod("  - {name: net-a, interfaceName: net1, isDefaultGW: true}\n")),
    ),
    Case(
        "attachment-params-unused",
        _files(
            pod("net-a").replace(
                "k8s.v1.cni.cncf.io/networks: net-a", "k8snet-convert.io/attachment-params: '{}'"
            )
        ),
        7,
        _files(
            native_pod("  - {name: net-a, interfaceName: net1}\n").replace(
                "  namespace: lab\n",
                "  namespace: lab\n  annotations:\n    k8snet-convert.io/attachment-params: '{}'\n",
            )
        ),
    ),
    Case(
        "invalid-suppression",
        _files(pod("net-a") + "# k8snet-convert: ignore[no-such-rule]\n"),
        12,
        _files(pod("net-a") + "# k8snet-convert: ignore[duplicate-interface]\n"),
    ),
    Case("invalid-yaml", _files("apiVersion: k8s.cni.cncf.io/v1\nkind: [\n"), 3, _files(nad())),
    Case(
        "invalid-encoding",
        _files(b"# k8s.v1.cni.cncf.io/networks \xff\n"),
        1,
        _files("# k8s.v1.cni.cncf.io/networks\n"),
    ),
    Case("too-large", _files("# cni.cncf.io\n" + "[" * 10_001 + "]" * 10_001 + "\n"), 2, _files(nad())),
]
# Native-side variants of rules the Multus side also reports: both must work.
NATIVE_CASES = [
    Case(
        "duplicate-interface",
        _files(
            native_pod("  - {name: net-a, interfaceName: net1}\n  - {name: net-b, interfaceName: net1}\n")
        ),
        9,
        _files(
            native_pod("  - {name: net-a, interfaceName: net1}\n  - {name: net-b, interfaceName: net2}\n")
        ),
    ),
    Case(
        "invalid-interface-name",
        _files(native_pod("  - {name: net-a, interfaceName: 'eth:1'}\n")),
        8,
        _files(native_pod("  - {name: net-a, interfaceName: eth1}\n")),
    ),
    Case(
        "duplicate-network",
        _files(
            native_pod(
                "  - {podNetworkName: net-a, interfaceName: net1}\n"
                "  - {podNetworkName: net-a, interfaceName: net2}\n"
            )
        ),
        9,
        _files(
            native_pod(
                "  - {podNetworkName: net-a, interfaceName: net1}\n"
                "  - {podNetworkName: net-b, interfaceName: net2}\n"
            )
        ),
    ),
    Case(
        "multiple-default-routes",
        _files(native_pod("  - {name: default, isDefaultGW4: true}\n  - {name: net-a, isDefaultGW: true}\n")),
        9,
        _files(
            native_pod("  - {name: default, isDefaultGW4: true}\n  - {name: net-a, isDefaultGW6: true}\n")
        ),
    ),
    Case(
        "host-network",
        _files(native_pod("  - {name: net-a, interfaceName: net1}\n", "  hostNetwork: true\n")),
        8,
        _files(native_pod("  - {name: net-a, interfaceName: net1}\n", "  hostNetwork: false\n")),
    ),
    Case(
        "nad-not-found",
        _files(podnetwork(MULTUS_REFS)),
        9,
        {"pn.yaml": podnetwork(MULTUS_REFS), "nad.yaml": nad()},
    ),
]


@pytest.mark.parametrize(
    "case", CASES + NATIVE_CASES, ids=[c.rule for c in CASES] + [f"native-{c.rule}" for c in NATIVE_CASES]
)
def test_rule_positive_and_negative(case: Case, tmp_path: Path) -> None:
    positive = lint(tmp_path / "pos", case.positive)
    assert case.line in rule_lines(positive, case.rule), [
        (f.rule, f.line, f.message) for f in positive.findings
    ]
    assert all(f.file.startswith(str(tmp_path / "pos")) for f in positive.findings if f.rule == case.rule)
    negative = lint(tmp_path / "neg", case.negative)
    assert rule_lines(negative, case.rule) == [], [(f.rule, f.line, f.message) for f in negative.findings]


def test_every_rule_lint_reports_has_a_case() -> None:
    # Rules of checkers that do not exist yet (DRA, kustomize patches) and generic/rare input errors
    # tested separately below (unreadable-folder: tests/test_files.py) are the only linted rules
    # without a case in CASES.
    # no-manifests: tests/test_notices.py; schema-violation (validate's): tests/test_validate.py
    # not-a-file: tests/test_hostile_inputs.py
    separately = {
        "unreadable-file",
        "unreadable-folder",
        "too-deep",
        "symlink-skipped",
        "invalid-input",
        "no-manifests",
        "schema-violation",
        "not-a-file",
    }
    pending = {r for r in rules.RULES if r.startswith("dra-") or r.startswith("kustomize-")}
    linted = {r.id for r in rules.RULES.values() if r.linted}
    assert linted - pending - separately == {c.rule for c in CASES}


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "locked.yaml"
    target.write_text(pod("net-a"))
    real = files.read_file

    def refuse(path: str | Path, limit: int | None = None) -> bytes:
        if Path(path).name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(files, "read_file", refuse)
    result = lint_paths([str(tmp_path)], Options())
    assert [(f.rule, f.message) for f in result.findings] == [
        ("unreadable-file", "cannot read the file: Permission denied")
    ]
    assert result.exit_code(strict=False) == 2


def test_a_crash_in_deep_recursion_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(pod("net-a"))
    (tmp_path / "b.yaml").write_text(pod("net-a@x@y"))

    def deep(ctx: FileContext, result: FileResult) -> None:
        if ctx.display.endswith("a.yaml"):
            raise RecursionError

    result = lint_paths([str(tmp_path)], Options(), checkers=(deep, *CHECKERS))
    assert sorted((Path(f.file).name, f.rule) for f in result.findings if f.severity.value == "error") == [
        ("a.yaml", "too-deep"),
        ("b.yaml", "invalid-annotation"),
    ]


def test_symlinks_in_folders_are_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(pod("net-a@x@y"))
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "link.yaml").symlink_to(outside)
    result = lint_paths([str(tmp_path / "tree")], Options())
    assert [(f.rule, f.severity.value) for f in result.findings] == [("symlink-skipped", "info")]
    assert result.exit_code(strict=True) == 0


def test_lint_never_writes(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"app.yaml": pod("net-a, net-b"), "nad.yaml": nad()}
    result = lint(tmp_path, files)
    assert result.findings == [] or all(f.severity.value != "error" for f in result.findings)
    for name, content in files.items():
        assert (tmp_path / name).read_text() == content


# -- agreement with convert --------------------------------------------------------------------------


def _golden_to_native() -> list[Path]:
    """Golden cases that convert to native: lint checks manifests as they are, as those cases do."""
    found = []
    for case in sorted(FIXTURES.iterdir()) if FIXTURES.is_dir() else []:
        options = case / "options.json"
        raw = json.loads(options.read_text()) if options.exists() else {}
        if any(case.glob("input.*")) and raw.get("to", "native") == "native":
            found.append(case)
    return found


GOLDEN = _golden_to_native()


@pytest.mark.parametrize("case", GOLDEN, ids=[c.name for c in GOLDEN])
def test_lint_reports_what_convert_reports(case: Path) -> None:
    """On each golden input, lint gives convert's findings minus the conversion decisions (plus the
    cross-file nad-not-found, which golden cases, converted alone, do not compute)."""
    source = next(case.glob("input.*"))
    raw = json.loads((case / "options.json").read_text()) if (case / "options.json").exists() else {}
    options = build_options([str(case)], raw) if raw else Options()
    # convert --strict raises warnings to errors; lint keeps severities (--strict changes its exit code)
    severity = not raw.get("strict")
    got = sorted(
        (f.rule, f.severity.value if severity else "", f.line, f.message)
        for f in lint_paths([str(source)], options).findings
        if f.rule != "nad-not-found"
    )
    expected = json.loads((case / "expected.findings.json").read_text())
    want = sorted(
        (f["rule"], f["severity"] if severity else "", f["line"], f["message"])
        for f in expected
        if rules.get(f["rule"]).linted and f["rule"] != "nad-not-found"
    )
    assert got == want


# -- suppression ---------------------------------------------------------------------------------------


def test_a_comment_on_the_line_suppresses_that_rule_on_that_line(tmp_path: Path) -> None:
    text = pod("net-a@net2, net-b  # k8snet-convert: ignore[duplicate-interface]")
    result = lint(tmp_path, {"app.yaml": text})
    assert rule_lines(result, "duplicate-interface") == []
    assert [f.rule for f in result.suppressed] == ["duplicate-interface"]
    assert result.exit_code(strict=False) == 0


def test_a_line_comment_names_rules_and_leaves_others(tmp_path: Path) -> None:
    text = pod("net-a@net2, net-b  # k8snet-convert: ignore[host-network]", "  hostNetwork: true\n")
    result = lint(tmp_path, {"app.yaml": text})
    assert sorted(f.rule for f in result.findings if f.severity.value == "error") == ["duplicate-interface"]
    assert [f.rule for f in result.suppressed] == ["host-network"]


def test_a_bare_ignore_suppresses_every_rule_on_the_line(tmp_path: Path) -> None:
    text = pod("net-a@net2, net-b  # k8snet-convert: ignore", "  hostNetwork: true\n")
    result = lint(tmp_path, {"app.yaml": text})
    assert [f.rule for f in result.findings if f.line == 7] == []
    assert sorted(f.rule for f in result.suppressed) == [
        "duplicate-interface",
        "host-network",
        "nad-not-found",
        "nad-not-found",
    ]


def test_a_comment_on_its_own_line_covers_its_document_only(tmp_path: Path) -> None:
    first = pod("net-a@net2, net-b")
    second = pod("net-a@net2, net-b").replace("name: p", "name: q")
    text = first + "---\n# k8snet-convert: ignore[duplicate-interface]\n" + second
    result = lint(tmp_path, {"app.yaml": text})
    assert rule_lines(result, "duplicate-interface") == [7]
    assert [(f.rule, f.line) for f in result.suppressed] == [("duplicate-interface", 20)]


def test_a_header_comment_covers_the_first_document_and_whole_file_findings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.yaml": "# k8snet-convert: ignore[podnetwork-name-collision]\n---\n" + nad("net-a", "lab"),
        "b.yaml": nad("net-a", "prod").replace("10.1.0.0", "10.9.0.0"),
    }
    result = lint(tmp_path, files)
    collisions = [f for f in result.findings if f.rule == "podnetwork-name-collision"]
    assert [Path(f.file).name for f in collisions] == ["b.yaml"]  # reported against the later file
    files["b.yaml"] = "# k8snet-convert: ignore[podnetwork-name-collision]\n" + str(files["b.yaml"])
    again = lint(tmp_path / "again", files)
    assert rule_lines(again, "podnetwork-name-collision") == []
    assert [f.rule for f in again.suppressed] == ["podnetwork-name-collision"]


def test_text_inside_scalars_is_never_a_suppression(tmp_path: Path) -> None:
    text = nad().replace(
        "  namespace: lab\n",
        "  namespace: lab\n  labels: {note: 'x # k8snet-convert: ignore[device-resources]'}\n"
        "  annotations:\n    k8s.v1.cni.cncf.io/resourceName: intel.com/sriov\n",
    )
    result = lint(tmp_path, {"nad.yaml": text})
    assert rule_lines(result, "device-resources") == [8]
    assert result.suppressed == []


# -- the command ------------------------------------------------------------------------------------------


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "nad.yaml").write_text(nad())
    (tmp_path / "warn").mkdir()
    (tmp_path / "warn" / "nad.yaml").write_text(nad().replace("1.0.0", "9.9.9"))
    (tmp_path / "err").mkdir()
    (tmp_path / "err" / "pod.yaml").write_text(pod("net-a, net-a"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.yaml").write_text("apiVersion: k8s.cni.cncf.io/v1\nkind: [\n")
    (tmp_path / "bad" / "pod.yaml").write_text(pod("net-a, net-a"))
    assert main(["lint", str(tmp_path / "clean")]) == 0
    assert main(["lint", str(tmp_path / "warn")]) == 0
    assert main(["lint", "--strict", str(tmp_path / "warn")]) == 1
    assert main(["lint", str(tmp_path / "err")]) == 1
    assert main(["lint", str(tmp_path / "bad")]) == 2  # unreadable input wins over errors
    assert (
        main(
            ["lint", str(tmp_path / "clean"), "--report", str(tmp_path / "r.out"), "--report-format", "nope"]
        )
        == 3
    )
    assert not (tmp_path / "r.out").exists()
    capsys.readouterr()


def test_output_goes_to_stderr_and_the_report_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pod.yaml").write_text(pod("net-a, net-a"))
    report = tmp_path / "out" / "lint.json"
    assert main(["lint", str(tmp_path / "pod.yaml"), "--report", str(report)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{tmp_path / 'pod.yaml'}:7:34: error [duplicate-network]" in err
    assert err.rstrip().endswith("1 file(s) linted; 1 error(s), 0 warning(s), 1 info(s)")
    data = json.loads(report.read_text())
    assert (data["command"], data["exitCode"], data["summary"]["errors"]) == ("lint", 1, 1)


def test_quiet_shows_only_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "nad.yaml").write_text(nad().replace("1.0.0", "9.9.9"))
    assert main(["lint", "-q", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""


def test_github_annotations_are_added_on_github_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pod.yaml").write_text(pod("net-a, net-a"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["lint", str(tmp_path / "pod.yaml")])
    err = capsys.readouterr().err
    assert (
        f"::error file={tmp_path / 'pod.yaml'},line=7,col=34,title=k8snet-convert duplicate-network::" in err
    )


def test_project_configuration_is_read(tmp_path: Path) -> None:
    """--strict from .k8snet-convert.yaml applies, as for convert (hook runs and manual runs agree)."""
    (tmp_path / "nad.yaml").write_text(nad().replace("1.0.0", "9.9.9"))
    assert main(["lint", str(tmp_path / "nad.yaml")]) == 0
    (tmp_path / ".k8snet-convert.yaml").write_text("strict: true\n")
    assert main(["lint", str(tmp_path / "nad.yaml")]) == 1


def test_the_corpus_lints_without_crashing(corpus: Path) -> None:
    result = lint_paths([str(corpus)], Options())
    assert result.files_seen > 50
    assert {rules.get(f.rule).linted for f in result.findings} == {True}
    assert result.exit_code(strict=False) in (0, 1, 2)
