"""A grade: the score of one response and what it found, missed or got wrong. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FULL = 0.999  # a score at or over this is a correct answer


@dataclass(frozen=True)
class Grade:
    score: float
    found: tuple[str, ...] = ()  # concepts present, or options chosen rightly
    missed: tuple[str, ...] = ()  # concepts missing, or correct options left out
    wrong: tuple[str, ...] = ()  # options chosen that are not correct
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.score >= FULL
