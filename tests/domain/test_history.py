"""Replaying a skill's graded answers: the engine's estimate after each, and the markers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from masterpath.domain import history, kt

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCORES = [1.0, 0.0, 1.0, 1.0, 0.5, 1.0, 1.0]


def step_by_step(answers: list[history.Answer], params: kt.Params) -> list[float]:
    """The engine's way: observe, then estimate, one answer at a time (B = 1)."""
    learner, record, no, found = kt.Learner.new(), kt.SkillRecord.new(), np.array([False]), []
    for a in answers:
        credit, debit = kt.credit(a.score, hints=a.hints, difficulty=a.difficulty)
        learner, record = kt.observe(
            learner,
            record,
            skill=np.array([0]),
            credit=np.array([credit]),
            debit=np.array([debit]),
            same=no,
        )
        x = kt.features(learner, record, skill=np.array([0]), q=np.array([0.5]), same=no)
        found.append(
            float(kt.predict(params, x, params.index(["s"]), same=no, last=learner.last)[0])
        )
    return found


def test_the_replay_gives_the_engines_estimate_after_each_answer() -> None:
    answers = [
        history.Answer(
            T0 + timedelta(hours=n),
            s,
            hints=n % 3 == 2,
            difficulty=("easy", "medium", "hard")[n % 3],
        )
        for n, s in enumerate(SCORES)
    ]
    points = history.replay(answers, kt.defaults(), skill_id="s")
    assert [p.estimate for p in points] == pytest.approx(step_by_step(answers, kt.defaults()))
    assert [p.at for p in points] == [a.at for a in answers]
    assert [p.score for p in points] == SCORES


def test_right_answers_after_wrong_ones_raise_the_estimate_past_the_bar() -> None:
    scores = [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    answers = [history.Answer(T0 + timedelta(minutes=n), s) for n, s in enumerate(scores)]
    found = [p.estimate for p in history.replay(answers, kt.defaults(), skill_id="s")]
    assert found[1] < 0.70 <= found[-1]
    assert found[1:] == sorted(found[1:])


def test_no_answers_no_points() -> None:
    assert history.replay([], kt.defaults(), skill_id="s") == []


def test_recall_fades_under_the_bar_at_the_engines_moment() -> None:
    gap = history.fading_after(4.0)
    assert gap == timedelta(days=9 * 4 * (1 / 0.7 - 1))
    days = gap / timedelta(days=1)
    assert (1 + days / (9 * 4.0)) ** -1 == pytest.approx(0.7)


def test_markers_show_mastery_and_each_gap_that_let_it_decay() -> None:
    mastered = T0 + timedelta(days=10)
    graded = [T0, T0 + timedelta(days=5), mastered, mastered + timedelta(days=40)]
    found = history.markers(
        graded,
        mastered_at=mastered,
        placed_at=None,
        stability_days=2.0,
        now=mastered + timedelta(days=45),
    )
    gap = history.fading_after(2.0)
    assert [(m.kind, m.at) for m in found] == [
        ("mastered", mastered),
        ("decaying", mastered + gap),
    ]


def test_a_recent_answer_keeps_a_mastered_skill_from_decaying() -> None:
    mastered = T0
    found = history.markers(
        [T0 + timedelta(days=6)],
        mastered_at=mastered,
        placed_at=T0,
        stability_days=4.0,
        now=T0 + timedelta(days=12),
    )
    assert [m.kind for m in found] == ["placed", "mastered"]


def test_a_truncated_history_only_judges_gaps_it_can_see() -> None:
    mastered = T0
    window = [T0 + timedelta(days=60), T0 + timedelta(days=61)]
    found = history.markers(
        window,
        mastered_at=mastered,
        placed_at=None,
        stability_days=2.0,
        now=T0 + timedelta(days=62),
        since=window[0],
    )
    assert [m.kind for m in found] == ["mastered"]
