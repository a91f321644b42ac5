from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from masterpath.errors import ConfigurationError
from masterpath.settings import describe, load_settings


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


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name, _, description in describe():
        assert description, name
        assert f"`{name}`" in readme, f"{name} is missing from the README configuration table"


def test_app_clock_follows_the_offset(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from masterpath.services import make_context

    ctx = make_context(load_settings(env="development", clock_offset="+3d", data_dir=tmp_path))
    shift = ctx.clock.now() - datetime.now(UTC)
    assert timedelta(days=3) - timedelta(seconds=5) < shift <= timedelta(days=3)
