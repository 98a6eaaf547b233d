"""The console script: the common command lines without Typer, everything else through cli.main.

A pre-commit hook runs ``check`` with nothing but file names, once per commit, and CI runs
``convert . --check``; importing Typer and defining every command cost more than checking a clean file
in all (and a tenth of a 10,000-file check). Those forms — ``check`` with paths only, ``convert`` with
paths and on/off flags only — are run directly, through the same code as cli.check and cli.convert
(commands.py). tests/test_entry.py checks that both give the same output, files and exit code. Any
other option, ``-`` (stdin), ``--`` or command goes to cli.main.
"""

from __future__ import annotations

import os
import sys

# convert's on/off flags, and the keyword each sets (cli.convert's parameter names).
CONVERT_SWITCHES = {
    "--check": "check",
    "--write": "write",
    "--diff": "diff",
    "--quiet": "quiet",
    "-q": "quiet",
    "--strict": "strict",
    "--implicit-interfaces": "implicit_interfaces",
    "--inject-resources": "inject_resources",
    "--verify-roundtrip": "verify_roundtrip",
    "--emit-device-class": "emit_device_class",
    "--drop-nads": "drop_nads",
    "--verify-helm": "verify_helm",
}
_MODES = ("check", "write", "diff")
# Set by the completion scripts of ``--install-completion`` (Click's _{PROG}_COMPLETE convention).
COMPLETION_VARIABLE = "_K8SNET_CONVERT_COMPLETE"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if COMPLETION_VARIABLE in os.environ:  # a shell asks for completions: Typer answers
        from .cli import main as full

        return full(args)
    if is_plain_check(args):
        from .commands import guarded, run_check

        paths = args[1:]
        return guarded(lambda: run_check(paths))
    switches = plain_convert(args)
    if switches is not None:
        from .commands import guarded, run_convert

        paths = [a for a in args[1:] if not a.startswith("-")]
        check, write, diff = (switches.pop(mode, False) for mode in _MODES)
        flags = {"exclude": (), **switches}
        return guarded(lambda: run_convert(paths, check=check, write=write, diff=diff, flags=flags))
    from .cli import main as full

    return full(args)


def is_plain_check(args: list[str]) -> bool:
    """``check`` followed only by file or folder names (no option, no ``-``, no ``--``)."""
    return len(args) > 1 and args[0] == "check" and not any(a.startswith("-") or not a for a in args[1:])


def plain_convert(args: list[str]) -> dict[str, bool] | None:
    """``convert`` with file or folder names and on/off flags only: the flags set, else None."""
    if len(args) < 2 or args[0] != "convert" or any(not a for a in args[1:]):
        return None
    options = [a for a in args[1:] if a.startswith("-")]
    if len(options) == len(args) - 1 or any(a not in CONVERT_SWITCHES for a in options):
        return None  # no path, or an option that takes a value, or -, --, --help, ...
    return {CONVERT_SWITCHES[a]: True for a in options}


if __name__ == "__main__":
    raise SystemExit(main())
