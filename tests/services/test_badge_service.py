"""Badges are awarded when mastery is reached, signed by the install's key, and verify."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from masterpath.errors import NotFound
from masterpath.services import Context, accounts, badges
from tests.services.test_mastery_walk import PASSWORD, master_python

pytest.importorskip("pyld")


@pytest.fixture
def user(ctx: Context) -> int:
    return accounts.register(ctx, email="ada@example.com", password=PASSWORD).id


def test_mastering_a_skill_awards_its_badge(ctx: Context, user: int) -> None:
    assert badges.mine(ctx, user_id=user) == []
    master_python(ctx, user)
    [found] = badges.mine(ctx, user_id=user)
    assert (found.kind, found.subject_id) == ("skill", "python-basics")
    assert len(found.public_id) >= 32


def test_downloaded_badge_is_signed_by_the_install_and_verifies(
    ctx: Context, user: int, tmp_path: Path
) -> None:
    master_python(ctx, user)
    [found] = badges.mine(ctx, user_id=user)
    name, text = badges.download(ctx, user_id=user, badge_id=found.id, base_url="http://t/")
    document = json.loads(text)
    assert name == "skill-python-basics-badge.json"
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == badges.issuer_did(ctx.settings)
    assert document["evidence"][0]["id"].startswith(f"http://t/badges/{found.public_id}#")
    names = [e["name"] for e in document["evidence"]]
    assert names == ["Mastery check", "Applied task", "Retention check", "Mastery"]
    key = ctx.settings.data_dir / "badge_issuer_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = badges.download(ctx, user_id=user, badge_id=found.id, base_url="http://other/")
    assert again[1] == text  # kept once made
    path = tmp_path / name
    path.write_text(text)
    trusted = badges.issuer_did(ctx.settings)
    assert badges.verify_file(path, trusted_issuer=trusted).ok
    assert not badges.verify_file(path, trusted_issuer="did:key:z6Mkother").ok


def test_a_learner_cannot_download_another_learners_badge(ctx: Context, user: int) -> None:
    master_python(ctx, user)
    [found] = badges.mine(ctx, user_id=user)
    eve = accounts.register(ctx, email="eve@example.com", password=PASSWORD).id
    with pytest.raises(NotFound):
        badges.download(ctx, user_id=eve, badge_id=found.id, base_url="http://t")


def test_public_badge_shows_the_credential_and_nothing_about_the_learner(
    ctx: Context, user: int
) -> None:
    master_python(ctx, user)
    [found] = badges.mine(ctx, user_id=user)
    shown = badges.public(ctx, public_id=found.public_id, base_url="http://t")
    assert shown.verified and shown.kind == "skill"
    credential = shown.credential.lower()  # the salted hash is hex: it may hold "ada" by chance
    assert "example.com" not in credential and '"ada' not in credential
    with pytest.raises(NotFound):
        badges.public(ctx, public_id="not-a-badge", base_url="http://t")


def test_the_last_skill_of_a_career_path_awards_the_career_badge(ctx: Context, user: int) -> None:
    from masterpath.clock import Clock
    from masterpath.services import awards
    from masterpath.store import mastery as mastery_store

    now = Clock().now()
    with ctx.db.begin() as tx:
        for skill in ("python-basics", "sql-basics", "data-cleaning"):
            state = mastery_store.skill_state(tx, user_id=user, skill_id=skill, now=now)
            state.mastered_at = now
            awards.record(tx, user_id=user, skill_id=skill, now=now)
    kinds = [(b.kind, b.subject_id) for b in badges.mine(ctx, user_id=user)]
    assert ("career", "data-wrangler") in kinds
    career = next(b for b in badges.mine(ctx, user_id=user) if b.kind == "career")
    _, text = badges.download(ctx, user_id=user, badge_id=career.id, base_url="http://t")
    document = json.loads(text)
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert "Every skill of this career path mastered" in text
    assert len(document["evidence"]) == 3
