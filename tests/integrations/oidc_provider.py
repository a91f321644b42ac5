"""A real OpenID provider for the single sign-on tests: authlib's own authorization server
(Authorization Code grant, PKCE, the OpenID Connect `OpenIDCode` extension that signs ID tokens
with RS256) in a small Flask app, served by werkzeug on 127.0.0.1 in a thread.

The user who "logs in" at the provider is fixed per test (`provider.user`); the knobs
`audience` and `lifetime` misconfigure the provider the way a wrong client registration or a
slow clock would, while authlib still issues and signs every token itself.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass
class Provider:
    url: str
    key: RSAKey
    clients: dict[str, Client] = field(default_factory=dict)
    codes: dict[str, Code] = field(default_factory=dict)
    user: dict[str, Any] = field(default_factory=dict)
    audience: str | None = None  # issue ID tokens for this audience instead of the client's
    lifetime: int = 3600  # seconds an ID token is valid

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))


def _grant(provider: Provider) -> type[grants.AuthorizationCodeGrant]:
    class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, request: Any) -> None:
            data = request.payload.data
            provider.codes[code] = Code(
                code=code,
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                user=request.user,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            found = provider.codes.get(code)
            return found if found and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
            return authorization_code.user

    return CodeGrant


def _openid(provider: Provider) -> OpenIDCode:
    class Extension(OpenIDCode):  # type: ignore[misc]
        def exists_nonce(self, nonce: str, request: Any) -> bool:
            return any(c.nonce == nonce for c in provider.codes.values())

        def resolve_client_private_key(self, client: Client) -> RSAKey:
            return provider.key

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": str(provider.key.kid)}

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            now = int(time.time())
            aud = provider.audience or client.get_client_id()
            return {"iss": provider.url, "aud": [aud], "iat": now, "exp": now + provider.lifetime}

        def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
            return UserInfo(user)

    return Extension(require_nonce=True)


def make_app(provider: Provider) -> Flask:
    app = Flask("oidc-provider")
    server = AuthorizationServer(
        app,
        query_client=provider.clients.get,
        save_token=lambda token, request: None,
    )
    server.register_grant(_grant(provider), [CodeChallenge(required=True), _openid(provider)])

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        return jsonify(
            issuer=provider.url,
            authorization_endpoint=f"{provider.url}/authorize",
            token_endpoint=f"{provider.url}/token",
            jwks_uri=f"{provider.url}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
        )

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(provider.jwks())

    @app.get("/authorize")
    def authorize() -> Any:  # the user is signed in at the provider and consents
        return server.create_authorization_response(grant_user=provider.user)

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    return app


@contextmanager
def running() -> Iterator[Provider]:
    """A provider listening on 127.0.0.1 (a free port) until the block ends."""
    http = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    provider = Provider(
        url=f"http://127.0.0.1:{http.server_port}",
        key=RSAKey.generate_key(2048, parameters={"kid": "test-key"}),
    )
    http.app = make_app(provider)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        http.shutdown()
        thread.join(timeout=5)
