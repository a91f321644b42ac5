"""The JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from masterpath.services import (
    Context,
    accounts,
    cards,
    catalogue,
    checks,
    diagnostic,
    evidence,
    items,
    mastery,
    practice,
    skills,
    tasks,
    tracks,
)
from masterpath.services.mentor import conversations, prompt, replies
from masterpath.web import errors
from masterpath.web.rendering import inline
from masterpath.web.security import Viewer, require_viewer

log = logging.getLogger(__name__)
STREAM_FAILED = "The mentor stopped because of an error on our side. It has been logged; ask again."

router = APIRouter(prefix="/api/v1", tags=["api"], responses=errors.RESPONSES)
Me = Annotated[Viewer, Depends(require_viewer)]
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _ctx(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


class CareerSummary(BaseModel):
    slug: str
    title: str
    tagline: str
    salary: dict[str, Any]
    demand: str
    time_to_career: dict[str, Any]
    difficulty: str
    url: str


class SessionOut(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    current: bool


class AccountOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    timezone: str


class EvidenceOut(BaseModel):
    id: int
    skill_id: str
    also_skills: list[str]
    source_kind: str
    source_id: str
    pack_version: str
    mode: str
    score: float
    grader: str
    graded: bool
    hints_used: int
    seconds: float | None
    answered_at: datetime
    submission_id: str | None


@router.get("/careers")
def careers(request: Request) -> list[CareerSummary]:
    return [
        CareerSummary(
            slug=c.slug,
            title=c.title,
            tagline=c.tagline,
            salary=c.salary.model_dump(),
            demand=c.demand,
            time_to_career=c.time_to_career.model_dump(),
            difficulty=c.difficulty,
            url=f"/careers/{c.slug}",
        )
        for c in catalogue.careers(_ctx(request))
    ]


@router.get("/careers/{slug}")
def career(request: Request, slug: str) -> dict[str, Any]:
    guide = catalogue.guide(_ctx(request), slug)
    body = guide.career.model_dump(mode="json")
    body["skill_titles"] = guide.skill_titles
    return body


@router.get("/me")
def me(viewer: Me) -> AccountOut:
    a = viewer.account
    return AccountOut(
        id=a.id, email=a.email, display_name=a.display_name, role=a.role, timezone=a.timezone
    )


@router.get("/me/sessions")
def my_sessions(request: Request, viewer: Me) -> list[SessionOut]:
    found = accounts.sessions(_ctx(request), user_id=viewer.id, current=viewer.session_id)
    return [
        SessionOut(
            id=s.id,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            user_agent=s.user_agent,
            current=s.current,
        )
        for s in found
    ]


@router.delete("/me/sessions/{session_id}", status_code=204)
def end_session(request: Request, viewer: Me, session_id: Id) -> None:
    accounts.revoke_session(_ctx(request), user_id=viewer.id, session_id=session_id)


@router.get("/me/evidence")
def my_evidence(  # noqa: PLR0917 - FastAPI query parameters
    request: Request,
    viewer: Me,
    skill: str | None = None,
    mode: str | None = None,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: int = 100,
) -> list[EvidenceOut]:
    """Your own evidence, newest first; page with `before` (the last id you saw)."""
    found = evidence.of_learner(
        _ctx(request), user_id=viewer.id, skill_id=skill, mode=mode, before_id=before, limit=limit
    )
    return [
        EvidenceOut(
            id=r.id,
            skill_id=r.skill_id,
            also_skills=r.also_skills,
            source_kind=r.source_kind,
            source_id=r.source_id,
            pack_version=r.pack_version,
            mode=r.mode,
            score=r.score,
            grader=r.grader,
            graded=r.graded,
            hints_used=r.hints_used,
            seconds=r.seconds,
            answered_at=r.answered_at,
            submission_id=r.submission_id,
        )
        for r in found
    ]


@router.get("/me/skills/{skill_id}/mastery")
def my_mastery(request: Request, viewer: Me, skill_id: str) -> mastery.Explanation:
    """Your checklist for one skill: each criterion's current value and what moves you forward."""
    return mastery.explain(_ctx(request), user_id=viewer.id, skill_id=skill_id)


# The study loop -------------------------------------------------------------------------------


class AnswerIn(BaseModel):
    item_id: str
    response: Any = Field(description="option id, list of option ids, true/false, number or text")
    hints_used: int = Field(0, strict=True)  # true is not a number of hints
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


class CheckIn(BaseModel):
    skill_id: str
    kind: str = Field("mastery_check", description="mastery_check or retention_check")


class CheckAnswerIn(BaseModel):
    item_id: str
    response: Any
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


class RatingIn(BaseModel):
    rating: int = Field(strict=True, description="1 Again, 2 Hard, 3 Good, 4 Easy")
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


class PreferencesIn(BaseModel):
    desired_retention: float
    new_cards_per_day: int = Field(strict=True)


class TaskIn(BaseModel):
    text: str = ""
    link: str = ""
    self_score: float | None = None
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


class TimeIn(BaseModel):
    skill_id: str | None = None
    seconds: float


class MarkIn(BaseModel):
    url: str
    done: bool = True


@router.get("/me/skills/{skill_id}")
def my_skill(request: Request, viewer: Me, skill_id: str) -> skills.Page:
    """The skill page: objectives, lesson, resources, task, and where you stand."""
    return skills.page(_ctx(request), user_id=viewer.id, skill_id=skill_id)


@router.put("/me/skills/{skill_id}/resources")
def mark_resource(request: Request, viewer: Me, skill_id: str, body: MarkIn) -> dict[str, bool]:
    """Your own "done" mark on a resource (a note, never evidence)."""
    skills.mark_resource(
        _ctx(request), user_id=viewer.id, skill_id=skill_id, url=body.url, done=body.done
    )
    return {"done": body.done}


@router.get("/me/skills/{skill_id}/next-item")
def next_item(request: Request, viewer: Me, skill_id: str) -> practice.NextItem:
    """The next practice item, chosen for a desirable difficulty. Carries no answer key."""
    return practice.next_practice(_ctx(request), user_id=viewer.id, skill_id=skill_id)


@router.post("/me/items/{item_id}/hints/{number}")
def item_hint(
    request: Request, viewer: Me, item_id: str, number: Annotated[int, Path(ge=1, le=100)]
) -> dict[str, str]:
    """Hint `number` of a practice item; send `hints_used` with the answer."""
    return {"hint": practice.hint(_ctx(request), user_id=viewer.id, item_id=item_id, number=number)}


@router.post("/me/answers")
def submit_answer(request: Request, viewer: Me, body: AnswerIn) -> items.Feedback:
    """Answer a practice item: graded, recorded as evidence, explained. Idempotent by
    `submission_id`."""
    return practice.answer(
        _ctx(request),
        user_id=viewer.id,
        item_id=body.item_id,
        response=body.response,
        hints_used=body.hints_used,
        seconds=body.seconds,
        submission_id=body.submission_id,
    )


@router.post("/me/checks")
def begin_check(request: Request, viewer: Me, body: CheckIn) -> checks.CheckView:
    """Start a mastery or retention check (or get the one in progress)."""
    return checks.start_check(
        _ctx(request), user_id=viewer.id, skill_id=body.skill_id, kind=body.kind
    )


@router.get("/me/checks/due")
def due_checks(request: Request, viewer: Me) -> list[checks.DueCheck]:
    """Retention checks due now."""
    return checks.due_checks(_ctx(request), user_id=viewer.id)


@router.get("/me/checks/{check_id}")
def get_check(request: Request, viewer: Me, check_id: Id) -> checks.CheckView:
    """A check: its items, what is answered, and the result once finished."""
    return checks.check(_ctx(request), user_id=viewer.id, check_id=check_id)


@router.post("/me/checks/{check_id}/answers")
def answer_check(
    request: Request, viewer: Me, check_id: Id, body: CheckAnswerIn
) -> checks.CheckView:
    """Answer one item of a check; the result comes with the last answer."""
    return checks.check_answer(
        _ctx(request),
        user_id=viewer.id,
        check_id=check_id,
        item_id=body.item_id,
        response=body.response,
        seconds=body.seconds,
        submission_id=body.submission_id,
    )


@router.get("/me/cards/due")
def due_cards(
    request: Request, viewer: Me, skill: str | None = None, limit: int = 100
) -> cards.Queue:
    """Flashcards due now, then new ones within today's limit."""
    return cards.queue(
        _ctx(request), user_id=viewer.id, skill_id=skill, limit=max(1, min(limit, 500))
    )


@router.post("/me/cards/{card_id}/reviews")
def rate_card(request: Request, viewer: Me, card_id: str, body: RatingIn) -> cards.CardView:
    """Rate a card from memory; returns its next due time."""
    return cards.rate(
        _ctx(request),
        user_id=viewer.id,
        card_id=card_id,
        rating=body.rating,
        seconds=body.seconds,
        submission_id=body.submission_id,
    )


@router.get("/me/study-preferences")
def get_preferences(request: Request, viewer: Me) -> cards.Preferences:
    return cards.preferences(_ctx(request), user_id=viewer.id)


@router.put("/me/study-preferences")
def put_preferences(request: Request, viewer: Me, body: PreferencesIn) -> cards.Preferences:
    """Desired retention (0.70–0.99) and new cards a day, with the workload they imply."""
    return cards.set_preferences(
        _ctx(request),
        user_id=viewer.id,
        desired_retention=body.desired_retention,
        new_cards_per_day=body.new_cards_per_day,
    )


@router.post("/me/skills/{skill_id}/task")
def submit_task(request: Request, viewer: Me, skill_id: str, body: TaskIn) -> tasks.Submission:
    """Hand in the applied task: text is scored against the rubric at once; a link waits for an
    instructor."""
    return tasks.submit(
        _ctx(request),
        user_id=viewer.id,
        skill_id=skill_id,
        text=body.text,
        link=body.link,
        self_score=body.self_score,
        seconds=body.seconds,
        submission_id=body.submission_id,
    )


@router.get("/me/skills/{skill_id}/task")
def my_task(request: Request, viewer: Me, skill_id: str) -> list[tasks.Submission]:
    return tasks.submissions(_ctx(request), user_id=viewer.id, skill_id=skill_id)


@router.post("/me/time")
def add_time(request: Request, viewer: Me, body: TimeIn) -> dict[str, float]:
    """Active seconds on a lesson page (the page sends them while it is visible)."""
    total = skills.record_time(
        _ctx(request), user_id=viewer.id, skill_id=body.skill_id, seconds=body.seconds
    )
    return {"seconds": total}


# Tracks ----------------------------------------------------------------------------------------


class IntakeIn(BaseModel):
    goal: str
    background: str = ""
    known: list[str] = []
    pinned: list[str] = []
    hours_per_week: float = 5.0
    target_date: date | None = None

    def intake(self) -> tracks.Intake:
        return tracks.Intake(
            self.goal,
            self.background,
            self.known,
            self.pinned,
            self.hours_per_week,
            self.target_date,
        )


@router.post("/tracks")
def create_track(request: Request, viewer: Me, body: IntakeIn) -> tracks.Result:
    """Match a goal to a career and plan the track. When nothing fits, `career` is null and
    nothing is created."""
    return tracks.create(_ctx(request), body.intake(), user_id=viewer.id)


@router.get("/me/tracks")
def my_tracks(request: Request, viewer: Me) -> list[dict[str, Any]]:
    return tracks.of_learner(_ctx(request), user_id=viewer.id)


@router.get("/me/tracks/{track_id}")
def my_track(request: Request, viewer: Me, track_id: Id) -> tracks.TrackView:
    return tracks.get(_ctx(request), user_id=viewer.id, track_id=track_id)


@router.put("/me/tracks/{track_id}")
def replan_track(request: Request, viewer: Me, track_id: Id, body: IntakeIn) -> tracks.TrackView:
    """Re-plan with new inputs; progress carries over and `changes` says what moved."""
    return tracks.update(_ctx(request), user_id=viewer.id, track_id=track_id, intake=body.intake())


@router.post("/me/tracks/{track_id}/diagnostic")
def start_diagnostic(request: Request, viewer: Me, track_id: Id) -> diagnostic.DiagnosticView:
    """Start the track's placement diagnostic (or get the one already started)."""
    return diagnostic.start(_ctx(request), user_id=viewer.id, track_id=track_id)


@router.post("/me/tracks/{track_id}/diagnostic/answers")
def answer_diagnostic(
    request: Request, viewer: Me, track_id: Id, body: CheckAnswerIn
) -> diagnostic.DiagnosticView:
    """Answer the question being asked; the last answer returns the skills placed."""
    return diagnostic.answer(
        _ctx(request),
        user_id=viewer.id,
        track_id=track_id,
        item_id=body.item_id,
        response=body.response,
        seconds=body.seconds,
        submission_id=body.submission_id,
    )


class MentorIn(BaseModel):
    message: str = ""
    mode: str = Field(
        "auto",
        description="auto (chosen from the message), explain, practice, feedback, hint "
        "or gatekeeper",
    )
    item_id: str | None = None
    task: bool = Field(False, description="asked beside the applied task")


@router.post("/me/skills/{skill_id}/mentor")
def ask_mentor(request: Request, viewer: Me, skill_id: str, body: MentorIn) -> conversations.Turn:
    """Ask the mentor about a skill (and optionally an item): the reply never carries an open
    item's answer, and during a check of the skill the mentor declines."""
    return replies.ask(
        _ctx(request),
        user_id=viewer.id,
        skill_id=skill_id,
        message=body.message,
        mode=body.mode,
        item_id=body.item_id,
        task=body.task,
    )


@router.get("/me/skills/{skill_id}/mentor")
def mentor_history(request: Request, viewer: Me, skill_id: str) -> list[conversations.Turn]:
    return conversations.history(_ctx(request), user_id=viewer.id, skill_id=skill_id)


@router.delete("/me/skills/{skill_id}/mentor", status_code=204)
def clear_mentor(request: Request, viewer: Me, skill_id: str) -> None:
    conversations.clear(_ctx(request), user_id=viewer.id, skill_id=skill_id)


@router.post(
    "/me/skills/{skill_id}/mentor/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_mentor(request: Request, viewer: Me, skill_id: str, body: MentorIn) -> StreamingResponse:
    """The mentor's reply as server-sent events: `data:` chunks as they come, then an `end`
    event carrying JSON: the citations, and the whole reply as sanitised HTML. Bad input is
    refused before the stream starts."""
    ctx = _ctx(request)
    pending = prompt.prepare(
        ctx,
        user_id=viewer.id,
        skill_id=skill_id,
        message=body.message,
        mode=body.mode,
        item_id=body.item_id,
        task=body.task,
    )

    def events() -> Iterator[str]:
        text = ""
        try:
            for chunk in replies.stream(ctx, pending):
                text += chunk
                yield "".join(f"data: {line}\n" for line in chunk.split("\n")) + "\n"
            end = {"citations": replies.citations(pending, text), "html": str(inline(text.strip()))}
        except Exception:  # the stream always ends, so the page never waits forever
            log.exception("the mentor stream failed for skill %s", skill_id)
            end = {"citations": [], "html": str(inline(text.strip())), "error": STREAM_FAILED}
        yield f"event: end\ndata: {json.dumps(end)}\n\n"

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
