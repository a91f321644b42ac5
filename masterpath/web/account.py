"""Register, log in and out, the account page, password changes and resets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from masterpath.errors import Forbidden, InvalidInput, MasterPathError
from masterpath.services import Context, accounts, data_export, digest, erasure
from masterpath.web.deps import Ctx, Me
from masterpath.web.forms import form_error
from masterpath.web.rendering import render
from masterpath.web.security import SESSION_COOKIE, Viewer, set_cookie

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]
Optional = Annotated[str, Form()]


def _safe_next(target: str) -> str:
    """Only same-site paths; anything else goes home."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _signed_in(request: Request, ctx: Context, token: str, target: str) -> Response:
    response = RedirectResponse(_safe_next(target), status_code=303)
    age = ctx.settings.session_days * 86400
    set_cookie(request, response, SESSION_COOKIE, token, age)
    return response


def _ways(ctx: Context) -> dict[str, object]:
    """Which ways in the login page offers (single sign-on, passwords or both)."""
    settings = ctx.settings
    return {
        "sso_name": settings.sso_name if settings.sso_issuer else "",
        "password_login": settings.password_login,
    }


def _passwords_allowed(ctx: Context) -> None:
    if not ctx.settings.password_login:
        raise Forbidden("password login is turned off here: sign in with single sign-on")


@router.get("/login")
def login_page(request: Request, ctx: Ctx, next: str = "/") -> Response:
    shown = {"next": _safe_next(next), "email": "", "forgot": ctx.settings.mail_configured}
    return render(request, "login.html", {**shown, **_ways(ctx)})


@router.post("/login")
def login(
    request: Request, ctx: Ctx, email: Field, password: Field, next: Optional = "/"
) -> Response:
    _passwords_allowed(ctx)
    address = request.client.host if request.client else ""
    agent = request.headers.get("user-agent", "")
    try:
        token, _ = accounts.login(
            ctx, email=email, password=password, address=address, user_agent=agent
        )
    except InvalidInput as exc:
        shown = {"next": _safe_next(next), "email": email, **_ways(ctx)}
        return form_error(request, "login.html", exc, shown)
    return _signed_in(request, ctx, token, next)


@router.get("/register")
def register_page(request: Request, ctx: Ctx) -> Response:
    if not ctx.settings.password_login:  # accounts come from single sign-on
        return RedirectResponse("/login", status_code=303)
    return render(request, "register.html", {"email": "", "display_name": ""})


@router.post("/register")
def register(  # noqa: PLR0917 - FastAPI parameters
    request: Request,
    ctx: Ctx,
    email: Field,
    password: Field,
    display_name: Optional = "",
    timezone: Optional = "UTC",
) -> Response:
    _passwords_allowed(ctx)
    address = request.client.host if request.client else ""
    try:
        accounts.register(
            ctx,
            email=email,
            password=password,
            display_name=display_name,
            timezone=timezone or "UTC",
            address=address,
        )
    except MasterPathError as exc:
        shown = {"email": email, "display_name": display_name}
        return form_error(request, "register.html", exc, shown)
    token, _ = accounts.login(
        ctx,
        email=email,
        password=password,
        address=address,
        user_agent=request.headers.get("user-agent", ""),
    )
    return _signed_in(request, ctx, token, "/account?welcome=1")


@router.post("/logout")
def logout(request: Request, ctx: Ctx) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        accounts.logout(ctx, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account(request: Request, ctx: Context, viewer: Viewer) -> dict[str, object]:
    return {
        "sessions": accounts.sessions(ctx, user_id=viewer.id, current=viewer.session_id),
        "timezones": accounts.timezones(),
        "welcome": request.query_params.get("welcome") == "1",
        "mail_configured": ctx.settings.mail_configured,
        "weekly_digest": digest.wants_digest(ctx, user_id=viewer.id),
        "confirmation": erasure.CONFIRMATION,
    }


@router.get("/account")
def account_page(request: Request, ctx: Ctx, viewer: Me) -> Response:
    return render(request, "account.html", _account(request, ctx, viewer))


@router.post("/account/password")
def change_password(
    request: Request, ctx: Ctx, viewer: Me, current_password: Field, new_password: Field
) -> Response:
    try:
        accounts.change_password(
            ctx,
            user_id=viewer.id,
            current=current_password,
            new=new_password,
            keep_session=viewer.session_id,
        )
    except InvalidInput as exc:
        return form_error(request, "account.html", exc, _account(request, ctx, viewer))
    notice = "Password changed. Other sessions were ended."
    return render(request, "account.html", {**_account(request, ctx, viewer), "notice": notice})


@router.post("/account/timezone")
def change_timezone(ctx: Ctx, viewer: Me, timezone: Field) -> Response:
    accounts.set_timezone(ctx, user_id=viewer.id, timezone=timezone)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/digest")
def change_digest(ctx: Ctx, viewer: Me, weekly_digest: Field) -> Response:
    digest.set_digest(ctx, user_id=viewer.id, on=weekly_digest == "on")
    return RedirectResponse("/account", status_code=303)


@router.get("/account/export")
def export(ctx: Ctx, viewer: Me) -> Response:
    """Download all my data: a ZIP of JSON and CSV files."""
    data = data_export.export(ctx, user_id=viewer.id)
    name = data_export.file_name(ctx)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type="application/zip", headers=headers)


@router.post("/account/delete")
def delete_account(
    request: Request, ctx: Ctx, viewer: Me, password: Optional = "", confirmation: Optional = ""
) -> Response:
    """Delete my account, after the password (or, with single sign-on only, the typed words)."""
    try:
        erasure.confirm(ctx, user_id=viewer.id, password=password, typed=confirmation)
    except InvalidInput as exc:
        return form_error(request, "account.html", exc, _account(request, ctx, viewer))
    erasure.delete(ctx, user_id=viewer.id)
    response = RedirectResponse("/?deleted=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str) -> Response:
    return render(request, "unsubscribe.html", {"token": token, "done": False})


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, ctx: Ctx, token: str) -> Response:
    """One click (RFC 8058): the mail client POSTs `List-Unsubscribe=One-Click` here. The signed
    token is the authority, so no session or CSRF token is asked for."""
    digest.unsubscribe(ctx, token)
    return render(request, "unsubscribe.html", {"token": token, "done": True})


@router.post("/account/sessions/{session_id}/revoke")
def revoke(ctx: Ctx, viewer: Me, session_id: int) -> Response:
    accounts.revoke_session(ctx, user_id=viewer.id, session_id=session_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/forgot")
def forgot_page(request: Request, ctx: Ctx) -> Response:
    return render(request, "forgot.html", {"sent": False, "email": ""})


@router.post("/forgot")
def forgot(request: Request, ctx: Ctx, email: Field) -> Response:
    address = request.client.host if request.client else ""
    try:
        accounts.request_reset(ctx, email=email, address=address)
    except InvalidInput as exc:
        return form_error(request, "forgot.html", exc, {"sent": False, "email": email})
    return render(request, "forgot.html", {"sent": True, "email": email})


@router.get("/reset/{token}")
def reset_page(request: Request, token: str) -> Response:
    return render(request, "reset.html", {"token": token})


@router.post("/reset/{token}")
def reset(request: Request, ctx: Ctx, token: str, new_password: Field) -> Response:
    try:
        accounts.reset_password(ctx, token=token, new=new_password)
    except InvalidInput as exc:
        return form_error(request, "reset.html", exc, {"token": token})
    return RedirectResponse("/login?reset=1", status_code=303)
