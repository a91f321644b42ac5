"""The mentor: explanations, hints, feedback, practice and "can I move on?", per skill.

Answer isolation is built here, before any provider sees anything: while an item is open its
key, model answer and explanation are never put in the prompt, passages containing its key are
withheld from retrieval, sentences leading the word or meaning reader to it are withheld too
(`mentor_context`), and during a check of the skill the mentor declines to discuss it at all.
The finished reply is checked once more for a giveaway. Learner text is passed as data.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from masterpath.domain import grading, isolation
from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.mentor import (
    MODES,
    Prompt,
    Provider,
    ProviderError,
    asks_for_answer,
    choose_mode,
)
from masterpath.mentor.builtin import Builtin
from masterpath.mentor.openai import OpenAICompatible
from masterpath.services import Context, knowledge, marking, mastery, meaning, study
from masterpath.services import mentor_context as context
from masterpath.store import Tx
from masterpath.store import accounts as accounts_store
from masterpath.store import content as content_store
from masterpath.store import evidence as evidence_store
from masterpath.store import mentor as store
from masterpath.store import study as study_store
from masterpath.store.models import ItemRow

MAX_MESSAGE = 4_000
DIAGNOSTIC_HOLD = timedelta(days=1)  # how long an unfinished diagnostic closes its skill
DECLINE = (
    "A check of this skill is in progress, so I can't discuss it until you finish: the check "
    "has to show what you know on your own. Good luck — I'm here afterwards."
)
SAFE = (
    "I'd rather not answer that directly while the item is open: it would give the answer away. "
    "Try the next hint, or tell me your reasoning and I'll say which part to look at again."
)
ANSWER_WITHHELD = (
    "I won't pick for you while the item is open. Tell me your reasoning and I'll say which part "
    "to look at again."
)
NEUTRAL = (  # content-free replies, tried in turn when every other wording leans to a key
    SAFE,
    "Not while the item is open. What is your own best guess, and why?",
    "I'll keep that for the feedback after you answer. Which idea do you think decides it?",
    "Let's work it out together instead: what does the question ask, in your own words?",
)


@dataclass(frozen=True)
class Turn:
    role: str  # learner or mentor
    mode: str
    text: str
    citations: list[dict[str, str]] = field(default_factory=list)
    provider: str = "builtin"
    created_at: datetime | None = None


FALLBACK = "(The AI server did not answer, so this reply comes from the built-in mentor: {why}.) "


BUDGET_SPENT = "(Today's AI budget is used up; the built-in mentor answers until tomorrow.) "
CHARS_PER_TOKEN = 4  # a rough, conservative conversion for the daily budget
EXAMPLE_ITEM = "docker-containers:image-vs-container"  # the id format `mentor ask --item` names


def _over_budget(ctx: Context, user_id: int) -> bool:
    now = ctx.clock.now()
    since = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with ctx.db.begin() as tx:
        used = store.characters_since(tx, user_id=user_id, since=since) // CHARS_PER_TOKEN
    return used >= ctx.settings.mentor_daily_tokens


def provider_for(ctx: Context) -> Provider:
    settings = ctx.settings
    if settings.mentor_provider == "openai" and settings.mentor_base_url:
        return OpenAICompatible(
            base_url=settings.mentor_base_url,
            model=settings.mentor_model,
            api_key=settings.mentor_api_key,
            timeout=settings.mentor_timeout_seconds,
            max_tokens=settings.mentor_max_tokens,
        )
    return Builtin()


def remote_host(ctx: Context) -> str:
    """The LLM server's host when learner messages leave this machine; empty otherwise."""
    if provider_for(ctx).name != "openai":
        return ""
    host = urlsplit(ctx.settings.mentor_base_url).hostname or ""
    return "" if host in ("127.0.0.1", "localhost", "::1") else host


def meaning_notice(ctx: Context) -> str:
    """Why the mentor matches on words alone (no model, or a broken one); empty normally."""
    return meaning.status(ctx)


def remote(ctx: Context) -> bool:
    return bool(remote_host(ctx))


def _bad(message: str, name: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field=name)])


@dataclass(frozen=True)
class Pending:
    """A question ready for the provider: the isolated prompt and what the guard must know."""

    user_id: int
    skill_id: str
    mode: str
    message: str
    prompt: Prompt
    keys: list[dict[str, Any]]  # the open item's data, for the last-resort leak check
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
        raise _bad(f"unknown mode {mode!r}; use auto or one of {', '.join(MODES)}", "mode")
    if not message.strip() and mode == "explain":
        raise _bad("write a question or say what you are stuck on", "message")
    if len(message) > MAX_MESSAGE:
        raise _bad(f"a message is at most {MAX_MESSAGE:,} characters", "message")
    know = knowledge.get(ctx)
    with ctx.db.begin() as tx:
        skill = content_store.skill_data(tx, [skill_id]).get(skill_id)
        if skill is None:
            raise NotFound(f"no skill {skill_id!r}")
        item = _item(tx, skill_id, item_id)
        if item is not None and mode == "explain" and _still_open(tx, user_id, item):
            mode = "hint" if asks_for_answer(message) else mode
        mine = [(skill_id, d) for d in _still_open(tx, user_id, item)]
        opened = _open(ctx, mine + _assessed_items(tx, user_id))
        prompt = _prompt(
            ctx, tx, know, user_id=user_id, skill=skill, message=message, mode=mode, item=item,
            found=opened,
        )  # fmt: skip
        if opened.every_choice:
            prompt = context.isolate(ctx, prompt, opened.every_choice)
        return Pending(user_id, skill_id, mode, message, prompt, opened.keys, opened)


def _open(ctx: Context, items: list[tuple[str, dict[str, Any]]]) -> context.Open:
    by_skill: dict[str, list[isolation.Choice]] = {}
    for skill_id, data in items:
        by_skill.setdefault(skill_id, []).extend(knowledge.choices(ctx, [data]))
    return context.Open([data for _, data in items], by_skill)


def stream(ctx: Context, pending: Pending) -> Iterator[str]:
    """The reply in chunks as the provider makes them; the exchange is stored at the end.

    Each chunk is checked with what came before it: a chunk that would complete a giveaway is
    never sent, and the rest of the reply is replaced by a refusal.
    """
    provider = provider_for(ctx)
    if provider.name != "builtin" and _over_budget(ctx, pending.user_id):
        provider = Builtin()
        yield BUDGET_SPENT
        sent, name = BUDGET_SPENT, "builtin"
    else:
        sent, name = "", provider.name
    try:
        for chunk in _guarded(_read_safely(ctx, provider, pending), pending):
            sent += chunk
            yield chunk
    except ProviderError as exc:
        name = "builtin"  # learning never blocks on the LLM server
        notice = FALLBACK.format(why=exc)
        chunks = [
            ("\n\n" if sent else "") + notice,
            *_guarded(Builtin().stream(pending.prompt), pending),
        ]
        for chunk in chunks:
            sent += chunk
            yield chunk
    _store(ctx, pending, sent.strip(), name)


def _read_safely(ctx: Context, provider: Provider, pending: Pending) -> Iterator[str]:
    """The builtin reply, whole, with sentences taken out until neither reader lands on an open
    key (and a content-free wording when even that is not enough). An LLM's reply streams as it
    comes: its context was isolated the same way before it was sent."""
    choices = pending.open.every_choice if pending.open else []
    if provider.name != "builtin" or not choices:
        yield from provider.stream(pending.prompt)
        return
    prompt: Prompt | None = pending.prompt
    while prompt is not None:
        text = "".join(provider.stream(prompt))
        cited = [s.title for n, s in enumerate(prompt.sources[:2], start=1) if f"[{n}]" in text]
        if not context.pointing(ctx, "\n".join([text, *cited]), choices):  # as the learner sees it
            pending.used.append(prompt)
            yield text
            return
        prompt = context.worst_sentence(ctx, prompt, choices)
    yield next((t for t in NEUTRAL if not context.pointing(ctx, t, choices)), SAFE)


def _guarded(chunks: Iterator[str], pending: Pending) -> Iterator[str]:
    sent = ""
    for chunk in chunks:
        if pending.keys and isolation.leaks(sent + chunk, pending.keys):
            yield ("\n\n" if sent else "") + SAFE
            return
        sent += chunk
        yield chunk


def citations(pending: Pending, text: str) -> list[dict[str, str]]:
    """The sources the reply cites ([1], [2]), in order; none for a reply that cites nothing (a
    hint: the titles of the sources retrieved for it could name what decides the item)."""
    prompt = pending.used[-1] if pending.used else pending.prompt
    return [
        {"id": s.id, "title": s.title, "url": s.url, "kind": s.kind}
        for n, s in enumerate(prompt.sources[:2], start=1)
        if f"[{n}]" in text
    ]


def _store(ctx: Context, pending: Pending, text: str, provider: str) -> None:
    now = ctx.clock.now()
    turns: list[tuple[str, str, list[dict[str, str]]]] = [
        ("learner", pending.message, []),
        ("mentor", text, citations(pending, text)),
    ]
    with ctx.db.begin() as tx:
        for role, words, cited in turns:  # the learner's words went to the provider too
            store.add(
                tx,
                user_id=pending.user_id,
                skill_id=pending.skill_id,
                role=role,
                mode=pending.mode,
                text=words,
                citations=cited,
                provider=provider,
                created_at=now,
            )


def ask(
    ctx: Context,
    *,
    user_id: int,
    skill_id: str,
    message: str,
    mode: str = "explain",
    item_id: str | None = None,
    task: bool = False,
) -> Turn:
    """One exchange, whole: the learner's message and the mentor's reply, both kept."""
    pending = prepare(
        ctx,
        user_id=user_id,
        skill_id=skill_id,
        message=message,
        mode=mode,
        item_id=item_id,
        task=task,
    )
    text = "".join(stream(ctx, pending)).strip()
    if pending.keys and isolation.leaks(text, pending.keys):
        text = SAFE  # unreachable when the stream guard works; kept as the last word
    return Turn(
        "mentor",
        pending.mode,
        text,
        citations(pending, text),
        provider_for(ctx).name,
        ctx.clock.now(),
    )


def ask_as_newcomer(
    ctx: Context,
    *,
    message: str,
    skill_id: str | None = None,
    item_id: str | None = None,
    mode: str = "explain",
) -> Turn:
    """The reply a new learner would get on the skill page, or beside the item while it is still
    unanswered. The throwaway learner and everything written for them are deleted afterwards."""
    with ctx.db.begin() as tx:
        if item_id:
            row = _named_item(tx, item_id, skill_id)
            skill_id, item_id = row.skill_id, row.id
        if not skill_id:
            raise _bad("name a skill or an item", "skill")
        user = accounts_store.add_user(
            tx,
            email=f"newcomer-{secrets.token_hex(8)}@masterpath.invalid",
            display_name="newcomer",
            password_hash="!",  # no password can match: nobody logs in as this learner
            role="learner",
            timezone="UTC",
            now=ctx.clock.now(),
        )
        user_id = user.id
    try:
        return ask(
            ctx, user_id=user_id, skill_id=skill_id, message=message, mode=mode, item_id=item_id
        )
    finally:
        with ctx.db.begin() as tx:
            accounts_store.forget(tx, user_id)


def _named_item(tx: Tx, item_id: str, skill_id: str | None) -> ItemRow:
    """The live item a full id (`skill:item`) names, or a short one (`item`) where it is the
    only item of that name (in `skill_id`, when given)."""
    if ":" in item_id:
        row = content_store.item(tx, item_id)
        found = [row] if row is not None and row.retired_at is None else []
    else:
        found = content_store.live_items_named(tx, item_id)
    if not found:
        raise NotFound(f"no item {item_id!r} (item ids are skill:item, e.g. {EXAMPLE_ITEM})")
    if skill_id:
        found = [row for row in found if row.skill_id == skill_id]
        if not found:
            raise NotFound(f"skill {skill_id!r} has no item {item_id!r}")
    if len(found) > 1:
        raise InvalidInput(
            f"{len(found)} items are named {item_id!r} ({', '.join(r.id for r in found)}): "
            "give one as skill:item"
        )
    return found[0]


def _item(tx: Tx, skill_id: str, item_id: str | None) -> ItemRow | None:
    if not item_id:
        return None
    row = content_store.item(tx, item_id)
    if row is None or row.retired_at is not None or row.skill_id != skill_id:
        raise NotFound(f"skill {skill_id!r} has no item {item_id!r}")
    return row


def _prompt(
    ctx: Context,
    tx: Tx,
    know: knowledge.Knowledge,
    *,
    user_id: int,
    skill: dict[str, Any],
    message: str,
    mode: str,
    item: ItemRow | None,
    found: context.Open,
) -> Prompt:
    keys = found.keys
    base = {
        "mode": mode,
        "skill_title": skill["title"],
        "message": message,
        "objectives": [
            o["text"] for o in skill["objectives"] if not isolation.leaks(o["text"], keys)
        ],
    }
    if _assessed(tx, user_id, skill["id"], item, ctx.clock.now()):
        return _while_assessed(ctx, user_id, skill, mode, base)
    question = message or skill["title"]
    if item is not None and (mode in ("hint", "feedback") or not message.strip()):
        question = item.data["stem"]  # "a hint please" says nothing of where to look; the item does
    sources, nearest = context.sources(ctx, know, question=question, skill=skill["id"], found=found)
    extra: dict[str, Any] = {"nearest": nearest}
    if item is not None:
        extra["item_stem"] = item.data["stem"]
    if mode == "hint" and item is not None:
        where = _where(ctx, know, item.data["stem"], skill["id"], keys)
        extra["hints"] = _next_hint(ctx, tx, user_id, item, where)
        extra["asked_for_answer"] = asks_for_answer(message)
    if mode == "feedback" and item is not None:
        extra["verdict"] = _verdict(tx, user_id, item, ctx=ctx)
    elif mode == "feedback":
        extra["verdict"] = _task_verdict(tx, user_id, skill["id"])
    if mode == "gatekeeper":
        extra["checklist"] = _checklist(ctx, user_id, skill["id"], keys)
    if mode == "practice":
        shown = study.next_practice(ctx, user_id=user_id, skill_id=skill["id"]).item
        extra["item_stem"] = shown.stem if shown else ""
    return Prompt(**base, sources=sources, **extra)


def _where(
    ctx: Context, know: knowledge.Knowledge, stem: str, skill_id: str, keys: list[dict[str, Any]]
) -> str:
    """The lesson section that decides the item, named by title only: its text may hold the key,
    so it stays out of the context and the learner goes and reads it. A heading that spells the
    key is not named."""
    hits = context.search_titles(ctx, know, stem, skill_id)
    for title in hits:
        if not isolation.leaks(title, keys):
            return f"the lesson section “{title}”"
    return "the lesson"


def _still_open(tx: Tx, user_id: int, item: ItemRow | None) -> list[dict[str, Any]]:
    """The item's data while its answer is hidden from the learner; empty once a practice
    answer to it has been graded, since the practice page then shows the answer itself."""
    if item is None or _verdict(tx, user_id, item):
        return []
    return [item.data]


def _checklist(ctx: Context, user_id: int, skill_id: str, keys: list[dict[str, Any]]) -> list[str]:
    """The engine's next steps, less any that would spell an open item's key (an objective's
    name can: "governance" for an item whose key is "Govern")."""
    steps = mastery.explain(ctx, user_id=user_id, skill_id=skill_id).next_steps
    shown = [step for step in steps if not isolation.leaks(step, keys)]
    if len(shown) < len(steps):
        shown.append("The skill page lists the rest.")
    return shown


def _while_assessed(
    ctx: Context, user_id: int, skill: dict[str, Any], mode: str, base: dict[str, Any]
) -> Prompt:
    """During a check of the skill (or the diagnostic asking about it) the mentor declines,
    except to say what the engine still needs: its checklist only, no passage, no learner text."""
    if mode != "gatekeeper":
        return Prompt(**base, declined=DECLINE)
    explained = mastery.explain(ctx, user_id=user_id, skill_id=skill["id"])
    return Prompt("gatekeeper", skill["title"], "", checklist=explained.next_steps)


def _assessed_items(tx: Tx, user_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(skill, data) of every item in a check or diagnostic in progress: guarded on any page."""
    asked = [i for check in study_store.open_assessments(tx, user_id=user_id) for i in check.items]
    rows = [content_store.item(tx, item_id) for item_id in dict.fromkeys(asked)]
    return [(row.skill_id, row.data) for row in rows if row is not None]


def _assessed(tx: Tx, user_id: int, skill_id: str, item: ItemRow | None, now: datetime) -> bool:
    """Whether a check of the skill is in progress, or the diagnostic is asking about it.

    A diagnostic left unfinished for a day stops closing its skill (its items stay guarded
    everywhere, and asking beside one of them is still declined).
    """
    for check in study_store.open_assessments(tx, user_id=user_id):
        if check.kind != "diagnostic" and check.skill_id == skill_id:
            return True
        if check.kind != "diagnostic":
            continue
        if item is not None and item.id in check.items:
            return True
        asking = check.items[-1] if check.items else ""
        if asking.split(":")[0] == skill_id and now - check.started_at < DIAGNOSTIC_HOLD:
            return True
    return False


def _ladder(item: ItemRow, where: str, chosen: set[str]) -> list[str]:
    """The item's hint ladder: its authored nudges, a pointer to the idea, a worked sub-step."""
    rungs = [str(h) for h in item.data.get("hints", [])]
    rungs.append(f"The idea that decides this is in {where}. Read it with the question in mind.")
    options = item.data.get("options", [])
    wrong = [o for o in options if not o.get("correct") and o["id"] not in chosen]
    if item.data["type"] in ("single_choice", "multiple_choice") and len(wrong) >= 2:
        rungs.append(
            f"One step worked for you: “{wrong[0]['text']}” does not fit. Say why not, then "
            "test each remaining option the same way."
        )  # another wrong option stays among the rest, so what is left is never the key
    else:
        rungs.append(
            f"Work it in steps: say in one sentence what the question asks, find the sentence "
            f"in {where} that decides it, then check your answer against that sentence."
        )
    return rungs


def _next_hint(ctx: Context, tx: Tx, user_id: int, item: ItemRow, where: str) -> list[str]:
    """The next rung of the item's hint ladder, recorded as a hint (it lowers the credit)."""
    if item.assessment_only:
        return []
    chosen = {str(c) for c in _verdict(tx, user_id, item).get("chosen_ids", [])}
    rungs = _ladder(item, where, chosen)
    seen = study_store.hints_seen(tx, user_id=user_id, item_id=item.id)
    if seen >= len(rungs):
        return []
    study_store.reveal_hint(
        tx, user_id=user_id, item_id=item.id, number=seen + 1, now=ctx.clock.now()
    )
    return [f"({seen + 1} of {len(rungs)}) {rungs[seen]}"]


def _verdict(tx: Tx, user_id: int, item: ItemRow, *, ctx: Context | None = None) -> dict[str, Any]:
    """What the grader said of the learner's last answer to the item: never its key (with
    meaning, given the context, as when it was graded)."""
    last = next(
        (
            e
            for e in evidence_store.of_learner(tx, user_id=user_id, limit=200)
            if e.source_id == item.id
        ),
        None,
    )
    if last is None or last.check_id is not None:
        return {}
    response = last.detail.get("response")
    try:
        grade = (
            marking.grade(ctx, item.data, response) if ctx else grading.grade(item.data, response)
        )
    except InvalidInput:
        return {}
    chosen, misconceptions = "", []
    if grade.wrong:
        options = {o["id"]: o for o in item.data.get("options", [])}
        chosen = "; ".join(options[w]["text"] if w in options else w for w in grade.wrong)
        misconceptions = [
            options[w]["misconception"]
            for w in grade.wrong
            if options.get(w, {}).get("misconception")
        ]
    concepts = item.data["type"] == "short_text"  # for choices, found/missed would name the key
    return {
        "correct": grade.correct,
        "score": grade.score,
        "found": list(grade.found) if concepts else [],
        "missed": list(grade.missed) if concepts else [],
        "chosen": chosen,
        "chosen_ids": list(grade.wrong),
        "misconceptions": misconceptions,
    }


def _task_verdict(tx: Tx, user_id: int, skill_id: str) -> dict[str, Any]:
    """The rubric grader's report on the learner's latest applied task: concepts per criterion."""
    found = study_store.submissions(tx, user_id=user_id, skill_id=skill_id)
    if not found or found[0].score is None:
        return {}
    criteria = found[0].detail.get("criteria", [])
    return {
        "correct": False,
        "score": found[0].score,
        "found": [c["criterion"] for c in criteria if not c.get("missed")],
        "missed": [c["criterion"] for c in criteria if c.get("missed")],
    }


def history(ctx: Context, *, user_id: int, skill_id: str) -> list[Turn]:
    with ctx.db.begin() as tx:
        return [
            Turn(r.role, r.mode, r.text, list(r.citations), r.provider, r.created_at)
            for r in store.conversation(tx, user_id=user_id, skill_id=skill_id)
        ]


@dataclass(frozen=True)
class Conversation:
    skill_id: str
    skill_title: str
    messages: int
    last_at: datetime


def conversations(ctx: Context, *, user_id: int) -> list[Conversation]:
    """The learner's conversations with the mentor, one per skill, latest first."""
    with ctx.db.begin() as tx:
        found = store.overview(tx, user_id=user_id)
        titles = {s.id: s.title for s in content_store.skills(tx, [s for s, _, _ in found])}
    return [Conversation(s, titles.get(s, s), n, when) for s, n, when in found]


def clear(ctx: Context, *, user_id: int, skill_id: str) -> None:
    with ctx.db.begin() as tx:
        store.clear(tx, user_id=user_id, skill_id=skill_id)
