"""Learners generated for `bench scale`, copied into PostgreSQL with the engine's counters.

Each learner practises the skills open to a newcomer (those without prerequisites: nothing else
is available before a mastery check or a placement) over a stretch of the last eight months.
The items are the built-in pack's; an answer is right with the chance a simple ability model
gives (the learner's ability, less the item's difficulty, plus a little learning per earlier
answer on the skill), and one answer in ten takes a hint where the item has one. The
knowledge-tracing counters, graded attempts and dates of every learner and skill come from
replaying those answers through the engine's own update (`domain/replay.py`), so they are what
the engine would have stored had the answers arrived one by one.

Evidence rows are copied in the order they were recorded across all learners, so ids follow
time as on a live server and one learner's rows are spread over the table; another learner's
long history (`history.Built`) can be mixed in the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from masterpath.benchmarks import history
from masterpath.domain import kt, replay
from masterpath.services import Context
from masterpath.store import bulk
from masterpath.store import content as content_store
from masterpath.store.models import Evidence, LearnerState, SkillState, User

BLOCK = 5_000  # learners generated and replayed together
LINES = 100_000  # evidence rows per COPY write
LEVEL = {"easy": -1.0, "medium": 0.0, "hard": 1.0}  # item difficulty on the ability scale
LEARNING = 0.05  # ability gained per earlier answer on the skill
HINTED = 0.1  # share of answers that take one hint, where the item has hints
USER_COLUMNS = (
    "id",
    "email",
    "display_name",
    "password_hash",
    "role",
    "timezone",
    "created_at",
    "password_changed_at",
)
EVIDENCE_COLUMNS = (
    "user_id",
    "skill_id",
    "also_skills",
    "source_kind",
    "source_id",
    "pack_version",
    "mode",
    "score",
    "grader",
    "hints_used",
    "seconds",
    "answered_at",
    "recorded_at",
    "submission_id",
    "check_id",
    "detail",
)
STATE_COLUMNS = (
    "user_id",
    "skill_id",
    "counters",
    "graded_attempts",
    "last_graded_at",
    "retention_checks_passed",
    "placement_failed",
    "updated_at",
)
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Catalogue:
    """The practice items open to a newcomer that count for their own skill alone."""

    skills: list[str]
    items: list[str]
    skill: Ints  # item -> index in `skills`
    difficulty: list[str]
    hints: Ints  # hints each item has
    prefix: list[str]  # each item's COPY columns from skill_id to mode


def catalogue(ctx: Context) -> Catalogue:
    with ctx.db.begin() as tx:
        data = content_store.skill_models(tx)
        versions = content_store.pack_versions(tx)
        open_ = sorted(s for s, d in data.items() if not d.prerequisites)
        rows = [
            (n, item)
            for n, s in enumerate(open_)
            for item in content_store.items(tx, s)
            if not item.assessment_only and not item.also_skills
        ]
    return Catalogue(
        open_,
        [str(i.id) for _, i in rows],
        np.array([n for n, _ in rows], dtype=np.int64),
        [i.difficulty for _, i in rows],
        np.array([len(i.hints) for _, i in rows], dtype=np.int64),
        [
            f"{i.id.skill}\t[]\titem\t{i.id}\t{versions.get(i.id.skill, '')}\tpractice"
            for _, i in rows
        ],
    )


@dataclass(frozen=True)
class Answers:
    """L learners' answers, A each, in time order per learner: arrays shaped (L, A)."""

    users: Ints  # (L,)
    item: Ints
    correct: NDArray[np.bool_]
    hints: Ints
    tenths: Ints  # seconds taken, in tenths
    at: Ints  # microseconds since the epoch, UTC


def answers(cat: Catalogue, users: Ints, each: int, *, now: datetime, seed: int) -> Answers:
    """Practice answers of `users` over a stretch (one week to five months) of the last
    `history.DAYS` days."""
    rng = np.random.default_rng(seed)
    size = (len(users), each)
    span = rng.uniform(7, 150, len(users))
    begin = rng.uniform(0, history.DAYS - span)
    days = begin[:, None] + np.sort(rng.uniform(0, 1, size), axis=1) * span[:, None]
    end = _micros(now)
    at = end - ((history.DAYS - days) * 86_400e6).astype(np.int64)
    skill = rng.integers(0, len(cat.skills), size)
    offsets = np.searchsorted(cat.skill, np.arange(len(cat.skills) + 1))
    item = offsets[skill] + (rng.random(size) * np.diff(offsets)[skill]).astype(np.int64)
    earlier = np.zeros(size)
    for n in range(len(cat.skills)):
        mine = skill == n
        earlier = np.where(mine, np.cumsum(mine, axis=1) - 1, earlier)
    level = np.array([LEVEL.get(d, 0.0) for d in cat.difficulty])[item]
    ability = rng.normal(0.0, 1.0, len(users))[:, None]
    chance = 1 / (1 + np.exp(-(ability - level + LEARNING * earlier)))
    hints = ((rng.random(size) < HINTED) & (cat.hints[item] > 0)).astype(np.int64)
    tenths = rng.integers(150, 1200, size)
    return Answers(users, item, rng.random(size) < chance, hints, tenths, at)


def counters(cat: Catalogue, found: Answers) -> replay.Replayed:
    """The engine's counters after these answers (`kt.credit` per kind of answer, replayed)."""
    learners, each = found.item.shape
    kinds = [(right, hints, level) for right in (0, 1) for hints in (0, 1) for level in LEVEL]
    weights = np.array([kt.credit(float(r), hints=h, difficulty=d) for r, h, d in kinds])
    level = np.array([list(LEVEL).index(d) if d in LEVEL else 1 for d in cat.difficulty])
    kind = (found.correct * 2 + found.hints) * len(LEVEL) + level[found.item]
    updates = replay.Updates(
        np.repeat(np.arange(learners), each),
        cat.skill[found.item].ravel(),
        weights[kind, 0].ravel(),
        weights[kind, 1].ravel(),
        np.zeros(learners * each, bool),
    )
    return replay.replay(updates, learners=learners, skills=len(cat.skills))


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _moment(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def _field(value: Any) -> str:
    """One column in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _line(values: list[Any]) -> str:
    return "\t".join(_field(v) for v in values) + "\n"


def state_lines(cat: Catalogue, found: Answers, done: replay.Replayed) -> tuple[str, str]:
    """COPY text of the learners' states and of their skill states."""
    learners, skills = [], []
    graded = cat.skill[found.item]
    for n, user in enumerate(found.users.tolist()):
        order = sorted((int(p), cat.skills[s]) for s, p in enumerate(done.seen[n]) if p >= 0)
        last = _moment(int(found.at[n, -1]))
        learners.append(
            _line([user, kt.dump(replay.take(done.learner, [n])), [s for _, s in order], last])
        )
        for s in np.nonzero(done.attempts[n])[0].tolist():
            when = _moment(int(found.at[n][graded[n] == s].max()))
            record = kt.dump(replay.take(done.records, ([n], [s])))
            skills.append(
                _line([user, cat.skills[s], record, int(done.attempts[n, s]), when, 0, "f", when])
            )
    return "".join(learners), "".join(skills)


def copy_users(ctx: Context, ids: Ints, *, password_hash: str, now: datetime) -> None:
    """Learner accounts `bench-<id>@example.invalid`, all with one (real) password hash."""
    joined = now - timedelta(days=history.DAYS)

    def chunks() -> Iterator[str]:
        for low in range(0, len(ids), LINES):
            yield "".join(
                _line(
                    [
                        i,
                        f"bench-{i}@example.invalid",
                        f"Learner {i}",
                        password_hash,
                        "learner",
                        "UTC",
                        joined,
                        joined,
                    ]
                )
                for i in ids[low : low + LINES].tolist()
            )

    bulk.copy(ctx.db, User, USER_COLUMNS, chunks())
    bulk.restart_ids(ctx.db, User)


@dataclass
class Ledger:
    """Every generated answer, compact, until the evidence is copied in time order."""

    users: list[Ints]
    item: list[Ints]
    correct: list[NDArray[np.bool_]]
    hints: list[Ints]
    tenths: list[Ints]
    at: list[Ints]

    def add(self, found: Answers) -> None:
        self.users.append(np.repeat(found.users, found.item.shape[1]).astype(np.int32))
        self.item.append(found.item.ravel().astype(np.int16))
        self.correct.append(found.correct.ravel())
        self.hints.append(found.hints.ravel().astype(np.int8))
        self.tenths.append(found.tenths.ravel().astype(np.int16))
        self.at.append(found.at.ravel())


def _evidence(cat: Catalogue, ledger: Ledger, extra: list[dict[str, Any]]) -> Iterator[str]:
    """Evidence lines in time order: the generated answers and `extra` rows, merged."""
    users, item, correct, hints, tenths, at = (
        np.concatenate(c) if c else np.zeros(0, np.int64)
        for c in (ledger.users, ledger.item, ledger.correct, ledger.hints, ledger.tenths, ledger.at)
    )
    mixed = [_micros(e["answered_at"]) for e in extra]
    order = np.argsort(np.concatenate([at, np.array(mixed, dtype=np.int64)]), kind="stable")
    other = [_line([e.get(c) for c in EVIDENCE_COLUMNS]) for e in extra]
    for low in range(0, len(order), LINES):
        rows = order[low : low + LINES]
        mine = rows[rows < len(at)]
        when = np.datetime_as_string(at[mine].astype("datetime64[us]"), unit="us")
        stamps = iter(when.tolist())
        seconds = tenths[mine].astype(float) / 10
        parts = iter(
            zip(
                users[mine].tolist(),
                item[mine].tolist(),
                correct[mine].tolist(),
                hints[mine].tolist(),
                seconds.tolist(),
                strict=True,
            )
        )
        lines = []
        for row in rows.tolist():
            if row >= len(at):
                lines.append(other[row - len(at)])
                continue
            user, n, right, hint, seconds = next(parts)
            stamp = next(stamps) + "+00"
            lines.append(
                f"{user}\t{cat.prefix[n]}\t{int(right)}\tauto\t{hint}\t{seconds}\t"
                f"{stamp}\t{stamp}\t\\N\t\\N\t{{}}\n"
            )
        yield "".join(lines)


def populate(
    ctx: Context,
    *,
    first_id: int,
    learners: int,
    each: int,
    password_hash: str,
    extra: history.Built | None = None,
    seed: int = 1,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, int]:
    """Copy `learners` learners (ids from `first_id`) with `each` answers, their states, and
    the evidence (with `extra`'s evidence mixed in by time). Returns the rows written."""
    cat = catalogue(ctx)
    now = ctx.clock.now()
    ids = np.arange(first_id, first_id + learners, dtype=np.int64)
    copy_users(ctx, ids, password_hash=password_hash, now=now)
    ledger = Ledger([], [], [], [], [], [])
    states = 0
    for low in range(0, learners, BLOCK):
        found = answers(cat, ids[low : low + BLOCK], each, now=now, seed=seed + low)
        learner_text, skill_text = state_lines(cat, found, counters(cat, found))
        bulk.copy(
            ctx.db, LearnerState, ("user_id", "counters", "skill_ids", "updated_at"), [learner_text]
        )
        bulk.copy(ctx.db, SkillState, STATE_COLUMNS, [skill_text])
        states += skill_text.count("\n")
        ledger.add(found)
        progress(f"{min(low + BLOCK, learners):,}/{learners:,} learners generated")
    rows = extra.evidence() if extra else []
    progress(f"copying {learners * each + len(rows):,} evidence rows in time order")
    with bulk.indexes_deferred(ctx.db, Evidence):
        bulk.copy(ctx.db, Evidence, EVIDENCE_COLUMNS, _evidence(cat, ledger, rows), checks=False)
    return {
        "users": learners,
        "evidence": learners * each + len(rows),
        "learner_states": learners,
        "skill_states": states,
    }
