"""The files git ignores, left out of folder walks (SPEC §7; ``--no-gitignore`` includes them).

A rendered folder (``helm template > rendered/``), build output or vendored charts that the repository
ignores are not its manifests: like ruff and ripgrep, a walk skips what git ignores. Inside a git
repository (a folder with ``.git`` at or above the walked folder), the ``.gitignore`` of every folder
from the repository root down and ``.git/info/exclude`` apply, with git's precedence (a deeper file
overrides a shallower one; ``!`` re-includes; an ignored folder is not entered at all). The patterns
are matched by ``pathspec``'s GitIgnoreSpec, imported only when an ignore file exists. Files named on
the command line are always read, as ruff does. (The user's global excludes file is not read: what a
repository ignores should not depend on who runs the check.)

Cost: one ``stat`` per folder walked, and outside a repository a few at start; with a ``.gitignore``
about 3 µs per file and 15 ms to import pathspec (README, Performance).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


def for_folder(top: str) -> GitIgnored | None:
    """The ignore rules for a walk of ``top``; None outside a git repository."""
    folder = os.path.abspath(top)
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return GitIgnored(current, folder)
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class GitIgnored:
    """``ignored(display)``: whether git ignores a path met while walking (a folder ends with ``/``)."""

    def __init__(self, root: str, top: str) -> None:
        self.root = root
        # folder (absolute) -> the ignore files that apply in it: (folder they are in, their patterns),
        # deepest first
        self._specs: dict[str, list[tuple[str, GitIgnoreSpec]]] = {}
        # the root's .gitignore takes precedence over .git/info/exclude, as in git
        exclude = self._read(root, os.path.join(root, ".git", "info", "exclude"))
        self._specs[root] = self._read(root, os.path.join(root, ".gitignore")) + exclude
        # the folders between the repository root and the walked folder
        relative = os.path.relpath(top, root)
        if relative != ".":
            current = root
            for part in relative.split(os.sep):
                current = os.path.join(current, part)
                self._folder(current)

    def __call__(self, display: str) -> bool:
        is_dir = display.endswith("/")
        path = os.path.abspath(display)
        folder = os.path.dirname(path)
        for base, spec in self._folder(folder):
            relative = path[len(base) + 1 :] if base != "/" else path[1:]
            include = spec.check_file(relative + "/" if is_dir else relative).include
            if include is not None:
                return include
        return False

    def _folder(self, folder: str) -> list[tuple[str, GitIgnoreSpec]]:
        specs = self._specs.get(folder)
        if specs is None:
            parent = os.path.dirname(folder)
            inherited = self._folder(parent) if parent != folder and len(folder) > len(self.root) else []
            specs = self._read(folder, os.path.join(folder, ".gitignore")) + inherited
            self._specs[folder] = specs
        return specs

    @staticmethod
    def _read(folder: str, path: str) -> list[tuple[str, GitIgnoreSpec]]:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:  # none here (the usual case), or unreadable: nothing ignored by it
            return []
        from pathspec import GitIgnoreSpec

        spec = GitIgnoreSpec.from_lines(lines)
        return [(folder, spec)] if len(spec) else []
