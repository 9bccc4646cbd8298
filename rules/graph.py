"""Cycles in the activity dependency graph, found in linear time without recursion.

Tarjan's strongly connected components, driven by an explicit stack: a canvas of 100k
activities with a long dependency chain must not hit Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence


def strongly_connected(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Every strongly connected component of the graph; edges to unknown nodes must be removed first."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> Iterator[str]:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        return iter(edges.get(node, ()))

    for root in nodes:
        if root in order:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, visit(root))]
        while work:
            node, successors = work[-1]
            descended = False
            for nxt in successors:
                if nxt not in order:
                    work.append((nxt, visit(nxt)))
                    descended = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def cycles(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The components that hold a cycle (two or more nodes, or one that depends on itself).

    Members come in the order of `nodes` and components in the order of their first member, so the
    result does not depend on how the search happened to walk the graph.
    """
    position = {node: i for i, node in enumerate(nodes)}
    found: list[list[str]] = []
    for component in strongly_connected(nodes, edges):
        if len(component) > 1 or component[0] in edges.get(component[0], ()):
            found.append(sorted(component, key=position.__getitem__))
    found.sort(key=lambda c: position[c[0]])
    return found
