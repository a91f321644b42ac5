"""A learner's own data: the export holds every kind of it and no one else's; deleting the
account leaves nothing that names them while the statistics stay as they were."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from masterpath.errors import InvalidInput, NotFound
from masterpath.services import (
    Context,
    accounts,
    badge_status,
    badges,
    cohorts,
    data_export,
    erasure,
    evidence,
    instructor,
    item_stats,
    practice,
    roles,
    tasks,
)
from masterpath.services.mentor import replies
from masterpath.store import outbox as outbox_store
from tests.services.test_backup import PASSWORD, fill, rows
from tests.services.test_study import SKILL

pytest.importorskip("pyld")

SECRET = "my cat Felix says quoting keeps spaces as one word"
TASK = "Ada's own pipeline: ls -1 | wc -l, tried on her laptop"
KINDS = {
    "README.txt",
    "account.json",
    "tracks.json",
    "evidence.csv",
    "skills.csv",
    "cards.csv",
    "card_reviews.csv",
    "personal_cards.json",
    "tasks.json",
    "mentor.json",
    "badges.json",
    "item_reports.json",
    "study_time.csv",
    "resource_marks.csv",
}


def people(ctx: Context) -> tuple[int, int]:
    """Ada with a row in every table (tests/services/test_backup.py), a typed answer of hers in
    the ledger, and Bob, another learner with an answer and a mentor exchange."""
    fill(ctx)
    ada = data_export.user_id_of(ctx, email="ada@example.com")
    evidence.record(  # a short-text answer, stored as checks and practice store them
        ctx,
        user_id=ada,
        skill_id=SKILL,
        source_kind="item",
        source_id=f"{SKILL}:quote-var",
        mode="mastery_check",
        score=1.0,
        grader="auto",
        detail={"response": SECRET},
    )
    tasks.submit(ctx, user_id=ada, skill_id=SKILL, text=TASK, link="https://ada.example.org/x")
    bob = accounts.register(ctx, email="bob@example.com", password=PASSWORD).id
    practice.answer(ctx, user_id=bob, item_id=f"{SKILL}:abs-path", response="b")
    replies.ask(ctx, user_id=bob, skill_id=SKILL, message="bob asks about pipes")
    return ada, bob


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removeprefix("masterpath-data/"): archive.read(name).decode()
            for name in archive.namelist()
        }


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_holds_every_kind_of_data_and_nothing_of_another_learner(ctx: Context) -> None:
    ada, bob = people(ctx)
    files = unzip(data_export.export(ctx, user_id=ada))
    assert set(files) == KINDS
    account = json.loads(files["account.json"])
    assert account["email"] == "ada@example.com" and "password_hash" not in account
    assert account["cohorts"][0]["cohort"] == "Evening class"
    assert account["sso_identities"][0]["subject"] == "ada"
    assert json.loads(files["tracks.json"])[0]["goal"] == "become a shell user"
    answers = table(files["evidence.csv"])
    assert SECRET in {json.loads(r["detail"]).get("response") for r in answers}
    assert table(files["card_reviews.csv"]) and table(files["cards.csv"])
    [card] = json.loads(files["personal_cards.json"])
    assert card["front"] == "hola" and card["reviews"]
    assert [t["text"] for t in json.loads(files["tasks.json"])][-1] == TASK
    assert json.loads(files["mentor.json"])[0]["text"] == "what is ~ ?"
    [badge] = json.loads(files["badges.json"])
    assert badge["credential"]["type"][1] == "OpenBadgeCredential"
    assert json.loads(files["item_reports.json"])[0]["note"] == "the key is wrong"
    assert table(files["study_time.csv"]) and table(files["resource_marks.csv"])
    everything = "".join(files.values())
    assert "bob@example.com" not in everything and "bob asks" not in everything
    assert "token_hash" not in everything
    bobs = unzip(data_export.export(ctx, user_id=bob))
    assert "ada@example.com" not in "".join(bobs.values())
    assert len(table(bobs["evidence.csv"])) == 1


def _statistics(ctx: Context, tess: int) -> tuple[Any, ...]:
    with ctx.db.begin() as tx:
        counted = len(outbox_store.evidence_after(tx, after=0, limit=100_000))
    found = [item_stats.as_json(s) for s in item_stats.item_stats(ctx, min_answers=1)]
    [cohort] = cohorts.of_instructor(ctx, instructor_id=tess)
    page = instructor.cohort_page(ctx, instructor_id=tess, cohort_id=cohort.id)
    progress = [(r.id, r.track, r.stuck, r.pending) for r in page.learners]
    return counted, found, cohort.members, progress


def _sent(ctx: Context) -> int:
    """Every evidence record's statements, as if the LRS had taken them (tests/integrations
    sends them to a real one)."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        outbox_store.enqueue_evidence(tx, now=now, limit=100_000)
        ids = outbox_store.due_statements(tx, now=now, limit=100_000)
        outbox_store.mark_statements(tx, ids, sent_at=now, retry_at=None, error="")
    return len(ids)


def test_deleting_an_account_leaves_nothing_that_names_them_and_the_statistics_as_they_were(
    ctx: Context, tmp_path: Path
) -> None:
    ada, bob = people(ctx)
    tess = data_export.user_id_of(ctx, email="tess@example.com")
    [badge] = badges.mine(ctx, user_id=ada)
    _, text = badges.download(ctx, user_id=ada, badge_id=badge.id, base_url="http://t")
    credential = tmp_path / "badge.json"
    credential.write_text(text)
    assert badge_status.verify(ctx.settings, credential).line.startswith("VALID")
    _sent(ctx)
    with ctx.db.begin() as tx:
        every = outbox_store.evidence_after(tx, after=0, limit=10_000)
        adas = [row.id for row in every if row.user_id == ada]
    before = _statistics(ctx, tess)

    done = erasure.delete(ctx, user_id=ada)

    assert done.pseudonym.startswith("deleted-") and done.answers_redacted >= 1
    assert (done.badges_revoked, done.records_voided) == (1, len(adas))
    assert accounts.sessions(ctx, user_id=ada) == []
    assert _statistics(ctx, tess) == before
    dump = repr(rows(ctx.settings.url))
    for trace in (
        "ada@example.com",
        SECRET,
        TASK,  # a task answer
        "ada.example.org",  # its link
        "what is ~ ?",  # the mentor conversation
        "become a shell user",  # the track's goal
        "the key is wrong",  # the item report's note
        "192.0.2.1",  # the address of her sessions and login attempts
        "https://id.example.test",  # her single sign-on link
        "hola",  # her own flashcard
        "sha256$",  # the badge credential's hashed email
    ):
        assert trace not in dump, trace
    with pytest.raises(NotFound):
        badges.public(ctx, public_id=badge.public_id, base_url="http://t")
    verdict = badge_status.verify(ctx.settings, credential)
    assert not verdict.ok and verdict.line.startswith(f"REVOKED: {credential}: ")
    with ctx.db.begin() as tx:
        voids = outbox_store.voids_of(tx, ada)
        assert sorted(v.evidence_id for v in voids) == sorted(adas)
        assert outbox_store.enqueue_evidence(tx, now=ctx.clock.now()) == 0
    assert "bob asks about pipes" in dump  # the other learner keeps everything
    assert data_export.export(ctx, user_id=bob)
    with pytest.raises(NotFound):
        data_export.export(ctx, user_id=ada)
    with pytest.raises(NotFound):
        erasure.delete(ctx, user_id=ada)
    with pytest.raises(InvalidInput):
        accounts.login(ctx, email="ada@example.com", password=PASSWORD, address="192.0.2.9")


def test_an_answer_typed_by_the_learner_is_redacted_and_a_chosen_option_kept(
    ctx: Context,
) -> None:
    ada, _ = people(ctx)
    erasure.delete(ctx, user_id=ada)
    with ctx.db.begin() as tx:
        found = outbox_store.evidence_after(tx, after=0, limit=10_000)
    details = {(r.source_id, json.dumps(r.detail)) for r in found if r.user_id == ada}
    assert (f"{SKILL}:quote-var", '{"redacted": true}') in details
    kept = {d for _, d in details}
    assert '{"response": true}' in kept and ({'{"response": "a"}', '{"response": "b"}'} & kept)
    assert {d for i, d in details if i == f"{SKILL}:wc-lines"} <= {'{"redacted": true}'}


def test_an_account_without_a_password_confirms_by_typing(ctx: Context) -> None:
    ada = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    with pytest.raises(InvalidInput, match="enter your current password"):
        erasure.confirm(ctx, user_id=ada, password="wrong password", typed="delete my account")
    erasure.confirm(ctx, user_id=ada, password=PASSWORD, typed="")
    tess, _ = roles.make_instructor(ctx, email="tess@example.com", password=PASSWORD)
    with ctx.db.begin() as tx:
        from masterpath.store import accounts as store

        user = store.user_by_id(tx, tess.id)
        assert user is not None
        user.password_hash = "!sso"
    with pytest.raises(InvalidInput, match="type"):
        erasure.confirm(ctx, user_id=tess.id, password=PASSWORD, typed="delete")
    erasure.confirm(ctx, user_id=tess.id, password="", typed="Delete my account")


def test_the_xapi_export_leaves_out_a_deleted_learner(ctx: Context) -> None:
    from masterpath.services import xapi

    ada = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    bob = accounts.register(ctx, email="bob@example.com", password=PASSWORD).id
    for learner in (ada, bob):
        practice.answer(ctx, user_id=learner, item_id="python-basics:mutable", response="b")
    erasure.delete(ctx, user_id=ada)
    out = io.StringIO()
    assert xapi.export(ctx, out) == 1
    assert json.loads(out.getvalue())["actor"]["account"]["name"] == str(bob)
