"""The web app: server-rendered pages, a JSON API under /api/v1, one error handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from masterpath import __version__
from masterpath.services import THREADS, Context, item_reports, knowledge, make_context, packs
from masterpath.services.mentor import provider
from masterpath.settings import Settings, load_settings
from masterpath.web import (
    account,
    api,
    cohorts,
    dashboard,
    errors,
    items,
    pages,
    security,
    study,
    text,
    tracks,
)
from masterpath.web.rendering import HERE, make_templates


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    """Request threads match the database pool (store.db.THREADS), so no request waits on a
    connection the pool must open and then throw away."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app(settings: Settings, *, context: Context | None = None) -> FastAPI:
    """A new app for these settings. Nothing is built at import time."""
    app = FastAPI(
        title="MasterPath",
        version=__version__,
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
        dependencies=[Depends(security.check_csrf), Depends(text.check_text)],
        lifespan=_lifespan,
    )
    app.state.context = context or make_context(settings)
    app.state.signing_key = settings.signing_key()
    app.state.templates = make_templates()
    app.state.templates.env.globals["mentor_remote"] = provider.remote_host(app.state.context)
    app.state.templates.env.globals["mentor_notice"] = provider.meaning_notice(app.state.context)
    app.state.templates.env.globals["report_kinds"] = item_reports.KINDS
    app.middleware("http")(security.middleware)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(account.router)
    app.include_router(study.router)
    app.include_router(tracks.router)
    app.include_router(cohorts.router)
    app.include_router(dashboard.router)
    app.include_router(items.router)
    for part in api.routers():
        app.include_router(part)
    return app


def create_app_from_env() -> FastAPI:
    """The factory `masterpath serve` hands to uvicorn (once per worker)."""
    settings = load_settings()
    context = make_context(settings)
    packs.prepare(context)
    knowledge.warm(context)  # this worker's vectors, read from the cache `serve` filled
    return create_app(settings, context=context)
