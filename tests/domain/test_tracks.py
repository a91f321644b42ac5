from datetime import date

from masterpath.domain import tracks

PRE = {
    "python": [],
    "sql": [],
    "cleaning": ["python", "sql"],
    "stats": ["python"],
    "pipelines": ["cleaning"],
    "ml": ["stats", "cleaning"],
    "extra": ["ml"],
}
HOURS = {"python": 10, "sql": 6, "cleaning": 8, "stats": 12, "pipelines": 10, "ml": 20, "extra": 4}
STAGES = [
    tracks.Stage("basics", "Basics", ("sql", "cleaning")),
    tracks.Stage("build", "Build", ("pipelines", "ml")),
]
START = date(2026, 12, 1)


def make(**extra: object) -> tracks.Plan:
    args = {
        "stages": STAGES,
        "prerequisites": PRE,
        "hours": HOURS,
        "done": set(),
        "hours_per_week": 10.0,
        "start": START,
        **extra,
    }
    return tracks.plan(**args)  # type: ignore[arg-type]


def test_every_skill_comes_after_its_prerequisites() -> None:
    plan = make()
    order = plan.order
    for skill in order:
        for pre in PRE[skill]:
            assert order.index(pre) < order.index(skill), (pre, skill)


def test_unlisted_prerequisites_join_the_earliest_stage_that_needs_them() -> None:
    stage = {s.id: s.stage for s in make().skills}
    assert stage["python"] == "basics"  # needed by cleaning, a basics skill
    assert stage["stats"] == "build"  # needed only by ml
    assert "extra" not in stage  # not a target and nothing in scope needs it


def test_done_skills_leave_the_plan_and_pins_join_it() -> None:
    plan = make(done={"python", "sql"}, pinned=["extra"])
    assert "python" not in plan.order and plan.done == ["python", "sql"]
    pinned = [s for s in plan.skills if s.pinned]
    assert [s.id for s in pinned] == ["extra"] and pinned[0].stage == "build"
    assert plan.order.index("ml") < plan.order.index("extra")


def test_weekly_plan_spends_the_hours_in_order_and_dates_the_finish() -> None:
    plan = make(hours_per_week=10.0)
    assert plan.total_hours == 66
    assert [sum(h for _, h in w.skills) for w in plan.weeks] == [10] * 6 + [6]
    assert plan.weeks[0].skills[0] == ("python", 10)
    assert plan.finish == date(2027, 1, 19)  # seven weeks
    slower = make(speed=1.5)
    assert slower.total_hours == 99


def test_a_target_date_that_does_not_fit_says_by_how_much_and_what_could_change() -> None:
    plan = make(target=date(2026, 12, 29))  # four weeks: 40 of 66 hours
    assert plan.fits is False
    assert "about 26 hours short" in plan.advice[0]
    assert "study about 17 hours a week" in plan.advice[1]
    assert make(target=date(2027, 6, 1)).fits is True


def test_changes_name_added_removed_and_reordered_skills() -> None:
    found = tracks.changes(["a", "b", "c", "d", "f"], ["b", "a", "d", "e"], done=["f"])
    assert found == {"added": ["e"], "removed": ["c"], "done": ["f"], "reordered": ["b"]}
    rotated = tracks.changes(["a", "b", "c", "d"], ["d", "a", "b", "c"])
    assert rotated["reordered"] == ["d"]  # one skill moved, not four


def test_pace_needs_enough_measured_time_and_stays_in_range() -> None:
    assert tracks.pace(1.0, 4.0) == 1.0
    assert tracks.pace(6.0, 4.0) == 1.5
    assert tracks.pace(100.0, 4.0) == 2.0
