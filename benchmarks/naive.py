"""The naive baseline: ruamel.yaml round-trip (load + dump) of every manifest file under a folder.

This is what a converter costs if it parses and re-emits every file instead of first finding the few
that matter. Run as a script (``python benchmarks/naive.py DIR``) in its own process, so that its
time includes interpreter start-up like the tool's and its memory does not inflate the harness.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

EXTENSIONS = (".yaml", ".yml", ".json")


def manifest_files(root: Path) -> list[Path]:
    """Every manifest file under ``root``, in a stable order (hidden folders skipped, like the tool)."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder, n) for n in sorted(names) if n.lower().endswith(EXTENSIONS))
    return found


def round_trip(paths: list[Path]) -> int:
    """Load and dump every file with YAML(typ='rt'); return the number of documents handled."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    documents = 0
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            docs = list(yaml.load_all(handle))
        sink = io.StringIO()  # dumping to memory: the emitter cost without disk writes
        yaml.dump_all(docs, sink)
        documents += len(docs)
    return documents


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: naive.py DIR\n")
        return 2
    paths = manifest_files(Path(argv[0]))
    documents = round_trip(paths)
    print(f"{len(paths)} files, {documents} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
