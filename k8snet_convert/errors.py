"""The tool's own exceptions. Anything else escaping the pipeline is a bug (exit 4)."""

from __future__ import annotations


class ConvertError(Exception):
    """Bad input or an impossible conversion; reported with a location, exit 2."""

    def __init__(
        self, message: str, *, rule: str = "invalid-input", hint: str = "", line: int = 0, column: int = 0
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.hint = hint
        self.line = line  # 1-based location in the file, when known
        self.column = column


class AnnotationError(ConvertError):
    """A Multus annotation value that Multus would reject (or accept but can never work)."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message, rule="invalid-annotation", hint=hint)


class UsageError(Exception):
    """Wrong command-line use (exit 3)."""


class OutputClosed(Exception):
    """The reader of stdout went away (``| head``): the run stops delivering and ends quietly.

    Not an OSError on purpose: Typer turns a BrokenPipeError into exit 1 before the command line's
    handler (commands.guarded) could give the documented status."""
