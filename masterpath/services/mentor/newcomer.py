"""The reply a new learner would get: asked as a throwaway learner, deleted afterwards."""

from __future__ import annotations

import secrets

from masterpath.errors import InvalidInput, NotFound
from masterpath.services import Context
from masterpath.services.mentor import replies
from masterpath.services.mentor.conversations import Turn
from masterpath.services.mentor.prompt import bad
from masterpath.store import Tx
from masterpath.store import accounts as accounts_store
from masterpath.store import content as content_store
from masterpath.store.models import ItemRow

EXAMPLE_ITEM = "docker-containers:image-vs-container"  # the id format `mentor ask --item` names


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
            raise bad("name a skill or an item", "skill")
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
        return replies.ask(
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
