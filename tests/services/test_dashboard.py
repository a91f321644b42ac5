"""The dashboard services on real databases: map, history, forecast, activity, isolation."""

from __future__ import annotations

import shutil
from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from masterpath.errors import InvalidInput, NotFound
from masterpath.services import (
    Context,
    accounts,
    cards,
    checks,
    dashboard,
    mastery,
    mastery_state,
    packs,
    practice,
    skills,
    tasks,
    tracks,
)
from masterpath.store import dashboard as dashboard_store
from masterpath.store import mastery as mastery_store
from masterpath.store.models import Evidence, StudyTime
from masterpath.store.study import ANSWER_KINDS, TIMED_MODES
from tests.services.test_study import RIGHT, SKILL, STUDY_PACK, WRONG, later, local, take_check

TASK_TEXT = "find . -type f, then `sort -n` by size and head -3 for the first three"
NEXT = "shell-scripting"


def _practise(ctx: Context, user: int, skill: str, count: int, *, wrong: int = -1) -> None:
    for n in range(count):
        item = practice.next_practice(ctx, user_id=user, skill_id=skill).item
        assert item is not None
        answers = WRONG if n == wrong and local(item.id) in WRONG else RIGHT
        practice.answer(
            ctx, user_id=user, item_id=item.id, response=answers[local(item.id)], seconds=45
        )


def _review(ctx: Context, user: int, rating: int = 3) -> None:
    for card in cards.queue(ctx, user_id=user, limit=20).cards:
        cards.rate(ctx, user_id=user, card_id=card.id, rating=rating, seconds=8)


def seed(ctx: Context, email: str = "ada@example.com") -> int:
    """Eight weeks of study through the services: shell basics practised, checked, its task
    graded and mastered, then left alone until it decays while shell scripting goes on."""
    packs.install(ctx, [STUDY_PACK])
    start = later(ctx, days=-56)
    user = accounts.register(start, email=email, password="correct horse b").id
    tracks.create(start, tracks.Intake(goal="become a shell user", hours_per_week=3), user_id=user)
    for day in range(-56, -49):
        today = later(ctx, days=day)
        _practise(today, user, SKILL, 3, wrong=0 if day % 2 else -1)
        _review(today, user, rating=1 if day == -53 else 3)
        skills.record_time(today, user_id=user, skill_id=SKILL, seconds=900 + 60 * (day % 5))
    check_day = later(ctx, days=-49)
    while not mastery.explain(check_day, user_id=user, skill_id=SKILL).checklist[0]["met"]:
        _practise(check_day, user, SKILL, 1)
    take_check(check_day, user, "mastery_check", RIGHT)
    tasks.submit(check_day, user_id=user, skill_id=SKILL, text=TASK_TEXT)
    take_check(later(ctx, days=-46), user, "retention_check", RIGHT)
    for day in range(-45, -1, 3):
        today = later(ctx, days=day)
        _practise(today, user, NEXT, 2)
        _review(today, user)
        skills.record_time(today, user_id=user, skill_id=NEXT, seconds=1200)
    return user


@pytest.fixture
def learner(ctx: Context) -> int:
    return seed(ctx)


def test_the_map_shows_every_skill_of_the_track_done_or_not(ctx: Context, learner: int) -> None:
    found = dashboard.track_map(ctx, user_id=learner)
    assert [(n.id, n.status, n.stage) for n in found.nodes] == [
        (SKILL, "decaying", 0),
        (NEXT, "in_progress", 1),
    ]
    (edge,) = found.edges
    assert (edge.source, edge.target) == (SKILL, NEXT) and edge.y1 < edge.y2
    assert found.counts == {"decaying": 1, "in_progress": 1}
    assert [s["title"] for s in found.stages] == ["Shell basics", "Shell scripts"]
    assert found.hours_per_week == 3 and found.finish is not None


def test_the_kept_drawing_follows_the_content(ctx: Context, learner: int, tmp_path: Path) -> None:
    # the map's shape is kept per content, career and pinned skills: a new version is drawn anew
    dashboard.track_map(ctx, user_id=learner)  # drawn and kept
    changed = tmp_path / "study"
    shutil.copytree(STUDY_PACK, changed)
    for name, old, new in (
        ("pack.yaml", 'version: "1.0.0"', 'version: "1.0.1"'),
        ("skills/shell-scripting/skill.yaml", "title: Shell scripting", "title: Shell automation"),
    ):
        path = changed / name
        path.write_text(path.read_text().replace(old, new, 1))
    packs.install(ctx, [changed])
    found = dashboard.track_map(ctx, user_id=learner)
    assert [n.title for n in found.nodes] == ["Shell basics", "Shell automation"]


def test_a_learner_without_a_track_gets_an_empty_map(ctx: Context) -> None:
    packs.install(ctx, [STUDY_PACK])
    user = accounts.register(ctx, email="bo@example.com", password="correct horse b").id
    found = dashboard.track_map(ctx, user_id=user)
    assert found.track_id is None and found.nodes == [] and found.tracks == []


def test_another_learners_track_is_not_found(ctx: Context, learner: int) -> None:
    other = accounts.register(ctx, email="bo@example.com", password="correct horse b").id
    (track,) = tracks.of_learner(ctx, user_id=learner)
    with pytest.raises(NotFound, match=f"no track {track['id']}"):
        dashboard.track_map(ctx, user_id=other, track_id=track["id"])
    assert dashboard.track_map(ctx, user_id=learner, track_id=track["id"]).track_id == track["id"]


def test_history_replays_the_engines_estimate(ctx: Context, learner: int) -> None:
    found = dashboard.mastery_history(ctx, user_id=learner, skill_id=SKILL)
    explained = mastery.explain(ctx, user_id=learner, skill_id=SKILL)
    assert found.points[-1].estimate == pytest.approx(explained.estimate, abs=1e-9)
    assert found.threshold == 0.70 and not found.truncated
    assert [m.kind for m in found.markers] == ["mastered", "decaying"]
    mastered, decaying = found.markers
    assert decaying.at - mastered.at > timedelta(days=15)
    assert {s["id"] for s in found.skills} == {SKILL, NEXT}


def test_history_defaults_to_the_skill_answered_last(ctx: Context, learner: int) -> None:
    assert dashboard.mastery_history(ctx, user_id=learner).skill_id == NEXT


def test_history_refuses_an_unknown_skill_by_field(ctx: Context, learner: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        dashboard.mastery_history(ctx, user_id=learner, skill_id="no-such-skill")
    assert raised.value.problems[0].field == "skill"


def test_answers_of_a_running_check_stay_out_of_the_history(ctx: Context, learner: int) -> None:
    user = accounts.register(ctx, email="bo@example.com", password="correct horse b").id
    while not mastery.explain(ctx, user_id=user, skill_id=SKILL).checklist[0]["met"]:
        _practise(ctx, user, SKILL, 1)
    before = len(dashboard.mastery_history(ctx, user_id=user, skill_id=SKILL).points)
    check = checks.start_check(ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    for item in check.items[:-1]:
        checks.check_answer(
            ctx, user_id=user, check_id=check.id, item_id=item.id, response=RIGHT[local(item.id)]
        )
    assert len(dashboard.mastery_history(ctx, user_id=user, skill_id=SKILL).points) == before
    last = check.items[-1]
    checks.check_answer(
        ctx, user_id=user, check_id=check.id, item_id=last.id, response=RIGHT[local(last.id)]
    )
    after = len(dashboard.mastery_history(ctx, user_id=user, skill_id=SKILL).points)
    assert after == before + len(check.items)


def test_forecast_counts_reviews_due_and_recall_fades(ctx: Context, learner: int) -> None:
    found = dashboard.card_forecast(ctx, user_id=learner)
    assert found.cards == 5 and len(found.days) == 30
    assert sum(d.due for d in found.days) <= found.cards
    recall = [d.recall for d in found.days]
    assert all(r is not None for r in recall)
    assert recall == sorted(recall, reverse=True)  # type: ignore[type-var]
    assert 0 <= found.steady_per_day < 1  # five cards with long intervals


def test_activity_sums_days_and_weeks_against_the_plan(ctx: Context, learner: int) -> None:
    found = dashboard.activity(ctx, user_id=learner, plan_per_week=3, hours_left=4)
    assert len(found.cells) == dashboard.HEATMAP_DAYS and len(found.weeks) == dashboard.PACE_WEEKS
    studied = sum(c.day.seconds for c in found.cells) / 3600
    assert found.hours == pytest.approx(studied, abs=0.06)
    rounding = 0.005 * len(found.weeks)  # each week is rounded to 0.01 h
    assert sum(w.hours for w in found.weeks) == pytest.approx(studied, abs=rounding)
    assert found.active_days == sum(1 for c in found.cells if c.level)
    assert found.answers > 40 and found.finish_measured is not None


def test_verdicts_in_one_batch_equal_one_skill_at_a_time(ctx: Context, learner: int) -> None:
    with ctx.db.begin() as tx:
        states = mastery_store.skill_states(tx, learner)
        counters = {s: states[s].counters if s in states else {} for s in (SKILL, NEXT, "x")}
        batch = mastery_state.estimates(tx, learner, counters)
        single = {s: mastery_state.estimate(tx, learner, s, c)[0] for s, c in counters.items()}
    assert batch == pytest.approx(single, abs=1e-12)


def test_study_per_day_puts_each_record_in_its_own_day(ctx: Context, learner: int) -> None:
    """Any increasing edges (here every 5 h 17 min, so days start at odd moments): each answer
    and each stretch of study time counts in the day it falls in, as a recount in Python does."""
    with ctx.db.read() as tx:
        answered = tx.session.execute(
            select(Evidence.answered_at, Evidence.seconds, Evidence.mode).where(
                Evidence.user_id == learner
            )
        ).all()
        logged = tx.session.execute(
            select(StudyTime.recorded_at, StudyTime.seconds, StudyTime.kind).where(
                StudyTime.user_id == learner
            )
        ).all()
    moments = [_aware(a) for a, _, _ in answered] + [_aware(r) for r, _, _ in logged]
    step = timedelta(hours=5, minutes=17)
    edges = [min(moments) - timedelta(hours=1)]
    while edges[-1] <= max(moments):
        edges.append(edges[-1] + step)
    expected = [[0, 0.0] for _ in edges[1:]]

    def day(moment: datetime) -> list[Any]:
        return expected[bisect_right(edges, _aware(moment)) - 1]

    for at, seconds, mode in answered:
        day(at)[0] += 1
        if seconds and seconds > 0 and mode in TIMED_MODES:
            day(at)[1] += seconds
    for at, seconds, kind in logged:
        if kind not in ANSWER_KINDS:
            day(at)[1] += seconds
    with ctx.db.read() as tx:
        found = dashboard_store.per_day(tx, user_id=learner, edges=edges)
    assert len(answered) > 40 and sum(1 for n, _ in found if n) > 10
    assert [n for n, _ in found] == [n for n, _ in expected]
    assert [s for _, s in found] == pytest.approx([s for _, s in expected])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
