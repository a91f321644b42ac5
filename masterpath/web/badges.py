"""Open Badges: the learner's download from the dashboard, and each badge's public page.

A public page lives at an unguessable URL (`/badges/<192 random bits>`) and shows the signed
credential's own statements — achievement, criteria, evidence, issuer, date — and no other
learner data. Downloads are GETs: signing a badge the first time it is asked for stores a value
that every later request returns unchanged, not a change a learner makes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from masterpath.services import badge_status, badges
from masterpath.web.deps import Ctx, Id, Me
from masterpath.web.rendering import render

router = APIRouter(include_in_schema=False)
JSON_LD = "application/ld+json; charset=utf-8"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/dashboard/badges/{badge_id}.json")
def download(request: Request, ctx: Ctx, me: Me, badge_id: Id) -> Response:
    name, text = badges.download(ctx, user_id=me.id, badge_id=badge_id, base_url=_base(request))
    return Response(
        text, media_type=JSON_LD, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(badges.STATUS_PATH)
def status_list(request: Request, ctx: Ctx) -> Response:
    """The revocation list (W3C Bitstring Status List) that badges' `credentialStatus` names."""
    text = badge_status.document(ctx, base_url=_base(request))
    return Response(text, media_type=JSON_LD, headers={"Cache-Control": "max-age=300"})


@router.get("/badges/{public_id}.json")
def public_json(request: Request, ctx: Ctx, public_id: str) -> Response:
    shown = badges.public(ctx, public_id=public_id, base_url=_base(request))
    return Response(shown.credential, media_type=JSON_LD, headers={"X-Robots-Tag": "noindex"})


@router.get("/badges/{public_id}")
def public_page(request: Request, ctx: Ctx, public_id: str) -> Response:
    shown = badges.public(ctx, public_id=public_id, base_url=_base(request))
    response = render(request, "badge.html", {"badge": shown, "public_id": public_id})
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
