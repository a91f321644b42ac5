"""The hot paths' statement budgets (issue 18): counted with the engine's execute events,
without BEGIN, COMMIT, ROLLBACK and SAVEPOINT, on whichever database the tests run on."""

from __future__ import annotations

import dataclasses
import itertools
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event

from masterpath.clock import Clock
from masterpath.domain import mastery
from masterpath.errors import Conflict
from masterpath.services import Context, accounts, cards, items, packs, practice, skills
from masterpath.store import accounts as account_store
from masterpath.store import answers as answer_store
from masterpath.store.models import Assessment, Evidence, LearnerCard, SkillState, User

STUDY_PACK = Path(__file__).parents[1] / "fixtures" / "study"
SKILL = "shell-basics"
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
ANSWER_BUDGET = 6
REVIEW_BUDGET = 3
POSTGRESQL = create_engine("postgresql+psycopg://").dialect  # to compile with; connects nowhere


def writes(ctx: Context, *tables: str) -> list[str]:
    """The writes' statements as `statements` shows them: on PostgreSQL one statement, the
    upserts riding with the evidence's INSERT as CTEs; on SQLite one INSERT a table."""
    if ctx.db.dialect == "postgresql":
        return ["WITH"]
    return ["INSERT"] * len(tables)


def is_lock(sql: str) -> bool:
    """PostgreSQL's lock of the learner's row in a locked unit, a statement of its own there
    (SQLite's is BEGIN IMMEDIATE): the targets count SQLite's statements."""
    return sql.startswith("UPDATE users SET writes=")


def statements(ctx: Context) -> Any:
    """The statements run inside the block, without transaction control and the row lock."""
    return _listening(ctx, lambda sql: not sql.upper().startswith(CONTROL) and not is_lock(sql))


def all_statements(ctx: Context) -> Any:
    """Every statement the block runs, transaction control included."""
    return _listening(ctx, lambda sql: True)


@contextmanager
def _listening(ctx: Context, keep: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        sql = " ".join(str(args[2]).split())
        if keep(sql):
            seen.append(sql)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)


@pytest.fixture
def user(ctx: Context) -> int:
    packs.install(ctx, [STUDY_PACK])
    return accounts.register(ctx, email="ada@example.com", password="correct horse b").id


def answer_next(ctx: Context, user: int, n: int) -> tuple[str, list[str]]:
    """Answer the next practice item with submission id `sn`: its id and the statements."""
    shown = practice.next_practice(ctx, user_id=user, skill_id=SKILL).item
    assert shown is not None
    response: Any = shown.options[0]["id"] if shown.options else "an answer"
    if shown.type == "true_false":
        response = True
    elif shown.type in ("numeric",):
        response = 1
    elif shown.type in ("multiple_choice", "ordering"):
        response = [o["id"] for o in shown.options]
    with statements(ctx) as seen:
        practice.answer(
            ctx,
            user_id=user,
            item_id=shown.id,
            response=response,
            seconds=20.0,
            submission_id=f"s{n}",
        )
    return shown.id, seen


def test_a_practice_answer_takes_at_most_six_statements(ctx: Context, user: int) -> None:
    _, first = answer_next(ctx, user, 0)  # creates the learner's state rows
    assert sum(s.count("INSERT INTO evidence") for s in first) == 1
    for n in range(1, 8):
        _, seen = answer_next(ctx, user, n)
        assert len(seen) <= ANSWER_BUDGET, seen
        # no check or task evidence in the skill yet: the learner's read is the only read
        expected = ["SELECT", *writes(ctx, "evidence", "learner", "skill states")]
        assert [s.split()[0] for s in seen] == expected
        assert not any("study_time" in s for s in seen)  # the time is the evidence's


def test_a_repeated_submission_reads_and_writes_nothing(ctx: Context, user: int) -> None:
    item_id, _ = answer_next(ctx, user, 0)
    with statements(ctx) as seen:
        again = practice.answer(
            ctx, user_id=user, item_id=item_id, response=None, submission_id="s0"
        )
    assert again.item_id == item_id
    assert len(seen) == 2 and all(s.startswith("SELECT") for s in seen), seen


def test_a_card_review_takes_at_most_three_statements(ctx: Context, user: int) -> None:
    queue = cards.queue(ctx, user_id=user, skill_id=SKILL)
    assert len(queue.cards) >= 3
    cards.rate(ctx, user_id=user, card_id=queue.cards[0].id, rating=3)  # fills the card cache
    for card in queue.cards[1:3]:  # new cards: introduced by their first rating
        with statements(ctx) as seen:
            cards.rate(ctx, user_id=user, card_id=card.id, rating=3, seconds=5.0)
        assert len(seen) <= REVIEW_BUDGET, seen
    later = dataclasses.replace(ctx, clock=Clock(timedelta(days=30)))
    due = cards.queue(later, user_id=user, skill_id=SKILL).cards
    assert due and not due[0].new
    with statements(later) as seen:  # a due card: its state and its evidence change
        cards.rate(later, user_id=user, card_id=due[0].id, rating=4, seconds=5.0)
    assert [s.split()[0] for s in seen] == ["SELECT", *writes(later, "evidence", "card")], seen
    assert sum(s.count("INSERT INTO evidence") for s in seen) == 1


def test_after_start_up_the_first_review_reads_no_content(ctx: Context, user: int) -> None:
    packs.warm(ctx)  # as a worker does when it starts
    card = cards.queue(ctx, user_id=user, skill_id=SKILL).cards[0]
    with statements(ctx) as seen:
        cards.rate(ctx, user_id=user, card_id=card.id, rating=3, seconds=5.0)
    assert len(seen) <= REVIEW_BUDGET, seen
    assert not any("FROM cards" in s for s in seen), seen


def test_time_on_answers_and_reviews_still_counts(ctx: Context, user: int) -> None:
    answer_next(ctx, user, 0)
    answer_next(ctx, user, 1)
    card = cards.queue(ctx, user_id=user, skill_id=SKILL).cards[0]
    cards.rate(ctx, user_id=user, card_id=card.id, rating=3, seconds=5.0)
    skills.record_time(ctx, user_id=user, skill_id=SKILL, seconds=60.0)
    assert skills.time_by_kind(ctx, user_id=user) == {"item": 40.0, "card": 5.0, "lesson": 60.0}


def test_the_lock_comes_before_the_read(ctx: Context, user: int) -> None:
    """SQLite begins IMMEDIATE, then reads. PostgreSQL reads without a lock or a transaction,
    and its one write checks first that no write of the learner came since the read."""
    answer_next(ctx, user, 0)
    shown = practice.next_practice(ctx, user_id=user, skill_id=SKILL).item
    assert shown is not None
    with all_statements(ctx) as seen:
        practice.answer(ctx, user_id=user, item_id=shown.id, response="a", submission_id="lock")
    if ctx.db.dialect == "postgresql":
        assert [s.split()[0] for s in seen] == ["SELECT", "WITH"], seen
        assert seen[0].startswith("SELECT users.id, learner_states")
        guard = "WITH guard AS (UPDATE users SET writes=(users.writes + "
        assert seen[1].startswith(guard) and "AND users.writes = " in seen[1]
    else:
        assert seen[0] == "BEGIN IMMEDIATE" and seen[1].startswith("SELECT users.id")


@contextmanager
def overtaken(ctx: Context, user: int) -> Iterator[list[str]]:
    """Inside the block, another write of the learner (a locked unit of work that does nothing
    else) commits right after the first read of `user`'s state, as a second request would."""
    if ctx.db.dialect != "postgresql":
        pytest.skip("on SQLite the unit holds the file's write lock from before its read")
    seen: list[str] = []
    done: list[bool] = []

    def after(*args: Any) -> None:
        sql = " ".join(str(args[2]).split())
        seen.append(sql)
        reads = ("SELECT users.id, learner_states", "SELECT users.desired_retention")
        if not done and sql.startswith(reads):
            done.append(True)
            with ctx.db.begin() as tx:
                account_store.lock_learner(tx, user)

    event.listen(ctx.db.engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "after_cursor_execute", after)
    assert done


def learner_writes(ctx: Context, user: int) -> int:
    with ctx.db.begin() as tx:
        found = tx.session.get(User, user)
        assert found is not None
        return found.writes


def test_an_answer_overtaken_after_its_read_is_written_once_from_a_fresh_read(
    ctx: Context, user: int
) -> None:
    answer_next(ctx, user, 0)
    shown = practice.next_practice(ctx, user_id=user, skill_id=SKILL).item
    assert shown is not None
    before = learner_writes(ctx, user)
    with overtaken(ctx, user) as seen:
        feedback = practice.answer(
            ctx, user_id=user, item_id=shown.id, response="a", submission_id="raced"
        )
    with ctx.db.begin() as tx:
        rows = tx.session.query(Evidence).filter_by(user_id=user, submission_id="raced").all()
        state = tx.session.get(SkillState, (user, SKILL))
    assert [row.id for row in rows] == [feedback.evidence_id]
    assert state is not None and state.graded_attempts == 2
    # the guarded write found it overtaken and wrote nothing; the locked unit wrote it
    guarded = [s for s in seen if s.startswith("WITH guard AS")]
    locked = [s for s in seen if is_lock(s) or s.startswith("WITH write_0 AS")]
    assert len(guarded) == 1 and len(locked) == 3, seen  # the other's lock, ours, our write
    assert learner_writes(ctx, user) == before + 2  # the other writer's, then this lock's


def test_a_review_overtaken_after_its_read_is_written_once(ctx: Context, user: int) -> None:
    card = cards.queue(ctx, user_id=user, skill_id=SKILL).cards[0]
    with overtaken(ctx, user) as seen:
        cards.rate(ctx, user_id=user, card_id=card.id, rating=3, submission_id="raced")
    with ctx.db.begin() as tx:
        rows = tx.session.query(Evidence).filter_by(user_id=user, submission_id="raced").all()
        mine = tx.session.get(LearnerCard, (user, card.id))
    assert len(rows) == 1 and mine is not None and mine.reviews == 1
    assert sum(s.startswith("WITH guard AS") for s in seen) == 1, seen
    assert sum(s.startswith("WITH write_0 AS") for s in seen) == 1, seen


def test_the_reviews_held_skills_agree_with_the_mastery_rule(ctx: Context, user: int) -> None:
    """The review's read decides in SQL which skills hold (a new card's skill must have its
    prerequisites held); it must say what `domain.mastery.holds` says, for every combination."""
    answer_next(ctx, user, 0)  # the learner's state row for SKILL exists
    when = ctx.clock.now()
    combos = itertools.product((None, when), (None, when), (False, True), (None, when))
    for mastered_at, placed_at, placement_failed, reopened_at in combos:
        with ctx.db.begin() as tx:
            state = tx.session.get(SkillState, (user, SKILL))
            assert state is not None
            state.mastered_at, state.placed_at = mastered_at, placed_at
            state.placement_failed, state.reopened_at = placement_failed, reopened_at
        with ctx.db.begin() as tx:
            found = answer_store.reviewer(
                tx, user_id=user, card_id="none", submission_id=None, since=when
            )
        assert found is not None
        expected = mastery.holds(mastered_at, placed_at, placement_failed, reopened_at)
        assert (SKILL in found.holding) is expected, (mastered_at, placed_at, placement_failed)


def test_the_answers_open_items_agree_with_the_practice_rule(ctx: Context, user: int) -> None:
    """The answer's read lists in SQL the items of unfinished checks and diagnostics, which
    practice refuses; it must refuse exactly what `services.items.require_open` refuses."""
    when = ctx.clock.now()
    with ctx.db.begin() as tx:
        for drawn, finished in (([f"{SKILL}:a", f"{SKILL}:b"], None), ([f"{SKILL}:c"], when)):
            tx.session.add(
                Assessment(
                    user_id=user,
                    skill_id=SKILL,
                    kind="mastery_check",
                    items=drawn,
                    started_at=when,
                    finished_at=finished,
                )
            )
    for item_id in (f"{SKILL}:a", f"{SKILL}:b", f"{SKILL}:c", f"{SKILL}:d"):
        with ctx.db.begin() as tx:
            found = answer_store.learner_for_answer(
                tx, user_id=user, item_id=item_id, skill_id=SKILL, submission_id=None
            )
            assert found is not None
            try:
                items.require_open(tx, user, item_id)
                refused = False
            except Conflict:
                refused = True
        assert (item_id in found.open_items) is refused, item_id
        assert found.open_items == {f"{SKILL}:a", f"{SKILL}:b"}


def test_the_evidence_read_is_skipped_only_when_it_would_find_nothing(
    ctx: Context, user: int
) -> None:
    """The learner's read says which skills have check or task evidence and whether the
    submission id is recorded; the answer skips the evidence read on that word alone, so the
    two must agree: skipped exactly when the read would have found nothing."""
    item_id, _ = answer_next(ctx, user, 0)  # practice evidence only, submission id "s0"
    when = ctx.clock.now()

    def found(skill_ids: list[str], submission_id: str | None) -> tuple[bool, bool]:
        with ctx.db.begin() as tx:
            learner = answer_store.learner_for_answer(
                tx, user_id=user, item_id=item_id, skill_id=SKILL, submission_id=submission_id
            )
            assert learner is not None
            forced = dataclasses.replace(learner, repeated=True)  # always reads
            earlier, assessed = answer_store.evidence_for_answer(
                tx, forced, user_id=user, skill_ids=skill_ids, submission_id=submission_id
            )
            return learner.needs_evidence(skill_ids), earlier is not None or bool(assessed)

    cases = [([SKILL], None), ([SKILL], "s0"), ([SKILL], "new"), (["other-skill"], None)]
    assert [found(*case) for case in cases] == [
        (False, False),
        (True, True),
        (False, False),
        (False, False),
    ]
    with ctx.db.begin() as tx:  # a rubric-graded task of the skill: evidence the criteria need
        tx.session.add(
            Evidence(
                user_id=user,
                skill_id=SKILL,
                source_kind="task",
                source_id=SKILL,
                pack_version="1",
                mode="task",
                score=0.9,
                grader="rubric",
                answered_at=when,
                recorded_at=when,
            )
        )
    assert [found(*case) for case in cases] == [
        (True, True),
        (True, True),
        (True, True),
        (False, False),
    ]


def _build(n: int, start: threading.Barrier) -> str:
    start.wait()
    fields = ("user_id", "skill_id", "score")
    if n % 2:
        statement = answer_store._answer_statement(fields, 2, True)
    else:
        statement = answer_store._review_statement(fields, True)
    return str(statement.compile(dialect=POSTGRESQL))


def test_guarded_statements_built_by_racing_threads_compile() -> None:
    """Request threads build the hot statements lazily, whichever comes first; every part of
    a guarded write must refer to the one guard (two of one name do not compile: seen as a
    500 under load when the guard itself was built lazily)."""
    cached = [f for f in vars(answer_store).values() if hasattr(f, "cache_clear")]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(30):
            for builder in cached:
                builder.cache_clear()
            start = threading.Barrier(4)
            with ThreadPoolExecutor(4) as pool:
                built = list(pool.map(_build, range(4), [start] * 4))
            assert all(sql.startswith("WITH guard AS") for sql in built)
    finally:
        sys.setswitchinterval(switching)
        for builder in cached:
            builder.cache_clear()
