"""Settings read from `LAWLINE_*` environment variables."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything lawline reads from its environment.

    `LAWLINE_DATA_DIR` holds the SQLite database, the platform signing key and the embedded
    demo platform unless their own variables point elsewhere.
    """

    model_config = SettingsConfigDict(env_prefix="LAWLINE_", extra="ignore")

    data_dir: Path = Field(default=Path("./var"))
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: an SQLite file `lawline.sqlite` in the data dir.",
    )
    signing_key_file: Path | None = Field(
        default=None,
        description="PEM file of the platform Ed25519 key; default `platform_ed25519.pem` "
        "in the data dir, generated on first use with mode 0600.",
    )
    age_identity_file: Path | None = Field(
        default=None,
        description="age identity that holds preserved data at rest; default "
        "`platform_age.key` in the data dir, generated on first use with mode 0600.",
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="scheme://host[:port] of this deployment: authorities sign it as "
        "@target-uri, and signatures are checked against it, never against the Host header. "
        "Required for `lawline serve` on a non-loopback address.",
    )
    trusted_proxies: str = Field(
        default="",
        pattern=r"^[0-9A-Fa-f.:/, ]*$",
        description="comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For / X-Forwarded-Proto lawline believes; empty (the default): the TCP peer "
        "is the client, so no local process can pick the address the throttles and reporter "
        "pseudonyms key on",
    )
    report_rate_limit: int = Field(default=20, description="reports per reporter per window")
    report_rate_window_seconds: int = 600
    report_client_rate: str = Field(
        default="60/minute",
        description="POST /v1/reports per client address (the `limits` notation), before any "
        "per-reporter limit",
    )
    login_rate: str = Field(
        default="10/minute", description="POST /v1/staff/login per client address"
    )
    staff_session_minutes: int = Field(
        default=480, ge=1, description="lifetime of a staff API log-in (bearer token)"
    )
    cli_session_minutes: int = Field(
        default=120, ge=1, description="lifetime of a `lawline login` session"
    )
    session_file: Path | None = Field(
        default=None,
        description="where `lawline login` keeps its session token (mode 0600); default "
        "`lawline/sessions.json` in the user's config dir ($XDG_CONFIG_HOME or ~/.config)",
    )
    key_rotation_grace_days: int = Field(
        default=7,
        ge=0,
        description="how long an authority's old signing key stays valid after `rotate-key` "
        "without --revoke",
    )
    misuse_warn_after: int = Field(
        default=3, description="manifestly unfounded reports before a reporter is warned"
    )
    misuse_suspend_after: int = Field(
        default=6, description="manifestly unfounded reports before a reporter is suspended"
    )
    misuse_min_unfounded_share: float = Field(
        default=0.5, description="share of a reporter's decided reports that must be unfounded"
    )
    misuse_suspension_days: int = 14
    case_deadline_hours: dict[str, int] = Field(
        default_factory=dict,
        description='per-category case deadlines overriding the defaults, e.g. {"spam": 72}',
    )
    triage_model: Literal["tfidf", "embedding"] = Field(
        default="tfidf", description="embedding needs the ml extra (sentence embeddings)"
    )
    legal_alerts_account: str | None = Field(
        default=None,
        description="platform account (the legal team's group or channel) that receives the "
        "legal team's alerts, such as an overdue Art. 4(5) validation",
    )
    report_bot_token: str | None = Field(
        default=None, description="Telegram token of the report bot; mounts its webhook"
    )
    report_bot_secret: str | None = Field(
        default=None, description="the webhook's secret token (X-Telegram-Bot-Api-Secret-Token)"
    )
    transparency_bot_token: str | None = Field(
        default=None, description="Telegram token of the transparency bot; mounts its webhook"
    )
    transparency_bot_secret: str | None = Field(
        default=None, description="the transparency bot webhook's secret token"
    )
    telegram_api_base: str | None = Field(
        default=None, description="a Bot API server other than Telegram's (a local one)"
    )
    platform: Literal["embedded", "sql"] = "embedded"
    platform_path: Path | None = Field(
        default=None,
        description="SQLite file of the embedded platform; default `platform.sqlite` in data dir.",
    )
    platform_sql_config: Path | None = Field(
        default=None, description="TOML file mapping platform reads and actions to SQL."
    )

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'lawline.sqlite').resolve()}"

    @property
    def resolved_signing_key_file(self) -> Path:
        return self.signing_key_file or self.data_dir / "platform_ed25519.pem"

    @property
    def resolved_age_identity_file(self) -> Path:
        return self.age_identity_file or self.data_dir / "platform_age.key"

    @property
    def resolved_platform_path(self) -> Path:
        return self.platform_path or self.data_dir / "platform.sqlite"

    @property
    def resolved_session_file(self) -> Path:
        if self.session_file:
            return self.session_file
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return Path(base) / "lawline" / "sessions.json"


def normalise_database_url(url: str) -> str:
    """Accept the libpq spelling `postgresql://` and select the psycopg 3 driver for it."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
