"""The learner dashboard: one function per thing a learner looks at.

Every function reads the viewer's own rows only: the user id comes from the session, and ids
or filters from the request only narrow that learner's data (another learner's track is "not
found"). Each read is bounded: the map and the portfolio by the content, the mastery history by
`HISTORY_POINTS`, the forecast by the learner's cards, the heatmap and pace by a date range
summed per hour in SQL, and the evidence log by its page size (see `services/evidence_log.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from masterpath.domain import activity as days_of
from masterpath.domain import cards as schedule
from masterpath.domain import graph, history, retention, skillmap
from masterpath.domain import mastery as rules
from masterpath.domain import tracks as planner
from masterpath.domain.content import ItemId, Skill
from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.services import Context, mastery_state, track_plan, tracks
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import dashboard as store
from masterpath.store import evidence as evidence_store
from masterpath.store import mastery as mastery_store
from masterpath.store import tracks as track_store

HISTORY_POINTS = 200  # graded answers replayed for one skill's chart
HEATMAP_DAYS = 26 * 7  # the last six months, in whole weeks
PACE_WEEKS = 12
FORECAST_DAYS = 30


def zone_of(tx: Tx, user_id: int) -> ZoneInfo:
    user = account_store.user_by_id(tx, user_id)
    if user is None:
        raise NotFound(f"no learner {user_id}")
    return ZoneInfo(user.timezone)


# The track as a map --------------------------------------------------------------------------


@dataclass(frozen=True)
class MapNode:
    id: str
    title: str
    status: str
    stage: int
    x: float
    y: float
    builds_on: list[str] = field(default_factory=list)  # titles of its prerequisites


@dataclass(frozen=True)
class TrackMap:
    tracks: list[dict[str, Any]]  # the learner's tracks, for a selector
    track_id: int | None  # None: the learner has no track yet
    career_title: str = ""
    goal: str = ""
    width: int = skillmap.WIDTH
    height: float = 0.0
    box_width: int = skillmap.BOX_W
    box_height: int = skillmap.BOX_H
    stages: list[dict[str, Any]] = field(default_factory=list)  # title, unlocked, y, height
    nodes: list[MapNode] = field(default_factory=list)
    edges: list[skillmap.Edge] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # skills per status
    hours_per_week: float = 0.0
    hours_left: float = 0.0
    finish: date | None = None
    pace: float = 1.0


def track_map(ctx: Context, *, user_id: int, track_id: int | None = None) -> TrackMap:
    """The chosen track (the newest by default): every skill of its scope, done or not, by
    stage, with its status and prerequisite links."""
    with ctx.db.read() as tx:  # it only reads
        return _track_map(tx, ctx, user_id, track_id)


def _track_map(tx: Tx, ctx: Context, user_id: int, track_id: int | None) -> TrackMap:
    rows = track_store.of_learner(tx, user_id)
    mine = tracks.listed(tx, rows)
    row = next((r for r in rows if track_id in {None, r.id}), None)
    if row is None:
        if track_id is not None:
            raise NotFound(f"no track {track_id}")
        return TrackMap(tracks=[], track_id=None)
    view = tracks.view(tx, ctx, row)
    prereqs = track_plan.catalogue(tx).prerequisites
    where, titles, drawn = _drawing(tx, view.career, tuple(view.pinned))
    statuses = {s: view.statuses.get(s, "available") for s in where}
    counts = {s: sum(v == s for v in statuses.values()) for s in dict.fromkeys(statuses.values())}
    bands = [
        {
            "id": view.stages[b.stage]["id"],
            "title": view.stages[b.stage]["title"],
            "unlocked": view.stages[b.stage]["unlocked"],
            "y": b.y,
            "height": b.height,
        }
        for b in drawn.bands
    ]
    return TrackMap(
        tracks=mine,
        track_id=row.id,
        career_title=view.career_title,
        goal=view.goal,
        width=drawn.width,
        height=drawn.height,
        stages=bands,
        nodes=[
            MapNode(
                n.id,
                titles.get(n.id, n.id),
                statuses[n.id],
                n.stage,
                n.x,
                n.y,
                [titles.get(p, p) for p in prereqs.get(n.id, []) if p in where],
            )
            for n in drawn.nodes
        ],
        edges=drawn.edges,
        counts=counts,
        hours_per_week=view.hours_per_week,
        hours_left=view.total_hours,
        finish=view.finish,
        pace=view.pace,
    )


def _drawing(
    tx: Tx, career_slug: str, pinned: tuple[str, ...]
) -> tuple[dict[str, int], dict[str, str], skillmap.Layout]:
    """The map's shape — each skill's stage, its title, the boxes and arrows — which depends on
    the content, the career and the skills pinned to the track, not on the learner's progress:
    drawn once per content and kept (the dashboard is opened often)."""

    def draw() -> tuple[dict[str, int], dict[str, str], skillmap.Layout]:
        career = content_store.live_career(tx, career_slug)
        prereqs = track_plan.catalogue(tx).prerequisites
        stages = [
            planner.Stage(s["id"], s["title"], tuple(s["skills"]))
            for s in (career.data["stages"] if career else [])
        ]
        where = planner.stage_of(stages, prereqs, pinned)
        titles = {k: v.title for k, v in content_store.skill_models(tx, list(where)).items()}
        order = [s for s in graph.topological({s: prereqs.get(s, []) for s in where}) if s in where]
        grouped = [[s for s in order if where[s] == n] for n in range(len(stages))]
        return where, titles, skillmap.layout(grouped, prereqs)

    key = (content_store.content_key(tx), career_slug, pinned)
    return tx.cache.many("track_drawings", key, draw)


# Mastery over time ---------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    skill_id: str | None  # None: no graded answer yet
    title: str
    skills: list[dict[str, str]]  # skills with graded answers or a placement, for a selector
    points: list[history.Point]
    markers: list[history.Marker]
    threshold: float
    truncated: bool  # more graded answers exist than the chart replays


def _counting_for(every: dict[str, Skill], skill_id: str) -> dict[ItemId, str]:
    """Items of any skill that count for this one (its own, and others naming it in
    `also_skills`): item id -> difficulty."""
    return {
        item.id: item.difficulty
        for data in every.values()
        for item in data.items
        if item.id.skill == skill_id or skill_id in item.also_skills
    }


def _answers(tx: Tx, user_id: int, skill_id: str, every: dict[str, Skill]) -> list[history.Answer]:
    """The skill's last graded answers, oldest first, one more than the chart shows (to tell
    whether it is cut); answers of a check still running are left out (no feedback yet)."""
    difficulty = {str(i): d for i, d in _counting_for(every, skill_id).items()}
    rows = store.graded_answers(
        tx,
        user_id=user_id,
        skill_id=skill_id,
        also_items=[str(i) for i in _counting_for(every, skill_id) if i.skill != skill_id],
        hidden_checks=frozenset(evidence_store.unfinished_checks(tx, user_id=user_id)),
        limit=HISTORY_POINTS + 1,
    )
    return [
        history.Answer(at, score, hints, difficulty.get(item, "medium"))
        for at, score, hints, item in reversed(rows)
    ]


def _started(states: dict[str, Any], every: dict[str, Skill]) -> list[dict[str, str]]:
    found = [s for s, st in states.items() if (st.graded_attempts or st.placed_at) and s in every]
    return sorted(({"id": s, "title": every[s].title} for s in found), key=lambda s: s["title"])


def mastery_history(ctx: Context, *, user_id: int, skill_id: str | None = None) -> History:
    """The estimate after each of the skill's last graded answers (default: the skill answered
    most recently), the bar it must reach, and when it was placed, mastered or decaying."""
    now = ctx.clock.now()
    with ctx.db.read() as tx:  # it only reads
        every = content_store.skill_models(tx)
        if skill_id is not None and skill_id not in every:
            message = f"unknown skill {skill_id!r}"
            raise InvalidInput(message, problems=[Problem(message, field="skill")])
        zone = zone_of(tx, user_id)
        states = mastery_store.skill_states(tx, user_id)
        choices = _started(states, every)
        skill_id = skill_id or store.latest_graded_skill(tx, user_id=user_id)
        skill_id = skill_id or (choices[0]["id"] if choices else None)
        if skill_id is None:
            return History(None, "", choices, [], [], rules.THRESHOLD, False)
        answers = _answers(tx, user_id, skill_id, every)
        cut = len(answers) > HISTORY_POINTS
        answers = [replace(a, at=a.at.astimezone(zone)) for a in answers[-HISTORY_POINTS:]]
        points = history.replay(answers, mastery_state.current_params(tx), skill_id=skill_id)
    criteria, state = rules.criteria_of(every[skill_id]), states.get(skill_id)
    found = history.markers(
        [p.at for p in points],
        mastered_at=state.mastered_at.astimezone(zone) if state and state.mastered_at else None,
        placed_at=state.placed_at.astimezone(zone) if state and state.placed_at else None,
        stability_days=retention.stability_days(
            retention_days=criteria.retention_days, passes=state.retention_checks_passed
        )
        if state
        else 1.0,
        now=now.astimezone(zone),
        since=points[0].at if cut else None,
    )
    return History(skill_id, every[skill_id].title, choices, points, found, criteria.threshold, cut)


# Flashcard forecast --------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    cards: int
    due_today: int  # due by the end of today, overdue included
    days: list[schedule.ForecastDay]
    steady_per_day: float  # the started cards' reviews a day in the long run, at that retention
    desired_retention: float
    new_per_day: int


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone)


def card_forecast(ctx: Context, *, user_id: int) -> Forecast:
    """Reviews due in each of the next 30 days, the recall the cards keep if none is reviewed,
    and the daily workload the desired retention implies."""
    with ctx.db.read() as tx:  # it only reads
        return _forecast(tx, user_id, ctx.clock.now())


def _forecast(tx: Tx, user_id: int, now: datetime) -> Forecast:
    user = account_store.user_by_id(tx, user_id)
    if user is None:
        raise NotFound(f"no learner {user_id}")
    zone = ZoneInfo(user.timezone)
    today = _start_of(now.astimezone(zone).date(), zone)
    spans = days_of.offset_spans(zone, today, today + timedelta(days=FORECAST_DAYS + 1))
    due = [
        part
        for n, (low, high, offset) in enumerate(spans)
        for part in store.cards_due_by_day(
            tx, user_id=user_id, since=low if n else None, until=high, offset_minutes=offset
        )
    ]
    memory = store.card_memory(tx, user_id=user_id)
    found = schedule.forecast(
        due, [(s, _moment(r)) for s, r in memory], now=now, zone=zone, days=FORECAST_DAYS
    )
    steady = schedule.workload([s or 0 for s, _ in memory], 0, (user.desired_retention,))
    return Forecast(
        len(memory),
        found[0].due if found else 0,
        found,
        steady[user.desired_retention],
        user.desired_retention,
        user.new_cards_per_day,
    )


# Heatmap and pace ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    start: date
    end: date
    cells: list[days_of.Cell]
    weeks: list[days_of.Week]
    answers: int  # over the heatmap's six months
    hours: float
    active_days: int
    measured_per_week: float  # mean of the last four full weeks
    plan_per_week: float | None
    hours_left: float
    finish_planned: date | None  # the track's projection (planned hours, measured pace)
    finish_measured: date | None  # at the hours actually studied lately


def activity(
    ctx: Context,
    *,
    user_id: int,
    plan_per_week: float | None = None,
    hours_left: float = 0.0,
    finish_planned: date | None = None,
) -> Activity:
    """Study per day over the last six months and per week over the last twelve, against the
    track's plan (pass the plan's hours a week, hours left and finish date when there is one)."""
    with ctx.db.read() as tx:  # it only reads
        return _activity(tx, user_id, ctx.clock.now(), plan_per_week, hours_left, finish_planned)


def _activity(  # noqa: PLR0917 - the plan's three figures, as `activity` takes them
    tx: Tx,
    user_id: int,
    now: datetime,
    plan_per_week: float | None,
    hours_left: float,
    finish_planned: date | None,
) -> Activity:
    zone = zone_of(tx, user_id)
    today = now.astimezone(zone).date()
    start = today - timedelta(days=HEATMAP_DAYS - 1)
    calendar = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    edges = [_start_of(day, zone) for day in [*calendar, today + timedelta(days=1)]]
    counted = store.per_day(tx, user_id=user_id, edges=edges)
    daily = [(day, n, s) for day, (n, s) in zip(calendar, counted, strict=True) if n or s]
    found = days_of.days(daily, start=start, end=today)
    weeks = days_of.weeks(found, count=PACE_WEEKS)
    measured = days_of.measured_hours_per_week(weeks)
    finish = days_of.projected_finish(hours_left, measured, today) if plan_per_week else None
    return Activity(
        start,
        today,
        days_of.heatmap(found),
        weeks,
        sum(d.answers for d in found),
        round(sum(d.seconds for d in found) / 3600, 1),
        sum(1 for d in found if d.answers or d.seconds),
        measured,
        plan_per_week,
        hours_left,
        finish_planned,
        finish,
    )


# The overview: all three in one read ----------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    map: TrackMap
    forecast: Forecast
    activity: Activity


def overview(ctx: Context, *, user_id: int, track_id: int | None = None) -> Overview:
    """The track map (the newest track, or `track_id`), the card forecast and the activity
    against the track's plan: one unit of work, so each of the learner's rows is read once
    (the dashboard is what a learner opens most after the study routes)."""
    now = ctx.clock.now()
    with ctx.db.read() as tx:  # it only reads
        if store.viewer(tx, user_id) is None:
            raise NotFound(f"no learner {user_id}")
        found = _track_map(tx, ctx, user_id, track_id)
        plan = found.hours_per_week if found.track_id else None
        return Overview(
            found,
            _forecast(tx, user_id, now),
            _activity(tx, user_id, now, plan, found.hours_left, found.finish),
        )
