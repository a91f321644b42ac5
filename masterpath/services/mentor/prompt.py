"""The isolated prompt: the question checked, the mode chosen, and what the provider may see.

While an item is open its key never enters the prompt; the open items of any check or diagnostic
in progress are guarded on every page; during a check of the skill the mentor declines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from masterpath.domain import isolation
from masterpath.domain.content import Item, ItemId, Skill
from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.mentor import MODES, Prompt, asks_for_answer, choose_mode
from masterpath.services import Context, knowledge, mastery, practice
from masterpath.services.mentor import context, feedback
from masterpath.store import Tx
from masterpath.store import content as content_store
from masterpath.store import study as study_store

MAX_MESSAGE = 4_000
DIAGNOSTIC_HOLD = timedelta(days=1)  # how long an unfinished diagnostic closes its skill
DECLINE = (
    "A check of this skill is in progress, so I can't discuss it until you finish: the check "
    "has to show what you know on your own. Good luck — I'm here afterwards."
)


def bad(message: str, name: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field=name)])


@dataclass(frozen=True)
class Pending:
    """A question ready for the provider: the isolated prompt and what the guard must know."""

    user_id: int
    skill_id: str
    mode: str
    message: str
    prompt: Prompt
    keys: list[Item]  # the open items, for the last-resort leak check
    open: context.Open | None = None  # the open choice items, for the readers
    used: list[Prompt] = field(default_factory=list)  # the prompt the reply came from, if cut


def prepare(
    ctx: Context,
    *,
    user_id: int,
    skill_id: str,
    message: str,
    mode: str = "explain",
    item_id: str | None = None,
    task: bool = False,
) -> Pending:
    """Check the question and build the isolated prompt (refusing bad input before any reply).

    With mode "auto" the mentor chooses the mode from the message and where it is asked.
    """
    if mode == "auto":
        mode = choose_mode(message, item=bool(item_id), task=task)
    if mode not in MODES:
        raise bad(f"unknown mode {mode!r}; use auto or one of {', '.join(MODES)}", "mode")
    if not message.strip() and mode == "explain":
        raise bad("write a question or say what you are stuck on", "message")
    if len(message) > MAX_MESSAGE:
        raise bad(f"a message is at most {MAX_MESSAGE:,} characters", "message")
    know = knowledge.get(ctx)
    with ctx.db.begin() as tx:
        skill = content_store.skill_models(tx, [skill_id]).get(skill_id)
        if skill is None:
            raise NotFound(f"no skill {skill_id!r}")
        item = _item(tx, skill_id, item_id)
        if item is not None and mode == "explain" and _still_open(tx, user_id, item):
            mode = "hint" if asks_for_answer(message) else mode
        opened = _open(ctx, _still_open(tx, user_id, item) + _assessed_items(tx, user_id))
        prompt = _prompt(
            ctx,
            tx,
            know,
            user_id=user_id,
            skill=skill,
            message=message,
            mode=mode,
            item=item,
            found=opened,
        )
        if opened.every_choice:
            prompt = context.isolate(ctx, prompt, opened.every_choice)
        return Pending(user_id, skill_id, mode, message, prompt, opened.keys, opened)


def _open(ctx: Context, items: list[Item]) -> context.Open:
    by_skill: dict[str, list[isolation.Choice]] = {}
    for item in items:
        by_skill.setdefault(item.id.skill, []).extend(knowledge.choices(ctx, [item]))
    return context.Open(items, by_skill)


def _item(tx: Tx, skill_id: str, item_id: str | None) -> Item | None:
    if not item_id:
        return None
    row = content_store.item(tx, item_id)
    if row is None or row.retired_at is not None or row.skill_id != skill_id:
        raise NotFound(f"skill {skill_id!r} has no item {item_id!r}")
    return content_store.item_model(tx, row)


def _prompt(
    ctx: Context,
    tx: Tx,
    know: knowledge.Knowledge,
    *,
    user_id: int,
    skill: Skill,
    message: str,
    mode: str,
    item: Item | None,
    found: context.Open,
) -> Prompt:
    keys = found.keys
    base: dict[str, Any] = {
        "mode": mode,
        "skill_title": skill.title,
        "message": message,
        "objectives": [o.text for o in skill.objectives if not isolation.leaks(o.text, keys)],
    }
    if _assessed(tx, user_id, skill.id, item, ctx.clock.now()):
        return _while_assessed(ctx, user_id, skill, mode, base)
    question = message or skill.title
    if item is not None and (mode in ("hint", "feedback") or not message.strip()):
        question = item.stem  # "a hint please" says nothing of where to look; the item does
    sources, nearest = context.sources(ctx, know, question=question, skill=skill.id, found=found)
    extra: dict[str, Any] = {"nearest": nearest}
    if not sources:
        extra |= context.outside(know, question)
    if item is not None:
        extra["item_stem"] = item.stem
    if mode == "hint" and item is not None:
        where = _where(ctx, know, item.stem, skill.id, keys)
        extra["hints"] = feedback.next_hint(ctx, tx, user_id, item, where)
        extra["asked_for_answer"] = asks_for_answer(message)
    if mode == "feedback" and item is not None:
        extra["verdict"] = feedback.verdict(tx, user_id, item, ctx=ctx)
    elif mode == "feedback":
        extra["verdict"] = feedback.task_verdict(tx, user_id, skill.id)
    if mode == "gatekeeper":
        extra["checklist"] = _checklist(ctx, user_id, skill.id, keys)
    if mode == "practice":
        shown = practice.next_practice(ctx, user_id=user_id, skill_id=skill.id).item
        extra["item_stem"] = shown.stem if shown else ""
    return Prompt(**base, sources=sources, **extra)


def _where(
    ctx: Context, know: knowledge.Knowledge, stem: str, skill_id: str, keys: list[Item]
) -> str:
    """The lesson section that decides the item, named by title only: its text may hold the key,
    so it stays out of the context and the learner goes and reads it. A heading that spells the
    key is not named."""
    hits = context.search_titles(ctx, know, stem, skill_id)
    for title in hits:
        if not isolation.leaks(title, keys):
            return f"the lesson section “{title}”"
    return "the lesson"


def _still_open(tx: Tx, user_id: int, item: Item | None) -> list[Item]:
    """The item while its answer is hidden from the learner; empty once a practice
    answer to it has been graded, since the practice page then shows the answer itself."""
    if item is None or feedback.verdict(tx, user_id, item):
        return []
    return [item]


def _checklist(ctx: Context, user_id: int, skill_id: str, keys: list[Item]) -> list[str]:
    """The engine's next steps, less any that would spell an open item's key (an objective's
    name can: "governance" for an item whose key is "Govern")."""
    steps = mastery.explain(ctx, user_id=user_id, skill_id=skill_id).next_steps
    shown = [step for step in steps if not isolation.leaks(step, keys)]
    if len(shown) < len(steps):
        shown.append("The skill page lists the rest.")
    return shown


def _while_assessed(
    ctx: Context, user_id: int, skill: Skill, mode: str, base: dict[str, Any]
) -> Prompt:
    """During a check of the skill (or the diagnostic asking about it) the mentor declines,
    except to say what the engine still needs: its checklist only, no passage, no learner text."""
    if mode != "gatekeeper":
        return Prompt(**base, declined=DECLINE)
    explained = mastery.explain(ctx, user_id=user_id, skill_id=skill.id)
    return Prompt("gatekeeper", skill.title, "", checklist=explained.next_steps)


def _assessed_items(tx: Tx, user_id: int) -> list[Item]:
    """Every item in a check or diagnostic in progress: guarded on any page."""
    asked = [i for check in study_store.open_assessments(tx, user_id=user_id) for i in check.items]
    rows = [content_store.item(tx, item_id) for item_id in dict.fromkeys(asked)]
    return [content_store.item_model(tx, row) for row in rows if row is not None]


def _assessed(tx: Tx, user_id: int, skill_id: str, item: Item | None, now: datetime) -> bool:
    """Whether a check of the skill is in progress, or the diagnostic is asking about it.

    A diagnostic left unfinished for a day stops closing its skill (its items stay guarded
    everywhere, and asking beside one of them is still declined).
    """
    for check in study_store.open_assessments(tx, user_id=user_id):
        if check.kind != "diagnostic" and check.skill_id == skill_id:
            return True
        if check.kind != "diagnostic":
            continue
        if item is not None and str(item.id) in check.items:
            return True
        asking = check.items[-1] if check.items else ""
        asked_skill = ItemId.parse(asking).skill if asking else ""
        if asked_skill == skill_id and now - check.started_at < DIAGNOSTIC_HOLD:
            return True
    return False
