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
from .commands import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    build_options,
    check_options,
    finish,
    guarded,
    parse_size,
    run_convert,
)
from .options import (
    AnnotationStyle,
    AttachmentParams,
    DraApiVersion,
    Profile,
    Target,
)

__all__ = ["app", "build_options", "main", "parse_size"]

app = typer.Typer(
    name="k8snet-convert",
    help="Migrate Kubernetes manifests between Multus and native multi-networking (KEP-3698), losslessly.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathsArg = Annotated[list[str], typer.Argument(help="Files or folders (.yaml, .yml, .json); - for stdin.")]


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
    """k8snet-convert: Multus <-> native multi-networking."""


@app.command()
def convert(
    paths: PathsArg,
    to: Annotated[Target | None, typer.Option(help="Target dialect.")] = None,
    write: Annotated[bool, typer.Option("--write", help="Rewrite files in place (atomically).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff; write nothing.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if anything would change.")] = False,
    output_dir: Annotated[Path | None, typer.Option(help="Write results to DIR, mirroring the tree.")] = None,
    profile: Annotated[Profile | None, typer.Option(help="KEP-3698 revision to emit.")] = None,
    api_version: Annotated[str | None, typer.Option(help="apiVersion of PodNetwork objects.")] = None,
    provider: Annotated[str | None, typer.Option(help="PodNetwork spec.provider.")] = None,
    name_template: Annotated[str | None, typer.Option(help="PodNetwork name: {name}, {namespace}.")] = None,
    attachment_params: Annotated[
        AttachmentParams | None, typer.Option(help="Where per-attachment parameters go.")
    ] = None,
    annotation_style: Annotated[
        AnnotationStyle | None, typer.Option(help="Annotation form when writing Multus.")
    ] = None,
    implicit_interfaces: Annotated[
        bool | None, typer.Option("--implicit-interfaces", help="Leave unnamed interfaces unnamed.")
    ] = None,
    strict: Annotated[bool | None, typer.Option("--strict", help="Every loss or move is an error.")] = None,
    multus_namespace: Annotated[
        str | None, typer.Option(help="Namespace of default-network references without one.")
    ] = None,
    inject_resources: Annotated[
        bool | None, typer.Option("--inject-resources", help="Write device requests into containers.")
    ] = None,
    verify_roundtrip: Annotated[
        bool | None, typer.Option("--verify-roundtrip", help="Check that every document converts back.")
    ] = None,
    namespace: Annotated[str | None, typer.Option(help="Namespace of objects that name none.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Glob of paths to skip (repeatable).")] = None,
    jobs: Annotated[int | None, typer.Option(help="Worker processes (default: cores).")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a report file (always, also when clean).")
    ] = None,
    report_format: Annotated[str | None, typer.Option(help="Report format (default: by extension).")] = None,
    quiet: Annotated[bool | None, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = None,
    max_file_size: Annotated[
        str | None, typer.Option(help="Skip (and report) files larger than this: bytes, or with K/M/G.")
    ] = None,
    device_class: Annotated[str | None, typer.Option(help="--to dra: the DeviceClass of the claims.")] = None,
    emit_device_class: Annotated[
        bool | None, typer.Option("--emit-device-class", help="--to dra: also write the DeviceClass.")
    ] = None,
    dra_api_version: Annotated[
        DraApiVersion | None, typer.Option(help="--to dra: resource.k8s.io version.")
    ] = None,
    drop_nads: Annotated[
        bool | None, typer.Option("--drop-nads", help="--to dra: remove NADs once embedded.")
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
) -> int:
    """Convert manifests (default: Multus -> native) and print them, or write/diff/check them."""
    return run_convert(
        paths,
        write=write,
        diff=diff,
        check=check,
        output_dir=output_dir,
        report=report,
        report_format=report_format,
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
            "jobs": jobs,
            "quiet": quiet,
            "max_file_size": parse_size(max_file_size) if max_file_size is not None else None,
            "device_class": device_class,
            "emit_device_class": emit_device_class,
            "dra_api_version": dra_api_version,
            "drop_nads": drop_nads,
            "values_files": tuple(values_files or ()),
            "verify_helm": verify_helm,
        },
    )


@app.command()
def check(
    paths: PathsArg,
    exclude: Annotated[list[str] | None, typer.Option(help="Glob of paths to skip (repeatable).")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a report file (always, also when clean).")
    ] = None,
    report_format: Annotated[str | None, typer.Option(help="Report format (default: by extension).")] = None,
    quiet: Annotated[bool | None, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = None,
) -> int:
    """Exit 1 when any file would change (= convert --check --to native); the pre-commit entry point."""
    options = check_options(paths, quiet, tuple(exclude or ()))
    return finish("check", paths, options, report, report_format)


@app.command("parse-annotation")
def parse_annotation(
    value: Annotated[str, typer.Argument(help="The annotation value, as written in the manifest.")],
    namespace: Annotated[str, typer.Option(help="The pod's namespace.")] = "default",
    default_network: Annotated[
        bool, typer.Option("--default-network", help="Parse as v1.multus-cni.io/default-network.")
    ] = False,
    multus_namespace: Annotated[
        str, typer.Option(help="Namespace for --default-network references without one.")
    ] = "kube-system",
) -> int:
    """Print, as JSON, the selection elements Multus makes of VALUE."""
    from .dialects.multus.annotation import parse_default_network, parse_networks

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
    sys.stdout.write(json.dumps(elements, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


@app.command()
def validate(paths: PathsArg) -> int:
    """Check PodNetwork, PodNetworkAttachment, NAD and pod networks entries against schemas/."""
    from .validate import validate_paths

    problems, checked = validate_paths(paths)
    for line in problems:
        sys.stderr.write(line + "\n")
    sys.stderr.write(f"{checked} object(s) checked, {len(problems)} problem(s)\n")
    return EXIT_INVALID if problems else EXIT_OK


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
