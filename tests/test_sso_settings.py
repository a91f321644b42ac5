"""Single sign-on settings that cannot work are refused at start, naming the setting."""

from __future__ import annotations

import pytest

from masterpath.errors import ConfigurationError
from masterpath.settings import load_settings


def test_password_login_off_needs_an_issuer() -> None:
    with pytest.raises(ConfigurationError, match="MASTERPATH_PASSWORD_LOGIN=false needs"):
        load_settings(password_login=False)


def test_an_issuer_needs_a_client_id() -> None:
    with pytest.raises(ConfigurationError, match="MASTERPATH_SSO_CLIENT_ID: needed"):
        load_settings(sso_issuer="https://id.example.org")


def test_an_issuer_must_be_https_unless_local() -> None:
    with pytest.raises(ConfigurationError, match="MASTERPATH_SSO_ISSUER: an https:// URL"):
        load_settings(sso_issuer="http://id.example.org", sso_client_id="x")
    local = load_settings(sso_issuer="http://127.0.0.1:9000", sso_client_id="x")
    assert local.sso_issuer == "http://127.0.0.1:9000"
