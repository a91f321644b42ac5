"""Reports and voids: the ledger keeps every record, the counters are replayed without the
voided ones, and a mastery that no longer holds reopens while what it unlocked stays open."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from masterpath.errors import Forbidden, InvalidInput, NotFound
from masterpath.services import Context, accounts, evidence, item_reports, mastery, mastery_state
from masterpath.store import mastery as mastery_store
from tests.services.test_mastery_walk import answer, later, master_python

PASSWORD = "correct horse battery"
MUTABLE = "python-basics:mutable"


def _user(ctx: Context, name: str, role: str = "learner") -> int:
    return accounts.register(ctx, email=f"{name}@example.com", password=PASSWORD, role=role).id


def _counters(ctx: Context, user: int) -> tuple[object, ...]:
    with ctx.db.begin() as tx:
        learner = mastery_store.learner_state_seen(tx, user)
        assert learner is not None
        states = mastery_store.skill_states(tx, user)
        return (
            learner.counters,
            learner.skill_ids,
            {s: (st.counters, st.graded_attempts) for s, st in states.items()},
        )


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _count(ctx: Context, table: str) -> int:
    with ctx.db.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_void_replays_counters_as_if_the_answers_were_never_given(ctx: Context) -> None:
    both, only = _user(ctx, "both"), _user(ctx, "only")
    for item, score in [("len-list", 1.0), ("mutable", 0.0), ("def-keyword", 1.0)]:
        answer(ctx, both, "python-basics", item, score)
        if item != "mutable":
            answer(ctx, only, "python-basics", item, score)
    answer(ctx, both, "sql-basics", "where-filter", 1.0)
    answer(ctx, only, "sql-basics", "where-filter", 1.0)
    before = _count(ctx, "evidence")
    done = item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason="the key was b")
    assert (done.voided, done.learners, done.reopened) == (1, 1, [])
    assert _count(ctx, "evidence") == before  # nothing deleted
    assert _rounded(_counters(ctx, both)) == _rounded(_counters(ctx, only))
    again = item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason="twice")
    assert again.voided == 0


def test_void_reopens_a_mastery_that_no_longer_holds_and_keeps_its_unlocks(
    ctx: Context,
) -> None:
    user = _user(ctx, "ada")
    with ctx.db.begin() as tx:
        mastery_state.place_in(tx, user_id=user, skill_ids=["sql-basics"], now=ctx.clock.now())
    later = master_python(ctx, user)
    assert mastery.explain(later, user_id=user, skill_id="python-basics").status == "mastered"
    assert mastery.explain(later, user_id=user, skill_id="data-cleaning").status == "available"
    done = item_reports.void(later, admin_id=None, item_id=MUTABLE, reason="wrong key")
    assert done.reopened == [(user, "python-basics")]
    explained = mastery.explain(later, user_id=user, skill_id="python-basics")
    assert explained.status == "in_progress"
    assert not explained.checklist[1]["met"]  # the check now has 3 correct items, not 4
    assert mastery.explain(later, user_id=user, skill_id="data-cleaning").status == "available"
    (note,) = item_reports.notes(later, user_id=user, skill_id="python-basics")
    assert note["reason"] == "wrong key" and note["item_id"] == MUTABLE


def test_reports_refuse_bad_input_and_write_nothing(ctx: Context) -> None:
    user, other = _user(ctx, "ada"), _user(ctx, "bob")
    answer(ctx, user, "python-basics", "mutable", 0.0)
    with pytest.raises(NotFound, match="no item"):
        item_reports.report(ctx, user_id=user, item_id="python-basics:nope", kind="key", note="")
    with pytest.raises(NotFound, match="not answered"):
        item_reports.report(ctx, user_id=other, item_id=MUTABLE, kind="key", note="")
    with pytest.raises(InvalidInput, match="one of key"):
        item_reports.report(ctx, user_id=user, item_id=MUTABLE, kind="vibes", note="")
    with pytest.raises(InvalidInput, match="at most 2000"):
        item_reports.report(ctx, user_id=user, item_id=MUTABLE, kind="key", note="x" * 2001)
    with pytest.raises(InvalidInput, match="say what is wrong"):
        item_reports.report(ctx, user_id=user, item_id=MUTABLE, kind="other", note="  ")
    assert _count(ctx, "item_reports") == 0
    item_reports.report(ctx, user_id=user, item_id=MUTABLE, kind="key", note="b is right")
    with pytest.raises(Forbidden):
        item_reports.open_reports(ctx, admin_id=user)
    with pytest.raises(Forbidden):
        item_reports.void(ctx, admin_id=user, item_id=MUTABLE, reason="mine")
    with pytest.raises(InvalidInput, match="give a reason"):
        item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason=" ")
    assert _count(ctx, "evidence_voids") == 0


def test_an_admin_sees_open_reports_by_item_and_resolves_them(ctx: Context) -> None:
    admin = _user(ctx, "root", role="admin")
    users = [_user(ctx, name) for name in ("ada", "bob")]
    for user in users:
        answer(ctx, user, "python-basics", "mutable", 0.0)
        item_reports.report(ctx, user_id=user, item_id=MUTABLE, kind="key", note=f"n{user}")
    (shown,) = item_reports.open_reports(ctx, admin_id=admin)
    assert (shown.item_id, shown.count, shown.kinds) == (MUTABLE, 2, {"key": 2})
    assert item_reports.resolve(ctx, admin_id=admin, item_id=MUTABLE) == 2
    assert item_reports.open_reports(ctx, admin_id=admin) == []


def test_voided_evidence_rows_cannot_be_changed(ctx: Context) -> None:
    user = _user(ctx, "ada")
    record, _ = evidence.record(
        ctx,
        user_id=user,
        skill_id="python-basics",
        source_kind="item",
        source_id=MUTABLE,
        mode="practice",
        score=0.0,
        grader="auto",
    )
    item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason="wrong key")
    with pytest.raises(Exception, match="append-only"), ctx.db.engine.begin() as connection:
        connection.execute(text("DELETE FROM evidence_voids"))
    assert _count(ctx, "evidence_voids") == 1 and record.id > 0


def test_void_before_a_time_leaves_later_answers_counted(ctx: Context) -> None:
    user = _user(ctx, "ada")
    answer(ctx, user, "python-basics", "mutable", 0.0)
    cut = ctx.clock.now()
    answer(later(ctx, hours=1), user, "python-basics", "mutable", 1.0)
    done = item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason="old key", before=cut)
    assert done.voided == 1
    with ctx.db.begin() as tx:
        (state,) = mastery_store.skill_states(tx, user).values()
        assert state.graded_attempts == 1


def test_two_voids_at_once_void_each_answer_once(ctx: Context) -> None:
    users = [_user(ctx, f"u{n}") for n in range(4)]
    for user in users:
        answer(ctx, user, "python-basics", "mutable", 0.0)
    with ThreadPoolExecutor(2) as pool:
        done = list(
            pool.map(
                lambda n: item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason=f"r{n}"),
                range(2),
            )
        )
    assert sorted(d.voided for d in done) == [0, 4]
    assert _count(ctx, "evidence_voids") == 4


def test_fitting_reads_skip_voided_answers(ctx: Context) -> None:
    user = _user(ctx, "ada")
    answer(ctx, user, "python-basics", "mutable", 0.0)
    answer(ctx, user, "python-basics", "len-list", 1.0)
    item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason="wrong key")
    with ctx.db.begin() as tx:
        assert mastery_store.count_graded_answers(tx) == 1
        rows = mastery_store.graded_answers_of(tx, first_user=user, last_user=user)
        assert [r.source_id for r in rows] == ["python-basics:len-list"]


def test_a_retention_pass_that_needed_the_voided_answer_is_withdrawn(ctx: Context) -> None:
    scores = {"needed": (1.0, 0.0, 1.0), "spare": (1.0, 1.0, 1.0)}
    users = {name: _user(ctx, name) for name in scores}
    for check, (name, (first, second, third)) in enumerate(scores.items()):
        for item, score in (("return-none", first), ("len-list", second), ("mutable", third)):
            extra = {"mode": "retention_check", "check_id": 7 + check}
            answer(ctx, users[name], "python-basics", item, score, **extra)
    with ctx.db.begin() as tx:  # the engine passed both checks (2 and 3 of 3)
        for user in users.values():
            assert mastery_store.skill_states(tx, user)["python-basics"].retention_checks_passed
    item_reports.void(ctx, admin_id=None, item_id=MUTABLE, reason="wrong key")
    with ctx.db.begin() as tx:
        needed = mastery_store.skill_states(tx, users["needed"])["python-basics"]
        spare = mastery_store.skill_states(tx, users["spare"])["python-basics"]
        assert (needed.retention_checks_passed, needed.retention_passed_at) == (0, None)
        assert spare.retention_checks_passed == 1 and spare.retention_passed_at is not None
