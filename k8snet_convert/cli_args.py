"""Arguments and options that several commands share (cli.py, cli_ci.py): one wording, one default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .options import DEFAULT_MULTUS_NAMESPACE

PathsArg = Annotated[
    list[str],
    typer.Argument(metavar="PATH...", help="Files or folders (.yaml, .yml, .json); - for stdin."),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option(metavar="GLOB", help="Skip paths that match (repeatable), over the configuration's list."),
]
NoGitignore = Annotated[
    bool, typer.Option("--no-gitignore", help="Also walk the files that git ignores (.gitignore).")
]
Report = Annotated[
    Path | None,
    typer.Option(metavar="FILE", help="Also write the findings to FILE (always, also when clean)."),
]
ReportFormatOption = Annotated[
    str | None,
    typer.Option(
        metavar="FORMAT",
        help="text, json, sarif, markdown, junit or github.",
        show_default="by the report's extension",
    ),
]
Quiet = Annotated[bool | None, typer.Option("--quiet", "-q", help="Only errors on stderr.")]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Say which configuration file the run uses (on stderr).")
]
Namespace = Annotated[str | None, typer.Option(metavar="NS", help="Namespace of objects that name none.")]
MultusNamespace = Annotated[
    str | None,
    typer.Option(
        metavar="NS",
        help="Namespace of default-network references without one.",
        show_default=DEFAULT_MULTUS_NAMESPACE,
    ),
]
