"""Single sign-on with OpenID Connect: Authorization Code with PKCE, through `authlib`.

`start` returns the provider's authorization URL and a sealed record of the request (state,
nonce, PKCE verifier, time), which the web layer keeps in a short-lived cookie; `finish` checks
the returned state against it, exchanges the code (with the verifier and the client secret),
and accepts the ID token only when its signature (the provider's JWKS), issuer, audience,
expiry and nonce hold. At a subject's first sign-in it is linked to the account with the
token's email, which the provider must say it verified (a learner account is made when there is
none); later sign-ins find the account by the subject. Roles are still set by an admin.
Needs the `sso` extra (authlib, httpx).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from masterpath.errors import InvalidInput, Unavailable
from masterpath.services import Context
from masterpath.services.accounts import Account, normalise_email, token_hash
from masterpath.store import Tx
from masterpath.store import accounts as store
from masterpath.store.models import User

FLOW_MINUTES = 10  # how long a started sign-in may take
SCOPE = "openid email profile"
NO_PASSWORD = "!sso"  # not an argon2 hash: password login can never match it


@dataclass(frozen=True)
class Started:
    url: str
    sealed: str  # for the cookie


def enabled(ctx: Context) -> bool:
    return bool(ctx.settings.sso_issuer)


def _client(ctx: Context, redirect_uri: str) -> Any:
    try:
        from authlib.integrations.httpx_client import OAuth2Client  # the optional extra
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise Unavailable(
            "single sign-on needs the `sso` extra: pip install 'masterpath[sso]'"
        ) from exc
    settings = ctx.settings
    return OAuth2Client(
        client_id=settings.sso_client_id,
        client_secret=settings.sso_client_secret or None,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=10.0,
    )


def metadata(ctx: Context) -> dict[str, Any]:
    """The provider's discovery document (read once per context); its issuer must match."""
    issuer = ctx.settings.sso_issuer.rstrip("/")
    found: dict[str, Any] | None = ctx.cache.get("sso", issuer)
    if found is not None:
        return found
    try:
        found = _get_json(f"{issuer}/.well-known/openid-configuration")
    except Exception as exc:
        raise Unavailable(f"the OpenID provider at {issuer} does not answer: {exc}") from exc
    if not isinstance(found, dict) or str(found.get("issuer", "")).rstrip("/") != issuer:
        raise Unavailable(f"the OpenID provider at {issuer} names another issuer")
    return ctx.cache.put("sso", issuer, found)


def _get_json(url: str) -> Any:
    import httpx

    response = httpx.get(url, timeout=10.0)
    response.raise_for_status()
    return response.json()


def _seal(ctx: Context, data: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
    mac = hmac.new(ctx.settings.signing_key().encode(), body.encode(), hashlib.sha256)
    return f"{body}.{mac.hexdigest()}"


def _unseal(ctx: Context, sealed: str) -> dict[str, Any]:
    body, _, mac = sealed.rpartition(".")
    wanted = hmac.new(ctx.settings.signing_key().encode(), body.encode(), hashlib.sha256)
    if not body or not hmac.compare_digest(mac, wanted.hexdigest()):
        raise InvalidInput("single sign-on: no sign-in was started here; start again")
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
    if ctx.clock.now().timestamp() - data["at"] > FLOW_MINUTES * 60:
        raise InvalidInput("single sign-on: the sign-in took too long; start again")
    return data


def start(ctx: Context, *, redirect_uri: str) -> Started:
    found = metadata(ctx)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    with _client(ctx, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            found["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    record = {"state": state, "nonce": nonce, "verifier": verifier}
    return Started(url, _seal(ctx, {**record, "at": ctx.clock.now().timestamp()}))


def _id_claims(ctx: Context, token: dict[str, Any], nonce: str) -> dict[str, Any]:
    from authlib.oidc.core import CodeIDToken
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    found = metadata(ctx)
    settings = ctx.settings
    try:
        keys = KeySet.import_key_set(_get_json(found["jwks_uri"]))
    except Exception as exc:
        raise Unavailable(f"the OpenID provider's keys cannot be read: {exc}") from exc
    try:
        decoded = jwt.decode(str(token.get("id_token", "")), keys)
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {
                "iss": {"essential": True, "value": found["issuer"]},
                "aud": {"essential": True, "value": settings.sso_client_id},
            },
            {"nonce": nonce, "client_id": settings.sso_client_id, **_access(token)},
        )
        claims.validate(now=int(ctx.clock.now().timestamp()), leeway=30)
    except (JoseError, ValueError) as exc:
        raise InvalidInput(f"single sign-on: the ID token was refused: {_why(exc)}") from exc
    return dict(claims)


def _access(token: dict[str, Any]) -> dict[str, Any]:
    return {"access_token": token["access_token"]} if "access_token" in token else {}


def _why(exc: Exception) -> str:
    name = type(exc).__name__
    return f"{name}: {exc}" if str(exc) else name


def finish(
    ctx: Context,
    *,
    sealed: str,
    state: str,
    code: str,
    redirect_uri: str,
    address: str,
    user_agent: str = "",
) -> tuple[str, Account]:
    """A session for the provider's verified email, after every check of the flow."""
    record = _unseal(ctx, sealed)
    if not state or not hmac.compare_digest(state, record["state"]):
        raise InvalidInput("single sign-on: the state does not match this sign-in; start again")
    with _client(ctx, redirect_uri) as client:
        try:
            token = client.fetch_token(
                metadata(ctx)["token_endpoint"], code=code, code_verifier=record["verifier"]
            )
        except Exception as exc:
            raise InvalidInput(f"single sign-on: the provider refused the code: {exc}") from exc
    claims = _id_claims(ctx, dict(token), record["nonce"])
    return _session(ctx, claims, address=address, user_agent=user_agent)


def _session(
    ctx: Context, claims: dict[str, Any], *, address: str, user_agent: str
) -> tuple[str, Account]:
    """The account linked to this subject, or, at its first sign-in, the one with its verified
    email (made if missing, as a learner)."""
    now = ctx.clock.now()
    token = secrets.token_urlsafe(32)
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    with ctx.db.begin() as tx:
        user = store.sso_user(tx, issuer=issuer, subject=subject)
        if user is None:
            user = _link(tx, claims, now=now)
        store.add_session(
            tx,
            user_id=user.id,
            token_hash=token_hash(token),
            now=now,
            expires_at=now + timedelta(days=ctx.settings.session_days),
            user_agent=user_agent,
            address=address,
        )
        account = Account(user.id, user.email, user.display_name, user.role, user.timezone)
    return token, account


def _link(tx: Tx, claims: dict[str, Any], *, now: datetime) -> User:
    if claims.get("email_verified") is not True or not claims.get("email"):
        raise InvalidInput("single sign-on: the provider did not vouch for an email address")
    email = normalise_email(str(claims["email"]))[:254]
    user = store.user_by_email(tx, email)
    if user is None:  # a learner until an admin says otherwise
        user = store.add_user(
            tx,
            email=email,
            display_name=str(claims.get("name") or email.split("@")[0])[:100],
            password_hash=NO_PASSWORD,
            role="learner",
            timezone="UTC",
            now=now,
        )
    store.link_sso(
        tx, issuer=str(claims["iss"]), subject=str(claims["sub"]), user_id=user.id, now=now
    )
    return user
