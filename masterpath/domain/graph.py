"""The skill graph: prerequisites form a DAG across the whole install."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

Graph = Mapping[str, Sequence[str]]


def dangling(graph: Graph, *, known: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(skill, prerequisite) pairs whose prerequisite is neither in the graph nor known."""
    exists = set(graph) | set(known)
    return [(skill, pre) for skill, pres in graph.items() for pre in pres if pre not in exists]


def cycles(graph: Graph) -> list[list[str]]:
    """Each cycle once, as the list of skills on it, starting from its smallest id."""
    found: dict[tuple[str, ...], list[str]] = {}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                loop = path[path.index(nxt) :]
                start = loop.index(min(loop))
                rotated = loop[start:] + loop[:start]
                found.setdefault(tuple(rotated), rotated)
            elif nxt in graph and nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return list(found.values())


def ancestors(graph: Graph, skill: str) -> set[str]:
    """Every skill reachable through prerequisites, not including the skill itself."""
    seen: set[str] = set()
    stack = list(graph.get(skill, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return seen


def topological(graph: Graph) -> list[str]:
    """Skills ordered so each comes after its prerequisites; ties broken by id."""
    order: list[str] = []
    done: set[str] = set()

    def place(node: str) -> None:
        if node in done:
            return
        done.add(node)
        for pre in sorted(graph.get(node, ())):
            if pre in graph:
                place(pre)
        order.append(node)

    for node in sorted(graph):
        place(node)
    return order


def unanchored(graph: Graph, stages: Sequence[Sequence[str]]) -> list[tuple[int, str]]:
    """(stage index, skill) for skills with no prerequisite path back to the previous stage."""
    missing = []
    for index in range(1, len(stages)):
        earlier = set(stages[index - 1])
        if not earlier:
            continue
        for skill in stages[index]:
            if not ancestors(graph, skill) & earlier:
                missing.append((index, skill))
    return missing
