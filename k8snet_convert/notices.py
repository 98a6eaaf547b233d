"""The run's own findings about how it was asked: options that do nothing for the chosen target, and
inputs that hold no manifest. Both used to pass in silence (exit 0, "0 file(s) scanned"); they are
warnings, so they change the exit code only under ``--strict``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path

from .findings import Finding, Severity
from .options import Devices, Options, Target

# Options that act for some targets only (by Options field name). Every other option acts for all.
APPLIES_TO: dict[str, tuple[Target, ...]] = {
    "drop_nads": (Target.DRA,),
    "device_class": (Target.DRA,),
    "emit_device_class": (Target.DRA,),
    "dra_api_version": (Target.DRA,),
    "annotation_style": (Target.MULTUS,),
    # the native objects' shape: written by --to native, read back by --to multus
    "profile": (Target.NATIVE, Target.MULTUS),
    "api_version": (Target.NATIVE, Target.MULTUS),
    "provider": (Target.NATIVE, Target.MULTUS),
    "name_template": (Target.NATIVE, Target.MULTUS),
    "attachment_params": (Target.NATIVE, Target.MULTUS),
    "implicit_interfaces": (Target.NATIVE, Target.MULTUS),
    "inject_resources": (Target.NATIVE,),
}

_DEFAULTS = {f.name: f.default for f in fields(Options)}


def ignored_options(options: Options, given: Mapping[str, Path | None]) -> list[Finding]:
    """A ``flag-ignored`` warning for each option the user gave (``given``: field name -> the
    configuration file it came from, None for the command line) that does nothing with ``--to``.

    An option set to its default (``drop-nads: false`` in a shared configuration) asks for nothing
    and is not reported.
    """
    found = []
    for name, source in given.items():
        targets = APPLIES_TO.get(name)
        if targets is None or options.to in targets or getattr(options, name) == _DEFAULTS[name]:
            continue
        if name == "device_class" and options.devices is Devices.DRA:  # the class of the device claims
            continue
        flag = "--" + name.replace("_", "-")
        said = f"{name.replace('_', '-')} (set in {source})" if source is not None else flag
        where = " or ".join(f"--to {t.value}" for t in targets)
        found.append(
            Finding(
                rule="flag-ignored",
                severity=Severity.WARNING,
                message=f"{said} does nothing with --to {options.to.value}: it applies to {where}",
                file=source.as_posix() if source is not None else "",
                hint=f"remove {flag}, or convert with {where}"
                if source is None
                else f"keep it for runs with {where}; this run ignores it",
            )
        )
    return found


def no_manifests(inputs: list[str], files_seen: int) -> list[Finding]:
    """A ``no-manifests`` warning per folder input when a run found no file to read at all.

    Files named on the command line that ``exclude`` leaves out are not reported: pre-commit names
    every changed file, and a configuration that excludes some means it."""
    if files_seen:
        return []
    import os

    return [
        Finding(
            rule="no-manifests",
            severity=Severity.WARNING,
            message="no manifest found here: nothing was checked",
            file=item,
            hint="name a folder or file with .yaml, .yml or .json manifests (hidden folders, --exclude "
            "and the files git ignores are left out; --no-gitignore includes the latter)",
        )
        for item in inputs
        if item != "-" and os.path.isdir(item)
    ]
