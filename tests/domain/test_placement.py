from __future__ import annotations

from typing import Any

import pytest

from masterpath.domain import placement
from masterpath.domain.content import Item, ItemId
from masterpath.domain.placement import Answer, choose_item, guess_chance, next_skill, result

# python ─┬─ docker ── kubernetes
#         └─ ml
PRE = {"python": [], "docker": ["python"], "kubernetes": ["docker"], "ml": ["python"]}
SCOPE = set(PRE)
# Prior weights of the six knowledge states (each skill whose prerequisites are known is known
# with chance 1/2): {} 1/2, {p} 1/8, {p,d} 1/16, {p,d,k} 1/16, {p,m} 1/8, {p,d,m} 1/16,
# {p,d,k,m} 1/16. So P(kubernetes) = 1/8 before any answer.


def right(skill: str, item: str = "n1") -> Answer:
    return Answer(skill, item, True, 0.02)


def wrong(skill: str, item: str = "n1") -> Answer:
    return Answer(skill, item, False, 0.02)


def _item(data: dict[str, Any]) -> Item:
    return Item.from_data(data, skill="s")


def option(n: int) -> dict[str, Any]:
    return {"id": f"o{n}", "text": str(n)}


def test_guess_chance_by_item_type() -> None:
    four = [option(n) for n in range(4)]
    assert guess_chance(_item({"type": "single_choice", "options": four})) == pytest.approx(0.25)
    assert guess_chance(_item({"type": "true_false"})) == pytest.approx(0.5)
    assert guess_chance(_item({"type": "multiple_choice", "options": four})) == pytest.approx(0.1)
    assert guess_chance(_item({"type": "multiple_choice", "options": four[:2]})) == pytest.approx(
        1 / 3
    )
    assert guess_chance(_item({"type": "ordering", "options": four})) == pytest.approx(1 / 24)
    assert guess_chance(_item({"type": "numeric"})) == pytest.approx(0.02)
    assert guess_chance(_item({"type": "short_text"})) == pytest.approx(0.05)


def test_items_hardest_to_guess_come_first_and_none_repeats() -> None:
    four = [option(n) for n in range(4)]
    rows: list[dict[str, Any]] = [
        {"id": "tf", "type": "true_false"},
        {"id": "single", "type": "single_choice", "options": four},
        {"id": "multi", "type": "multiple_choice", "options": four},
        {"id": "order", "type": "ordering", "options": four},
        {"id": "text", "type": "short_text"},
        {"id": "num", "type": "numeric"},
        {"id": "held", "type": "numeric", "assessment_only": True},
    ]
    items = [_item(data) for data in rows]
    picked: list[ItemId] = []
    while (item := choose_item(items, set(picked))) is not None and len(picked) < len(items):
        picked.append(item.id)
    # never a repeat; the assessment-only item is held back for mastery checks
    assert [p.local for p in picked] == ["num", "order", "text", "multi", "single", "tf"]


def test_right_answers_on_an_advanced_skill_place_its_prerequisites() -> None:
    answers = [right("kubernetes", "n1"), right("kubernetes", "n2")]
    found = result(PRE, SCOPE, answers)
    by_skill = {p.skill: p for p in found.skills}
    assert found.placed == ("python", "docker", "kubernetes")
    assert found.study == ("ml",)
    # likelihood ratio of two right numeric answers: (0.9 / 0.02)^2 = 2025
    assert by_skill["kubernetes"].confidence == pytest.approx(253.125 / 254)
    assert by_skill["python"].confidence == pytest.approx(253.5 / 254)
    assert by_skill["ml"].confidence == pytest.approx(126.75 / 254)
    assert by_skill["python"].evidence == tuple(answers)
    assert by_skill["ml"].evidence == ()


def test_one_lucky_answer_does_not_place() -> None:
    found = result(PRE, SCOPE, [right("kubernetes")])
    assert found.placed == ()
    assert {p.skill: p for p in found.skills}["kubernetes"].confidence == pytest.approx(5.625 / 6.5)


def test_a_wrong_answer_on_a_basic_skill_rules_out_what_depends_on_it() -> None:
    answers = [wrong("python", "n1"), wrong("python", "n2")]
    found = result(PRE, SCOPE, answers)
    by_skill = {p.skill: p for p in found.skills}
    assert found.placed == ()
    assert found.study == ("python", "docker", "kubernetes", "ml")
    odds = (0.1 / 0.98) ** 2  # each wrong answer divides the odds of knowing python
    assert by_skill["python"].confidence == pytest.approx(0.5 * odds / (0.5 * odds + 0.5))
    assert by_skill["kubernetes"].confidence < by_skill["docker"].confidence < 0.01
    assert by_skill["kubernetes"].evidence == tuple(answers)
    assert next_skill(PRE, SCOPE, set(), answers) is None  # every skill is decided


def test_the_first_question_halves_the_states() -> None:
    assert next_skill(PRE, SCOPE, set(), []) == "python"  # P(known) = 1/2


def test_hypotheses_are_asked_first_and_never_credited_alone() -> None:
    hypotheses = {"kubernetes", "ml"}
    assert next_skill(PRE, SCOPE, hypotheses, []) == "ml"  # P(known) 1/4 tells more than 1/8
    assert next_skill(PRE, SCOPE, hypotheses, [right("ml")]) == "kubernetes"
    assert result(PRE, SCOPE, []).placed == ()


def test_the_budget_is_respected() -> None:
    answers = [right("kubernetes", "n1"), wrong("ml", "n1")]
    assert next_skill(PRE, SCOPE, set(), answers, budget=2) is None
    assert next_skill(PRE, SCOPE, set(), answers, budget=3) is not None
    assert next_skill(PRE, SCOPE, set(), answers, budget=3, skip=SCOPE) is None


def test_a_learner_answering_truly_is_placed_exactly() -> None:
    knows = {"python", "docker"}
    bank = [_item({"id": f"n{n}", "type": "numeric"}) for n in range(4)]
    bank.append(_item({"id": "held", "type": "numeric", "assessment_only": True}))
    answers: list[Answer] = []
    while (skill := next_skill(PRE, SCOPE, set(), answers)) is not None:
        item = choose_item(bank, {ItemId("s", a.item) for a in answers if a.skill == skill})
        assert item is not None and item.id.local != "held"
        answers.append(Answer(skill, item.id.local, skill in knows, guess_chance(item)))
    found = result(PRE, SCOPE, answers)
    assert found.placed == ("python", "docker")
    assert found.study == ("kubernetes", "ml")
    assert len(answers) <= placement.BUDGET
    assert len({(a.skill, a.item) for a in answers}) == len(answers)


def test_scope_limits_the_skills_and_answers_outside_it_are_ignored() -> None:
    found = result(PRE, {"python", "docker"}, [right("kubernetes"), right("docker")])
    assert [p.skill for p in found.skills] == ["python", "docker"]
    assert {p.skill: p for p in found.skills}["docker"].confidence == pytest.approx(
        0.25 * 45 / (0.25 * 45 + 0.75)
    )
    assert result(PRE, set(), []).skills == ()
    assert next_skill(PRE, set(), set(), []) is None


def test_sampled_states_stand_in_for_scopes_too_large_to_enumerate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(placement, "MAX_STATES", 3)
    answers = [right("kubernetes", "n1"), right("kubernetes", "n2")]
    found = result(PRE, SCOPE, answers, seed=1)
    assert found.placed == ("python", "docker", "kubernetes")
    ml = {p.skill: p for p in found.skills}["ml"]
    assert ml.confidence == pytest.approx(126.75 / 254, abs=0.02)
    assert result(PRE, SCOPE, answers, seed=1) == found
