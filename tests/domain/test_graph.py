from masterpath.domain import graph


def test_cycle_is_found_once_starting_from_smallest_id() -> None:
    found = graph.cycles({"b": ["c"], "c": ["a"], "a": ["b"], "d": []})
    assert found == [["a", "b", "c"]]


def test_self_prerequisite_is_a_cycle() -> None:
    assert graph.cycles({"a": ["a"]}) == [["a"]]


def test_dag_has_no_cycles() -> None:
    assert graph.cycles({"a": [], "b": ["a"], "c": ["a", "b"]}) == []


def test_dangling_prerequisite_is_reported_unless_known() -> None:
    g = {"a": ["x"], "b": ["a", "y"]}
    assert graph.dangling(g) == [("a", "x"), ("b", "y")]
    assert graph.dangling(g, known={"x"}) == [("b", "y")]


def test_topological_order_puts_prerequisites_first() -> None:
    order = graph.topological({"c": ["b"], "b": ["a"], "a": [], "d": ["a"]})
    assert order == ["a", "b", "c", "d"]


def test_ancestors_are_transitive() -> None:
    assert graph.ancestors({"c": ["b"], "b": ["a"], "a": []}, "c") == {"a", "b"}


def test_unanchored_finds_stage_skills_without_a_path_back() -> None:
    g = {"a": [], "b": ["a"], "c": [], "d": ["b"], "e": ["a"]}
    assert graph.unanchored(g, [["a"], ["b", "c"], ["d", "e"]]) == [(1, "c"), (2, "e")]
