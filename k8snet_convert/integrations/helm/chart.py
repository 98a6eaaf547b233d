"""Chart templates converted in place: mask the actions, convert through the engine, put the actions back.

A chart is a folder with a ``Chart.yaml``; every file under its ``templates/`` is a template, whether or
not it holds ``{{``. YAML templates are masked (``mask.py``), read for what the engine cannot convert in
place (``footprints.py``), converted by the engine in a context of their own (the release's namespace
stands for the namespace of every object that names none, as Helm installs it), and written back with
their actions (``restore.py``). Helpers (``_*.tpl``) and other files that are not YAML are never
converted: they are reported when they hold Multus-era networking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ...context import FileContext
from ...errors import ConvertError
from ...findings import Finding, Severity
from ...manifests.source import SourceText, decode
from ...manifests.yamldoc import Document, YamlSyntaxError, parse_documents
from ...options import Options, OutputMode
from ...results import FileResult, error_finding
from . import footprints, paths
from .mask import Masked, TemplateSyntaxError, mask, repair
from .paths import holds_multus, template_kind
from .template_context import TemplateContext

if TYPE_CHECKING:
    from ...dialects.base import Reading
    from ...model import Inventory

# A template that does not parse even with its actions masked: at most this many lines of actions are
# said another way before giving up (each try is one more parse).
MAX_REPAIRS = 16


def chart_options(options: Options, masked: Masked) -> Options:
    """Helm installs every object that names no namespace into the release's namespace."""
    return replace(options, namespace=masked.release_namespace)


def masked_documents(masked: Masked) -> list[Document]:
    """Parse the masked text, saying lines of actions another way where it does not parse."""
    for _ in range(MAX_REPAIRS):
        try:
            return parse_documents(masked.text)
        except YamlSyntaxError as exc:
            if exc.rule != "invalid-yaml" or not repair(masked, exc.line):
                raise
    return parse_documents(masked.text)


def read_template(text: str) -> tuple[Masked, list[Document]]:
    """Mask and parse one template. Raises TemplateSyntaxError or YamlSyntaxError (in the template's own
    lines)."""
    masked = mask(text)
    try:
        docs = masked_documents(masked)
    except YamlSyntaxError as exc:
        line, column = masked.original_line_col(exc.line, exc.column)
        raise YamlSyntaxError(exc.message, line, column, exc.rule) from None
    return masked, docs


def load_chart_file(result: FileResult, options: Options, kind: str) -> TemplateContext | None:
    """A file of a chart's templates/: a YAML template ready for the engine, or a helper (reported when
    it holds Multus-era networking, never converted)."""
    if kind == "helper":
        helper_findings(result)
        return None
    return load_template(result, options)


def skipped(result: FileResult) -> None:
    """A chart template where manifests are read (explain, validate): said, not read."""
    result.findings.append(
        Finding(
            rule="templated-file",
            severity=Severity.INFO,
            message="skipped: a chart template (explain and validate read manifests, not templates)",
            file=result.display,
            hint="run it on the rendered chart (helm template), or convert and lint the chart itself",
        )
    )


def load_template(result: FileResult, options: Options) -> TemplateContext | None:
    """A chart template ready for the engine, or None when it cannot be (findings say why)."""
    try:
        source = decode(result.original)
    except ConvertError as exc:
        result.findings.append(error_finding(result, exc))
        return None
    text = source.text
    if "{{" not in text:
        masked = mask(text)  # no action: a template all the same (its namespace is the release's)
        docs: list[Document] | None = None
    else:
        try:
            masked, docs = read_template(text)
        except (TemplateSyntaxError, YamlSyntaxError) as exc:
            _unreadable(result, text, exc)
            return None
    if docs is None:
        try:
            docs = parse_documents(masked.text)
        except YamlSyntaxError as exc:
            result.findings.append(error_finding(result, exc))
            return None
    scoped = chart_options(options, masked)
    analysis = footprints.analyse(masked, docs, scoped)
    if analysis.changed_mask:
        docs = masked_documents(masked)
        analysis = footprints.analyse(masked, docs, scoped, first=analysis)
    is_json = result.path is not None and result.path.suffix.lower() == ".json"
    masked_source = SourceText(
        text=masked.text, encoding=source.encoding, bom=source.bom, newline=source.newline
    )
    ctx = TemplateContext.of(
        result.display, result.path, masked_source, docs, scoped, is_json, masked=masked, analysis=analysis
    )
    analysis.report(ctx)
    return ctx


def _unreadable(result: FileResult, text: str, exc: ConvertError) -> None:
    """A template that cannot be read even with its actions masked: said when it holds Multus-era
    networking (check must not pass it), silent otherwise."""
    if holds_multus(text) < 0:
        return
    line = getattr(exc, "line", 0)
    column = getattr(exc, "column", 0)
    result.findings.append(
        Finding(
            rule="helm-template-unparsed",
            severity=Severity.WARNING,
            message=f"a chart template that holds Multus-era networking cannot be read with its actions "
            f"masked ({exc.message}); it is left untouched",
            file=result.display,
            line=line,
            column=column,
            hint="convert it by hand, then check the rendered chart (helm template) with "
            "k8snet-convert check",
        )
    )


def helper_findings(result: FileResult) -> None:
    """A helper (``_helpers.tpl``, NOTES.txt…) is never converted: reported when it holds Multus-era
    networking, at the first line that does."""
    try:
        text = decode(result.original).text
    except ConvertError:
        return
    index = holds_multus(text)
    if index < 0:
        return
    line, column = paths.line_start(text, index)
    finding = Finding(
        rule="helm-helper-networks",
        severity=Severity.WARNING,
        message="a chart helper (not a YAML template) holds Multus-era networking; helpers are not converted",
        file=result.display,
        line=line,
        column=column,
        hint="move the networks into the YAML templates that include it (or convert the helper by "
        "hand), then check the rendered chart with k8snet-convert check",
    )
    if not paths.suppressed(text, [], finding):
        result.findings.append(finding)


# -- the survey's inventory ---------------------------------------------------------------------------------


def scan_template(
    display: str, path: Path | None, data: bytes, options: Options, inventory: Inventory
) -> None:
    """A template's NADs, PodNetworks and claims, with its actions masked (names then say the actions'
    tokens, the same in every template of the chart)."""
    from ...scan import scan_documents

    try:
        masked, docs = read_template(decode(data).text)
    except (ConvertError, RecursionError):
        return
    scan_documents(docs, display, path, chart_options(options, masked), inventory)
    inventory.template_actions.update(masked.chart_wide())
    # A NAD template that names no namespace is installed in the release's: decided, not to be
    # resolved again by the run's Flux Kustomizations (Inventory.relocate).
    for key, networks in inventory.definitions.items():
        inventory.definitions[key] = [
            replace(n, namespaced=True) if n.file == display and not n.namespaced else n for n in networks
        ]


# -- one template, converted --------------------------------------------------------------------------------


# What a conversion of one file records for the run's cross-file checks (the pipeline's
# ``record_cross_file``), and what makes a parsed file unfit to convert (loading's ``check_documents``):
# handed in, so the integration stays below the pipeline and the loading that call it.
Record = Callable[[FileResult, FileContext, "dict[str, Reading]"], None]
Check = Callable[[FileContext], None]


def convert_template(
    result: FileResult, options: Options, inventory: Inventory | None, record: Record, check: Check
) -> FileResult:
    """One chart template through the engine; its actions back in place in what is written."""
    from ... import engine, verdict
    from ...scan import file_inventory
    from . import restore

    ctx = load_chart_file(result, options, template_kind(result.path) or "template")
    if ctx is None:
        return result
    assert ctx.masked is not None
    check(ctx)  # an else branch is masked: its spelling of a key is no duplicate
    ctx.inventory = inventory if inventory is not None else file_inventory(ctx)
    conversion = engine.convert(ctx)
    record(result, ctx, conversion.readings)
    _readable_records(result, ctx.masked)
    new_text: str | None = None
    if ctx.editor.edits and not ctx.has_errors:
        try:
            new_text = restore.restore(ctx, conversion)
        except restore.Unsupported as exc:
            ctx.report(
                "helm-template-unsupported",
                Severity.ERROR,
                f"the conversion cannot be written into the template: {exc.message}; it is left untouched",
                line=exc.line,
                hint=exc.hint or "convert this template by hand, then check the rendered chart",
            )
    if new_text is not None and options.mode is not OutputMode.CHECK:
        _guard(ctx, new_text)  # what is written, printed or diffed must read back (check shows nothing)
    result.findings.extend(sorted(ctx.findings, key=Finding.sort_key))
    if new_text is not None and not result.failed:
        result.new = ctx.source.encode(new_text)
    # Suppression comments and check's would-convert finding, read from the masked template: its lines
    # are the template's (placeholders keep them), columns are moved back.
    before = len(result.findings)
    verdict.finish_file(result, ctx)
    masked = ctx.masked
    for index in range(before, len(result.findings)):
        finding = result.findings[index]
        if finding.line:
            line, column = masked.original_line_col(finding.line, finding.column)
            result.findings[index] = replace(finding, line=line, column=column)
    return result


def _guard(ctx: TemplateContext, new_text: str) -> None:
    """Black's habit, for templates: the converted template must read back with its actions masked."""
    try:
        read_template(new_text)
    except (TemplateSyntaxError, YamlSyntaxError) as exc:
        ctx.findings.append(
            Finding(
                rule="internal-error",
                severity=Severity.ERROR,
                message=f"the converted template does not read back ({exc.message}); it is left untouched",
                file=ctx.display,
                line=getattr(exc, "line", 0),
                hint="please report this with the chart",
            )
        )


def _readable_records(result: FileResult, masked: Masked) -> None:
    """The cross-file findings the run may report (a NAD defined nowhere) point into the template too."""
    fixed = []
    for key, finding in result.nad_refs:
        line, column = masked.original_line_col(finding.line, finding.column)
        fixed.append(
            (
                key,
                replace(finding, message=masked.readable(finding.message), line=line, column=column),
            )
        )
    result.nad_refs = fixed
