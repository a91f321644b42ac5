"""The track map's layout: stages as bands, prerequisites above, links running down."""

from __future__ import annotations

from masterpath.domain import skillmap
from masterpath.domain.skillmap import BOX_H, BOX_W, PER_ROW, WIDTH

PREREQS = {"b": ["a"], "c": ["a"], "d": ["b", "c", "a"], "e": []}


def test_stages_are_bands_from_top_to_bottom() -> None:
    found = skillmap.layout([["a", "e"], ["b", "c"], ["d"]], PREREQS)
    assert [b.stage for b in found.bands] == [0, 1, 2]
    tops = [b.y for b in found.bands]
    assert tops == sorted(tops) and found.height == found.bands[-1].y + found.bands[-1].height
    where = {n.id: n for n in found.nodes}
    assert where["a"].y == where["e"].y < where["b"].y == where["c"].y < where["d"].y


def test_a_prerequisite_in_the_same_stage_sits_a_row_above() -> None:
    found = skillmap.layout([["a", "b", "d", "c"]], PREREQS)
    rows = {n.id: n.y for n in found.nodes}
    assert rows["a"] < rows["b"] == rows["c"] < rows["d"]


def test_every_link_runs_down_from_the_prerequisite() -> None:
    found = skillmap.layout([["a", "e"], ["b", "c"], ["d"]], PREREQS)
    assert {(e.source, e.target) for e in found.edges} == {
        ("a", "b"),
        ("a", "c"),
        ("b", "d"),
        ("c", "d"),
    }
    where = {n.id: n for n in found.nodes}
    for edge in found.edges:
        assert edge.y1 == where[edge.source].y + BOX_H and edge.y2 == where[edge.target].y
        assert edge.y1 < edge.y2


def test_rows_wrap_and_stay_inside_the_width() -> None:
    many = [f"s{n}" for n in range(PER_ROW + 2)]
    found = skillmap.layout([many], {})
    assert len({n.y for n in found.nodes}) == 2
    assert all(n.x >= 0 and n.x + BOX_W <= WIDTH for n in found.nodes)
    first_row = [n for n in found.nodes if n.y == found.nodes[0].y]
    assert len(first_row) == PER_ROW


def test_a_row_follows_its_prerequisites_left_to_right() -> None:
    prereqs = {"x": ["right"], "y": ["left"]}
    found = skillmap.layout([["left", "right"], ["x", "y"]], prereqs)
    where = {n.id: n.x for n in found.nodes}
    assert where["left"] < where["right"] and where["y"] < where["x"]


def test_links_to_skills_off_the_map_are_left_out() -> None:
    found = skillmap.layout([["b"]], PREREQS)
    assert found.edges == [] and [n.id for n in found.nodes] == ["b"]


def test_links_implied_through_another_prerequisite_are_not_drawn() -> None:
    assert skillmap.direct("d", PREREQS) == ["b", "c"]  # a is implied through b and c
    assert skillmap.direct("b", PREREQS) == ["a"]
