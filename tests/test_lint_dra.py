"""lint on DRA manifests: every rule the DRA checker reports (a positive and a negative case each), the
reader's checks reported once, real ``--to dra`` output linting clean, suppression and SARIF."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from k8snet_convert import rules
from k8snet_convert.cli import main
from k8snet_convert.findings import Severity
from k8snet_convert.lint import CHECKERS, LintResult, lint_paths
from k8snet_convert.lint import dra as dra_lint
from k8snet_convert.options import Options

from .conftest import FIXTURES

# A template as `--to dra` writes it (v1), with the lines the cases below point at.
TEMPLATE = """\
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: data-net1
  namespace: lab
  annotations:
    k8snet-convert.io/network: lab/data
spec:
  spec:
    devices:
      requests:
      - name: data-net1
        exactly:
          deviceClassName: cni.networking.x-k8s.io
          allocationMode: ExactCount
          count: 1
      config:
      - requests: [data-net1]
        opaque:
          driver: cni.dra.networking.x-k8s.io
          parameters:
            apiVersion: cni.networking.x-k8s.io/v1alpha1
            kind: CNI
            ifName: net1
            config:
              cniVersion: 1.0.0
              name: data
              type: macvlan
              master: eth1
              ipam: {type: host-local, subnet: 10.1.0.0/24}
"""
PARAMS_LINE = 22  # `parameters:`: the reader's parameter findings point at it
REQUEST_LINE = 12

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: lab
spec:
  containers: [{name: c, image: busybox}]
  resourceClaims:
  - {name: data-net1, resourceClaimTemplateName: data-net1}
"""
CLAIM_ENTRY_LINE = 9

# A ResourceClaim (v1) for one pod, with the allocation and the driver's status.
CLAIM = """\
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata:
  name: data-claim
  namespace: lab
spec:
  devices:
    requests:
    - name: data
      exactly: {deviceClassName: cni.networking.x-k8s.io, allocationMode: ExactCount, count: 1}
    config:
    - requests: [data]
      opaque:
        driver: cni.dra.networking.x-k8s.io
        parameters:
          apiVersion: cni.networking.x-k8s.io/v1alpha1
          kind: CNI
          ifName: net1
          config: {cniVersion: 1.0.0, name: data, type: macvlan, master: eth1,
                   ipam: {type: host-local, subnet: 10.1.0.0/24}}
status:
  allocation:
    devices:
      results:
      - {request: data, driver: cni.dra.networking.x-k8s.io, pool: node-a, device: eth1}
  devices:
  - driver: cni.dra.networking.x-k8s.io
    pool: node-a
    device: eth1
    conditions:
    - {type: Ready, status: "True", reason: NetworkInterfaceReady}
    networkData:
      interfaceName: net1
      ips: [10.1.0.7/24]
      hardwareAddress: 02:00:00:00:00:07
"""
STATUS_INTERFACE_LINE = 33


def template(old: str = "", new: str = "", text: str = TEMPLATE) -> str:
    assert old in text
    return text.replace(old, new, 1)


def doc(*parts: str) -> dict[str, str]:
    return {"app.yaml": "---\n".join(parts)}


def lint(tmp_path: Path, files: dict[str, str], **options: object) -> LintResult:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    return lint_paths([str(tmp_path)], Options(**options))  # type: ignore[arg-type]


def rule_lines(result: LintResult, rule: str) -> list[int]:
    return [f.line for f in result.findings if f.rule == rule]


def shifted(line: int, parts_before: str) -> int:
    """The line of ``line`` of a document placed after ``parts_before`` and a ``---`` separator."""
    return line + parts_before.count("\n") + 1


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    positive: dict[str, str]
    line: int
    negative: dict[str, str]


SECOND_REQUEST = (
    "      - name: data-net2\n        exactly:\n          deviceClassName: cni.networking.x-k8s.io\n"
)

CASES = [
    Case(
        "invalid-parameters-kind",
        "dra-invalid-parameters",
        doc(template("kind: CNI", "kind: Network")),
        PARAMS_LINE,
        doc(TEMPLATE),
    ),
    Case(
        "invalid-parameters-config-string",
        "dra-invalid-parameters",
        doc(
            template(
                "            config:\n              cniVersion: 1.0.0\n",
                # a JSON string where the object goes (the NAD's spelling): the rest moves out of it
                '            config: \'{"type": "macvlan"}\'\n'
                "            x:\n              cniVersion: 1.0.0\n",
            )
        ),
        PARAMS_LINE,
        doc(TEMPLATE),
    ),
    Case(
        # the DRA checker's own addition: an object, but not a CNI config
        "invalid-parameters-no-plugins",
        "dra-invalid-parameters",
        doc(template("              type: macvlan\n", "")),
        PARAMS_LINE,
        doc(template("              type: macvlan\n", "              plugins: [{type: macvlan}]\n")),
    ),
    Case(
        "unknown-parameters-version",
        "dra-unknown-parameters-version",
        doc(template("cni.networking.x-k8s.io/v1alpha1", "cni.networking.x-k8s.io/v2")),
        PARAMS_LINE,
        # the design doc's spelling of the group is accepted too
        doc(template("cni.networking.x-k8s.io/v1alpha1", "cni.dra.networking.x-k8s.io/v1alpha1")),
    ),
    Case(
        "invalid-interface-name",
        "invalid-interface-name",
        doc(template("ifName: net1", "ifName: sixteen-bytes-00")),
        PARAMS_LINE,
        doc(template("ifName: net1", "ifName: fifteen-bytes-0")),
    ),
    Case(
        "parameters-too-large",
        "dra-parameters-too-large",
        doc(template("master: eth1", "master: eth1\n              note: " + "x" * 10_300)),
        PARAMS_LINE,
        doc(template("master: eth1", "master: eth1\n              note: " + "x" * 9_000)),
    ),
    Case(
        "request-shape",
        "dra-request-shape",
        doc(template("resource.k8s.io/v1\n", "resource.k8s.io/v1beta1\n")),
        REQUEST_LINE + 2,  # inside `exactly:`, which v1beta1 does not have
        doc(
            template(
                "resource.k8s.io/v1\n",
                "resource.k8s.io/v1beta1\n",
                template("        exactly:\n          deviceClassName", "        deviceClassName").replace(
                    "          allocationMode: ExactCount\n          count: 1\n",
                    "        allocationMode: ExactCount\n        count: 1\n",
                ),
            )
        ),
    ),
    Case(
        # a count other than 1: the reader reports it (as an error); the checker does not repeat it
        "allocation",
        "dra-allocation",
        doc(template("count: 1", "count: 2")),
        REQUEST_LINE + 2,
        doc(TEMPLATE),
    ),
    Case(
        "unknown-request",
        "dra-unknown-request",
        doc(template("requests: [data-net1]", "requests: [data-net9]")),
        18,
        doc(TEMPLATE),
    ),
    Case(
        "duplicate-config",
        "dra-duplicate-config",
        doc(
            TEMPLATE + "      - requests: [data-net1]\n        opaque:\n"
            "          driver: cni.dra.networking.x-k8s.io\n"
            "          parameters: {apiVersion: cni.networking.x-k8s.io/v1alpha1, kind: CNI, ifName: net2,\n"
            "                       config: {type: macvlan}}\n"
        ),
        31,  # the second config
        doc(TEMPLATE),
    ),
    Case(
        "invalid-provenance",
        "dra-invalid-provenance",
        doc(template("k8snet-convert.io/network: lab/data", "k8snet-convert.io/network: data")),
        7,
        doc(TEMPLATE),
    ),
    Case(
        # two claims of one pod, both ifName net1: the interfaces collide (the reader's check)
        "duplicate-interface",
        "duplicate-interface",
        doc(
            POD + "  - {name: other, resourceClaimTemplateName: other}\n",
            TEMPLATE,
            template("name: data-net1\n  namespace", "name: other\n  namespace"),
        ),
        CLAIM_ENTRY_LINE + 1,
        doc(
            POD + "  - {name: other, resourceClaimTemplateName: other}\n",
            TEMPLATE,
            template("name: data-net1\n  namespace", "name: other\n  namespace").replace(
                "ifName: net1", "ifName: net2"
            ),
        ),
    ),
    Case(
        # eth0 is the cluster network's: a claim cannot take it
        "duplicate-interface-eth0",
        "duplicate-interface",
        doc(POD, template("ifName: net1", "ifName: eth0")),
        CLAIM_ENTRY_LINE,
        doc(POD, TEMPLATE),
    ),
    Case(
        # (a file holding only the pod has no marker the pre-filter knows: it is not read at all)
        "claim-not-found",
        "dra-claim-not-found",
        doc(POD + "  - {name: other, resourceClaimTemplateName: other}\n", TEMPLATE),
        CLAIM_ENTRY_LINE + 1,
        doc(POD, TEMPLATE),
    ),
    Case(
        # another driver's template that is in the file is found: not a network, nothing to report
        "claim-not-found-other-namespace",
        "dra-claim-not-found",
        doc(POD, template("namespace: lab", "namespace: prod")),
        CLAIM_ENTRY_LINE,
        doc(
            POD.replace("data-net1}", "gpu}"),
            "apiVersion: resource.k8s.io/v1\nkind: ResourceClaimTemplate\n"
            "metadata: {name: gpu, namespace: lab}\n"
            "spec:\n  spec:\n    devices:\n      requests:\n"
            "      - {name: gpu, exactly: {deviceClassName: gpu.example.com}}\n",
        ),
    ),
    Case(
        "claim-not-found-resource-claim",
        "dra-claim-not-found",
        doc(POD.replace("resourceClaimTemplateName: data-net1", "resourceClaimName: data-claim"), TEMPLATE),
        CLAIM_ENTRY_LINE,
        doc(POD.replace("resourceClaimTemplateName: data-net1", "resourceClaimName: data-claim"), CLAIM),
    ),
    Case(
        "no-device-class",
        "dra-no-device-class",
        doc(template("          deviceClassName: cni.networking.x-k8s.io\n", "")),
        REQUEST_LINE + 2,  # inside `exactly:`
        # firstAvailable names its classes per subrequest
        doc(
            template(
                "        exactly:\n          deviceClassName: cni.networking.x-k8s.io\n"
                "          allocationMode: ExactCount\n          count: 1\n",
                "        firstAvailable:\n        - {name: a, deviceClassName: cni.networking.x-k8s.io}\n",
            )
        ),
    ),
    Case(
        "no-device-class-v1beta1",
        "dra-no-device-class",
        doc(
            template("resource.k8s.io/v1\n", "resource.k8s.io/v1beta1\n").replace(
                "        exactly:\n          deviceClassName: cni.networking.x-k8s.io\n"
                "          allocationMode: ExactCount\n          count: 1\n",
                "        allocationMode: ExactCount\n",
            )
        ),
        REQUEST_LINE,
        doc(
            template("resource.k8s.io/v1\n", "resource.k8s.io/v1beta1\n").replace(
                "        exactly:\n          deviceClassName: cni.networking.x-k8s.io\n"
                "          allocationMode: ExactCount\n          count: 1\n",
                "        deviceClassName: cni.networking.x-k8s.io\n",
            )
        ),
    ),
    Case(
        "status-interface-mismatch",
        "dra-status-interface-mismatch",
        doc(CLAIM.replace("interfaceName: net1", "interfaceName: net7")),
        STATUS_INTERFACE_LINE,
        doc(CLAIM),
    ),
    Case(
        # the legacy spelling of KEP-4817's first draft (addresses/hwAddress) is read the same way
        "status-interface-mismatch-legacy",
        "dra-status-interface-mismatch",
        doc(CLAIM.replace("interfaceName: net1", "interfaceName: net7").replace("ips:", "addresses:")),
        STATUS_INTERFACE_LINE,
        doc(CLAIM.replace("ips:", "addresses:").replace("hardwareAddress:", "hwAddress:")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_positive_and_negative(case: Case, tmp_path: Path) -> None:
    positive = lint(tmp_path / "pos", case.positive)
    found = [(f.rule, f.line, f.message) for f in positive.findings]
    assert case.line in rule_lines(positive, case.rule), found
    assert all(f.severity is rules.get(case.rule).severity for f in positive.findings if f.rule == case.rule)
    negative = lint(tmp_path / "neg", case.negative)
    assert rule_lines(negative, case.rule) == [], [(f.rule, f.line, f.message) for f in negative.findings]


def test_every_dra_rule_lint_reports_has_a_case() -> None:
    """Every linted dra-* rule of the catalogue has a case above (a new one must get one)."""
    linted = {r.id for r in rules.RULES.values() if r.linted and r.id.startswith("dra-")}
    assert linted <= {c.rule for c in CASES}
    assert {"duplicate-interface", "invalid-interface-name"} <= {c.rule for c in CASES}


def test_the_checker_is_registered() -> None:
    assert dra_lint.check in CHECKERS


def test_the_negatives_are_clean(tmp_path: Path) -> None:
    """The base manifests the cases mutate have no finding at all: each positive adds exactly its own."""
    result = lint(tmp_path, doc(POD, TEMPLATE, CLAIM))
    assert result.findings == []


def test_the_readers_findings_are_reported_once(tmp_path: Path) -> None:
    """The reader's checks run once per file: one finding per problem, not one per checker."""
    text = doc(
        POD + "  - {name: other, resourceClaimTemplateName: other}\n",
        template("count: 1", "count: 2"),
        template("name: data-net1\n  namespace", "name: other\n  namespace").replace("kind: CNI", "kind: X"),
    )
    result = lint(tmp_path, text)
    assert sorted(f.rule for f in result.findings) == [
        "dra-allocation",
        "dra-invalid-parameters",
        "duplicate-interface",
    ]


def test_a_config_that_is_not_an_object_is_reported_by_the_reader_only(tmp_path: Path) -> None:
    text = doc(
        template(
            "            config:\n              cniVersion: 1.0.0\n              name: data\n"
            "              type: macvlan\n              master: eth1\n"
            "              ipam: {type: host-local, subnet: 10.1.0.0/24}\n",
            "            config: [macvlan]\n",
        )
    )
    messages = [f.message for f in lint(tmp_path, text).findings]
    assert messages == [
        "ResourceClaimTemplate data-net1, request 'data-net1': config must be the CNI config as an object"
    ]


def test_findings_name_the_yaml_path(tmp_path: Path) -> None:
    text = doc(
        template("          deviceClassName: cni.networking.x-k8s.io\n", "").replace(
            "              type: macvlan\n", ""
        ),
        CLAIM.replace("interfaceName: net1", "interfaceName: net7"),
    )
    paths = {f.rule: f.path for f in lint(tmp_path, text).findings}
    assert paths == {
        "dra-no-device-class": "spec.spec.devices.requests[0]",
        "dra-invalid-parameters": "spec.spec.devices.config[0].opaque.parameters.config",
        "dra-status-interface-mismatch": "status.devices[0].networkData.interfaceName",
    }


def test_a_pod_that_claims_nothing_of_the_file_in_a_list(tmp_path: Path) -> None:
    """Workloads and kinds: a Deployment's template claims are checked, inside a List too."""
    deployment = (
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
        "  metadata: {name: web, namespace: lab}\n  spec:\n    template:\n      spec:\n"
        "        containers: [{name: c, image: i}]\n"
        "        resourceClaims:\n        - {name: n, resourceClaimTemplateName: missing}\n"
        "- apiVersion: resource.k8s.io/v1\n  kind: ResourceClaimTemplate\n"
        "  metadata: {name: present, namespace: lab}\n"
    )
    result = lint(tmp_path, {"app.yaml": deployment})
    (finding,) = [f for f in result.findings if f.rule == "dra-claim-not-found"]
    assert (finding.line, finding.path) == (12, "items[0].spec.template.spec.resourceClaims")
    assert finding.message == (
        "Deployment web: claim 'n' names ResourceClaimTemplate lab/missing, which is not in this file; "
        "its devices (and any network interface they add) are not checked"
    )


# -- real output ------------------------------------------------------------------------------------------


def _converted_fixtures() -> list[Path]:
    """DRA golden cases whose conversion succeeded: their expected.yaml is real `--to dra` output."""
    found = []
    for case in sorted(FIXTURES.glob("dra-*")):
        findings = json.loads((case / "expected.findings.json").read_text())
        if (case / "expected.yaml").exists() and not any(f["severity"] == "error" for f in findings):
            found.append(case)
    return found


CONVERTED = _converted_fixtures()


def test_there_is_real_output_to_lint() -> None:
    assert len(CONVERTED) >= 8


@pytest.mark.parametrize("case", CONVERTED, ids=[c.name for c in CONVERTED])
def test_real_dra_output_has_no_dra_findings(case: Path) -> None:
    """What --to dra writes passes the DRA checks (pods and templates land in one file); a claim of
    another driver's template that is elsewhere (a GPU) is only an info."""
    raw = json.loads((case / "options.json").read_text()) if (case / "options.json").exists() else {}
    options = Options(namespace=raw["namespace"]) if "namespace" in raw else Options()
    result = lint_paths([str(case / "expected.yaml")], options)
    dra_rules = {r for r in rules.RULES if r.startswith("dra-")} | {
        "duplicate-interface",
        "invalid-interface-name",
    }
    assert [
        (f.rule, f.message)
        for f in result.findings
        if f.rule in dra_rules and f.severity is not Severity.INFO
    ] == []


# -- suppression, exit codes, SARIF -------------------------------------------------------------------------


def test_a_dra_finding_can_be_suppressed(tmp_path: Path) -> None:
    text = template(
        "          deviceClassName: cni.networking.x-k8s.io\n",
        "",
        template(
            "allocationMode: ExactCount\n",
            "allocationMode: ExactCount  # k8snet-convert: ignore[dra-no-device-class]\n",
        ),
    )
    result = lint(tmp_path, {"app.yaml": text})
    assert rule_lines(result, "dra-no-device-class") == []
    assert [f.rule for f in result.suppressed] == ["dra-no-device-class"]


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "warn.yaml").write_text(template("          deviceClassName: cni.networking.x-k8s.io\n", ""))
    (tmp_path / "err.yaml").write_text(template("count: 1", "count: 3"))
    assert main(["lint", str(tmp_path / "warn.yaml")]) == 0
    assert main(["lint", "--strict", str(tmp_path / "warn.yaml")]) == 1
    assert main(["lint", str(tmp_path / "err.yaml")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'err.yaml'}:14:11: error [dra-allocation]" in err


def test_a_dra_finding_reaches_sarif_with_its_rule_help(tmp_path: Path) -> None:
    (tmp_path / "claim.yaml").write_text(CLAIM.replace("interfaceName: net1", "interfaceName: net7"))
    report = tmp_path / "lint.sarif"
    assert main(["lint", str(tmp_path / "claim.yaml"), "--report", str(report)]) == 0  # a warning
    run = json.loads(report.read_text())["runs"][0]
    (result,) = run["results"]
    assert (result["ruleId"], result["level"]) == ("dra-status-interface-mismatch", "warning")
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == STATUS_INTERFACE_LINE
    descriptor = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    rule = rules.RULES["dra-status-interface-mismatch"]
    assert descriptor["id"] == rule.id
    assert descriptor["help"]["text"] == rule.help
    assert descriptor["shortDescription"]["text"] == rule.summary


def test_severities_match_the_catalogue() -> None:
    assert rules.RULES["dra-claim-not-found"].severity is Severity.INFO
    assert rules.RULES["dra-no-device-class"].severity is Severity.WARNING
    assert rules.RULES["dra-status-interface-mismatch"].severity is Severity.WARNING
