"""`bench scale` on the machine's PostgreSQL, in its tiny mode (skipped, saying why, when no
PostgreSQL server answers). Scratch databases get this process's id in their names."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from masterpath.benchmarks import population
from masterpath.cli import main
from masterpath.clock import Clock
from masterpath.services import Context, evidence, packs
from masterpath.settings import Settings
from masterpath.store import accounts as account_store
from masterpath.store import mastery as mastery_store
from masterpath.store import migrate, scratch

SERVER = scratch.url_of(
    os.environ.get("MASTERPATH_TEST_DATABASE_URL") or "postgresql+psycopg://127.0.0.1:5432/test",
    "postgres",
)
PREFIX = f"bench_scale_test_{os.getpid()}"
pytestmark = pytest.mark.postgres  # it reaches the server itself, whichever pass runs it


@pytest.fixture(scope="module")
def server() -> str:
    problem = scratch.reachable(SERVER)
    if problem:
        pytest.skip(f"bench scale needs PostgreSQL: {problem}")
    return SERVER


def databases(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {str(n) for n in connection.execute(text("SELECT datname FROM pg_database"))}
    engine.dispose()
    return found


@pytest.mark.slow  # a whole run on two generated populations (20 s): `make test-slow`; the
# generated counters are checked by the fast test below
def test_tiny_run_reports_every_figure_at_both_sizes(server: str) -> None:
    command = [
        "bench",
        "scale",
        "--learners",
        "60",
        "--small",
        "20",
        "--evidence",
        "30",
        "--history",
        "300",
        "--runs",
        "5",
        "--submissions",
        "10",
        "--server",
        server,
        "--prefix",
        PREFIX,
        "--json",
    ]
    ran = CliRunner().invoke(main, command)
    assert ran.exit_code == 0, ran.output
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert set(result["sizes"]) == {"small", "large"}
    for label, learners in (("small", 20), ("large", 60)):
        size = result["sizes"][label]
        history = size["long_history"]["evidence"]
        assert size["rows"]["evidence"] == learners * 30 + history
        assert size["rows"]["users"] == learners and size["rows"]["learner_states"] == learners
        assert size["size_mb"]["database"] > size["size_mb"]["evidence"] > 0
        counters = size["counters"]
        assert counters["learners_recomputed"] >= 2
        assert counters["learners_identical"] == counters["learners_recomputed"]
        assert counters["mismatched_learners"] == 0
        assert counters["largest_counter_difference"] == 0.0
        assert counters["attempts_match"] and counters["orphan_evidence"] == 0
        for name, count in (("dashboard", 5), ("explanation", 5), ("submit", 10)):
            row = size[name]
            assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]
            assert row["count"] == count
        assert size["kt_fit"]["wall_s"] > 0 and size["kt_fit"]["peak_rss_mb"] > 0
        assert size["kt_fit"]["said"].startswith("fitted on ")
        assert len(size["load_average"]) == result["rounds"] == 4
    assert set(result["ratios"]) == {"dashboard", "explanation", "submit"}
    assert set(result["within_target"]) == {
        "target",
        "dashboard_p95",
        "explanation_p95",
        "submit_p99",
    }
    assert not {f"{PREFIX}_small", f"{PREFIX}_large"} & databases(server)  # dropped


@pytest.fixture
def scratch_ctx(server: str, tmp_path: Path) -> Iterator[Context]:
    name = f"{PREFIX}_population"
    db = scratch.create(server, name)
    url = scratch.url_of(server, name)
    settings = Settings(
        env="development",
        data_dir=tmp_path,
        secret_key="test",
        database_url=url,
        embedding_model="off",
    )
    ctx = Context(settings, db, Clock())
    migrate.upgrade(db)
    packs.install_builtin(ctx)
    yield ctx
    db.dispose()
    scratch.drop(server, name)


def test_generated_counters_are_what_the_engine_computes_from_the_evidence(
    scratch_ctx: Context,
) -> None:
    ctx = scratch_ctx
    written = population.populate(ctx, first_id=1, learners=12, each=25, password_hash="-")
    assert written == {
        "users": 12,
        "evidence": 300,
        "learner_states": 12,
        "skill_states": written["skill_states"],
    }
    for user in (1, 6, 12):
        with ctx.db.begin() as tx:
            answers = mastery_store.graded_answers_of(tx, first_user=user, last_user=user)
            twin = account_store.add_user(
                tx,
                email=f"twin{user}@example.com",
                display_name="t",
                password_hash="-",
                role="learner",
                timezone="UTC",
                now=ctx.clock.now(),
            ).id
        assert len(answers) == 25
        for e in answers:  # each answer as the app records it: its own transaction
            evidence.record(
                ctx,
                user_id=twin,
                skill_id=e.skill_id,
                source_kind="item",
                source_id=e.source_id,
                mode="practice",
                score=e.score,
                grader="auto",
                hints_used=e.hints_used,
            )
        with ctx.db.begin() as tx:
            mine, theirs = (mastery_store.skill_states(tx, u) for u in (user, twin))
            assert set(mine) == set(theirs)
            for skill, state in mine.items():
                assert state.counters == theirs[skill].counters
                assert state.graded_attempts == theirs[skill].graded_attempts
            generated, recorded = (mastery_store.learner_state_seen(tx, u) for u in (user, twin))
            assert generated is not None and recorded is not None
            assert generated.counters == recorded.counters
            assert generated.skill_ids == recorded.skill_ids
            rows = evidence.of_learner(ctx, user_id=user, limit=500)
        for skill, state in mine.items():
            assert state.last_graded_at == max(r.answered_at for r in rows if r.skill_id == skill)
        assert np.all(np.diff([r.id for r in rows]) < 0)  # newest first: ids follow time
        assert [r.answered_at for r in rows] == sorted((r.answered_at for r in rows), reverse=True)
