"""`masterpath bench web` with tiny bounds: real servers, every route answered, the JSON shape.

One run serves both tests: SQLite and the hello-world always; PostgreSQL when a server answers
(the one `MASTERPATH_TEST_DATABASE_URL` names, else 127.0.0.1:5432), where the bench creates and
drops databases of its own and never touches the suite's.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from click.testing import CliRunner

from masterpath.benchmarks import web, webdata
from masterpath.cli import main

SUITE = os.environ.get("MASTERPATH_TEST_DATABASE_URL", "")
POSTGRES = webdata.with_database(SUITE, "postgres") if SUITE else web.Bounds().postgres
# It reaches the server itself, whichever pass runs it; a whole run that starts four servers
# (30 s): `make test-slow` (the servers' sharing of sessions and content across workers is
# tested fast in tests/web/test_workers.py).
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    why = webdata.reachable(POSTGRES)
    command = [
        "bench",
        "web",
        "--learners",
        "2",
        "--seconds",
        "0.5",
        "--rate",
        "10",
        "--rate-seconds",
        "1",
        "--workers",
        "1",
        "--embedding-model",
        "off",
        "--postgres",
        "" if why else POSTGRES,
        "--json",
    ]
    ran = CliRunner().invoke(main, command)
    assert ran.exit_code == 0, ran.output
    found: dict[str, Any] = json.loads(ran.stdout.strip().splitlines()[-1])
    found["why"] = why
    return found


def _every_route_answered(config: dict[str, Any]) -> None:
    assert set(config["saturation"]) == set(web.LOADS)
    for load, phase in config["saturation"].items():
        assert phase["errors"] == 0, phase
        wanted = set(web.ROUTES) if load == "mixed" else {load}
        assert wanted <= set(phase["routes"]), (load, phase["routes"])
        for row in phase["routes"].values():
            assert row["count"] > 0 and 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"]
        assert phase["cpu_s"]["client"] >= 0 and phase["cpu_s"]["server"] > 0
    fixed = config["fixed_rate"]
    assert fixed["shape"] == "open" and fixed["errors"] == 0
    assert fixed["routes"]["answer"]["count"] > 0 and fixed["routes"]["next_item"]["count"] > 0
    assert set(config["ratio_to_hello"]) == set(web.LOADS)
    assert all(0 < ratio < 1 for ratio in config["ratio_to_hello"].values())


def test_sqlite_and_the_hello_world_answer_every_route(result: dict[str, Any]) -> None:
    hello = result["hello"]["hello-1"]["saturation"]
    assert hello["errors"] == 0 and hello["routes"]["hello"]["count"] > 0
    _every_route_answered(result["configs"]["sqlite-1"])
    summary = result["summary"]["sqlite-1"]
    assert summary["errors"] == 0 and summary["saturation_submissions_per_s"] > 0
    assert result["machine"]["cores"] and result["machine"]["load_average_before"]


def test_postgresql_answers_every_route(result: dict[str, Any]) -> None:
    if result["why"]:
        pytest.skip(f"PostgreSQL part of bench web not run: {result['why']}")
    _every_route_answered(result["configs"]["postgresql-1"])
    assert result["summary"]["postgresql-1"]["errors"] == 0
