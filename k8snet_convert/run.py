"""One run over many files: discovery, conversion, output modes, exit code (SPEC §6, §7)."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import files, pipeline
from .errors import UsageError
from .model import Finding, Severity
from .options import Options, OutputMode, Target

EXIT_OK = 0
EXIT_WORK = 1
EXIT_INVALID = 2
EXIT_USAGE = 3
EXIT_INTERNAL = 4


@dataclass
class RunResult:
    results: list[pipeline.FileResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files_seen: int = 0

    @property
    def changed(self) -> list[pipeline.FileResult]:
        return [r for r in self.results if r.changed]

    def exit_code(self, options: Options) -> int:
        code = EXIT_OK
        if options.mode is OutputMode.CHECK and self.changed:
            code = EXIT_WORK
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        if options.strict:
            errors += [f for f in self.findings if f.severity is Severity.WARNING]
        if errors:
            code = max(code, EXIT_INVALID)
        return code


def _read(inputs: list[str], options: Options) -> Iterator[tuple[str, Path | None, bytes]]:
    for display, path in files.discover(inputs, options.exclude):
        if path is None:
            yield display, None, sys.stdin.buffer.read()
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{display}: cannot read: {exc.strerror}") from None
        yield display, path, data


def run(inputs: list[str], options: Options, stdout: TextIO | None = None) -> RunResult:
    """Convert every input; write results as the output mode says; gather findings."""
    out = stdout if stdout is not None else sys.stdout
    outcome = RunResult()
    sources = list(_read(inputs, options))
    cross = options.inject_resources or options.to is Target.DRA
    run_nads = pipeline.collect_nads(sources, options) if cross else None
    many = len(sources) > 1
    for display, path, data in sources:
        outcome.files_seen += 1
        result = pipeline.convert_file(display, path, data, options, run_nads)
        outcome.results.append(result)
        outcome.findings.extend(result.findings)
        _deliver(result, options, out, many, inputs)
    outcome.findings.extend(pipeline.cross_file_findings(outcome.results))
    outcome.findings.sort(key=Finding.sort_key)
    return outcome


def _deliver(
    result: pipeline.FileResult, options: Options, out: TextIO, many: bool, inputs: list[str]
) -> None:
    mode = options.mode
    if mode is OutputMode.STDOUT:
        data = result.new if result.changed and result.new is not None else result.original
        text = _text(data)
        if many:
            out.write(f"---\n# Source: {result.display}\n")
        out.write(text)
        if many and text and not text.endswith("\n"):
            out.write("\n")
    elif mode is OutputMode.WRITE:
        if result.changed and result.path is not None and result.new is not None:
            files.write_atomic(result.path, result.new)
        elif result.changed and result.path is None and result.new is not None:
            out.write(_text(result.new))
    elif mode is OutputMode.DIFF:
        if result.changed and result.new is not None:
            out.write(unified_diff(result.display, _text(result.original), _text(result.new)))
    elif mode is OutputMode.OUTPUT_DIR:
        assert options.output_dir is not None
        if result.path is None:
            return
        target = options.output_dir / _relative(result.path, inputs)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = result.new if result.changed and result.new is not None else result.original
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)


def _text(data: bytes) -> str:
    from .errors import ConvertError
    from .manifests.source import decode

    try:
        return decode(data).text
    except ConvertError:
        return data.decode("utf-8", errors="replace")


def _relative(path: Path, inputs: list[str]) -> Path:
    for item in inputs:
        root = Path(item)
        if root.is_dir():
            try:
                return path.relative_to(root)
            except ValueError:
                continue
    return Path(path.name)


def unified_diff(display: str, old: str, new: str) -> str:
    name = display.lstrip("./")
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    chunks = []
    for line in lines:
        chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)
