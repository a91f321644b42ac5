from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from masterpath.errors import ConfigurationError
from masterpath.settings import PREFIX, Settings, describe, load_settings, value_range


def test_clock_offset_shifts_time_in_development() -> None:
    settings = load_settings(env="development", clock_offset="+3d")
    assert settings.offset == timedelta(days=3)
    assert load_settings(env="development", clock_offset="-90m").offset == timedelta(minutes=-90)


def test_clock_offset_refused_in_production() -> None:
    with pytest.raises(ConfigurationError, match="refused unless MASTERPATH_ENV=development"):
        load_settings(env="production", clock_offset="+1d")


def test_bad_offset_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="MASTERPATH_CLOCK_OFFSET"):
        load_settings(env="development", clock_offset="tomorrow")


def test_secret_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("MASTERPATH_SECRET_KEY_FILE", str(secret))
    assert load_settings().secret_key == "from-a-file"


def test_generated_secret_is_kept_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    first = settings.signing_key()
    assert len(first) > 40 and settings.signing_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_default_database_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path).url == f"sqlite:///{tmp_path / 'masterpath.db'}"


def test_every_setting_is_documented_in_the_readme_with_its_range() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in readme.splitlines()
        if line.startswith("| `MASTERPATH_")
    }
    for name, _, description in describe():
        assert description, name
        assert name in rows, f"{name} is missing from the README configuration table"
        allowed = value_range(Settings.model_fields[name.removeprefix(PREFIX).lower()])
        if allowed:
            assert f"({allowed})" in rows[name], f"the README does not give {name}'s range"
            assert description.endswith(f"({allowed}).")  # `masterpath settings` gives it too


def test_every_numeric_setting_has_a_range() -> None:
    for name, field in Settings.model_fields.items():
        if field.annotation in (int, float):
            assert value_range(field), f"{name} accepts any number"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("port", "70001", "Input should be less than or equal to 65535 (given: '70001')"),
        ("port", "0", "Input should be greater than or equal to 1 (given: '0')"),
        ("workers", "-2", "Input should be greater than or equal to 1 (given: '-2')"),
        ("session_days", "0", "Input should be greater than or equal to 1 (given: '0')"),
        ("session_days", "-3", "Input should be greater than or equal to 1 (given: '-3')"),
        ("login_max_per_account", "0", "Input should be greater than or equal to 1 (given: '0')"),
        ("login_max_per_address", "0", "Input should be greater than or equal to 1 (given: '0')"),
        ("login_window_minutes", "-1", "Input should be greater than or equal to 1 (given: '-1')"),
        ("mentor_timeout_seconds", "-1", "Input should be greater than 0 (given: '-1')"),
        ("mentor_daily_tokens", "-5", "Input should be greater than or equal to 0 (given: '-5')"),
        ("shutdown_seconds", "0", "Input should be greater than 0 (given: '0')"),
        (
            "register_max_per_address",
            "0",
            "Input should be greater than or equal to 1 (given: '0')",
        ),
        ("mentor_base_url", "notaurl", "'notaurl' is not an http:// or https:// URL"),
        ("base_url", "example.com", "'example.com' is not an http:// or https:// URL"),
    ],
)
def test_a_value_out_of_range_is_refused_naming_the_variable(
    name: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"MASTERPATH_{name.upper()}", value)
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    assert refused.value.message == (f"invalid configuration: MASTERPATH_{name.upper()}: {message}")


def test_rules_across_settings_read_cleanly() -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_settings(env="production", clock_offset="+1d")
    assert refused.value.message == (
        "invalid configuration: MASTERPATH_CLOCK_OFFSET: refused unless MASTERPATH_ENV=development"
    )
    with pytest.raises(ConfigurationError) as refused:
        load_settings(mentor_provider="openai")
    assert refused.value.message.startswith(
        "invalid configuration: MASTERPATH_MENTOR_BASE_URL: needed when "
        "MASTERPATH_MENTOR_PROVIDER=openai"
    )
    assert load_settings(mentor_provider="openai", mentor_base_url="http://127.0.0.1:1/v1")


def test_app_clock_follows_the_offset(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from masterpath.services import make_context

    ctx = make_context(load_settings(env="development", clock_offset="+3d", data_dir=tmp_path))
    shift = ctx.clock.now() - datetime.now(UTC)
    assert timedelta(days=3) - timedelta(seconds=5) < shift <= timedelta(days=3)


def test_a_data_folder_that_cannot_keep_the_key_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "a-file"
    plain.write_text("not a folder")
    with pytest.raises(ConfigurationError) as refused:
        load_settings(data_dir=plain / "data").signing_key()
    assert refused.value.message == (
        f"invalid configuration: MASTERPATH_DATA_DIR: cannot keep the secret key in "
        f"{plain / 'data'}: Not a directory"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"lrs_endpoint": "http://127.0.0.1:8100/xAPI/"},
            "MASTERPATH_BASE_URL: needed when MASTERPATH_LRS_ENDPOINT is set: statements name "
            "learners as accounts on this install's public URL",
        ),
        (
            {"base_url": "https://a.example", "lrs_endpoint": "http://lrs/x/", "lrs_key": "k"},
            "MASTERPATH_LRS_KEY and MASTERPATH_LRS_SECRET: give both or neither",
        ),
        ({"lrs_endpoint": "lrs.example.org"}, "MASTERPATH_LRS_ENDPOINT: 'lrs.example.org' is not"),
        ({"xapi_namespace": "not-a-uuid"}, "MASTERPATH_XAPI_NAMESPACE: 'not-a-uuid' is not a UUID"),
        (
            {"smtp_host": "smtp.example.org"},
            "MASTERPATH_MAIL_FROM and MASTERPATH_BASE_URL: needed when MASTERPATH_SMTP_HOST is set",
        ),
        (
            {
                "smtp_host": "smtp.example.org",
                "mail_from": "a@b.org",
                "base_url": "https://a.b",
                "smtp_user": "me",
            },
            "MASTERPATH_SMTP_PASSWORD: needed when MASTERPATH_SMTP_USER is set",
        ),
        (
            {
                "smtp_host": "smtp.example.org",
                "mail_from": "a@b.org",
                "base_url": "https://a.b",
                "smtp_security": "none",
            },
            "MASTERPATH_SMTP_SECURITY: `none` sends passwords and reset links in clear",
        ),
        ({"mail_from": "nobody"}, "MASTERPATH_MAIL_FROM: 'nobody' is not a mail address"),
        ({"smtp_port": 0}, "MASTERPATH_SMTP_PORT: Input should be greater than or equal to 1"),
        ({"smtp_security": "ssl"}, "MASTERPATH_SMTP_SECURITY: Input should be 'starttls', 'tls'"),
    ],
)
def test_mail_and_lrs_settings_that_cannot_work_are_refused(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_settings(**values)
    assert refused.value.message.startswith(f"invalid configuration: {message}")


def test_mail_and_lrs_settings_that_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "lrs-secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("MASTERPATH_LRS_SECRET_FILE", str(secret))
    settings = load_settings(
        base_url="https://learn.example.org",
        lrs_endpoint="https://lrs.example.org/xAPI/",
        lrs_key="masterpath",
        xapi_namespace="6F1C2D3E-4B5A-4C6D-8E7F-9A0B1C2D3E4F",
        smtp_host="127.0.0.1",
        smtp_security="none",
        mail_from="MasterPath <noreply@learn.example.org>",
    )
    assert settings.lrs_secret == "s3cret"
    assert settings.xapi_namespace == "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    assert settings.mail_configured and settings.public_url == "https://learn.example.org"
