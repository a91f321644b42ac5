"""The evidence log a learner reads and exports: filtered, paged, streamed as CSV.

Filters arrive as text from a form or a query string and are checked by name: an unknown skill,
mode, outcome or grader, a malformed or out-of-range date, or a page that is not a number is
refused with the field it came from. Answers of a check still running stay out of the log until
it ends (no feedback during a check), as in `evidence.of_learner`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from masterpath.domain.content import Mode
from masterpath.errors import InvalidInput, Problem
from masterpath.services import Context
from masterpath.services.dashboard import zone_of
from masterpath.services.evidence import GRADERS, MODES
from masterpath.store import content as content_store
from masterpath.store import dashboard as store
from masterpath.store import evidence as evidence_store
from masterpath.store import item_reports as report_store
from masterpath.store.models import Evidence

OUTCOMES = tuple(store.OUTCOMES)  # correct (score 1), partial, wrong (score 0)
PAGE_SIZE = 50
MAX_PAGE = 100_000
EXPORT_BATCH = 500
EARLIEST = date(2000, 1, 1)
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
CSV_COLUMNS = (
    "id",
    "answered_at",
    "skill_id",
    "skill",
    "mode",
    "source_kind",
    "source_id",
    "outcome",
    "score",
    "rating",
    "grader",
    "hints_used",
    "seconds",
    "pack_version",
)


@dataclass(frozen=True)
class Filters:
    skill: str | None = None
    mode: str | None = None
    outcome: str | None = None
    grader: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def query(self) -> dict[str, str]:
        """The filters as query parameters (page left out), for links and forms."""
        found = {
            "skill": self.skill,
            "mode": self.mode,
            "outcome": self.outcome,
            "grader": self.grader,
            "from": self.date_from,
            "to": self.date_to,
        }
        return {k: str(v) for k, v in found.items() if v is not None}


@dataclass(frozen=True)
class Entry:
    id: int
    answered_at: datetime  # in the learner's time zone
    skill_id: str
    skill: str
    mode: str
    source_kind: str
    source_id: str
    outcome: str
    score: float
    rating: str  # a flashcard's self-rating, else ""
    grader: str
    hints_used: int
    seconds: float | None
    pack_version: str
    voided: bool = False  # graded against a wrong key and voided: it no longer counts


@dataclass(frozen=True)
class LogPage:
    filters: Filters
    entries: list[Entry]
    total: int
    page: int
    pages: int
    page_size: int
    skills: list[dict[str, str]]  # every skill, for the filter's choices
    modes: tuple[str, ...] = MODES
    outcomes: tuple[str, ...] = OUTCOMES
    graders: tuple[str, ...] = GRADERS


def _choice(raw: Mapping[str, Any], name: str, allowed: Any, problems: list[Problem]) -> Any:
    value = str(raw.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        listed = ", ".join(sorted(allowed)) if len(allowed) <= 10 else "a skill id of the content"
        problems.append(Problem(f"unknown {name} {value!r}; use {listed}", field=name))
        return None
    return value


def _date(raw: Mapping[str, Any], name: str, today: date, problems: list[Problem]) -> date | None:
    value = str(raw.get(name) or "").strip()
    if not value:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(f"{value!r} is not a date (YYYY-MM-DD)", field=name))
        return None
    if not EARLIEST <= found <= today + timedelta(days=1):
        problems.append(
            Problem(f"{found} is outside {EARLIEST} to {today + timedelta(days=1)}", field=name)
        )
        return None
    return found


def _page(raw: Mapping[str, Any], problems: list[Problem]) -> int:
    value = str(raw.get("page") or "1").strip()
    if (
        not (value.isascii() and value.isdigit() and len(value) < 19)
        or not 1 <= int(value) <= MAX_PAGE
    ):
        problems.append(
            Problem(f"page {value!r} is not a number from 1 to {MAX_PAGE}", field="page")
        )
        return 1
    return int(value)


def parse(ctx: Context, *, user_id: int, raw: Mapping[str, Any]) -> Filters:
    """Check filters given as text; every bad field is reported at once (InvalidInput)."""
    with ctx.db.begin() as tx:
        skills = set(content_store.skill_models(tx))
        today = ctx.clock.now().astimezone(zone_of(tx, user_id)).date()
    problems: list[Problem] = []
    found = Filters(
        skill=_choice(raw, "skill", skills, problems),
        mode=_choice(raw, "mode", set(MODES), problems),
        outcome=_choice(raw, "outcome", set(OUTCOMES), problems),
        grader=_choice(raw, "grader", set(GRADERS), problems),
        date_from=_date(raw, "from", today, problems),
        date_to=_date(raw, "to", today, problems),
        page=_page(raw, problems),
    )
    if found.date_from and found.date_to and found.date_from > found.date_to:
        problems.append(
            Problem(f"'to' ({found.date_to}) is before 'from' ({found.date_from})", field="to")
        )
    if problems:
        fields = ", ".join(dict.fromkeys(p.field for p in problems))
        raise InvalidInput(f"Check the log's filters: {fields}.", problems=problems)
    return found


def _filter(ctx: Context, user_id: int, filters: Filters) -> store.LogFilter:
    with ctx.db.begin() as tx:
        zone = zone_of(tx, user_id)
        hidden = frozenset(evidence_store.unfinished_checks(tx, user_id=user_id))

    def start(day: date | None) -> datetime | None:
        return datetime.combine(day, time(), zone) if day else None

    return store.LogFilter(
        user_id=user_id,
        skill_id=filters.skill,
        mode=filters.mode,
        outcome=filters.outcome,
        grader=filters.grader,
        since=start(filters.date_from),
        until=start(filters.date_to + timedelta(days=1) if filters.date_to else None),
        hidden_checks=hidden,
    )


def _outcome(score: float) -> str:
    return "correct" if score >= 0.999 else "wrong" if score <= 0.001 else "partial"


def _entry(row: Evidence, titles: dict[str, str], zone: Any, voided: bool = False) -> Entry:
    rating = RATINGS.get(int(row.detail.get("rating", 0))) if row.mode == Mode.FLASHCARD else ""
    return Entry(
        row.id,
        row.answered_at.astimezone(zone),
        row.skill_id,
        titles.get(row.skill_id, row.skill_id),
        row.mode,
        row.source_kind,
        row.source_id,
        _outcome(row.score),
        row.score,
        rating or "",
        row.grader,
        row.hints_used,
        row.seconds,
        row.pack_version,
        voided,
    )


def page(ctx: Context, *, user_id: int, filters: Filters) -> LogPage:
    """One page of the learner's own log, newest first, with the total for paging."""
    where = _filter(ctx, user_id, filters)
    with ctx.db.begin() as tx:
        zone = zone_of(tx, user_id)
        every = content_store.skill_models(tx)
        titles = {k: v.title for k, v in every.items()}
        total = store.log_count(tx, where)
        offset = (filters.page - 1) * PAGE_SIZE
        rows = store.log_page(tx, where, limit=PAGE_SIZE, offset=offset) if offset < total else []
        voided = report_store.voided_among(tx, [row.id for row in rows])
        entries = [_entry(row, titles, zone, row.id in voided) for row in rows]
    skills = sorted(({"id": k, "title": v} for k, v in titles.items()), key=lambda s: s["title"])
    pages = max(1, -(-total // PAGE_SIZE))
    return LogPage(filters, entries, total, filters.page, pages, PAGE_SIZE, skills)


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(v) for v in values])
    return out.getvalue()


def export(ctx: Context, *, user_id: int, filters: Filters) -> Iterator[str]:
    """The whole filtered log as CSV, newest first, read in batches (memory stays flat)."""
    where = _filter(ctx, user_id, filters)
    yield _line(list(CSV_COLUMNS))
    before: tuple[datetime, int] | None = None
    while True:
        with ctx.db.begin() as tx:
            zone = zone_of(tx, user_id)
            titles = {k: v.title for k, v in content_store.skill_models(tx).items()}
            rows = store.log_batch(tx, where, before=before, limit=EXPORT_BATCH)
            entries = [_entry(row, titles, zone) for row in rows]
        if not rows:
            return
        before = (rows[-1].answered_at, rows[-1].id)
        yield "".join(
            _line(
                [
                    e.id,
                    e.answered_at.isoformat(),
                    e.skill_id,
                    e.skill,
                    e.mode,
                    e.source_kind,
                    e.source_id,
                    e.outcome,
                    f"{e.score:.4f}",
                    e.rating,
                    e.grader,
                    e.hints_used,
                    "" if e.seconds is None else f"{e.seconds:.1f}",
                    e.pack_version,
                ]
            )
            for e in entries
        )
