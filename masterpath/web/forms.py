"""The HTML forms: what each one posts, read into a pydantic model, and the page shown again
with the error beside the form when a service refuses the input.

A route takes `form: Annotated[SomeForm, Form()]`. FastAPI counts an empty field as a missing
one, so it takes the default. Numbers the pages have always read leniently (a rating, hints,
a self-score, days) stay text here and are read where they are used, with the same messages
as before; nothing in these models can fail validation. CSRF (web/security.py) and the
bad-text check (web/text.py) still run on the raw form first, for every request.
"""

from __future__ import annotations

import math
import time
import uuid
from datetime import date
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from masterpath.errors import InvalidInput, MasterPathError, Problem
from masterpath.services import cohorts, items, tracks
from masterpath.web.rendering import render


def form_error(
    request: Request, template: str, exc: MasterPathError, context: dict[str, Any] | None = None
) -> Response:
    """The form's page again, with the service's message and problems, at the error's status."""
    shown = {**(context or {}), "error": exc.message, "problems": exc.problems}
    return render(request, template, shown, status=exc.status)


def whole(raw: str) -> int | None:
    """A whole number as a form sends it, or None (not digits, or too long for an id)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _last(value: Any) -> str:
    """A repeated field (FastAPI gives the values as a list) counts by its last value."""
    return str(value[-1] if isinstance(value, list) else value)


def stamp() -> dict[str, Any]:
    """A fresh submission id (a double click records once) and the time the form was shown."""
    return {"submission_id": uuid.uuid4().hex, "shown_at": f"{time.time():.0f}"}


class Stamped(BaseModel):
    """A form that carries `stamp()`: its submission id and when it was shown."""

    shown_at: str = ""
    submission_id: str | None = None

    def seconds(self) -> float | None:
        try:
            elapsed = time.time() - float(self.shown_at)
        except ValueError:
            return None
        return max(0.0, elapsed) if math.isfinite(elapsed) else None


class AnswerForm(Stamped):
    """An answer to an item: practice, a check or the diagnostic."""

    model_config = ConfigDict(extra="allow")  # rank-<option id>: an ordering item's positions

    item_id: str = ""
    response: list[str] = []
    hints_used: str = "0"  # practice only

    def hints(self) -> int:
        return whole(self.hints_used.strip()) or 0

    def response_for(self, item: items.PublicItem) -> Any:
        """The response the grader expects for this item's type."""
        if item.type == "multiple_choice":
            return self.response
        if item.type == "ordering":
            return self._order(item)
        if not self.response:
            raise InvalidInput(
                "choose or write an answer", problems=[Problem("no answer", field="response")]
            )
        return self.response[-1]

    def _order(self, item: items.PublicItem) -> list[str]:
        extra = self.model_extra or {}
        ranks = {}
        for option in item.options:
            rank = whole(_last(extra.get(f"rank-{option['id']}", "")).strip())
            if rank is None:
                message = f"give every step a position from 1 to {len(item.options)}"
                raise InvalidInput(message, problems=[Problem(message, field="response")])
            ranks[option["id"]] = rank
        return sorted(ranks, key=lambda key: (ranks[key], key))


class ResourceForm(BaseModel):
    url: str = ""
    done: str = ""


class HintForm(BaseModel):
    item_id: str = ""


class CheckForm(BaseModel):
    kind: str = ""


class RatingForm(Stamped):
    card_id: str = ""
    rating: str = ""
    skill: str = ""


class PreferencesForm(BaseModel):
    desired_retention: str = ""
    new_cards_per_day: str = ""

    def values(self) -> tuple[float, int]:
        try:
            return float(self.desired_retention), int(self.new_cards_per_day)
        except ValueError:
            message = "give a retention such as 0.9 and a whole number of new cards"
            raise InvalidInput(message) from None


class TaskForm(Stamped):
    text: str = ""
    link: str = ""
    self_score: str = ""

    def self_assessed(self) -> float | None:
        percent = whole(self.self_score.strip())
        return None if percent is None else percent / 100


class MentorForm(BaseModel):
    message: str = ""
    mode: str = "auto"
    item_id: str = ""
    task: str = ""

    @property
    def beside_task(self) -> bool:
        return self.task == "1"


class CodeForm(BaseModel):
    expires_in_days: str = ""

    def days(self) -> int:
        found = whole((self.expires_in_days or str(cohorts.DEFAULT_DAYS)).strip())
        if found is None:
            message = f"a whole number of days from 1 to {cohorts.MAX_DAYS}"
            raise InvalidInput(message, problems=[Problem(message, field="expires_in_days")])
        return found


class CohortForm(CodeForm):
    name: str = ""


class JoinForm(BaseModel):
    code: str = ""


class ScoreForm(BaseModel):
    model_config = ConfigDict(extra="allow")  # points.<criterion id>

    comment: str = ""

    def points(self) -> dict[str, Any]:
        extra = self.model_extra or {}
        return {
            key.removeprefix("points."): _last(value)
            for key, value in extra.items()
            if key.startswith("points.")
        }


class IntakeForm(BaseModel):
    goal: str = ""
    background: str = ""
    hours_per_week: str = ""
    target_date: str = ""
    pin: list[str] = []
    certification: list[str] = []

    def intake(self) -> tracks.Intake:
        """The intake; a malformed number or date is refused by name."""
        try:
            hours = float(self.hours_per_week or "0")
        except ValueError:
            raise InvalidInput(
                "hours per week must be a number",
                problems=[Problem("not a number", field="hours_per_week")],
            ) from None
        raw_date = self.target_date.strip()
        try:
            target = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            raise InvalidInput(
                f"{raw_date!r} is not a date (YYYY-MM-DD)",
                problems=[Problem("not a date", field="target_date")],
            ) from None
        return tracks.Intake(
            goal=self.goal,
            background=self.background,
            pinned=self.pin,
            certifications=self.certification,
            hours_per_week=hours,
            target_date=target,
        )
