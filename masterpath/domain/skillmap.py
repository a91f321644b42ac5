"""The track as a map: where each skill's box goes and how prerequisite links run. Pure.

Stages are horizontal bands, top to bottom. Inside a band a skill sits one row below the
deepest of its prerequisites from the same stage, rows wrap at `PER_ROW` boxes, and a row is
ordered by where its prerequisites sit (fewer crossings). Every prerequisite is in an earlier
band or an earlier row, so every link runs downwards. Links are drawn only from direct
prerequisites that no other prerequisite already implies; the table view lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from masterpath.domain import graph

WIDTH = 960
BOX_W, BOX_H = 172, 72
GAP_X, GAP_Y = 24, 36
HEADER = 34  # room for a stage's title above its rows
BAND_GAP = 14
PER_ROW = 5


@dataclass(frozen=True)
class Node:
    id: str
    stage: int
    x: float
    y: float


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Band:
    stage: int
    y: float
    height: float


@dataclass(frozen=True)
class Layout:
    width: int
    height: float
    bands: list[Band]
    nodes: list[Node]
    edges: list[Edge]


def _depths(skills: Sequence[str], prerequisites: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Longest chain of same-stage prerequisites below each skill (skills in any order)."""
    inside = set(skills)
    found: dict[str, int] = {}

    def depth(skill: str) -> int:
        if skill not in found:
            below = [depth(p) + 1 for p in prerequisites.get(skill, ()) if p in inside]
            found[skill] = max(below, default=0)
        return found[skill]

    for skill in skills:
        depth(skill)
    return found


def _rows(
    skills: Sequence[str], prerequisites: Mapping[str, Sequence[str]], placed: dict[str, float]
) -> list[list[str]]:
    depths = _depths(skills, prerequisites)
    rows: list[list[str]] = []
    for level in range(max(depths.values(), default=-1) + 1):
        members = [s for s in skills if depths[s] == level]
        for start in range(0, len(members), PER_ROW):
            row = members[start : start + PER_ROW]
            rows.append(row)
            _place(row, prerequisites, placed)
    return rows


def _place(
    row: list[str], prerequisites: Mapping[str, Sequence[str]], placed: dict[str, float]
) -> None:
    """Order a row by the mean x of its placed prerequisites, then give each box its x."""

    def centre(skill: str) -> float:
        xs = [placed[p] for p in prerequisites.get(skill, ()) if p in placed]
        return sum(xs) / len(xs) if xs else WIDTH / 2

    row.sort(key=centre)
    span = len(row) * BOX_W + (len(row) - 1) * GAP_X
    left = (WIDTH - span) / 2
    for n, skill in enumerate(row):
        placed[skill] = left + n * (BOX_W + GAP_X)


def direct(skill: str, prerequisites: Mapping[str, Sequence[str]]) -> list[str]:
    """The prerequisites a link is drawn from: those not already implied through another one
    (a → b → c needs no a → c arrow)."""
    listed = list(prerequisites.get(skill, ()))
    implied = set().union(*(graph.ancestors(prerequisites, p) for p in listed))
    return [p for p in listed if p not in implied]


def layout(stages: Sequence[Sequence[str]], prerequisites: Mapping[str, Sequence[str]]) -> Layout:
    """Boxes and links for skills grouped by stage (each skill listed once, in plan order)."""
    placed: dict[str, float] = {}
    nodes: list[Node] = []
    bands: list[Band] = []
    top = 0.0
    for index, skills in enumerate(stages):
        rows = _rows(list(skills), prerequisites, placed)
        height = HEADER + max(len(rows), 1) * (BOX_H + GAP_Y) - GAP_Y + GAP_Y / 2
        for r, row in enumerate(rows):
            y = top + HEADER + r * (BOX_H + GAP_Y)
            nodes += [Node(skill, index, placed[skill], y) for skill in row]
        bands.append(Band(index, top, height))
        top += height + BAND_GAP
    where = {node.id: node for node in nodes}
    edges = [
        Edge(
            pre, node.id, where[pre].x + BOX_W / 2, where[pre].y + BOX_H, node.x + BOX_W / 2, node.y
        )
        for node in nodes
        for pre in direct(node.id, prerequisites)
        if pre in where
    ]
    return Layout(WIDTH, max(top - BAND_GAP, 0.0), bands, nodes, edges)
