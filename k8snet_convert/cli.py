"""The command line: parse flags into one Options, call the pipeline, render, return the exit code.

Typer is imported only here (and in cli_ci.py); the core never prints. What commands share without
Typer (options, running and reporting, the exit-code handler) is in commands.py; the console script
(entry.py) runs a plain ``check FILE...`` through it without importing this module.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .cli_args import (
    Exclude,
    MultusNamespace,
    Namespace,
    NoGitignore,
    PathsArg,
    Quiet,
    Report,
    ReportFormatOption,
    Verbose,
)
from .commands import (
    EXIT_OK,
    EXIT_USAGE,
    build_options,
    guarded,
    parse_size,
    run_check,
    run_convert,
    write_stdout,
)
from .errors import UsageError
from .findings import Severity
from .options import (
    DEFAULT_DEVICE_CLASS,
    DEFAULT_NAME_TEMPLATE,
    DEFAULT_PROVIDER,
    AnnotationStyle,
    AttachmentParams,
    Devices,
    DraApiVersion,
    Profile,
    Target,
)

__all__ = ["app", "build_options", "main", "parse_size"]

app = typer.Typer(
    name="k8snet-convert",
    help="Migrate Kubernetes manifests between Multus and native multi-networking (KEP-3698), losslessly.",
    no_args_is_help=True,
    # --install-completion / --show-completion: Typer's scripts call the program back with
    # _K8SNET_CONVERT_COMPLETE set, which entry.py hands to Typer.
    add_completion=True,
    pretty_exceptions_enable=False,
    # Click's plain help: it wraps text to the terminal and never cuts an option's name, where rich's
    # table cut "--attachment-params" to "--attachment-p…" at 60 columns (and costs its import).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"k8snet-convert {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Migrate Kubernetes manifests between Multus and native multi-networking (KEP-3698), losslessly.

    `k8snet-convert COMMAND -h` explains a command; `k8snet-convert rule ID` explains a finding.
    """


@app.command()
def convert(
    paths: PathsArg,
    to: Annotated[Target | None, typer.Option(help="Target dialect.", show_default="native")] = None,
    write: Annotated[bool, typer.Option("--write", help="Rewrite files in place (atomically).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff; write nothing.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if anything would change (with --diff: show it).")
    ] = False,
    output_dir: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Write results to DIR, mirroring the tree.")
    ] = None,
    profile: Annotated[
        Profile | None, typer.Option(help="KEP-3698 revision to emit.", show_default="kep-3698")
    ] = None,
    api_version: Annotated[
        str | None, typer.Option(metavar="V", help="apiVersion of PodNetwork objects.", show_default="v1")
    ] = None,
    provider: Annotated[
        str | None, typer.Option(metavar="P", help="PodNetwork spec.provider.", show_default=DEFAULT_PROVIDER)
    ] = None,
    name_template: Annotated[
        str | None,
        typer.Option(
            metavar="T",
            help="PodNetwork name from {name} and {namespace}.",
            show_default=DEFAULT_NAME_TEMPLATE,
        ),
    ] = None,
    attachment_params: Annotated[
        AttachmentParams | None,
        typer.Option(help="Where per-attachment parameters go.", show_default="configmap"),
    ] = None,
    annotation_style: Annotated[
        AnnotationStyle | None,
        typer.Option(help="--to multus: the annotation's form.", show_default="auto"),
    ] = None,
    implicit_interfaces: Annotated[
        bool | None, typer.Option("--implicit-interfaces", help="Leave unnamed interfaces unnamed.")
    ] = None,
    strict: Annotated[
        bool | None, typer.Option("--strict", help="Every loss or move is an error; warnings fail.")
    ] = None,
    multus_namespace: MultusNamespace = None,
    inject_resources: Annotated[
        bool | None, typer.Option("--inject-resources", help="Write device requests into containers.")
    ] = None,
    verify_roundtrip: Annotated[
        bool | None, typer.Option("--verify-roundtrip", help="Check that every document converts back.")
    ] = None,
    namespace: Namespace = None,
    exclude: Exclude = None,
    no_gitignore: NoGitignore = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            metavar="N", help="Worker processes (at most the usable cores).", show_default="the cores"
        ),
    ] = None,
    report: Report = None,
    report_format: ReportFormatOption = None,
    quiet: Quiet = None,
    max_file_size: Annotated[
        str | None,
        typer.Option(
            metavar="SIZE", help="Skip (and report) larger files: bytes, or with K, M, G.", show_default="16M"
        ),
    ] = None,
    device_class: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="The DeviceClass of the claims (--devices dra: sriovnetwork.k8snetworkplumbingwg.io).",
            show_default=f"{DEFAULT_DEVICE_CLASS} for --to dra",
        ),
    ] = None,
    emit_device_class: Annotated[
        bool | None, typer.Option("--emit-device-class", help="--to dra: also write the DeviceClass.")
    ] = None,
    dra_api_version: Annotated[
        DraApiVersion | None, typer.Option(help="--to dra: resource.k8s.io version.", show_default="v1")
    ] = None,
    drop_nads: Annotated[
        bool | None, typer.Option("--drop-nads", help="--to dra: remove NADs once embedded.")
    ] = None,
    devices: Annotated[
        Devices | None,
        typer.Option(
            help="Where the devices of the NADs' resourceName come from; the networks stay Multus "
            "(implies --to multus): dra = ResourceClaimTemplates of the SR-IOV DRA driver, dra-extended = "
            "a DeviceClass per resource (pods unchanged), device-plugin = back to extended-resource "
            "requests.",
            show_default="keep",
        ),
    ] = None,
    values_files: Annotated[
        list[str] | None, typer.Option(help="Glob of more Helm values files (repeatable).")
    ] = None,
    verify_helm: Annotated[
        bool | None,
        typer.Option(
            "--verify-helm", help="Prove converted chart templates with Helm's engine (extra: helm)."
        ),
    ] = None,
    verbose: Verbose = False,
) -> int:
    """Convert manifests (default: Multus to native) and print them, or write, diff or check them.

    Options not given come from the project configuration ([tool.k8snet-convert] in pyproject.toml, or
    .k8snet-convert.yaml), found by walking up from the first PATH; then from the defaults shown.

    \b
    Examples:
      k8snet-convert convert app.yaml     # print it converted
      k8snet-convert convert . --diff     # what would change
      k8snet-convert convert . --check --diff   # CI: exit 1
      k8snet-convert convert . --write    # migrate in place
      k8snet-convert convert . --to multus --write  # go back
      kubectl get pod/web -o yaml | k8snet-convert convert -
    """
    return run_convert(
        paths,
        write=write,
        diff=diff,
        check=check,
        output_dir=output_dir,
        report=report,
        report_format=report_format,
        verbose=verbose,
        flags={
            "to": to,
            "profile": profile,
            "api_version": api_version,
            "provider": provider,
            "name_template": name_template,
            "attachment_params": attachment_params,
            "annotation_style": annotation_style,
            "implicit_interfaces": implicit_interfaces,
            "strict": strict,
            "multus_namespace": multus_namespace,
            "inject_resources": inject_resources,
            "verify_roundtrip": verify_roundtrip,
            "namespace": namespace,
            "exclude": tuple(exclude or ()),
            "respect_gitignore": False if no_gitignore else None,
            "jobs": jobs,
            "quiet": quiet,
            "max_file_size": parse_size(max_file_size) if max_file_size is not None else None,
            "device_class": device_class,
            "emit_device_class": emit_device_class,
            "dra_api_version": dra_api_version,
            "drop_nads": drop_nads,
            "values_files": tuple(values_files or ()),
            "verify_helm": verify_helm,
            "devices": devices,
        },
    )


@app.command()
def check(
    paths: PathsArg,
    exclude: Exclude = None,
    no_gitignore: NoGitignore = False,
    report: Report = None,
    report_format: ReportFormatOption = None,
    quiet: Quiet = None,
    verbose: Verbose = False,
) -> int:
    """Exit 1 when a file still uses Multus-era networking (= convert --check --to native).

    The pre-commit entry point: each file that would change is reported at its first Multus-era
    construct (rule would-convert), with the command that fixes it.

    \b
    Examples:
      k8snet-convert check .
      k8snet-convert check . --report k8snet-convert.sarif
    """
    flags = {"respect_gitignore": False} if no_gitignore else None
    return run_check(paths, quiet, tuple(exclude or ()), report, report_format, flags, verbose)


@app.command("parse-annotation")
def parse_annotation(
    value: Annotated[
        str, typer.Argument(metavar="VALUE", help="The annotation value, as written in the manifest.")
    ],
    namespace: Annotated[str, typer.Option(help="The pod's namespace.")] = "default",
    default_network: Annotated[
        bool, typer.Option("--default-network", help="Parse as v1.multus-cni.io/default-network.")
    ] = False,
    multus_namespace: Annotated[
        str, typer.Option(help="Namespace for --default-network references without one.")
    ] = "kube-system",
) -> int:
    """Print, as JSON, the selection elements Multus makes of VALUE.

    \b
    Examples:
      k8snet-convert parse-annotation 'data@eth1, shop/nfs'
      k8snet-convert parse-annotation '[{"name": "a"}]' \\
          --namespace shop
    """
    from .model.codec import parse_default_network, parse_networks

    if default_network:
        parsed = [parse_default_network(value, multus_namespace)]
    else:
        parsed = parse_networks(value, namespace)
    elements = []
    for item in parsed:
        data = item.element.canonical()
        out: dict[str, Any] = {"name": data.pop("name"), "namespace": item.namespace}
        data.pop("namespace", None)
        out.update(data)
        elements.append(out)
    write_stdout(json.dumps(elements, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


@app.command()
def validate(
    paths: PathsArg,
    profile: Annotated[
        Profile | None,
        typer.Option(
            help="KEP-3698 revision of PodNetworks that no pod entry names.", show_default="kep-3698"
        ),
    ] = None,
    exclude: Exclude = None,
    no_gitignore: NoGitignore = False,
    quiet: Quiet = None,
) -> int:
    """Check PodNetwork, PodNetworkAttachment, NAD, DRA and pod networks entries against schemas/.

    A PodNetwork is checked against its own KEP revision's schema: the revision of the pod entries
    that name it, else --profile (or the configuration's profile). Exit 2 when anything is wrong.

    \b
    Examples:
      k8snet-convert validate .
      k8snet-convert validate . --profile kep-3698-rev2
    """
    from . import report as reports
    from .validate import validate_paths
    from .verdict import judge

    flags = {
        "profile": profile,
        "exclude": tuple(exclude or ()),
        "respect_gitignore": False if no_gitignore else None,
        "quiet": quiet,
    }
    options = build_options(paths, flags)
    outcome = validate_paths(paths, options)
    verdict = judge(outcome.findings, outcome.suppressions, options)
    summary = reports.Summary(
        command="validate",
        files_scanned=outcome.files,
        files_changed=0,
        exit_code=verdict.exit_code,
        mode="validate",
        suppressed=len(verdict.suppressed),
        quiet=options.quiet,
    )
    lines = reports.render(reports.ReportFormat.TEXT, verdict.findings, summary).splitlines()[:-1]
    lines.append(
        f"{outcome.files} file(s), {outcome.objects} object(s) checked; {verdict.count(Severity.ERROR)} "
        "problem(s)" + (f"; {len(verdict.suppressed)} suppressed" if verdict.suppressed else "")
    )
    sys.stderr.write("".join(line + "\n" for line in lines))
    return verdict.exit_code


@app.command()
def rule(
    rule_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="A rule id, as findings show it: error [ID].",
            autocompletion=lambda incomplete: _rule_ids(incomplete),
            show_default=False,
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Explain every rule of the catalogue.")] = False,
) -> int:
    """Explain a finding's rule: what it means, why, how to fix it, and how to suppress it.

    \b
    Examples:
      k8snet-convert rule would-convert
      k8snet-convert rule --all
    """
    from .rule_cli import all_ids, render

    if (rule_id is not None) == every:  # neither, or both
        raise UsageError("name one rule (k8snet-convert rule ID), or use --all")
    write_stdout(render(all_ids() if every else [rule_id or ""]))
    return EXIT_OK


def _rule_ids(incomplete: str) -> list[str]:
    from .rule_cli import complete

    return complete(incomplete)


def main(argv: list[str] | None = None) -> int:
    """The full command line (every command and option): returns a SPEC §7 exit code."""
    from typer.exceptions import TyperException

    command = typer.main.get_command(app)

    def invoke() -> int:
        try:
            result = command.main(args=argv, prog_name="k8snet-convert", standalone_mode=False)
        except TyperException as exc:  # Typer's own usage errors (it vendors Click)
            show = getattr(exc, "show", None)
            if callable(show):
                show()
            else:
                sys.stderr.write(f"Error: {exc}\n")
            return EXIT_USAGE
        except typer.Abort:
            sys.stderr.write("Aborted.\n")
            return 130
        return int(result) if isinstance(result, int) else EXIT_OK

    return guarded(invoke)


def _register_ci_commands() -> None:
    """check-adjacent commands for CI (lint, explain) live in their own module."""
    from .cli_ci import register

    register(app)


_register_ci_commands()
