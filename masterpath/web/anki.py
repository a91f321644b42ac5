"""Anki on the review page: download the learner's cards as an .apkg, upload one into the
learner's personal deck (a CSRF-checked multipart POST; the upload is capped while it streams)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from masterpath.errors import InvalidInput, Problem
from masterpath.services import anki
from masterpath.web.deps import Ctx, Me
from masterpath.web.forms import form_error
from masterpath.web.study import review_context

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 100 * 1024 * 1024
CHUNK = 1024 * 1024


def _temporary(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix="masterpath-", suffix=suffix)
    os.close(handle)
    return Path(name)


@router.get("/review/export.apkg")
def export_cards(ctx: Ctx, me: Me, skill: str = "") -> Response:
    path = _temporary(".apkg")
    try:
        anki.export(ctx, user_id=me.id, out=path, skill_id=skill or None)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    name = f"masterpath-{skill or 'cards'}.apkg"
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


async def _save(upload: UploadFile, path: Path) -> None:
    written = 0
    with path.open("wb") as sink:
        while chunk := await upload.read(CHUNK):
            written += len(chunk)
            if written > MAX_UPLOAD:
                message = f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MiB"
                raise InvalidInput(message, problems=[Problem(message, field="package")])
            sink.write(chunk)


@router.post("/review/import")
async def import_cards(
    request: Request, ctx: Ctx, me: Me, package: Annotated[UploadFile, File()]
) -> Response:
    path = _temporary(".apkg")
    try:
        await _save(package, path)
        found = await run_in_threadpool(anki.import_package, ctx, user_id=me.id, path=path)
    except InvalidInput as exc:
        shown = exc
        if package.filename:  # name the learner's file, not the temporary one
            shown = InvalidInput(
                exc.message.replace(path.name, package.filename),
                problems=[
                    Problem(p.message, file=package.filename, field=p.field) for p in exc.problems
                ],
            )
        return form_error(request, "review.html", shown, review_context(ctx, me.id, ""))
    finally:
        path.unlink(missing_ok=True)
    return RedirectResponse(f"/review?imported={found.cards}+cards", status_code=303)
