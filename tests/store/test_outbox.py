"""The outbox tables of migration 0016 and the lease that lets one drainer run at a time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, text

from masterpath.services import Context, accounts, evidence
from masterpath.store import outbox


def test_the_migration_makes_the_outboxes_and_the_digest_opt_in(ctx: Context) -> None:
    found = inspect(ctx.db.engine)
    tables = set(found.get_table_names())
    assert {"xapi_outbox", "mail_outbox", "outbox_leases", "install_keys"} <= tables
    columns = {c["name"] for c in found.get_columns("users")}
    assert {"weekly_digest", "digest_sent_at"} <= columns


def test_one_drainer_holds_the_lease_at_a_time(ctx: Context) -> None:
    now = ctx.clock.now()
    with outbox.lease(ctx.db, name="xapi", holder="a", now=now) as first:
        assert first is not None
        with outbox.lease(ctx.db, name="xapi", holder="b", now=now) as second:
            assert second is None
        with outbox.lease(ctx.db, name="mail", holder="b", now=now) as other:
            assert other is not None  # each outbox has its own drainer
    with outbox.lease(ctx.db, name="xapi", holder="b", now=now) as after:
        assert after is not None


def test_a_lease_left_by_a_dead_drainer_expires(ctx: Context) -> None:
    if ctx.db.dialect != "sqlite":
        return  # PostgreSQL's row lock goes with the dead process's connection
    now = ctx.clock.now()
    with outbox.lease(ctx.db, name="xapi", holder="a", now=now):
        pass
    with ctx.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE outbox_leases SET holder = 'dead', expires_at = :t WHERE name = 'xapi'"),
            {"t": (now + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S.%f")},
        )
    with outbox.lease(ctx.db, name="xapi", holder="b", now=now) as held:
        assert held is None
    later = now + timedelta(minutes=2)
    with outbox.lease(ctx.db, name="xapi", holder="b", now=later) as taken:
        assert taken is not None and taken.renew(later)


def test_evidence_is_queued_once(ctx: Context) -> None:
    learner = accounts.register(ctx, email="ada@example.com", password="correct horse battery")
    for score in (1.0, 0.0):
        evidence.record(
            ctx,
            user_id=learner.id,
            skill_id="python-basics",
            source_kind="item",
            source_id="python-basics:mutable",
            mode="practice",
            score=score,
            grader="auto",
        )
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        assert outbox.enqueue_evidence(tx, now=now) == 2
    with ctx.db.begin() as tx:
        assert outbox.enqueue_evidence(tx, now=now) == 0
        assert len(outbox.due_statements(tx, now=now, limit=10)) == 2


def test_the_install_namespace_is_made_once(ctx: Context) -> None:
    with ctx.db.begin() as tx:
        first = outbox.install_uuid(tx, "xapi_namespace")
    with ctx.db.begin() as tx:
        assert outbox.install_uuid(tx, "xapi_namespace") == first
