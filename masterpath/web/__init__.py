"""The web app: server-rendered pages, a JSON API under /api/v1, one error handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from masterpath import __version__
from masterpath.services import (
    THREADS,
    Context,
    database,
    item_reports,
    knowledge,
    make_context,
    packs,
)
from masterpath.services.drainer import Drainer
from masterpath.services.mentor import provider
from masterpath.settings import Settings, load_settings
from masterpath.web import (
    account,
    anki,
    api,
    badges,
    cohorts,
    collector,
    dashboard,
    errors,
    items,
    pages,
    security,
    sso,
    study,
    text,
    tracks,
)
from masterpath.web.rendering import HERE, make_templates


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Request threads match the database pool (store.db.THREADS), so no request waits on a
    connection the pool must open and then throw away. SQLite's log is checkpointed in the
    background, not in a request's commit. What start-up built (content, templates, the
    model), and what later requests build and keep, is frozen out of the garbage collector's
    full passes, which would otherwise walk it during some request (`collector`). The outbox
    drainer runs beside the requests when MASTERPATH_OUTBOX_SECONDS asks for it."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    database.serve(app.state.context)
    collector.start()
    drainer = Drainer.configured(app.state.context)
    if drainer is not None:
        drainer.start()
    yield
    if drainer is not None:
        drainer.stop()
    database.stop_serving(app.state.context)
    collector.stop()


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
    app.add_middleware(security.Middleware)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for part in api.routers():  # first: the study round's requests are matched in this order
        app.include_router(part)
    app.include_router(pages.router)
    app.include_router(account.router)
    app.include_router(study.router)
    app.include_router(anki.router)
    app.include_router(tracks.router)
    app.include_router(cohorts.router)
    app.include_router(dashboard.router)
    app.include_router(badges.router)
    app.include_router(sso.router)
    app.include_router(items.router)
    return app


def create_app_from_env() -> FastAPI:
    """The factory `masterpath serve` hands to uvicorn (once per worker)."""
    settings = load_settings()
    context = make_context(settings)
    packs.prepare(context)
    knowledge.warm(context)  # this worker's vectors, read from the cache `serve` filled
    packs.warm(context)  # and its content caches, before the first request
    return create_app(settings, context=context)
