"""The JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json.

One module per resource; every route documents the canonical error body (`errors.RESPONSES`).
"""

from __future__ import annotations

from fastapi import APIRouter

from masterpath.web.api import (
    catalogue,
    checks,
    cohorts,
    dashboard,
    flashcards,
    me,
    mentor,
    practice,
    skills,
    tracks,
)

# The study round's routers first: a request is matched against the routers in this order.
PARTS = (practice, flashcards, dashboard, catalogue, me, skills, checks, tracks, mentor, cohorts)


def routers() -> list[APIRouter]:
    """The API's routers, each already under /api/v1 (see `deps.api_router`)."""
    return [part.router for part in PARTS]
