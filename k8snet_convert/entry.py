"""The console script: ``check FILE...`` without Typer, everything else through the full command line.

A pre-commit hook runs ``check`` with nothing but file names, once per commit; most of those files hold
no networking content. Importing Typer and defining every command took longer than reading and
pre-filtering the files, so that form is run directly — through the same options, run and report
code as ``cli.check`` (tests/test_entry.py checks that both give the same output and exit code).
Any option, ``-`` (stdin) or other command goes to ``cli.main``.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if is_plain_check(args):
        from .commands import check_options, finish, guarded

        paths = args[1:]
        return guarded(lambda: finish("check", paths, check_options(paths), None, None))
    from .cli import main as full

    return full(args)


def is_plain_check(args: list[str]) -> bool:
    """``check`` followed only by file or folder names (no option, no ``-``, no ``--``)."""
    return len(args) > 1 and args[0] == "check" and not any(a.startswith("-") or not a for a in args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
