from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from masterpath.domain import xapi

NS = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")
HOME = "https://learn.example.org"
AT = datetime(2026, 12, 1, 9, 30, 15, 250_000, tzinfo=UTC)


def facts(**changes: object) -> xapi.Facts:
    values: dict[str, object] = {
        "evidence_id": 42,
        "user_id": 7,
        "skill_id": "python-basics",
        "skill_title": "Python basics",
        "source_kind": "item",
        "source_id": "python-basics:mutable",
        "mode": "mastery_check",
        "score": 1.0,
        "grader": "auto",
        "hints_used": 0,
        "seconds": 75.5,
        "answered_at": AT,
        "pack_version": "1.0.0",
        "check_id": 3,
        "career_slugs": ("backend-developer",),
    }
    return xapi.Facts(**{**values, **changes})  # type: ignore[arg-type]


def test_an_answer_in_a_check_becomes_one_statement() -> None:
    (statement,) = xapi.statements(facts(), home_page=HOME, namespace=NS)
    assert statement == {
        "id": "348bbe8d-aa73-5845-b9f1-a9894409c08f",
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": "7"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": f"{HOME}/xapi/activities/item/python-basics:mutable",
            "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction"},
        },
        "result": {
            "score": {"scaled": 1.0, "raw": 1.0, "min": 0, "max": 1},
            "success": True,
            "duration": "PT1M15.5S",
        },
        "context": {
            "contextActivities": {
                "parent": [
                    {
                        "objectType": "Activity",
                        "id": f"{HOME}/xapi/activities/skill/python-basics",
                        "definition": {
                            "type": "http://adlnet.gov/expapi/activities/objective",
                            "name": {"en-US": "Python basics"},
                        },
                    },
                    {
                        "objectType": "Activity",
                        "id": f"{HOME}/xapi/activities/check/3",
                        "definition": {"type": "http://adlnet.gov/expapi/activities/assessment"},
                    },
                ],
                "grouping": [
                    {
                        "objectType": "Activity",
                        "id": f"{HOME}/xapi/activities/career/backend-developer",
                        "definition": {"type": "http://adlnet.gov/expapi/activities/course"},
                    }
                ],
            },
            "extensions": {
                f"{HOME}/xapi/extensions/skill": "python-basics",
                f"{HOME}/xapi/extensions/mode": "mastery_check",
                f"{HOME}/xapi/extensions/grader": "auto",
                f"{HOME}/xapi/extensions/hints-used": 0,
                f"{HOME}/xapi/extensions/pack-version": "1.0.0",
                f"{HOME}/xapi/extensions/careers": ["backend-developer"],
                f"{HOME}/xapi/extensions/check": 3,
            },
            "platform": "MasterPath",
        },
        "timestamp": "2026-12-01T09:30:15.250Z",
        "version": "1.0.3",
    }


def test_statement_ids_depend_on_the_namespace_and_the_evidence_only() -> None:
    first = xapi.statements(facts(), home_page=HOME, namespace=NS)[0]["id"]
    again = xapi.statements(facts(score=0.0, seconds=None), home_page=HOME, namespace=NS)[0]
    assert again["id"] == first == str(uuid.uuid5(NS, "evidence:42"))
    other = uuid.UUID("00000000-0000-4000-8000-000000000001")
    assert xapi.statements(facts(), home_page=HOME, namespace=other)[0]["id"] != first
    assert xapi.statements(facts(evidence_id=43), home_page=HOME, namespace=NS)[0]["id"] != first


def test_a_wrong_answer_fails_and_a_self_report_claims_no_success() -> None:
    (wrong,) = xapi.statements(facts(score=0.5), home_page=HOME, namespace=NS)
    assert wrong["result"]["success"] is False and wrong["result"]["score"]["scaled"] == 0.5
    card = facts(source_kind="card", source_id="python-basics:c1", mode="flashcard", grader="self")
    (rated,) = xapi.statements(card, home_page=HOME, namespace=NS)
    assert "success" not in rated["result"]
    assert rated["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"


@pytest.mark.parametrize(
    ("grader", "score", "verb", "success"),
    [
        ("rubric", 0.8, "passed", True),
        ("instructor", 0.6, "failed", False),
        ("self", 0.9, "completed", None),
    ],
)
def test_tasks_pass_or_fail_against_their_pass_mark(
    grader: str, score: float, verb: str, success: bool | None
) -> None:
    task = facts(source_kind="task", source_id="python-basics", mode="task", check_id=None)
    task = xapi.Facts(**{**task.__dict__, "grader": grader, "score": score, "pass_mark": 0.7})
    (statement,) = xapi.statements(task, home_page=HOME, namespace=NS)
    assert statement["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{verb}"
    assert statement["result"].get("success") is success
    assert statement["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/performance"
    )


def test_the_answer_that_completes_mastery_adds_a_mastered_statement() -> None:
    answered, mastered = xapi.statements(facts(mastered=True), home_page=HOME, namespace=NS)
    assert mastered["id"] == str(uuid.uuid5(NS, "evidence:42:mastered")) != answered["id"]
    assert mastered["verb"]["id"] == "http://adlnet.gov/expapi/verbs/mastered"
    assert mastered["object"]["id"] == f"{HOME}/xapi/activities/skill/python-basics"
    assert "parent" not in mastered["context"]["contextActivities"]


def test_the_actor_is_never_the_email() -> None:
    assert xapi.actor(7, HOME) == {
        "objectType": "Agent",
        "account": {"homePage": HOME, "name": "7"},
    }


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "PT0S"), (12.5, "PT12.5S"), (60, "PT1M0S"), (3723.04, "PT1H2M3.04S"), (0.004, "PT0S")],
)
def test_durations_are_iso_8601(seconds: float, text: str) -> None:
    assert xapi.duration(seconds) == text


def test_timestamps_are_utc_with_milliseconds() -> None:
    paris = timezone(timedelta(hours=1))
    assert xapi.timestamp(datetime(2026, 12, 1, 10, 0, tzinfo=paris)) == "2026-12-01T09:00:00.000Z"
