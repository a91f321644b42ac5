"""Goal intake to a planned track on the fixture pack: matching, bad input, re-planning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from masterpath.errors import InvalidInput, NotFound
from masterpath.services import Context, accounts, mastery, tracks
from masterpath.store import tracks as store


@pytest.fixture
def user(ctx: Context) -> int:
    return accounts.register(ctx, email="ada@example.com", password="correct horse b").id


def count(ctx: Context, user: int) -> int:
    with ctx.db.begin() as tx:
        return len(store.of_learner(tx, user))


def intake(
    goal: str = "I want to schedule and orchestrate data pipelines", **extra: object
) -> tracks.Intake:
    return tracks.Intake(goal=goal, **extra)  # type: ignore[arg-type]


def test_a_goal_becomes_a_track_in_a_valid_order(ctx: Context, user: int) -> None:
    result = tracks.create(ctx, intake(hours_per_week=4), user_id=user)
    assert result.career == "pipeline-builder" and result.track is not None
    order = [s["id"] for stage in result.track.stages for s in stage["skills"]]
    assert order.index("python-basics") < order.index("data-cleaning")
    assert order.index("data-cleaning") < order.index("pipeline-orchestration")
    assert result.track.total_hours > 0 and result.track.finish > date.today()
    assert count(ctx, user) == 1


def test_no_career_fits_and_nothing_is_created(ctx: Context, user: int) -> None:
    for goal in ("become a pastry chef", "asdf qwerty zxcv", "Quiero ser enfermera"):
        result = tracks.create(ctx, intake(goal), user_id=user)
        assert result.career is None and result.track is None
        assert "Nothing was created" in result.message
        assert {c["slug"] for c in result.careers} == {"data-wrangler", "pipeline-builder"}
    assert count(ctx, user) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"goal": "   "}, "goal", "write the goal"),
        ({"goal": "data " * 20_000}, "goal", "keep it under 1,000"),
        ({"hours_per_week": 0.1}, "hours_per_week", "at least 0.5"),
        ({"hours_per_week": 101}, "hours_per_week", "at most 100"),
        ({"target_date": date.today() - timedelta(days=1)}, "target_date", "not in the future"),
        ({"known": ["cooking"]}, "known", "unknown skill 'cooking'"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(
    ctx: Context, user: int, changes: dict[str, object], field: str, message: str
) -> None:
    goal = str(changes.pop("goal", "orchestrate data pipelines"))
    with pytest.raises(InvalidInput, match=message) as caught:
        tracks.create(ctx, intake(goal, **changes), user_id=user)
    assert caught.value.problems[0].field == field
    assert count(ctx, user) == 0


def test_replanning_keeps_progress_and_says_what_changed(ctx: Context, user: int) -> None:
    first = tracks.create(ctx, intake(hours_per_week=4), user_id=user).track
    assert first is not None and first.id is not None
    mastery.place(ctx, user_id=user, skill_ids=["python-basics"])
    again = tracks.update(
        ctx, user_id=user, track_id=first.id, intake=intake(hours_per_week=8, pinned=["sql-basics"])
    )
    order = [s["id"] for stage in again.stages for s in stage["skills"]]
    assert "python-basics" not in order and again.done == ["python-basics"]
    assert again.changes["done"] == ["python-basics"] and again.changes["removed"] == []
    assert again.finish < first.finish  # twice the hours, one skill fewer
    other = tracks.create(ctx, intake("clean messy tables as a data wrangler"), user_id=user)
    assert other.career == "data-wrangler" and count(ctx, user) == 2


def test_background_suggests_hypotheses_never_credit(ctx: Context, user: int) -> None:
    result = tracks.create(ctx, intake(known=["sql-basics"]), user_id=user)
    assert result.track is not None and result.track.hypotheses == ["sql-basics"]
    assert result.track.done == []  # a guess is not credit


def test_another_learner_cannot_see_a_track(ctx: Context, user: int) -> None:
    track = tracks.create(ctx, intake(), user_id=user).track
    assert track is not None and track.id is not None
    other = accounts.register(ctx, email="bo@example.com", password="correct horse b").id
    with pytest.raises(NotFound):
        tracks.get(ctx, user_id=other, track_id=track.id)


def test_a_certification_pins_its_skills(ctx: Context, user: int) -> None:
    made = tracks.create(ctx, intake("clean messy tables as a data wrangler"), user_id=user).track
    assert made is not None and made.id is not None
    assert [c["name"] for c in made.certifications] == ["Fixture Data Certificate"]
    again = tracks.update(
        ctx,
        user_id=user,
        track_id=made.id,
        intake=intake(
            "clean messy tables as a data wrangler", certifications=["Fixture Data Certificate"]
        ),
    )
    assert again.pinned == ["sql-basics"] and again.certifications[0]["chosen"]
    with pytest.raises(InvalidInput, match="no certification 'Nope'"):
        tracks.update(
            ctx,
            user_id=user,
            track_id=made.id,
            intake=intake("clean data", certifications=["Nope"]),
        )
