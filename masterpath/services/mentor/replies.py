"""The mentor's reply: streamed from the provider through the guard, falling back to the builtin
mentor when the LLM server fails, and kept with the learner's question."""

from __future__ import annotations

from collections.abc import Iterator

from masterpath.domain import isolation
from masterpath.mentor import Prompt, Provider, ProviderError
from masterpath.mentor.builtin import Builtin
from masterpath.services import Context
from masterpath.services.mentor import context, conversations, provider
from masterpath.services.mentor.conversations import Turn
from masterpath.services.mentor.prompt import Pending, prepare

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
# The last content-free wordings: the question itself, which the learner already has, so a reader
# of it lands where the stem alone does (gives nothing away) when every other wording leans to a
# key by chance, as on an item whose options are nearly all correct.
ECHOES = (
    "Not while the item is open. Read the question once more: “{stem}” What is your best guess?",
    "Over to you: “{stem}”",
)


def stream(ctx: Context, pending: Pending) -> Iterator[str]:
    """The reply in chunks as the provider makes them; the exchange is stored at the end.

    Each chunk is checked with what came before it: a chunk that would complete a giveaway is
    never sent, and the rest of the reply is replaced by a refusal.
    """
    answering = provider.provider_for(ctx)
    if answering.name != "builtin" and provider.over_budget(ctx, pending.user_id):
        answering = Builtin()
        yield provider.BUDGET_SPENT
        sent, name = provider.BUDGET_SPENT, "builtin"
    else:
        sent, name = "", answering.name
    try:
        for chunk in _guarded(_read_safely(ctx, answering, pending), pending):
            sent += chunk
            yield chunk
    except ProviderError as exc:
        name = "builtin"  # learning never blocks on the LLM server
        notice = provider.FALLBACK.format(why=exc)
        chunks = [
            ("\n\n" if sent else "") + notice,
            *_guarded(Builtin().stream(pending.prompt), pending),
        ]
        for chunk in chunks:
            sent += chunk
            yield chunk
    conversations.keep(ctx, pending, sent.strip(), citations(pending, sent.strip()), name)


def _read_safely(ctx: Context, answering: Provider, pending: Pending) -> Iterator[str]:
    """The builtin reply, whole, with sentences taken out until neither reader lands on an open
    key (and a content-free wording when even that is not enough). An LLM's reply streams as it
    comes: its context was isolated the same way before it was sent."""
    choices = pending.open.every_choice if pending.open else []
    if answering.name != "builtin" or not choices:
        yield from answering.stream(pending.prompt)
        return
    prompt: Prompt | None = pending.prompt
    while prompt is not None:
        text = "".join(answering.stream(prompt))
        cited = [s.title for n, s in enumerate(prompt.sources[:2], start=1) if f"[{n}]" in text]
        if not context.pointing(ctx, "\n".join([text, *cited]), choices):  # as the learner sees it
            pending.used.append(prompt)
            yield text
            return
        prompt = context.worst_sentence(ctx, prompt, choices)
    echoes = [echo.format(stem=c.stem.strip()) for echo in ECHOES for c in choices]
    wordings = [*NEUTRAL, *echoes]
    yield next((t for t in wordings if not context.pointing(ctx, t, choices)), SAFE)


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
        provider.provider_for(ctx).name,
        ctx.clock.now(),
    )
