"""Learning Center pages: skill, practice, checks, flashcard review and applied tasks.

Plain HTML forms that work without JavaScript; small scripts add keyboard shortcuts and
count active time on lesson pages. Answer keys reach the page only in feedback, after the
answer is recorded.
"""

from __future__ import annotations

import math
import time
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from masterpath.errors import InvalidInput, MasterPathError, Problem
from masterpath.services import Context, cards, checks, items, mastery, practice, skills, tasks
from masterpath.services.mentor import conversations, provider, replies
from masterpath.web.rendering import render
from masterpath.web.security import Viewer, require_viewer

router = APIRouter(include_in_schema=False)


def _ctx(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def _me(request: Request) -> Viewer:
    return require_viewer(request)


def stamp() -> dict[str, Any]:
    """A fresh submission id (a double click records once) and the time the form was shown."""
    return {"submission_id": uuid.uuid4().hex, "shown_at": f"{time.time():.0f}"}


def submitted_seconds(form: FormData) -> float | None:
    try:
        elapsed = time.time() - float(str(form.get("shown_at", "")))
    except ValueError:
        return None
    return max(0.0, elapsed) if math.isfinite(elapsed) else None


def response_from(form: FormData, item: items.PublicItem) -> Any:
    """Turn an answer form into the response the grader expects, by item type."""
    if item.type == "multiple_choice":
        return [str(v) for v in form.getlist("response")]
    if item.type == "ordering":
        ranks = {}
        for option in item.options:
            raw = str(form.get(f"rank-{option['id']}", "")).strip()
            if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
                message = f"give every step a position from 1 to {len(item.options)}"
                raise InvalidInput(message, problems=[Problem(message, field="response")])
            ranks[option["id"]] = int(raw)
        return sorted(ranks, key=lambda key: (ranks[key], key))
    value = form.get("response")
    if value is None:
        raise InvalidInput(
            "choose or write an answer", problems=[Problem("no answer", field="response")]
        )
    return str(value)


# Skill page ------------------------------------------------------------------------------------


@router.get("/skills/{skill_id}")
def skill_page(request: Request, skill_id: str, error: str = "") -> Response:
    me = _me(request)
    page = skills.page(_ctx(request), user_id=me.id, skill_id=skill_id)
    due = [d for d in checks.due_checks(_ctx(request), user_id=me.id) if d.skill_id == skill_id]
    return render(request, "skill.html", {"page": page, "due": due, "error": error})


@router.post("/skills/{skill_id}/resources")
async def mark_resource(request: Request, skill_id: str) -> Response:
    me = _me(request)
    form = await request.form()
    skills.mark_resource(
        _ctx(request),
        user_id=me.id,
        skill_id=skill_id,
        url=str(form.get("url", "")),
        done=form.get("done") == "1",
    )
    return RedirectResponse(f"/skills/{skill_id}#resources", status_code=303)


# Practice --------------------------------------------------------------------------------------


@router.get("/skills/{skill_id}/practice")
def practice_page(request: Request, skill_id: str, item: str = "") -> Response:
    """The next practice item, or the one named, with the hints already revealed for it."""
    me = _me(request)
    ctx = _ctx(request)
    nxt = practice.next_practice(ctx, user_id=me.id, skill_id=skill_id)
    shown = nxt.item
    if item:
        shown = practice.practice_item(ctx, user_id=me.id, item_id=item)
    hints = practice.hints_shown(ctx, user_id=me.id, item_id=shown.id) if shown else []
    return render(
        request,
        "practice.html",
        {
            "skill_id": skill_id,
            "next": nxt,
            "item": shown,
            "hints": hints,
            "hints_used": len(hints),
            **stamp(),
        },
    )


@router.post("/skills/{skill_id}/practice/hint")
async def practice_hint(request: Request, skill_id: str) -> Response:
    """Reveal the item's next hint (recorded: it lowers the credit), then show the item again."""
    me = _me(request)
    ctx = _ctx(request)
    item_id = str((await request.form()).get("item_id", ""))
    seen = practice.hints_shown(ctx, user_id=me.id, item_id=item_id)
    practice.hint(ctx, user_id=me.id, item_id=item_id, number=len(seen) + 1)
    target = f"/skills/{quote(skill_id)}/practice?item={quote(item_id)}"
    return RedirectResponse(target, status_code=303)


@router.post("/skills/{skill_id}/practice")
async def practice_answer(request: Request, skill_id: str) -> Response:
    me = _me(request)
    ctx = _ctx(request)
    form = await request.form()
    item_id = str(form.get("item_id", ""))
    shown = practice.practice_item(ctx, user_id=me.id, item_id=item_id)
    raw_hints = str(form.get("hints_used", "0")).strip()
    hints_used = (
        int(raw_hints)
        if (raw_hints.isascii() and raw_hints.isdigit() and len(raw_hints) < 19)
        else 0
    )
    context = {"skill_id": skill_id, "item": shown, "hints_used": hints_used, "hints": []}
    try:
        feedback = practice.answer(
            ctx,
            user_id=me.id,
            item_id=item_id,
            response=response_from(form, shown),
            hints_used=hints_used,
            seconds=submitted_seconds(form),
            submission_id=str(form.get("submission_id") or "") or None,
        )
    except InvalidInput as exc:
        return render(
            request,
            "practice.html",
            {**context, **stamp(), "error": exc.message, "problems": exc.problems},
            status=exc.status,
        )
    explained = mastery.explain(ctx, user_id=me.id, skill_id=skill_id)
    return render(request, "practice.html", {**context, "feedback": feedback, "mastery": explained})


# Checks ----------------------------------------------------------------------------------------


@router.post("/skills/{skill_id}/checks")
async def start_check(request: Request, skill_id: str) -> Response:
    me = _me(request)
    form = await request.form()
    try:
        view = checks.start_check(
            _ctx(request), user_id=me.id, skill_id=skill_id, kind=str(form.get("kind", ""))
        )
    except MasterPathError as exc:
        page = skills.page(_ctx(request), user_id=me.id, skill_id=skill_id)
        due = [d for d in checks.due_checks(_ctx(request), user_id=me.id) if d.skill_id == skill_id]
        return render(
            request,
            "skill.html",
            {"page": page, "due": due, "error": exc.message},
            status=exc.status,
        )
    return RedirectResponse(f"/checks/{view.id}", status_code=303)


@router.get("/checks/{check_id}")
def check_page(request: Request, check_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> Response:
    me = _me(request)
    view = checks.check(_ctx(request), user_id=me.id, check_id=check_id)
    current = next((i for i in view.items if i.id not in view.answered), None)
    return render(request, "check.html", {"check": view, "item": current, **stamp()})


@router.post("/checks/{check_id}")
async def check_answer(
    request: Request, check_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> Response:
    me = _me(request)
    ctx = _ctx(request)
    form = await request.form()
    view = checks.check(ctx, user_id=me.id, check_id=check_id)
    item_id = str(form.get("item_id", ""))
    shown = next((i for i in view.items if i.id == item_id), None)
    if shown is None:
        raise InvalidInput(f"item {item_id!r} is not part of this check")
    try:
        checks.check_answer(
            ctx,
            user_id=me.id,
            check_id=check_id,
            item_id=item_id,
            response=response_from(form, shown),
            seconds=submitted_seconds(form),
            submission_id=str(form.get("submission_id") or "") or None,
        )
    except InvalidInput as exc:
        return render(
            request,
            "check.html",
            {
                "check": view,
                "item": shown,
                **stamp(),
                "error": exc.message,
                "problems": exc.problems,
            },
            status=exc.status,
        )
    return RedirectResponse(f"/checks/{check_id}", status_code=303)


# Flashcards ------------------------------------------------------------------------------------


@router.get("/review")
def review_page(request: Request, skill: str = "") -> Response:
    me = _me(request)
    ctx = _ctx(request)
    queue = cards.queue(ctx, user_id=me.id, skill_id=skill or None, limit=1)
    due = checks.due_checks(ctx, user_id=me.id)
    return render(
        request,
        "review.html",
        {
            "queue": queue,
            "card": queue.cards[0] if queue.cards else None,
            "due": due,
            "skill": skill,
            **stamp(),
        },
    )


@router.post("/review")
async def review_rate(request: Request) -> Response:
    me = _me(request)
    form = await request.form()
    rating = str(form.get("rating", ""))
    cards.rate(
        _ctx(request),
        user_id=me.id,
        card_id=str(form.get("card_id", "")),
        rating=int(rating) if (rating.isascii() and rating.isdigit() and len(rating) < 19) else -1,
        seconds=submitted_seconds(form),
        submission_id=str(form.get("submission_id") or "") or None,
    )
    skill = str(form.get("skill", ""))
    return RedirectResponse("/review" + (f"?skill={skill}" if skill else ""), status_code=303)


@router.get("/review/settings")
def review_settings(request: Request, notice: str = "") -> Response:
    me = _me(request)
    prefs = cards.preferences(_ctx(request), user_id=me.id)
    return render(request, "review_settings.html", {"prefs": prefs, "notice": notice})


@router.post("/review/settings")
async def save_review_settings(request: Request) -> Response:
    me = _me(request)
    form = await request.form()
    try:
        retention = float(str(form.get("desired_retention", "")))
        per_day = int(str(form.get("new_cards_per_day", "")))
    except ValueError:
        raise InvalidInput("give a retention such as 0.9 and a whole number of new cards") from None
    try:
        cards.set_preferences(
            _ctx(request), user_id=me.id, desired_retention=retention, new_cards_per_day=per_day
        )
    except InvalidInput as exc:
        prefs = cards.preferences(_ctx(request), user_id=me.id)
        return render(
            request,
            "review_settings.html",
            {"prefs": prefs, "error": exc.message, "problems": exc.problems},
            status=exc.status,
        )
    return RedirectResponse("/review/settings?notice=saved", status_code=303)


# Applied task ----------------------------------------------------------------------------------


@router.get("/skills/{skill_id}/task")
def task_page(request: Request, skill_id: str) -> Response:
    me = _me(request)
    page = skills.page(_ctx(request), user_id=me.id, skill_id=skill_id)
    done = tasks.submissions(_ctx(request), user_id=me.id, skill_id=skill_id)
    return render(request, "task.html", {"page": page, "submissions": done, **stamp()})


@router.post("/skills/{skill_id}/task")
async def task_submit(request: Request, skill_id: str) -> Response:
    me = _me(request)
    ctx = _ctx(request)
    form = await request.form()
    raw_self = str(form.get("self_score", "")).strip()
    try:
        tasks.submit(
            ctx,
            user_id=me.id,
            skill_id=skill_id,
            text=str(form.get("text", "")),
            link=str(form.get("link", "")),
            self_score=int(raw_self) / 100
            if (raw_self.isascii() and raw_self.isdigit() and len(raw_self) < 19)
            else None,
            seconds=submitted_seconds(form),
            submission_id=str(form.get("submission_id") or "") or None,
        )
    except InvalidInput as exc:
        page = skills.page(ctx, user_id=me.id, skill_id=skill_id)
        done = tasks.submissions(ctx, user_id=me.id, skill_id=skill_id)
        return render(
            request,
            "task.html",
            {
                "page": page,
                "submissions": done,
                **stamp(),
                "error": exc.message,
                "problems": exc.problems,
                "text": form.get("text", ""),
            },
            status=exc.status,
        )
    return RedirectResponse(f"/skills/{skill_id}/task#latest", status_code=303)


# Mentor ----------------------------------------------------------------------------------------


@router.get("/mentor")
def mentor_index(request: Request, skill: str = "") -> Response:
    """All the learner's conversations with the mentor, and a way to start one on any skill."""
    me = _me(request)
    if skill:
        return RedirectResponse(f"/skills/{quote(skill, safe='')}/mentor", status_code=303)
    ctx = _ctx(request)
    found = conversations.conversations(ctx, user_id=me.id)
    return render(
        request,
        "mentor_index.html",
        {"conversations": found, "skills": skills.titles(ctx), "remote": provider.remote_host(ctx)},
    )


@router.get("/skills/{skill_id}/mentor")
def mentor_page(request: Request, skill_id: str, item: str = "", task: int = 0) -> Response:
    me = _me(request)
    return _mentor(request, me.id, skill_id, item, task=bool(task))


def _mentor(request: Request, user_id: int, skill_id: str, item: str, **extra: Any) -> Response:
    page = skills.page(_ctx(request), user_id=user_id, skill_id=skill_id)
    turns = conversations.history(_ctx(request), user_id=user_id, skill_id=skill_id)
    context = {
        "page": page,
        "turns": turns,
        "remote": provider.remote_host(_ctx(request)),
        "item": item if item.startswith(f"{skill_id}:") else "",
        **extra,
    }
    return render(request, "mentor.html", context, status=int(extra.pop("status", 200)))


@router.post("/skills/{skill_id}/mentor")
async def mentor_ask(request: Request, skill_id: str) -> Response:
    me = _me(request)
    form = await request.form()
    item = str(form.get("item_id") or "")
    try:
        replies.ask(
            _ctx(request),
            user_id=me.id,
            skill_id=skill_id,
            message=str(form.get("message", "")),
            mode=str(form.get("mode", "auto")),
            item_id=item or None,
            task=form.get("task") == "1",
        )
    except MasterPathError as exc:
        return _mentor(
            request,
            me.id,
            skill_id,
            item,
            task=form.get("task") == "1",
            error=exc.message,
            problems=exc.problems,
            status=exc.status,
        )
    suffix = f"?item={item}" if item else ("?task=1" if form.get("task") == "1" else "")
    return RedirectResponse(f"/skills/{skill_id}/mentor{suffix}#message", status_code=303)


@router.post("/skills/{skill_id}/mentor/clear")
def mentor_clear(request: Request, skill_id: str) -> Response:
    me = _me(request)
    conversations.clear(_ctx(request), user_id=me.id, skill_id=skill_id)
    return RedirectResponse(f"/skills/{skill_id}/mentor", status_code=303)
