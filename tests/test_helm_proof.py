"""The proof by Helm's own engine (SPEC §6.1): rendering the converted chart gives what converting the
original rendering gives, with the chart's default values and with other values, and rendering never
fails. Helm v4's engine renders offline through helm-python-sdk (the test extra); without it these tests
skip.

The charts: tests/fixtures_helm/5gcore (shaped like the 5G cores of the corpus: JSON annotations with
actions inside strings, a short form with templated names, NAD templates with templated names and configs
inside if blocks, a values-driven annotation), small charts built here, and every chart of the corpus's
helm/ folder (rebuilt as charts by helm_charts.build).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_convert import cli
from k8snet_convert.findings import Severity
from k8snet_convert.options import Options, OutputMode, Target
from k8snet_convert.results import MIGRATION_LEFT
from k8snet_convert.run import RunResult, run

from .helm_charts import LOADER, build, changed_values, chart_files, merge
from .test_helm import FIXTURE, POD, make_chart

helm_python = pytest.importorskip("helm_python", reason="helm-python-sdk (the test extra) is not installed")

from k8snet_convert.integrations.helm import verify  # noqa: E402 (needs the engine above)

OTHER_VALUES: dict[str, Any] = {
    "global": {
        "n3network": {"name": "access", "cidr": 28, "gatewayIP": "10.200.0.14"},
        "n4network": {"enabled": False},
        "n6network": {"name": "dn", "type": "ipvlan"},
    },
    "upf": {"n3if": {"ipAddress": "10.200.0.3"}, "mac": "02:00:00:00:aa:01", "name": "upf-b"},
}
MULTUS_OFF: dict[str, Any] = {"global": {"multus": {"enabled": False}}}


def convert_chart(source: Path, dest: Path, **changes: Any) -> tuple[Path, RunResult]:
    """A converted copy of a chart under ``dest`` (--output-dir: nothing to flush to disk), and the run's
    outcome (its file names are the source's)."""
    chart = dest / source.name
    flags = {"mode": OutputMode.OUTPUT_DIR, "output_dir": chart, "quiet": True}
    options = replace(cli.build_options([str(source)], flags), **changes)
    return chart, run([str(source)], options)


def test_5g_chart_converts_in_place_and_renders_as_its_converted_rendering(tmp_path: Path) -> None:
    chart, outcome = convert_chart(FIXTURE, tmp_path)
    changed = sorted(Path(d).name for d in outcome.changed)
    assert changed == [
        "smf-deployment.yaml",
        "upf-deployment.yaml",
        "upf-n3-nad.yaml",
        "upf-n4-nad.yaml",
        "upf-n6-nad.yaml",
    ]
    errors = [(Path(f.file).name, f.line, f.rule) for f in outcome.findings if f.severity is Severity.ERROR]
    assert errors == [("ausf-deployment.yaml", 12, "helm-dynamic-networks")]
    for values in (None, OTHER_VALUES, MULTUS_OFF):
        differences = verify.prove(FIXTURE, chart, Options(), values)
        # The values-driven annotation is reported and left as it is: its rendering still converts.
        assert [d.template for d in differences] == ["templates/ausf-deployment.yaml"], differences
    rendered = verify.render(chart, OTHER_VALUES)
    assert "kind: PodNetwork" not in rendered["templates/upf-n4-nad.yaml"]  # the NAD's if holds it
    assert "name: access-proof-fivegcore" in rendered["templates/upf-n3-nad.yaml"]


def test_the_proof_can_fail(tmp_path: Path) -> None:
    """A converted chart with one wrong byte is caught (so the proofs above mean something)."""
    chart, _ = convert_chart(FIXTURE, tmp_path)
    template = chart / "templates" / "upf-deployment.yaml"
    template.write_text(template.read_text().replace("interfaceName: n3", "interfaceName: n9"))
    differences = verify.prove(FIXTURE, chart, Options())
    assert "templates/upf-deployment.yaml" in [d.template for d in differences]
    template.write_text(template.read_text().replace("{{- end }}", "", 1))
    with pytest.raises(verify.RenderError):
        verify.render(chart)


def test_reverse_and_round_trip(tmp_path: Path) -> None:
    native, _ = convert_chart(FIXTURE, tmp_path / "native")
    back, outcome = convert_chart(native, tmp_path / "back", to=Target.MULTUS)
    assert not [f for f in outcome.findings if f.severity is Severity.ERROR]
    for values in (None, OTHER_VALUES):
        assert verify.prove(native, back, Options(to=Target.MULTUS), values) == []
    # NAD templates come back byte for byte (the workloads as the engine writes any file back).
    for name in ("upf-n3-nad.yaml", "upf-n4-nad.yaml", "upf-n6-nad.yaml"):
        assert (back / "templates" / name).read_text() == (FIXTURE / "templates" / name).read_text()


def test_dra(tmp_path: Path) -> None:
    nad = (
        "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n"
        "  name: {{ .Values.net }}\nspec:\n"
        '  config: \'{"cniVersion": "1.0.0", "type": "macvlan", "master": "{{ .Values.master }}"}\'\n'
    )
    pod = POD.replace("net-a", "{{ .Values.net }}@n3").replace("name: p\n", "name: {{ .Release.Name }}-p\n")
    original = make_chart(tmp_path, {"nad.yaml": nad, "pod.yaml": pod}, values="net: n3net\nmaster: eth1\n")
    chart, outcome = convert_chart(original, tmp_path / "dra", to=Target.DRA)
    assert len(outcome.changed) == 1 and not [f for f in outcome.findings if f.severity is Severity.ERROR]
    for values in (None, {"net": "core", "master": "ens5"}):
        assert verify.prove(original, chart, Options(to=Target.DRA), values) == []


def test_verify_helm_confirms_or_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    chart = tmp_path / "ok" / FIXTURE.name
    shutil.copytree(FIXTURE, chart)
    code = cli.main(["convert", "--write", "--verify-helm", str(chart)])
    err = capsys.readouterr().err
    assert code == 2 and "helm-proof-failed" not in err  # 2: the reported ausf template
    assert "networks:" in (chart / "templates" / "upf-deployment.yaml").read_text()

    from k8snet_convert.integrations.helm import restore

    real = restore.restore

    def wrong(ctx: Any, conversion: Any) -> str:
        return real(ctx, conversion).replace("interfaceName: n3", "interfaceName: n9")

    monkeypatch.setattr(restore, "restore", wrong)
    verify._expected.cache_clear()
    chart = tmp_path / "bad" / FIXTURE.name
    shutil.copytree(FIXTURE, chart)
    code = cli.main(["convert", "--write", "--verify-helm", str(chart / "templates" / "upf-deployment.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "error [helm-proof-failed]" in err and "interfaceName" in err
    assert (chart / "templates" / "upf-deployment.yaml").read_text() == (
        FIXTURE / "templates" / "upf-deployment.yaml"
    ).read_text()


# -- the corpus ---------------------------------------------------------------------------------------------

MULTUS_MARKERS = ("cni.cncf.io/networks", "multus-cni.io/default-network", "NetworkAttachmentDefinition")


def holds_multus(text: str, markers: tuple[str, ...] = MULTUS_MARKERS) -> bool:
    """Multus-era markers on lines that are not comments (the test's own reading, not the tool's)."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(("#", "{{/*", "{{- /*"))]
    return any(m in line for line in lines for m in markers)


@dataclass
class Tally:
    proven: list[str] = field(default_factory=list)  # converted, and proven with every value set
    reported: dict[str, list[str]] = field(default_factory=dict)  # rule -> files
    clean: list[str] = field(default_factory=list)  # nothing Multus-era in them: nothing to convert
    renders: int = 0  # (chart, value set) pairs Helm rendered and compared


def _value_sets(chart: Path) -> list[dict[str, Any] | None]:
    values = yaml.load((chart / "values.yaml").read_text(), Loader=LOADER) or {}
    return [None, changed_values(values, flip_enabled=False), changed_values(values, flip_enabled=True)]


def _renders(chart: Path, values: dict[str, Any] | None) -> bool:
    """Whether the chart as it was renders YAML with these values (a value set the corpus chart itself
    cannot take proves nothing)."""
    try:
        for text in verify.render(chart, values).values():
            verify.documents(text)
    except verify.RenderError:
        return False
    return True


def _corpus_chart(folder: Path, tmp_path: Path, tally: Tally, options: Options) -> None:
    original = build(folder, tmp_path / "original")
    if original is None:
        return
    chart, outcome = convert_chart(original, tmp_path / "converted", to=options.to)
    reported: dict[str, str] = {}  # what stops a template from being converted, or says it is not
    for finding in outcome.findings:
        if finding.line and (finding.severity is Severity.ERROR or finding.rule in MIGRATION_LEFT):
            reported.setdefault(Path(finding.file).relative_to(original).as_posix(), finding.rule)
    changed = {Path(d).relative_to(original).as_posix() for d in outcome.changed}
    for values in _value_sets(original):
        if not _renders(original, values):
            continue
        tally.renders += 1
        differences = verify.prove(original, chart, options, values)
        # Every converted template renders as its converted rendering; a template that differs must be
        # one reported with a rule and a line (left untouched: its rendering still converts).
        for difference in differences:
            assert difference.template in reported, (folder.name, difference)
            assert difference.template not in changed, (folder.name, difference)
    for relative in sorted(chart_files(folder)[0]):  # the corpus's files, not the stubs build added
        text = (original / relative).read_text()
        name = f"{folder.name}/{relative}"
        if relative in changed and relative not in reported:
            tally.proven.append(name)
        elif relative in reported:
            tally.reported.setdefault(reported[relative], []).append(name)
        elif holds_multus(text):
            lines = [f.line for f in outcome.findings if f.file.endswith(relative)]  # pragma: no cover
            assert relative in changed or lines, f"{name} holds Multus-era networking and passed silently"
            tally.proven.append(name)
        else:
            tally.clean.append(name)


def test_corpus_charts(corpus: Path, tmp_path: Path) -> None:
    """Every file of the corpus's helm/ folder is converted and proven, reported with a rule and a line, or
    holds no Multus-era networking; the counts are printed (pytest -s)."""
    tally = Tally()
    for folder in sorted(p for p in (corpus / "helm").iterdir() if p.is_dir()):
        _corpus_chart(folder, tmp_path / folder.name, tally, Options())
    # The files that are not chart templates (values, other engines' templates), checked where they are.
    rest = [
        f
        for folder in (corpus / "helm").iterdir()
        for f in folder.iterdir()
        if f not in chart_files(folder)[0].values()
    ]
    copy = tmp_path / "rest"
    copy.mkdir()
    for file in rest:
        shutil.copy(file, copy / file.name)
    outcome = run([str(copy)], Options(mode=OutputMode.CHECK, to=Target.NATIVE, sources=("multus", "native")))
    by_file = {Path(f.file).name: f for f in outcome.findings if f.line}
    for file in rest:
        finding = by_file.get(file.name)
        if finding is not None:
            tally.reported.setdefault(finding.rule, []).append(file.name)
        else:
            assert not holds_multus(file.read_text(), MULTUS_MARKERS[:2]), file.name
            tally.clean.append(file.name)
    total = len(tally.proven) + sum(map(len, tally.reported.values())) + len(tally.clean)
    assert total == sum(1 for p in (corpus / "helm").rglob("*") if p.is_file())
    print(
        f"\ncorpus helm/: {total} files: {len(tally.proven)} converted and proven "
        f"({tally.renders} renderings compared), "
        + ", ".join(f"{len(v)} reported {k}" for k, v in sorted(tally.reported.items()))
        + f", {len(tally.clean)} without Multus-era networking"
    )
    assert len(tally.proven) >= 30


def test_corpus_charts_back_to_multus(corpus: Path, tmp_path: Path) -> None:
    """The converted corpus charts converted back: Helm renders them as the converted renderings."""
    compared = 0
    for folder in sorted(p for p in (corpus / "helm").iterdir() if p.is_dir()):
        original = build(folder, tmp_path / folder.name / "original")
        if original is None:
            continue
        native, first = convert_chart(original, tmp_path / folder.name / "native")
        if not first.changed:
            continue
        back, outcome = convert_chart(native, tmp_path / folder.name / "back", to=Target.MULTUS)
        assert not [f for f in outcome.findings if f.severity is Severity.ERROR], folder.name
        for values in _value_sets(original)[:2]:
            if _renders(native, values):
                assert verify.prove(native, back, Options(to=Target.MULTUS), values) == [], folder.name
                compared += 1
    assert compared >= 40


def test_merge_is_helm_like() -> None:
    assert merge({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}, "d": 4}) == {"a": {"b": 1, "c": 3}, "d": 4}
