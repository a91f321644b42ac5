"""The learner's conversations with the mentor, one per skill: kept, listed, read and cleared.
The learner's words are kept too: they went to the provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from masterpath.services import Context
from masterpath.services.mentor.prompt import Pending
from masterpath.store import content as content_store
from masterpath.store import mentor as store


@dataclass(frozen=True)
class Turn:
    role: str  # learner or mentor
    mode: str
    text: str
    citations: list[dict[str, str]] = field(default_factory=list)
    provider: str = "builtin"
    created_at: datetime | None = None


def keep(
    ctx: Context, pending: Pending, text: str, cited: list[dict[str, str]], provider: str
) -> None:
    """Store one exchange: the learner's message and the reply, with what the reply cites."""
    now = ctx.clock.now()
    turns: list[tuple[str, str, list[dict[str, str]]]] = [
        ("learner", pending.message, []),
        ("mentor", text, cited),
    ]
    with ctx.db.begin() as tx:
        for role, words, sources in turns:  # the learner's words went to the provider too
            store.add(
                tx,
                user_id=pending.user_id,
                skill_id=pending.skill_id,
                role=role,
                mode=pending.mode,
                text=words,
                citations=sources,
                provider=provider,
                created_at=now,
            )


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
