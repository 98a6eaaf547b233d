"""The import layers of ARCHITECTURE.md, checked on the code: dialects meet only in the model, the engine
never imports an integration, and no module imports itself back through others (lazy imports included:
a cycle that only runs at call time is still a cycle in the design)."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "k8snet_convert"
DIALECTS = ("multus", "native", "dra")
# Layers the engine and the dialects must not reach: the integrations and everything above them.
INTEGRATIONS = (
    "k8snet_convert.manifests.helm",
    "k8snet_convert.integrations",
)
ABOVE_ENGINE = (
    "k8snet_convert.pipeline",
    "k8snet_convert.run",
    "k8snet_convert.cli",
    "k8snet_convert.commands",
)


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every module of the package that ``path`` imports, wherever the import statement is."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("k8snet_convert"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("k8snet_convert"):
                continue
            # ``from . import engine`` names a module; ``from .model import Workload`` a symbol of one
            submodules = {f"{target}.{a.name}" for a in node.names} & modules
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    names = set(modules)
    return {
        name: {m for m in _imports(path, names) if m in modules and m != name}
        for name, path in modules.items()
    }


def test_no_dialect_imports_another() -> None:
    crossings = []
    for name, targets in _graph().items():
        own = next((d for d in DIALECTS if name.startswith(f"k8snet_convert.dialects.{d}")), None)
        if own is None:
            continue
        for target in targets:
            other = next((d for d in DIALECTS if target.startswith(f"k8snet_convert.dialects.{d}")), None)
            if other is not None and other != own:
                crossings.append(f"{name} -> {target}")
    assert crossings == []


def test_the_engine_and_the_dialects_import_no_integration_nor_what_is_above_them() -> None:
    graph = _graph()
    below = [n for n in graph if n.startswith(("k8snet_convert.dialects", "k8snet_convert.model"))]
    below += ["k8snet_convert.engine", "k8snet_convert.scan", "k8snet_convert.context"]
    reached: list[str] = []
    for name in below:
        for target in _reachable(graph, name):
            if target.startswith(INTEGRATIONS + ABOVE_ENGINE):
                reached.append(f"{name} -> ... -> {target}")
    assert reached == []


def test_the_model_holds_no_yaml() -> None:
    for path in (PACKAGE / "model").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {n for n in names if n == "yaml" or n.startswith("yaml.")}, path


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in graph[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_no_import_cycles() -> None:
    graph = _graph()
    # A package's __init__ importing its own modules is how a package presents itself, not a cycle.
    edges = {
        name: {t for t in targets if not (name.startswith(t + ".") and _is_package(t))}
        for name, targets in graph.items()
    }
    cycles = [c for c in _strongly_connected(edges) if len(c) > 1]
    assert cycles == []


def _is_package(module: str) -> bool:
    return (ROOT / module.replace(".", "/") / "__init__.py").exists()


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        item = stack.pop()
                        on_stack.discard(item)
                        component.append(item)
                        if item == node:
                            break
                    found.append(sorted(component))
    return found
