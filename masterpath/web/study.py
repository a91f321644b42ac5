"""Learning Center pages: skill, practice, checks, flashcard review and applied tasks.

Plain HTML forms that work without JavaScript; small scripts add keyboard shortcuts and
count active time on lesson pages. Answer keys reach the page only in feedback, after the
answer is recorded.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from masterpath.errors import InvalidInput, MasterPathError
from masterpath.services import (
    Context,
    cards,
    checks,
    item_reports,
    mastery,
    practice,
    skills,
    tasks,
)
from masterpath.services.mentor import conversations, provider, replies
from masterpath.web import forms
from masterpath.web.deps import Ctx, Id, Me
from masterpath.web.forms import form_error, stamp
from masterpath.web.rendering import render

router = APIRouter(include_in_schema=False)
Answer = Annotated[forms.AnswerForm, Form()]


# Skill page ------------------------------------------------------------------------------------


def _skill(ctx: Context, user_id: int, skill_id: str, error: str = "") -> dict[str, Any]:
    page = skills.page(ctx, user_id=user_id, skill_id=skill_id)
    due = [d for d in checks.due_checks(ctx, user_id=user_id) if d.skill_id == skill_id]
    notes = item_reports.notes(ctx, user_id=user_id, skill_id=skill_id)
    return {"page": page, "due": due, "error": error, "void_notes": notes}


@router.get("/skills/{skill_id}")
def skill_page(request: Request, ctx: Ctx, me: Me, skill_id: str, error: str = "") -> Response:
    return render(request, "skill.html", _skill(ctx, me.id, skill_id, error))


@router.get("/skills/{skill_id}/lab")
def lab_page(request: Request, ctx: Ctx, _me: Me, skill_id: str) -> Response:
    """The skill's lab: a hands-on exercise run on the learner's own machine (signed in)."""
    return render(request, "lab.html", {"page": skills.lab(ctx, skill_id=skill_id)})


@router.post("/skills/{skill_id}/resources")
def mark_resource(
    ctx: Ctx, me: Me, skill_id: str, form: Annotated[forms.ResourceForm, Form()]
) -> Response:
    skills.mark_resource(ctx, user_id=me.id, skill_id=skill_id, url=form.url, done=form.done == "1")
    return RedirectResponse(f"/skills/{skill_id}#resources", status_code=303)


# Practice --------------------------------------------------------------------------------------


@router.get("/skills/{skill_id}/practice")
def practice_page(request: Request, ctx: Ctx, me: Me, skill_id: str, item: str = "") -> Response:
    """The next practice item, or the one named, with the hints already revealed for it."""
    nxt = practice.next_practice(ctx, user_id=me.id, skill_id=skill_id)
    shown = practice.practice_item(ctx, user_id=me.id, item_id=item) if item else nxt.item
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
def practice_hint(
    ctx: Ctx, me: Me, skill_id: str, form: Annotated[forms.HintForm, Form()]
) -> Response:
    """Reveal the item's next hint (recorded: it lowers the credit), then show the item again."""
    seen = practice.hints_shown(ctx, user_id=me.id, item_id=form.item_id)
    practice.hint(ctx, user_id=me.id, item_id=form.item_id, number=len(seen) + 1)
    target = f"/skills/{quote(skill_id)}/practice?item={quote(form.item_id)}"
    return RedirectResponse(target, status_code=303)


@router.post("/skills/{skill_id}/practice")
def practice_answer(request: Request, ctx: Ctx, me: Me, skill_id: str, form: Answer) -> Response:
    shown = practice.practice_item(ctx, user_id=me.id, item_id=form.item_id)
    context = {"skill_id": skill_id, "item": shown, "hints_used": form.hints(), "hints": []}
    try:
        feedback = practice.answer(
            ctx,
            user_id=me.id,
            item_id=form.item_id,
            response=form.response_for(shown),
            hints_used=form.hints(),
            seconds=form.seconds(),
            submission_id=form.submission_id,
        )
    except InvalidInput as exc:
        return form_error(request, "practice.html", exc, {**context, **stamp()})
    explained = mastery.explain(ctx, user_id=me.id, skill_id=skill_id)
    return render(request, "practice.html", {**context, "feedback": feedback, "mastery": explained})


# Checks ----------------------------------------------------------------------------------------


@router.post("/skills/{skill_id}/checks")
def start_check(
    request: Request, ctx: Ctx, me: Me, skill_id: str, form: Annotated[forms.CheckForm, Form()]
) -> Response:
    try:
        view = checks.start_check(ctx, user_id=me.id, skill_id=skill_id, kind=form.kind)
    except MasterPathError as exc:  # the message only, as a link's ?error= shows it
        shown = _skill(ctx, me.id, skill_id, exc.message)
        return render(request, "skill.html", shown, status=exc.status)
    return RedirectResponse(f"/checks/{view.id}", status_code=303)


@router.get("/checks/{check_id}")
def check_page(request: Request, ctx: Ctx, me: Me, check_id: Id) -> Response:
    view = checks.check(ctx, user_id=me.id, check_id=check_id)
    current = next((i for i in view.items if i.id not in view.answered), None)
    return render(request, "check.html", {"check": view, "item": current, **stamp()})


@router.post("/checks/{check_id}")
def check_answer(request: Request, ctx: Ctx, me: Me, check_id: Id, form: Answer) -> Response:
    view = checks.check(ctx, user_id=me.id, check_id=check_id)
    shown = next((i for i in view.items if i.id == form.item_id), None)
    if shown is None:
        raise InvalidInput(f"item {form.item_id!r} is not part of this check")
    try:
        checks.check_answer(
            ctx,
            user_id=me.id,
            check_id=check_id,
            item_id=form.item_id,
            response=form.response_for(shown),
            seconds=form.seconds(),
            submission_id=form.submission_id,
        )
    except InvalidInput as exc:
        return form_error(request, "check.html", exc, {"check": view, "item": shown, **stamp()})
    return RedirectResponse(f"/checks/{check_id}", status_code=303)


# Flashcards ------------------------------------------------------------------------------------


def review_context(ctx: Context, user_id: int, skill: str) -> dict[str, Any]:
    queue = cards.queue(ctx, user_id=user_id, skill_id=skill or None, limit=1)
    due = checks.due_checks(ctx, user_id=user_id)
    card = queue.cards[0] if queue.cards else None
    return {"queue": queue, "card": card, "due": due, "skill": skill, **stamp()}


@router.get("/review")
def review_page(
    request: Request, ctx: Ctx, me: Me, skill: str = "", imported: str = ""
) -> Response:
    notice = f"Imported {imported} from Anki into your own deck." if imported else ""
    return render(
        request, "review.html", {**review_context(ctx, me.id, skill), "anki_notice": notice}
    )


@router.post("/review")
def review_rate(ctx: Ctx, me: Me, form: Annotated[forms.RatingForm, Form()]) -> Response:
    rating = forms.whole(form.rating)
    cards.rate(
        ctx,
        user_id=me.id,
        card_id=form.card_id,
        rating=-1 if rating is None else rating,
        seconds=form.seconds(),
        submission_id=form.submission_id,
    )
    skill = form.skill
    return RedirectResponse("/review" + (f"?skill={skill}" if skill else ""), status_code=303)


@router.get("/review/settings")
def review_settings(request: Request, ctx: Ctx, me: Me, notice: str = "") -> Response:
    prefs = cards.preferences(ctx, user_id=me.id)
    return render(request, "review_settings.html", {"prefs": prefs, "notice": notice})


@router.post("/review/settings")
def save_review_settings(
    request: Request, ctx: Ctx, me: Me, form: Annotated[forms.PreferencesForm, Form()]
) -> Response:
    retention, per_day = form.values()
    try:
        cards.set_preferences(
            ctx, user_id=me.id, desired_retention=retention, new_cards_per_day=per_day
        )
    except InvalidInput as exc:
        prefs = cards.preferences(ctx, user_id=me.id)
        return form_error(request, "review_settings.html", exc, {"prefs": prefs})
    return RedirectResponse("/review/settings?notice=saved", status_code=303)


# Applied task ----------------------------------------------------------------------------------


def _task(ctx: Context, user_id: int, skill_id: str) -> dict[str, Any]:
    page = skills.page(ctx, user_id=user_id, skill_id=skill_id)  # with its lab, linked
    done = tasks.submissions(ctx, user_id=user_id, skill_id=skill_id)
    return {"page": page, "submissions": done, **stamp()}


@router.get("/skills/{skill_id}/task")
def task_page(request: Request, ctx: Ctx, me: Me, skill_id: str) -> Response:
    return render(request, "task.html", _task(ctx, me.id, skill_id))


@router.post("/skills/{skill_id}/task")
def task_submit(
    request: Request, ctx: Ctx, me: Me, skill_id: str, form: Annotated[forms.TaskForm, Form()]
) -> Response:
    try:
        tasks.submit(
            ctx,
            user_id=me.id,
            skill_id=skill_id,
            text=form.text,
            link=form.link,
            self_score=form.self_assessed(),
            seconds=form.seconds(),
            submission_id=form.submission_id,
        )
    except InvalidInput as exc:
        context = {**_task(ctx, me.id, skill_id), "text": form.text}
        return form_error(request, "task.html", exc, context)
    return RedirectResponse(f"/skills/{skill_id}/task#latest", status_code=303)


# Mentor ----------------------------------------------------------------------------------------


@router.get("/mentor")
def mentor_index(request: Request, ctx: Ctx, me: Me, skill: str = "") -> Response:
    """All the learner's conversations with the mentor, and a way to start one on any skill."""
    if skill:
        return RedirectResponse(f"/skills/{quote(skill, safe='')}/mentor", status_code=303)
    found = conversations.conversations(ctx, user_id=me.id)
    return render(
        request,
        "mentor_index.html",
        {"conversations": found, "skills": skills.titles(ctx), "remote": provider.remote_host(ctx)},
    )


def _mentor(ctx: Context, user_id: int, skill_id: str, item: str, *, task: bool) -> dict[str, Any]:
    return {
        "page": skills.page(ctx, user_id=user_id, skill_id=skill_id),
        "turns": conversations.history(ctx, user_id=user_id, skill_id=skill_id),
        "remote": provider.remote_host(ctx),
        "item": item if item.startswith(f"{skill_id}:") else "",
        "task": task,
    }


@router.get("/skills/{skill_id}/mentor")
def mentor_page(  # noqa: PLR0917 - FastAPI parameters
    request: Request, ctx: Ctx, me: Me, skill_id: str, item: str = "", task: int = 0
) -> Response:
    return render(request, "mentor.html", _mentor(ctx, me.id, skill_id, item, task=bool(task)))


@router.post("/skills/{skill_id}/mentor")
def mentor_ask(
    request: Request, ctx: Ctx, me: Me, skill_id: str, form: Annotated[forms.MentorForm, Form()]
) -> Response:
    item, task = form.item_id, form.beside_task
    try:
        replies.ask(
            ctx,
            user_id=me.id,
            skill_id=skill_id,
            message=form.message,
            mode=form.mode,
            item_id=item or None,
            task=task,
        )
    except MasterPathError as exc:
        return form_error(
            request, "mentor.html", exc, _mentor(ctx, me.id, skill_id, item, task=task)
        )
    suffix = f"?item={item}" if item else ("?task=1" if task else "")
    return RedirectResponse(f"/skills/{skill_id}/mentor{suffix}#message", status_code=303)


@router.post("/skills/{skill_id}/mentor/clear")
def mentor_clear(ctx: Ctx, me: Me, skill_id: str) -> Response:
    conversations.clear(ctx, user_id=me.id, skill_id=skill_id)
    return RedirectResponse(f"/skills/{skill_id}/mentor", status_code=303)
