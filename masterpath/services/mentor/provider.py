"""Which provider answers: the configured LLM server or the builtin mentor, within the daily
token budget a learner may spend on a remote one."""

from __future__ import annotations

from urllib.parse import urlsplit

from masterpath.mentor import Provider
from masterpath.mentor.builtin import Builtin
from masterpath.mentor.openai import OpenAICompatible
from masterpath.services import Context, meaning
from masterpath.store import mentor as store

FALLBACK = "(The AI server did not answer, so this reply comes from the built-in mentor: {why}.) "
BUDGET_SPENT = "(Today's AI budget is used up; the built-in mentor answers until tomorrow.) "
CHARS_PER_TOKEN = 4  # a rough, conservative conversion for the daily budget


def over_budget(ctx: Context, user_id: int) -> bool:
    """Whether the learner has used today's tokens (UTC day), counted from stored exchanges."""
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
