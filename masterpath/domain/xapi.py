"""xAPI statements from evidence records. Pure: the caller passes the facts, the install's home
page and its statement-id namespace; the same record always gives the same statement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from masterpath.domain.verdict import FULL

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi"
VERBS = {  # the ADL vocabulary (http://adlnet.gov/expapi/verbs/...)
    "answered": f"{ADL}/verbs/answered",
    "completed": f"{ADL}/verbs/completed",
    "mastered": f"{ADL}/verbs/mastered",
    "passed": f"{ADL}/verbs/passed",
    "failed": f"{ADL}/verbs/failed",
    "voided": f"{ADL}/verbs/voided",
}
ACTIVITY_TYPES = {
    "item": f"{ADL}/activities/cmi.interaction",
    "card": f"{ADL}/activities/cmi.interaction",
    "task": f"{ADL}/activities/performance",
    "skill": f"{ADL}/activities/objective",
    "career": f"{ADL}/activities/course",
    "check": f"{ADL}/activities/assessment",
}


@dataclass(frozen=True)
class Facts:
    """What one evidence record says, with the content it points at."""

    evidence_id: int
    user_id: int
    skill_id: str
    skill_title: str
    source_kind: str  # item, card or task
    source_id: str
    mode: str
    score: float
    grader: str
    hints_used: int
    seconds: float | None
    answered_at: datetime
    pack_version: str
    check_id: int | None = None
    career_slugs: tuple[str, ...] = ()
    pass_mark: float | None = None  # a task's rubric pass mark
    mastered: bool = False  # this record completed the skill's mastery criteria


def statement_id(namespace: uuid.UUID, evidence_id: int, part: str = "") -> str:
    """A UUID fixed by the install's namespace and the evidence id: re-sending is idempotent."""
    return str(uuid.uuid5(namespace, f"evidence:{evidence_id}{':' + part if part else ''}"))


def duration(seconds: float) -> str:
    """ISO 8601 duration, as xAPI wants it: `PT12.5S`, `PT1M30S`."""
    hundredths = round(seconds * 100)
    minutes, rest = divmod(hundredths, 6000)
    hours, minutes = divmod(minutes, 60)
    text = f"{rest // 100}.{rest % 100:02d}".rstrip("0").rstrip(".")
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{text}S"


def verb_of(facts: Facts) -> str:
    if facts.source_kind == "task":
        if facts.grader == "self" or facts.pass_mark is None:
            return "completed"
        return "passed" if facts.score >= facts.pass_mark else "failed"
    return "answered"


def success_of(facts: Facts) -> bool | None:
    """Graded outcomes only: a self-report (flashcard rating, self-assessed task) has none."""
    if facts.grader == "self":
        return None
    if facts.source_kind == "task":
        return None if facts.pass_mark is None else facts.score >= facts.pass_mark
    return facts.score >= FULL


def statements(facts: Facts, *, home_page: str, namespace: uuid.UUID) -> list[dict[str, Any]]:
    """The record's statement, and a `mastered` statement when it completed the skill."""
    found = [_statement(facts, home_page=home_page, namespace=namespace)]
    if facts.mastered:
        found.append(_mastered(facts, home_page=home_page, namespace=namespace))
    return found


def _statement(facts: Facts, *, home_page: str, namespace: uuid.UUID) -> dict[str, Any]:
    verb = verb_of(facts)
    result: dict[str, Any] = {
        "score": {"scaled": round(facts.score, 4), "raw": round(facts.score, 4), "min": 0, "max": 1}
    }
    success = success_of(facts)
    if success is not None:
        result["success"] = success
    if facts.seconds is not None:
        result["duration"] = duration(facts.seconds)
    return {
        "id": statement_id(namespace, facts.evidence_id),
        "actor": actor(facts.user_id, home_page),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": _activity(home_page, facts.source_kind, facts.source_id),
        "result": result,
        "context": _context(facts, home_page),
        "timestamp": timestamp(facts.answered_at),
        "version": VERSION,
    }


def _mastered(facts: Facts, *, home_page: str, namespace: uuid.UUID) -> dict[str, Any]:
    context = _context(facts, home_page)
    context["contextActivities"].pop("parent")
    return {
        "id": statement_id(namespace, facts.evidence_id, "mastered"),
        "actor": actor(facts.user_id, home_page),
        "verb": {"id": VERBS["mastered"], "display": {"en-US": "mastered"}},
        "object": _activity(home_page, "skill", facts.skill_id, facts.skill_title),
        "result": {"success": True, "completion": True},
        "context": context,
        "timestamp": timestamp(facts.answered_at),
        "version": VERSION,
    }


def voiding(target: str, *, home_page: str, namespace: uuid.UUID, at: datetime) -> dict[str, Any]:
    """The statement that voids statement `target` (xAPI 1.0.3 §2.3.2): made by the install,
    with an id fixed by the target, so sending it again is idempotent."""
    return {
        "id": str(uuid.uuid5(namespace, f"voided:{target}")),
        "actor": {"objectType": "Agent", "account": {"homePage": home_page, "name": "masterpath"}},
        "verb": {"id": VERBS["voided"], "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target},
        "timestamp": timestamp(at),
        "version": VERSION,
    }


def actor(user_id: int, home_page: str) -> dict[str, Any]:
    """An account on this install, named by the user's id: never the email address."""
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": str(user_id)}}


def activity_id(home_page: str, kind: str, key: str) -> str:
    return f"{home_page.rstrip('/')}/xapi/activities/{kind}/{key}"


def _activity(home_page: str, kind: str, key: str, title: str = "") -> dict[str, Any]:
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind]}
    if title:
        definition["name"] = {"en-US": title}
    return {
        "objectType": "Activity",
        "id": activity_id(home_page, kind, key),
        "definition": definition,
    }


def extension(home_page: str, name: str) -> str:
    return f"{home_page.rstrip('/')}/xapi/extensions/{name}"


def _context(facts: Facts, home_page: str) -> dict[str, Any]:
    parent = [_activity(home_page, "skill", facts.skill_id, facts.skill_title)]
    if facts.check_id is not None:
        parent.append(_activity(home_page, "check", str(facts.check_id)))
    grouping = [_activity(home_page, "career", slug) for slug in facts.career_slugs]
    activities: dict[str, Any] = {"parent": parent}
    if grouping:
        activities["grouping"] = grouping
    values: dict[str, Any] = {
        "skill": facts.skill_id,
        "mode": facts.mode,
        "grader": facts.grader,
        "hints-used": facts.hints_used,
        "pack-version": facts.pack_version,
        "careers": list(facts.career_slugs),
    }
    if facts.check_id is not None:
        values["check"] = facts.check_id
    return {
        "contextActivities": activities,
        "extensions": {extension(home_page, key): value for key, value in values.items()},
        "platform": "MasterPath",
    }


def timestamp(moment: datetime) -> str:
    """UTC, millisecond precision, `Z`: the form an LRS stores and gives back."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
