"""Helm charts converted in place (SPEC §6.1): masking, conversion, what is reported; values files, Flux
HelmReleases and the templates of other engines. The proofs by Helm's own engine are in test_helm_proof.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from k8snet_convert import cli
from k8snet_convert.integrations.helm.mask import find_actions, line_groups, mask
from k8snet_convert.manifests.yamldoc import parse_documents

from .conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures_helm" / "5gcore"
CHART_YAML = "apiVersion: v2\nname: mychart\nversion: 0.1.0\n"
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
    "    k8s.v1.cni.cncf.io/networks: net-a\nspec:\n  containers: []\n"
)


def make_chart(tmp_path: Path, templates: dict[str, str], values: str = "{}\n") -> Path:
    root = tmp_path / "mychart"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text(CHART_YAML)
    (root / "values.yaml").write_text(values)
    for name, text in templates.items():
        target = root / "templates" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def fivegcore(tmp_path: Path) -> Path:
    chart = tmp_path / "fivegcore"
    shutil.copytree(FIXTURE, chart)
    return chart


# -- masking ----------------------------------------------------------------------------------------------


def test_actions_are_lexed_as_go_does() -> None:
    text = 'a: {{ "}}" }}\nb: {{- /* a }} comment */ -}}\nc: {{ `raw }}` }}\n'
    actions = find_actions(text)
    assert [text[a.start : a.end] for a in actions] == [
        '{{ "}}" }}',
        "{{- /* a }} comment */ -}}",
        "{{ `raw }}` }}",
    ]
    assert [a.expr for a in actions] == ['"}}"', "/* a }} comment */", "`raw }}`"]


def test_lines_of_actions_are_control_or_content() -> None:
    text = 'x:\n  {{- if .a }}\n  {{- include "l" . | nindent 2 }}\n  {{- end }}{{ $v := 1 }}\ny: {{ .b }}\n'
    actions = find_actions(text)
    groups, grouped = line_groups(text, actions)
    assert [g.kind for g in groups] == ["control", "content", "control"]
    assert len(actions) - len(grouped) == 1  # {{ .b }} stands amid text


def test_masked_template_parses_and_comes_back_byte_for_byte() -> None:
    text = (FIXTURE / "templates" / "upf-deployment.yaml").read_text()
    masked = mask(text)
    docs = parse_documents(masked.text)
    assert docs and "{{" not in masked.text
    # Every placeholder maps back to exactly the text it stands for; what the engine may copy (actions amid
    # text) is restored from the placeholder alone; the masked text has the template's lines.
    assert masked.text.count("\n") == text.count("\n")
    for piece in masked.pieces:
        assert masked.original[piece.start : piece.end] == text[piece.start : piece.end]
        assert masked.to_original(piece.masked_start) == piece.start
        if piece.placeholder:  # an empty one maps to where its actions start: edits end before them
            assert masked.to_original(piece.masked_end) == piece.end
        if piece.kind == "inline":
            assert masked.restore(piece.placeholder) == piece.restored
        if piece.kind in ("control", "hidden"):  # lines that write nothing: blank lines, as many
            assert piece.placeholder == "\n" * text.count("\n", piece.start, piece.end)
    assert masked.to_original(len(masked.text)) == len(text)
    odd = mask("name: {{.Values.a}}-x\n")
    assert odd.restore(odd.text) == "name: {{ $.Values.a }}-x\n"  # written text says it from the root


def test_one_value_is_one_token_in_every_template() -> None:
    """``.Values.x`` at the top of one template and ``$.Values.x`` inside a ``with`` of another name the
    same value: one token, so a NAD and its use meet in the run's inventory."""
    nad = mask('name: {{ .Values.net.name }}-{{ include "c.fullname" . }}\n')
    use = mask(
        '{{- with .Values.upf }}\nname: {{ $.Values.net.name }}-{{ include "c.fullname" $ }}\n{{- end }}\n'
    )
    assert parse_documents(nad.text)[0].root.value[0][1].value in use.text
    assert nad.release_namespace == use.release_namespace


def test_addresses_with_actions_become_synthetic_addresses(tmp_path: Path) -> None:
    chart = make_chart(
        tmp_path,
        {
            "pod.yaml": POD.replace(
                "net-a",
                """'[{"name": "n3", "ips": ["{{ .Values.ip }}/{{ .Values.cidr }}"],"""
                """ "mac": "{{ .Values.mac }}"}]'""",
            )
        },
    )
    from k8snet_convert.integrations.helm.chart import read_template
    from k8snet_convert.integrations.helm.footprints import analyse
    from k8snet_convert.options import Options

    masked, docs = read_template((chart / "templates" / "pod.yaml").read_text())
    assert analyse(masked, docs, Options()).changed_mask
    assert "198.18.100.100/32" in masked.text and "0e:5a:f0:00:00:01" in masked.text


# -- chart templates --------------------------------------------------------------------------------------


def test_a_template_without_actions_is_still_a_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = make_chart(tmp_path, {"pod.yaml": POD})
    code, out, _ = run(["convert", str(chart / "templates" / "pod.yaml")], capsys)
    assert code == 0
    # The pod's namespace is the release's: the carrier-free entry names the network only.
    assert "podNetworkName: net-a" in out and "default/" not in out


def test_nad_template_gains_its_podnetwork_inside_the_same_if(tmp_path: Path) -> None:
    chart = fivegcore(tmp_path)
    assert cli.main(["convert", "--write", "-q", str(chart / "templates" / "upf-n3-nad.yaml")]) == 0
    text = (chart / "templates" / "upf-n3-nad.yaml").read_text()
    nad_end = text.index("    }'\n") + len("    }'\n")
    assert text[nad_end:].startswith("---\napiVersion: v1\nkind: PodNetwork\n")
    assert text.rstrip().endswith("{{- end }}")
    assert '  name: {{ .Values.global.n3network.name }}-{{ include "fivegcore.fullname" $ }}\n' in text
    assert "    namespace: {{ .Release.Namespace }}\n" in text
    original = (FIXTURE / "templates" / "upf-n3-nad.yaml").read_text()
    assert text.startswith(original[: original.index("{{- end }}")])  # the NAD byte for byte


def test_guarded_annotation_becomes_guarded_networks(tmp_path: Path) -> None:
    chart = fivegcore(tmp_path)
    assert cli.main(["convert", "--write", "-q", str(chart / "templates" / "upf-deployment.yaml")]) == 0
    text = (chart / "templates" / "upf-deployment.yaml").read_text()
    assert "k8s.v1.cni.cncf.io/networks" not in text
    guard = "{{- if $.Values.global.multus.enabled }}"
    # the emptied guard in the annotations went; spec.networks and the carriers are each inside one
    assert text.count(guard) == 2
    networks = text.index("      networks:\n")
    assert text.rindex(guard, 0, networks) > text.index("    spec:")
    assert 'podNetworkAttachmentName: {{ include "fivegcore.fullname" $ }}-{{ .name }}-n3' in text
    assert '"ips":["{{ .n3if.ipAddress }}/{{ $.Values.global.n3network.cidr }}"]' in text
    assert '"mac":"{{ .mac }}"' in text
    assert text.rstrip().endswith("{{- end }}\n{{- end }}".rstrip())
    # a second run changes nothing
    before = text
    assert cli.main(["convert", "--write", "-q", str(chart / "templates" / "upf-deployment.yaml")]) == 0
    assert (chart / "templates" / "upf-deployment.yaml").read_text() == before


def test_short_form_with_templated_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = fivegcore(tmp_path)
    code, out, _ = run(["convert", str(chart / "templates" / "smf-deployment.yaml")], capsys)
    assert code == 0
    assert (
        '- podNetworkName: {{ .Values.global.n4network.name }}-{{ include "fivegcore.fullname" . }}\n' in out
    )
    assert "interfaceName: n4" in out


@pytest.mark.parametrize(
    "annotation, why",
    [
        ("{{ toJson .Values.networks | quote }}", "one action's output"),
        ('\'[{{ range .Values.nets }}{"name": "{{ . }}"},{{ end }}]\'', "template control structure"),
        ("'[{\"name\": {{ .Values.n | quote }}}]'", "JSON that only template actions complete"),
        ('\'[{"name": "a", "default-route": ["{{ .Values.gw }}"]}]\'', '"default-route" written by actions'),
    ],
)
def test_dynamic_networks_are_reported_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], annotation: str, why: str
) -> None:
    chart = make_chart(tmp_path, {"pod.yaml": POD.replace("net-a", annotation)})
    before = (chart / "templates" / "pod.yaml").read_text()
    code, _, err = run(["convert", "--write", str(chart)], capsys)
    assert code == 2
    assert f"{chart / 'templates' / 'pod.yaml'}:6:5: error [helm-dynamic-networks]" in err
    assert why in err
    assert (chart / "templates" / "pod.yaml").read_text() == before
    code, _, _ = run(["check", str(chart)], capsys)
    assert code == 2


def test_else_branch_with_multus_networking_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = POD.replace(
        "    k8s.v1.cni.cncf.io/networks: net-a\n",
        "    {{- if .Values.a }}\n    k8s.v1.cni.cncf.io/networks: net-a\n    {{- else }}\n"
        "    k8s.v1.cni.cncf.io/networks: net-b\n    {{- end }}\n",
    )
    chart = make_chart(tmp_path, {"pod.yaml": template})
    code, _, err = run(["check", str(chart)], capsys)
    assert code == 2 and "[helm-dynamic-networks]" in err and "else" in err


def test_templated_config_is_not_invalid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(["lint", str(fivegcore(tmp_path))], capsys)
    assert "invalid-cni-json" not in err
    assert "info [helm-templated-config]" in err


def test_helper_with_networking_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = make_chart(
        tmp_path, {"_nets.tpl": '{{- define "c.nets" -}}\nk8s.v1.cni.cncf.io/networks: a\n{{- end }}\n'}
    )
    code, _, err = run(["check", str(chart)], capsys)
    assert code == 1
    assert f"{chart / 'templates' / '_nets.tpl'}:2:1: warning [helm-helper-networks]" in err


def test_unsupported_when_a_hash_would_be_taken_over_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nad = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: net-a\n"
        'spec:\n  config: \'{"cniVersion": "1.0.0", "name": "net-a", "type": "macvlan",'
        ' "ipam": {"type": "static"}}\'\n'
    )
    pod = POD.replace("net-a", """'[{"name": "net-a", "ips": ["{{ .Values.ip }}/24"]}]'""")
    chart = make_chart(tmp_path, {"nad.yaml": nad, "pod.yaml": pod})
    code, _, err = run(["convert", "--to", "dra", str(chart / "templates")], capsys)
    assert code == 2
    assert "[helm-template-unsupported]" in err and "hash" in err


# -- values, HelmReleases ---------------------------------------------------------------------------------


def test_values_file_annotation_is_reported_with_what_the_chart_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = make_chart(
        tmp_path,
        {},
        values="podAnnotations:\n  k8s.v1.cni.cncf.io/networks:"
        ' \'[{"name": "macvlan-conf", "ips": ["10.1.1.5/24"]}]\'\n',
    )
    code, _, err = run(["check", str(chart)], capsys)
    assert code == 1
    assert f"{chart / 'values.yaml'}:2:3: warning [templated-value]" in err
    assert "spec.networks default (eth0), macvlan-conf (net1)" in err and "net1: ips" in err
    code, _, err = run(["lint", str(chart)], capsys)
    assert code == 0 and "warning [templated-value]" in err


def test_what_is_left_for_a_person_can_be_suppressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = make_chart(
        tmp_path,
        {"_nets.tpl": '{{- define "c.nets" -}}\nk8s.v1.cni.cncf.io/networks: a\n{{- end }}\n'},
        values="podAnnotations:\n  k8s.v1.cni.cncf.io/networks: n3\n",
    )
    assert run(["check", str(chart)], capsys)[0] == 1
    (chart / "values.yaml").write_text(
        "podAnnotations:\n  k8s.v1.cni.cncf.io/networks: n3  # k8snet-convert: ignore[templated-value]\n"
    )
    helper = chart / "templates" / "_nets.tpl"
    helper.write_text("# k8snet-convert: ignore[helm-helper-networks]\n" + helper.read_text())
    code, _, err = run(["check", str(chart)], capsys)
    assert code == 0 and "templated-value" not in err and "helm-helper-networks" not in err


def test_values_files_glob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "env").mkdir()
    prod = tmp_path / "env" / "prod.yaml"
    prod.write_text("upf:\n  podAnnotations:\n    k8s.v1.cni.cncf.io/networks: n3\n")
    code, _, err = run(["convert", "--check", str(tmp_path)], capsys)
    assert code == 0 and "templated-value" not in err
    code, _, err = run(["convert", "--check", "--values-files", "env/*.yaml", str(tmp_path)], capsys)
    assert code == 1 and f"{prod}:3:5: warning [templated-value]" in err
    (tmp_path / ".k8snet-convert.yaml").write_text("values-files: ['*/prod.yaml']\n")
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 1 and "[templated-value]" in err


HELMRELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: upf
  namespace: core
spec:
  chart:
    spec: {chart: upf, sourceRef: {kind: HelmRepository, name: towards5gs}}
  values:
    upf:
      podAnnotations:
        k8s.v1.cni.cncf.io/networks: '[{"name": "n3network", "interface": "n3", "ips": ["10.1.1.2/24"],
          "mac": "02:00:00:00:00:03"}]'
"""


def test_helmrelease_values_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "release.yaml").write_text(HELMRELEASE)
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 1
    assert f"{tmp_path / 'release.yaml'}:12:9: warning [templated-value]" in err
    assert 'spec.values.upf.podAnnotations."k8s.v1.cni.cncf.io/networks"' in err
    assert "n3: ips, mac" in err


def test_raw_objects_in_values_convert_like_any_nad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = make_chart(
        tmp_path,
        {},
        values=(
            "replicas: 1\nextraDeploy:\n"
            "  - apiVersion: k8s.cni.cncf.io/v1\n    kind: NetworkAttachmentDefinition\n"
            "    metadata:\n      name: macvlan-conf\n"
            '    spec:\n      config: \'{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth0"}\'\n'
            "  - some: other\n"
        ),
    )
    assert cli.main(["convert", "--write", "-q", "--namespace", "lab", str(chart)]) == 0
    data = yaml.safe_load((chart / "values.yaml").read_text())
    kinds = [item.get("kind") for item in data["extraDeploy"]]
    assert kinds == ["NetworkAttachmentDefinition", "PodNetwork", None]
    assert data["extraDeploy"][1]["spec"]["parametersRefs"][0]["name"] == "macvlan-conf"


# -- templates of other engines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, text, engine",
    [
        ("nad.yml.j2", POD.replace("net-a", '\'[{"name": "{{ NET }}"}]\''), "a Jinja template"),
        (
            "pod.yaml",
            POD.replace("name: p\n", "name: p-{{ .Replica }}-{{ .Iteration }}\n"),
            "a kube-burner template",
        ),
        ("pod.yaml", POD.replace("net-a", "${NETWORKS}"), "an envsubst template"),
        ("pod.yaml", POD.replace("net-a", '"{{ .NetworksAnnotationValue }}"'), "a Go template"),
        ("pod.yaml", POD.replace("net-a", "{{ .Values.networks }}"), "a Helm template outside a chart"),
    ],
)
def test_other_templates_are_named_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, engine: str
) -> None:
    file = tmp_path / name
    file.write_text(text)
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 1
    assert f"{file}:6:5: warning [templated-file] {engine}" in err
    assert file.read_text() == text
    file.write_text("# k8snet-convert: ignore[templated-file]\n" + text)
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 0 and "templated-file" not in err


def test_go_template_with_actions_inside_quotes_is_not_invalid_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nad = (
        'apiVersion: "k8s.cni.cncf.io/v1"\nkind: NetworkAttachmentDefinition\n'
        'metadata:\n  name: "{{.Name}}"\n'
        'spec:\n  config: \'{\n  "cniVersion":"0.3.1",\n  "name":"{{.Name}}",\n{{- if .Mtu }}\n'
        '  "mtu": "{{.Mtu}}",\n{{- end }}\n  "type":"macvlan"\n}\'\n'
    )
    (tmp_path / "nad.yaml").write_text(nad)
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert "invalid-cni-json" not in err
    assert code == 1 and "warning [templated-file] a Go template" in err


def test_docs_variable_in_a_plain_scalar_is_converted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = POD.replace("containers: []", "containers:\n  - name: c\n    image: app:{{ variables.version }}")
    (tmp_path / "pod.yaml").write_text(text)
    code, out, err = run(["convert", str(tmp_path / "pod.yaml")], capsys)
    assert code == 0 and "templated" not in err
    assert "podNetworkName: net-a" in out and "image: app:{{ variables.version }}" in out


# -- the run-wide inventory -------------------------------------------------------------------------------


def test_inventory_learns_the_nads_of_chart_templates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--to dra embeds the NAD's config from another template; the reverse finds its PodNetwork there."""
    nad = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n"
        "  name: {{ .Values.net }}\nspec:\n"
        '  config: \'{"cniVersion": "1.0.0", "type": "macvlan", "master": "{{ .Values.master }}"}\'\n'
    )
    pod = POD.replace("net-a", "{{ .Values.net }}@n3")
    chart = make_chart(tmp_path, {"nad.yaml": nad, "pod.yaml": pod}, values="net: n3net\nmaster: eth1\n")
    code, out, err = run(["convert", "--to", "dra", str(chart / "templates" / "pod.yaml")], capsys)
    assert code == 2 and "dra-nad-not-found" in err  # alone, the NAD is nowhere
    code, out, err = run(["convert", "--to", "dra", str(chart / "templates")], capsys)
    assert code == 0, err
    assert "resourceClaimTemplateName: {{ .Values.net }}-n3" in out
    assert "master: {{ $.Values.master }}" in out  # the NAD template's action, said from the root
    assert cli.main(["convert", "--write", "-q", str(chart)]) == 0
    code, _, err = run(["convert", "--to", "multus", str(chart / "templates")], capsys)
    assert code == 0 and "podnetwork-not-found" not in err
