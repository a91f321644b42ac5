"""A learner's own data, downloaded: one ZIP of JSON and CSV files (what README.txt inside it
lists) with everything MasterPath keeps about them and nothing about anyone else."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from masterpath.errors import NotFound
from masterpath.services import Context, accounts
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import own_data as store
from masterpath.store.models import User

README = """Your data from MasterPath, as of {now} (UTC).

account.json        your account: email, name, role, time zone, review settings, when it was
                    made; the sessions you are logged in with, your cohorts, single sign-on links
tracks.json         your goals and the plans made for them
evidence.csv        every answer, flashcard rating and task score on record (the ledger your
                    mastery is computed from); `detail` holds what you answered
skills.csv          per skill: your counters and the dates mastery depends on
cards.csv           the built-in flashcards you have started and when each is due
card_reviews.csv    every rating you gave a built-in flashcard
personal_cards.json your own flashcards (imported from Anki) with their reviews
tasks.json          the applied tasks you handed in, with their scores and feedback
mentor.json         your conversations with the mentor
badges.json         your badges, with the signed credential of each one made so far
item_reports.json   problems you reported with questions
study_time.csv      seconds of study recorded, per kind and skill
resource_marks.csv  resources you marked done
"""


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _plain(row: Any, *, skip: Iterable[str] = ("user_id",)) -> dict[str, Any]:
    return {k: _value(v) for k, v in store.plain(row, skip=skip).items()}


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()}
        )
    return out.getvalue()


def _table(tx: Tx, name: str, user: User, **kwargs: Any) -> list[dict[str, Any]]:
    return [_plain(row, **kwargs) for row in store.owned(tx, name, user.id)]


def _account(tx: Tx, user: User) -> dict[str, Any]:
    found = _plain(user, skip=("password_hash",))
    found["sessions"] = [
        _plain(s, skip=("user_id", "token_hash", "id")) for s in store.sessions(tx, user.id)
    ]
    found["cohorts"] = [
        {"cohort": name, "joined_at": _value(m.joined_at), "left_at": _value(m.left_at)}
        for m, name in store.memberships(tx, user.id)
    ]
    found["sso_identities"] = _table(tx, "sso_identities", user, skip=("user_id", "id"))
    return found


def _personal_cards(tx: Tx, user: User) -> list[dict[str, Any]]:
    reviews: dict[int, list[dict[str, Any]]] = {}
    for review in store.personal_reviews(tx, user.id):
        reviews.setdefault(review.card_id, []).append(_plain(review, skip=("card_id",)))
    cards = _table(tx, "personal_cards", user)
    return [{**card, "reviews": reviews.get(card["id"], [])} for card in cards]


def _badges(tx: Tx, user: User) -> list[dict[str, Any]]:
    found = []
    for row in store.owned(tx, "badges", user.id):
        badge = _plain(row, skip=("user_id", "credential"))
        badge["public_page"] = f"/badges/{row.public_id}"
        badge["credential"] = json.loads(row.credential) if row.credential else None
        found.append(badge)
    return found


def _evidence(tx: Tx, user: User) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every evidence record, and the flashcard ratings among them."""
    rows = _table(tx, "evidence", user)
    ratings = [
        {
            "card_id": r["source_id"],
            "skill_id": r["skill_id"],
            "rating": r["detail"].get("rating"),
            "reviewed_at": r["answered_at"],
            "seconds": r["seconds"],
        }
        for r in rows
        if r["source_kind"] == "card"
    ]
    return rows, ratings


def _files(tx: Tx, user: User, now: datetime) -> dict[str, str]:
    evidence, ratings = _evidence(tx, user)
    tables = {
        name: _table(tx, name, user) for name in ("skills", "cards", "study_time", "resource_marks")
    }
    files = {
        "README.txt": README.format(now=now.isoformat(timespec="seconds")),
        "account.json": _json(_account(tx, user)),
        "tracks.json": _json(_table(tx, "tracks", user)),
        "evidence.csv": _csv(evidence, _columns("evidence")),
        "card_reviews.csv": _csv(
            ratings, ["card_id", "skill_id", "rating", "reviewed_at", "seconds"]
        ),
        "personal_cards.json": _json(_personal_cards(tx, user)),
        "tasks.json": _json(_table(tx, "tasks", user)),
        "mentor.json": _json(_table(tx, "mentor", user)),
        "badges.json": _json(_badges(tx, user)),
        "item_reports.json": _json(_table(tx, "item_reports", user)),
    }
    for name in tables:
        files[f"{name}.csv"] = _csv(tables[name], _columns(name))
    return files


def _columns(name: str) -> list[str]:
    return [c for c in store.columns(name) if c != "user_id"]


def _zip(files: dict[str, str], now: datetime) -> bytes:
    out = io.BytesIO()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(f"masterpath-data/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode())
    return out.getvalue()


def export(ctx: Context, *, user_id: int) -> bytes:
    """The learner's own data as a ZIP (JSON and CSV files, README.txt first)."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        user = account_store.user_by_id(tx, user_id)
        if user is None or user.deleted_at is not None:
            raise NotFound("no such account")
        files = _files(tx, user, now)
    return _zip(files, now)


def file_name(ctx: Context) -> str:
    return f"masterpath-data-{ctx.clock.now():%Y-%m-%d}.zip"


def user_id_of(ctx: Context, *, email: str) -> int:
    """The id of the (not deleted) account with this email; NotFound naming it otherwise."""
    wanted = accounts.normalise_email(email)
    with ctx.db.begin() as tx:
        user = account_store.user_by_email(tx, wanted)
        if user is None or user.deleted_at is not None:
            raise NotFound(f"no account with email {wanted!r}")
        return user.id
