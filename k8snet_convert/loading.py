"""Reading one file into a FileContext: size limit, templates, encoding, YAML with marks, duplicate keys.

Below the pipeline and the integrations, which both read files this way.
"""

from __future__ import annotations

from .context import FileContext
from .errors import ConvertError
from .files import TooLarge, read_failure
from .integrations import helm
from .manifests.source import SourceText, decode
from .manifests.yamldoc import (
    MERGE_KEY_HINT,
    MERGE_KEY_MESSAGE,
    Document,
    YamlSyntaxError,
    iter_duplicate_keys,
    iter_merge_keys,
    parse_documents,
)
from .model import Severity
from .options import Options
from .results import FileResult, error_finding, needs_parsing


def load(
    result: FileResult, options: Options, prefilter_bytes: bool = True, charts: bool = False
) -> FileContext | None:
    """Decode and parse a file; None when it has nothing for us or cannot be read (findings say why).

    ``prefilter_bytes=False`` parses files without any marker too (lint reads native pods that way).
    ``charts``: a chart's template is read with its actions masked (lint); otherwise it is skipped and
    said (explain and validate read manifests; the conversion reads templates through the pipeline).
    """
    if len(result.original) > options.max_file_size:  # reported whatever it holds: it is not read
        too_large = TooLarge(len(result.original), options.max_file_size)
        result.findings.append(read_failure(result.display, too_large))
        return None
    if prefilter_bytes and not needs_parsing(result.path, result.original, options):
        return None
    kind = helm.template_kind(result.path)
    if kind is not None:  # a chart's template: its actions masked (or a helper, reported)
        from .integrations.helm import chart

        if not charts:
            chart.skipped(result)
            return None
        template = chart.load_chart_file(result, options, kind)
        if template is not None:
            check_documents(template)
        return template
    try:
        source: SourceText = decode(result.original)
    except ConvertError as exc:
        result.findings.append(error_finding(result, exc))
        return None
    try:
        docs: list[Document] = parse_documents(source.text)
    except YamlSyntaxError as exc:
        if helm.template_syntax(source.text) and helm.other_template(result, source.text, None, options):
            return None
        result.findings.append(error_finding(result, exc))
        return None
    if helm.template_syntax(source.text) and helm.other_template(result, source.text, docs, options):
        return None  # Jinja, envsubst, kube-burner...: named, untouched
    is_json = result.path is not None and result.path.suffix.lower() == ".json"
    ctx = FileContext.of(result.display, result.path, source, docs, options, is_json)
    check_documents(ctx)
    ctx.docs.extend(helm.raw_object_documents(docs, source.text, result.path, options))  # extraDeploy...
    return ctx


def check_documents(ctx: FileContext) -> None:
    """What makes a parsed file unfit to convert whatever it holds: keys given twice in one mapping, YAML
    merge keys (converting through one would edit a mapping other objects share)."""
    for doc in ctx.docs:
        for key, name in iter_duplicate_keys(doc.root):
            ctx.report(
                "duplicate-key",
                Severity.ERROR,
                f"key {name!r} appears twice in one mapping (the API server rejects or collapses it)",
                node=key,
                hint="remove one of them",
            )
    if "<<" in ctx.text:
        for merge in iter_merge_keys(*(doc.root for doc in ctx.docs)):
            ctx.report("merge-key", Severity.ERROR, MERGE_KEY_MESSAGE, node=merge, hint=MERGE_KEY_HINT)
