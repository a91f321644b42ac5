"""The public catalogue: careers and their guides."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from masterpath.services import catalogue
from masterpath.web.deps import Ctx, api_router

router = api_router(tag="api")


class CareerSummary(BaseModel):
    slug: str
    title: str
    tagline: str
    salary: dict[str, Any]
    demand: str
    time_to_career: dict[str, Any]
    difficulty: str
    url: str


@router.get("/careers")
def careers(ctx: Ctx) -> list[CareerSummary]:
    return [
        CareerSummary.model_validate({**c.model_dump(), "url": f"/careers/{c.slug}"})
        for c in catalogue.careers(ctx)
    ]


@router.get("/careers/{slug}")
def career(ctx: Ctx, slug: str) -> dict[str, Any]:
    guide = catalogue.guide(ctx, slug)
    body = guide.career.model_dump(mode="json")
    body["skill_titles"] = guide.skill_titles
    return body
