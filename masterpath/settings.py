"""Configuration: one settings class, every field from a `MASTERPATH_` variable."""

from __future__ import annotations

import os
import re
import secrets
import uuid
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from masterpath.errors import ConfigurationError

PREFIX = "MASTERPATH_"
SECRETS = (
    "secret_key",
    "database_url",
    "mentor_api_key",
    "lrs_secret",
    "smtp_password",
    "sso_client_secret",
)
_MAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_OFFSET = re.compile(r"^([+-])(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
SECRET_KEY_FILE = "secret_key"
BADGE_KEY_FILE = "badge_issuer_key"  # the Ed25519 seed that signs Open Badges
KEY_FILES = (SECRET_KEY_FILE, BADGE_KEY_FILE)  # the data folder's key files: `db backup` copies


class FileSecretsSource(PydanticBaseSettingsSource):
    """Reads a secret from the file named by `MASTERPATH_<NAME>_FILE`."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        path = os.environ.get(f"{PREFIX}{field_name.upper()}_FILE")
        if field_name not in SECRETS or not path:
            return None, field_name, False
        try:
            return Path(path).read_text().strip(), field_name, False
        except OSError as exc:
            raise ConfigurationError(
                f"{PREFIX}{field_name.upper()}_FILE: cannot read {path}: {exc.strerror}"
            ) from exc

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                values[key] = value
        return values


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore")

    env: Literal["production", "development"] = Field(
        "production", description="`development` allows the clock offset and plain-HTTP demos."
    )
    data_dir: Path = Field(
        Path(platformdirs.user_data_dir("masterpath")),
        description="Folder for the SQLite database and the generated secret key.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL; empty means SQLite in the data folder. "
        "Use `postgresql+psycopg://user:pass@host/db` for PostgreSQL (secret: also `_FILE`).",
    )
    secret_key: str = Field(
        "",
        description="Key that signs CSRF tokens (secret: also `_FILE`). Empty means a random key "
        "generated once and kept in the data folder.",
    )
    host: str = Field("127.0.0.1", description="Address `masterpath serve` listens on.")
    port: int = Field(8000, ge=1, le=65_535, description="Port `masterpath serve` listens on.")
    workers: int = Field(1, ge=1, description="uvicorn worker processes for `masterpath serve`.")
    shutdown_seconds: int = Field(
        30,
        gt=0,
        description="On SIGTERM, seconds `masterpath serve` lets requests in flight finish "
        "before it cancels them.",
    )
    base_url: str = Field(
        "",
        description="Public URL of this install: links in mail and the CLI (password reset), "
        "and the home page of xAPI accounts.",
    )
    cookie_secure: bool | None = Field(
        None, description="Force the `Secure` cookie flag; empty means: when the request is HTTPS."
    )
    clock_offset: str = Field(
        "", description="Shift the clock, e.g. `+3d`, `-2h`, `+90m`. Development only."
    )
    content_packs: str = Field(
        "", description="Extra content-pack folders loaded on start, separated by `:`."
    )
    mentor_provider: Literal["builtin", "openai"] = Field(
        "builtin",
        description="`builtin` (offline, deterministic) or `openai`: any OpenAI-compatible "
        "chat-completions server (Ollama, vLLM, llama.cpp server, hosted APIs).",
    )
    mentor_base_url: str = Field(
        "",
        description="Base URL of the OpenAI-compatible server, e.g. `http://127.0.0.1:11434/v1`.",
    )
    mentor_model: str = Field("", description="Model name sent to the OpenAI-compatible server.")
    mentor_api_key: str = Field("", description="API key for that server (secret: also `_FILE`).")
    mentor_timeout_seconds: float = Field(
        20.0, gt=0, description="Seconds to wait for the LLM server before falling back to builtin."
    )
    mentor_max_tokens: int = Field(
        600, ge=16, le=16_384, description="Longest reply, in tokens, asked of the LLM server."
    )
    mentor_daily_tokens: int = Field(
        50_000,
        ge=0,
        description="Per-learner daily budget of LLM tokens; beyond it, builtin answers.",
    )
    embedding_model: str = Field(
        "",
        description="Sentence-embedding model: empty for the packaged all-MiniLM-L6-v2, `off` "
        "for BM25 alone, or the path of a model zip of the same layout.",
    )
    session_days: int = Field(14, ge=1, description="Days a login session lasts.")
    login_window_minutes: int = Field(15, ge=1, description="Window for counting failed logins.")
    login_max_per_account: int = Field(
        5, ge=1, description="Failed logins per account in the window before login is refused."
    )
    login_max_per_address: int = Field(
        20, ge=1, description="Failed logins per client address in the window before refusal."
    )
    register_max_per_address: int = Field(
        10, ge=1, description="New accounts per client address per hour before refusal."
    )
    trusted_proxies: str = Field(
        "",
        description="Addresses of reverse proxies whose `X-Forwarded-For` and "
        "`X-Forwarded-Proto` are believed, comma-separated (e.g. `127.0.0.1`). Empty believes "
        "none: the client address is the connection's.",
    )
    lrs_endpoint: str = Field(
        "",
        description="xAPI endpoint of a Learning Record Store to push statements to, e.g. "
        "`https://lrs.example.org/xAPI/`; empty pushes nothing (`masterpath xapi export` works).",
    )
    lrs_key: str = Field("", description="The LRS's basic-auth user (key).")
    lrs_secret: str = Field("", description="The LRS's basic-auth password (secret: also `_FILE`).")
    lrs_timeout_seconds: float = Field(
        10.0, gt=0, description="Seconds to wait for the LRS before trying again later."
    )
    xapi_namespace: str = Field(
        "",
        description="UUID namespace of statement ids; empty means one made at random once and "
        "kept in the database.",
    )
    outbox_seconds: float = Field(
        0.0,
        ge=0,
        description="Seconds between outbox passes (xAPI push, weekly digests, mail) inside "
        "`masterpath serve`; 0 leaves them to `masterpath xapi push --loop` and "
        "`masterpath mail send --loop`.",
    )
    smtp_host: str = Field("", description="SMTP server for outgoing mail; empty sends none.")
    smtp_port: int = Field(587, ge=1, le=65_535, description="SMTP server port.")
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls",
        description="`starttls` (port 587), `tls` (implicit TLS, port 465) or `none` (only to "
        "a server on this machine, or in development).",
    )
    smtp_user: str = Field("", description="SMTP login; empty sends without logging in.")
    smtp_password: str = Field("", description="SMTP password (secret: also `_FILE`).")
    smtp_timeout_seconds: float = Field(
        20.0, gt=0, description="Seconds to wait for the SMTP server before retrying later."
    )
    mail_from: str = Field(
        "",
        description="The From address of outgoing mail, e.g. `MasterPath <noreply@example.org>`.",
    )

    badge_issuer_name: str = Field(
        "MasterPath",
        max_length=200,
        description="Issuer name written into Open Badges; the issuer is this install's `did:key` "
        "(its Ed25519 key is generated once in the data folder).",
    )

    sso_issuer: str = Field(
        "",
        description="OpenID Connect issuer URL (its `/.well-known/openid-configuration` is read); "
        "empty turns single sign-on off.",
    )
    sso_client_id: str = Field("", description="Client id registered with the OpenID provider.")
    sso_client_secret: str = Field(
        "", description="Client secret for that provider (secret: also `_FILE`)."
    )
    sso_name: str = Field(
        "single sign-on", max_length=60, description="Provider name on the login button."
    )
    password_login: bool = Field(
        True,
        description="Allow email and password login and registration; `false` leaves single "
        "sign-on only (needs `MASTERPATH_SSO_ISSUER`).",
    )

    def proxy_options(self) -> dict[str, Any]:
        """uvicorn's forwarded-header options: believed only from the proxies named here
        (uvicorn alone would believe any process on 127.0.0.1)."""
        proxies = self.trusted_proxies.strip()
        return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        assert isinstance(env_settings, EnvSettingsSource)
        return init_settings, env_settings, FileSecretsSource(settings_cls)

    @field_validator("clock_offset")
    @classmethod
    def _offset_format(cls, value: str) -> str:
        if value and not _OFFSET.match(value.strip()):
            raise ValueError("use a sign, a number and d, h or m, for example +3d")
        return value.strip()

    @field_validator("base_url", "mentor_base_url", "lrs_endpoint")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _offset_only_in_development(self) -> Settings:
        if self.clock_offset and self.env != "development":
            raise ValueError(f"{PREFIX}CLOCK_OFFSET: refused unless {PREFIX}ENV=development")
        return self

    @model_validator(mode="after")
    def _sso_complete(self) -> Settings:
        """Single sign-on needs a client id, and `https` outside development; turning password
        login off without it would lock everyone out."""
        if not self.sso_issuer:
            if not self.password_login:
                raise ValueError(f"{PREFIX}PASSWORD_LOGIN=false needs {PREFIX}SSO_ISSUER")
            return self
        if not self.sso_client_id:
            raise ValueError(f"{PREFIX}SSO_CLIENT_ID: needed when {PREFIX}SSO_ISSUER is set")
        local = urlsplit(self.sso_issuer).hostname in {"127.0.0.1", "localhost", "::1"}
        if not self.sso_issuer.startswith("https://") and not local:
            raise ValueError(f"{PREFIX}SSO_ISSUER: an https:// URL")
        return self

    @model_validator(mode="after")
    def _mentor_server_named(self) -> Settings:
        """`openai` without a server would quietly answer as `builtin`: refused instead."""
        if self.mentor_provider == "openai" and not self.mentor_base_url:
            raise ValueError(
                f"{PREFIX}MENTOR_BASE_URL: needed when {PREFIX}MENTOR_PROVIDER=openai: the URL "
                "of the OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1"
            )
        return self

    @field_validator("xapi_namespace")
    @classmethod
    def _uuid(cls, value: str) -> str:
        try:
            return str(uuid.UUID(value.strip())) if value.strip() else ""
        except ValueError:
            raise ValueError(f"{value!r} is not a UUID") from None

    @field_validator("mail_from")
    @classmethod
    def _address(cls, value: str) -> str:
        _, address = parseaddr(value.strip())
        if value.strip() and not _MAIL.match(address):
            raise ValueError(f"{value!r} is not a mail address like noreply@example.org")
        return value.strip()

    @model_validator(mode="after")
    def _lrs_complete(self) -> Settings:
        if self.lrs_endpoint and not self.base_url:
            raise ValueError(
                f"{PREFIX}BASE_URL: needed when {PREFIX}LRS_ENDPOINT is set: statements name "
                "learners as accounts on this install's public URL"
            )
        if bool(self.lrs_key) != bool(self.lrs_secret):
            raise ValueError(f"{PREFIX}LRS_KEY and {PREFIX}LRS_SECRET: give both or neither")
        return self

    @model_validator(mode="after")
    def _smtp_complete(self) -> Settings:
        if not self.smtp_host:
            return self
        needed = [n for n in ("mail_from", "base_url") if not getattr(self, n)]
        if needed:
            names = " and ".join(f"{PREFIX}{n.upper()}" for n in needed)
            raise ValueError(f"{names}: needed when {PREFIX}SMTP_HOST is set")
        if self.smtp_user and not self.smtp_password:
            raise ValueError(f"{PREFIX}SMTP_PASSWORD: needed when {PREFIX}SMTP_USER is set")
        local = self.smtp_host in ("localhost", "127.0.0.1", "::1")
        if self.smtp_security == "none" and not local and self.env != "development":
            raise ValueError(
                f"{PREFIX}SMTP_SECURITY: `none` sends passwords and reset links in clear: refused "
                f"unless the server is on this machine or {PREFIX}ENV=development"
            )
        return self

    @property
    def mail_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def public_url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}"

    @property
    def offset(self) -> timedelta:
        match = _OFFSET.match(self.clock_offset)
        if not match:
            return timedelta(0)
        sign, number, unit = match.groups()
        delta = timedelta(**{_UNITS[unit]: int(number)})
        return -delta if sign == "-" else delta

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'masterpath.db'}"

    @property
    def extra_packs(self) -> list[Path]:
        return [Path(p) for p in self.content_packs.split(":") if p]

    def signing_key(self) -> str:
        """The configured secret, or one generated once and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / SECRET_KEY_FILE
        try:
            if not path.exists():
                self.data_dir.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
            return path.read_text().strip()
        except OSError as exc:
            raise ConfigurationError(
                f"invalid configuration: {PREFIX}DATA_DIR: cannot keep the secret key in "
                f"{self.data_dir}: {exc.strerror}"
            ) from exc


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment; a bad value becomes a ConfigurationError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [_problem(error) for error in exc.errors()]
        raise ConfigurationError("invalid configuration: " + "; ".join(lines)) from exc


def _problem(error: Any) -> str:
    """One line per refused value: `MASTERPATH_PORT: Input should be ... (given: '70001')`."""
    name = "_".join(str(part) for part in error["loc"])
    if error["type"] == "value_error":  # our own validators' words, without pydantic's prefix
        message = str(error["ctx"]["error"])
    else:
        message = error["msg"]
        if name not in SECRETS and isinstance(error["input"], str | int | float):
            message += f" (given: {error['input']!r})"
    return f"{PREFIX}{name.upper()}: {message}" if name else message  # rules across settings


def value_range(field: FieldInfo) -> str:
    """A numeric setting's allowed values as the docs write them: `1–65535`, `at least 1`."""
    bounds = {k: getattr(m, k) for m in field.metadata for k in ("ge", "gt", "le") if hasattr(m, k)}
    if "ge" in bounds and "le" in bounds:
        return f"{bounds['ge']}–{bounds['le']}"
    if "ge" in bounds:
        return f"at least {bounds['ge']}"
    if "gt" in bounds:
        return f"more than {bounds['gt']}"
    return ""


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, description) for every setting: docs and `masterpath settings`.
    A numeric setting's description ends with its range, as in the README's table."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = "" if name == "data_dir" else str(field.default if field.default else "")
        description, allowed = field.description or "", value_range(field)
        if allowed:
            description = f"{description.rstrip('.')} ({allowed})."
        rows.append((f"{PREFIX}{name.upper()}", default, description))
    return rows
