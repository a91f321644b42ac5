"""Recording badge awards as mastery is reached, inside the transaction that reaches it.

Signing is not done here (`services/badges.py` signs on first download), so the answer path
needs neither the issuer key nor the `badges` extra.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from masterpath.store import Tx
from masterpath.store import badges as store
from masterpath.store import content as content_store
from masterpath.store import mastery as mastery_store


def public_id() -> str:
    """An unguessable id for a badge's public page (192 random bits)."""
    return secrets.token_urlsafe(24)


def career_skills(data: dict[str, object]) -> list[str]:
    stages = data.get("stages", [])
    found: list[str] = []
    for stage in stages if isinstance(stages, list) else []:
        found += [str(s) for s in stage.get("skills", [])]
    return found


def record(tx: Tx, *, user_id: int, skill_id: str, now: datetime) -> None:
    """The skill's badge, and a career path's when this was its last skill to master."""
    store.add(
        tx, user_id=user_id, kind="skill", subject_id=skill_id, public_id=public_id(), now=now
    )
    states = mastery_store.skill_states(tx, user_id)
    mastered = {s for s, state in states.items() if state.mastered_at is not None}
    for career in content_store.careers(tx):
        skills = career_skills(career.data)
        if skill_id in skills and set(skills) <= mastered:
            store.add(
                tx,
                user_id=user_id,
                kind="career",
                subject_id=career.slug,
                public_id=public_id(),
                now=now,
            )
