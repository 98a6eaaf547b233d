"""The proof by Helm's own engine: rendering the converted chart gives what converting the rendering gives.

Helm's Go SDK renders charts offline through ``helm-python-sdk`` (the ``helm`` extra: a shared library of
Helm v4's engine, no cluster, ``lookup`` returns nothing). For one chart, one set of values and one
release: render the chart as it was and convert that rendering (every template's output is a file of one
run, so NADs of one template resolve uses in another; objects without a namespace get the release's, as
Helm installs them), then render the converted chart; each template's documents must be equal as data.
A chart that does not render, before or after, fails the proof.

The tests prove every chart of the test fixtures and of the corpus with default and changed values;
``--verify-helm`` proves each converted template of a user's chart with its default values.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ...errors import UsageError
from ...findings import Finding, Severity
from ...options import Options, OutputMode
from ...results import FileResult

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
RELEASE = "proof"
NAMESPACE = "proof-ns"
INSTALL_HINT = "install the extra: pip install 'k8snet-convert[helm]'"


class RenderError(Exception):
    """Helm refused to render the chart (the message is Helm's)."""


def require() -> None:
    """Fail early, as a usage error, when Helm's engine is not installed."""
    try:
        import helm_python  # noqa: F401
    except ImportError:
        raise UsageError(f"--verify-helm needs helm-python-sdk: {INSTALL_HINT}") from None


def render(
    chart: Path, values: Mapping[str, Any] | None = None, release: str = RELEASE, namespace: str = NAMESPACE
) -> dict[str, str]:
    """Each template's output (keyed by its path inside the chart, e.g. ``templates/nad.yaml``)."""
    import helm_python

    try:
        with helm_python.Chart.load(str(chart)) as loaded:
            rendered = loaded.render(dict(values or {}), name=release, namespace=namespace)
    except helm_python.HelmError as exc:
        raise RenderError(str(exc)) from None
    return {
        _relative(name): text for name, text in rendered.items() if name.endswith((".yaml", ".yml", ".json"))
    }


def _relative(name: str) -> str:
    """``mychart/templates/x.yaml`` -> ``templates/x.yaml`` (subcharts keep ``charts/sub/…``)."""
    return name.split("/", 1)[1] if "/" in name else name


def documents(text: str) -> list[Any]:
    """A rendering's documents as data (empty documents, which Helm drops, left out). Raises RenderError
    when the rendering is not YAML (Helm would refuse to install it)."""
    try:
        return [doc for doc in yaml.load_all(text, Loader=_LOADER) if doc is not None]
    except yaml.YAMLError as exc:
        raise RenderError(f"the rendering is not YAML: {exc}") from None


def convert_rendering(
    rendered: Mapping[str, str], options: Options, namespace: str = NAMESPACE
) -> dict[str, str]:
    """Every template's output converted, as one run over all of them (with the release's namespace)."""
    from ...pipeline import collect_inventory, convert_file

    scoped = replace(options, namespace=namespace, mode=OutputMode.STDOUT)
    files = [(name, None, text.encode()) for name, text in sorted(rendered.items())]
    inventory = collect_inventory(files, scoped)
    converted: dict[str, str] = {}
    for name, path, data in files:
        result = convert_file(name, path, data, scoped, inventory)
        converted[name] = (result.new if result.new is not None and not result.failed else data).decode()
    return converted


@dataclass
class Difference:
    template: str
    message: str


def compare(
    expected: Mapping[str, str], actual: Mapping[str, str], only: str | None = None
) -> list[Difference]:
    """Templates whose documents differ as data (``only``: that template alone)."""
    found: list[Difference] = []
    for name in sorted(set(expected) | set(actual)):
        if only is not None and name != only:
            continue
        try:
            want = documents(expected.get(name, ""))
            got = documents(actual.get(name, ""))
        except RenderError as exc:
            found.append(Difference(name, str(exc)))
            continue
        if want != got:
            found.append(Difference(name, _first_difference(want, got)))
    return found


def _first_difference(want: list[Any], got: list[Any]) -> str:
    if len(want) != len(got):
        return f"{len(got)} document(s) rendered, {len(want)} expected"
    for index, (a, b) in enumerate(zip(want, got, strict=True)):
        if a != b:
            path, expected, rendered = _where(a, b, "")
            where = path or "the whole document"
            return f"document {index + 1}, {where}: expected {expected}, rendered {rendered}"
    return "the documents differ"


def _where(a: Any, b: Any, path: str) -> tuple[str, str, str]:
    """The first path where two documents differ, and the two values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if a.get(key) != b.get(key):
                return _where(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _where(x, y, f"{path}[{index}]")
    return path, _short(a), _short(b)


def _short(data: Any) -> str:
    text = yaml.safe_dump(data, default_flow_style=True, width=10_000).strip()
    return text if len(text) <= 300 else text[:297] + "..."


def prove(
    original: Path, converted: Path, options: Options, values: Mapping[str, Any] | None = None
) -> list[Difference]:
    """The proof for one chart and one set of values. Raises RenderError when either does not render."""
    expected = convert_rendering(render(original, values), options)
    return compare(expected, render(converted, values))


# -- --verify-helm: one converted template of a user's chart ------------------------------------------------


@lru_cache(maxsize=16)
def _expected(chart: str, options: Options) -> dict[str, str] | str:
    """The converted default rendering of a chart as it is on disk (once per chart and process), or why
    it does not render."""
    try:
        return convert_rendering(render(Path(chart)), options)
    except RenderError as exc:
        return str(exc)


def verify_result(result: FileResult, options: Options) -> None:
    """--verify-helm, after a chart template's conversion (the run calls it, above the pipeline): a
    template Helm does not confirm gets ``helm-proof-failed`` and stays as it was."""
    from ...files import lexical
    from .paths import chart_root, template_kind

    if result.path is None or result.new is None or template_kind(result.path) != "template":
        return
    chart = chart_root(result.path)
    assert chart is not None
    relative = lexical(result.path).relative_to(chart).as_posix()
    problem = verify_template(chart, relative, result.new.decode("utf-8"), options)
    if problem is None:
        return
    result.findings.append(
        Finding(
            rule="helm-proof-failed",
            severity=Severity.ERROR,
            message=f"Helm's engine does not confirm the conversion ({problem}); the template is left "
            "untouched",
            file=result.display,
            hint="convert this template by hand, or report the chart to k8snet-convert",
        )
    )
    result.new = None


def verify_template(chart: Path, relative: str, new_text: str, options: Options) -> str | None:
    """Prove one converted template (``relative`` to the chart) with the chart's default values: None when
    it holds, else what differs."""
    expected = _expected(str(chart), options)
    if isinstance(expected, str):
        return f"the chart does not render with Helm: {expected}"
    with tempfile.TemporaryDirectory(prefix="k8snet-convert-helm-") as folder:
        copy = Path(folder) / chart.name
        shutil.copytree(chart, copy, symlinks=True)
        (copy / relative).write_text(new_text, encoding="utf-8")
        try:
            rendered = render(copy)
        except RenderError as exc:
            return f"the converted chart does not render: {exc}"
    differences = compare(expected, rendered, only=relative)
    return f"{differences[0].template}: {differences[0].message}" if differences else None
