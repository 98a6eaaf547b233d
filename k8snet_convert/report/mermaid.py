"""Explain trees as a Mermaid flowchart, for pull requests and the markdown report.

Nodes with a shared identity (a NAD, a PodNetwork, their CNI and IPAM; a DRA claim template's request
with the config under it) are drawn once, so the diagram shows which workloads share a network.
"""

from __future__ import annotations

from ..escape import visible
from ..explain import TreeNode

# Mermaid shapes by node kind: workloads as boxes, interfaces as stadiums, networks as subroutines.
_SHAPES = {
    "workload": ('["', '"]'),
    "interface": ('(["', '"])'),
    "podnetwork": ('[["', '"]]'),
    "attachment": ('[["', '"]]'),
    "nad": ('[["', '"]]'),
    "network": ('[["', '"]]'),
    "claim": ('[("', '")]'),  # a cylinder: the claim holds the config
    "cni": ('[/"', '"/]'),
    "ipam": ('[/"', '"/]'),
    "params": ('>"', '"]'),
    "status": ('("', '")'),
}


def label(text: str) -> str:
    """Text safe inside a quoted Mermaid label (control characters made visible, entity codes for quotes
    and angle brackets; line breaks of the drawing itself are given as <br/>)."""
    return (
        visible(text).replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def render(trees: list[TreeNode], direction: str = "LR") -> str:
    lines = [f"flowchart {direction}"]
    ids: dict[tuple[str, ...], str] = {}
    edges: set[tuple[str, str]] = set()
    counter = 0

    def node_id(node: TreeNode) -> tuple[str, bool]:
        """(id, new): keyed nodes reuse the id of their first drawing."""
        nonlocal counter
        if node.key is not None and node.key in ids:
            return ids[node.key], False
        counter += 1
        new_id = f"n{counter}"
        if node.key is not None:
            ids[node.key] = new_id
        return new_id, True

    def draw(node: TreeNode, parent: str | None) -> None:
        ident, new = node_id(node)
        if new:
            opening, closing = _SHAPES.get(node.kind, ('["', '"]'))
            text = "<br/>".join(label(part) for part in (node.label, *node.marks))
            lines.append(f"  {ident}{opening}{text}{closing}")
        if parent is not None and (parent, ident) not in edges:
            edges.add((parent, ident))
            lines.append(f"  {parent} --> {ident}")
        if new:
            for child in node.children:
                draw(child, ident)

    for tree in trees:
        draw(tree, None)
    return "\n".join(lines) + "\n"
