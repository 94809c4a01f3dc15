"""`SqlPlatform`: a platform that keeps its data in its own database, mapped by a config file.

The operator writes one SQL statement per read and action in a TOML file (documented in
`docs/sql-platform.md`); statements take bound parameters only (`:account_id`), are checked at
load, and run through SQLAlchemy against any URL it supports (PostgreSQL, ClickHouse, Trino...).
Reads must return columns with the names listed in `READS`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, column, create_engine, insert, table, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from lawline.core.errors import ConfigurationError
from lawline.core.pii import IPAddress, PhoneNumber
from lawline.core.settings import normalise_database_url
from lawline.platform.protocol import (
    Account,
    AccountRef,
    Channel,
    IpEvent,
    Media,
    Platform,
    Post,
    SubscriberRecord,
)

_ACCOUNT_COLUMNS = {"id", "username", "country", "registered_at", "banned"}
_CHANNEL_COLUMNS = {
    "id",
    "name",
    "kind",
    "title",
    "description",
    "owner_id",
    "language",
    "subscribers",
    "listed",
    "removed",
}
_POST_COLUMNS = {"id", "at", "text", "removed"}

# statement name -> (the parameters it may use, the columns it must return)
READS: dict[str, tuple[set[str], set[str]]] = {
    "account_by_id": ({"account_id"}, _ACCOUNT_COLUMNS),
    "account_by_username": ({"username"}, _ACCOUNT_COLUMNS),
    "account_by_phone": ({"phone"}, _ACCOUNT_COLUMNS),
    "subscriber": ({"account_id"}, {"id", "phone", "country", "registered_at"}),
    "ip_events": ({"account_id", "start", "end"}, {"at", "ip", "port"}),
    "channel_by_id": ({"channel_id"}, _CHANNEL_COLUMNS),
    "channel_by_name": ({"name"}, _CHANNEL_COLUMNS),
    "channels": ({"after_id", "limit"}, _CHANNEL_COLUMNS),
    "recent_posts": ({"channel_id", "limit"}, _POST_COLUMNS),
    "post": ({"channel_id", "post_id"}, _POST_COLUMNS),
    "post_media": ({"channel_id", "post_id"}, {"id", "mime", "data"}),
}
OPTIONAL_READS = {"post_media"}  # a platform that shares no media leaves it out
ACTIONS: dict[str, set[str]] = {
    "set_channel_listed": {"channel_id", "listed"},
    "set_channel_removed": {"channel_id", "removed"},
    "set_post_removed": {"channel_id", "post_id", "removed"},
    "set_account_banned": {"account_id", "banned"},
}
_ENV_REF = re.compile(r"^\$\{([A-Z_][A-Z0-9_]*)\}$")
_TABLE_NAME = re.compile(r"^(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)$")
DEFAULT_NOTICES_TABLE = "lawline_notices"


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value)).astimezone(UTC)


def _ip(value: Any) -> IPAddress:
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return IPAddress(value)
    if isinstance(value, ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return IPAddress(value.ip)
    if isinstance(value, memoryview):
        value = value.tobytes()
    return IPAddress.parse(value)


class SqlPlatform(Platform):
    name = "sql"

    def __init__(
        self,
        engine: Engine,
        reads: Mapping[str, str],
        actions: Mapping[str, str],
        notices_table: str = DEFAULT_NOTICES_TABLE,
    ) -> None:
        self.engine = engine
        self._reads = {key: text(sql) for key, sql in reads.items()}
        self._actions = {key: text(sql) for key, sql in actions.items()}
        match = _TABLE_NAME.match(notices_table)
        if match is None:
            raise ConfigurationError(f"[notifications] table {notices_table!r} is not a table name")
        # lawline writes notices into this table; the platform reads and delivers them
        self._notices = table(
            match.group(2),
            column("notice_key"),
            column("account_id"),
            column("message"),
            column("created_at"),
            schema=match.group(1),
        )

    @classmethod
    def from_config(cls, path: Path, *, url: str | None = None) -> SqlPlatform:
        """Load and check a mapping file; `url` overrides the file's `[platform] url`."""
        try:
            config = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"cannot read platform mapping {path}: {exc}") from None
        reads, actions = validate_mapping(config, source=str(path))
        raw_url = url or str(config.get("platform", {}).get("url", ""))
        env = _ENV_REF.match(raw_url)
        if env:
            raw_url = os.environ.get(env.group(1), "")
        if not raw_url:
            raise ConfigurationError(f"{path}: [platform] url is missing or its variable is unset")
        notices = config.get("notifications", {}).get("table", DEFAULT_NOTICES_TABLE)
        return cls(
            create_engine(normalise_database_url(raw_url), pool_pre_ping=True),
            reads,
            actions,
            notices_table=str(notices),
        )

    def _rows(self, statement: str, **params: Any) -> list[RowMapping]:
        with self.engine.connect() as connection:
            return list(connection.execute(self._reads[statement], params).mappings())

    def _row(self, statement: str, **params: Any) -> RowMapping | None:
        rows = self._rows(statement, **params)
        return rows[0] if rows else None

    def _act(self, statement: str, **params: Any) -> bool:
        with self.engine.begin() as connection:
            return connection.execute(self._actions[statement], params).rowcount > 0

    @staticmethod
    def _account(row: RowMapping | None) -> Account | None:
        if row is None:
            return None
        return Account(
            str(row["id"]),
            row["username"],
            str(row["country"]),
            _time(row["registered_at"]),
            bool(row["banned"]),
        )

    @staticmethod
    def _channel(row: RowMapping | None) -> Channel | None:
        if row is None:
            return None
        return Channel(
            str(row["id"]),
            row["name"],
            row["kind"],
            row["title"],
            row["description"],
            str(row["owner_id"]),
            row["language"],
            int(row["subscribers"]),
            bool(row["listed"]),
            bool(row["removed"]),
        )

    def resolve_account(self, ref: AccountRef) -> Account | None:
        if ref.kind == "id":
            return self._account(self._row("account_by_id", account_id=str(ref.value)))
        if ref.kind == "username":
            return self._account(self._row("account_by_username", username=str(ref.value)))
        assert isinstance(ref.value, PhoneNumber)
        return self._account(self._row("account_by_phone", phone=ref.value.reveal()))

    def subscriber(self, account_id: str) -> SubscriberRecord | None:
        row = self._row("subscriber", account_id=account_id)
        if row is None:
            return None
        return SubscriberRecord(
            str(row["id"]),
            PhoneNumber(str(row["phone"])),
            str(row["country"]),
            _time(row["registered_at"]),
        )

    def ip_events(self, account_id: str, start: datetime, end: datetime) -> list[IpEvent]:
        rows = self._rows("ip_events", account_id=account_id, start=start, end=end)
        events = [IpEvent(account_id, _time(r["at"]), _ip(r["ip"]), r["port"]) for r in rows]
        return [e for e in events if start <= e.at < end]

    def channel(self, ref: str) -> Channel | None:
        if ref.isascii() and ref.isdigit():
            found = self._channel(self._row("channel_by_id", channel_id=ref))
            if found is not None:
                return found
        return self._channel(self._row("channel_by_name", name=ref))

    def channels(self, after_id: str | None = None, limit: int = 500) -> list[Channel]:
        rows = self._rows("channels", after_id=after_id, limit=limit)
        return [c for c in (self._channel(r) for r in rows) if c is not None]

    def recent_posts(self, channel_id: str, limit: int = 20) -> list[Post]:
        rows = self._rows("recent_posts", channel_id=channel_id, limit=limit)
        return [
            Post(channel_id, int(r["id"]), _time(r["at"]), r["text"], bool(r["removed"]))
            for r in rows
        ]

    def post(self, channel_id: str, post_id: int) -> Post | None:
        r = self._row("post", channel_id=channel_id, post_id=post_id)
        if r is None:
            return None
        return Post(channel_id, int(r["id"]), _time(r["at"]), r["text"], bool(r["removed"]))

    def post_media(self, channel_id: str, post_id: int) -> list[Media]:
        if "post_media" not in self._reads:
            return []
        rows = self._rows("post_media", channel_id=channel_id, post_id=post_id)
        return [
            Media(channel_id, post_id, str(r["id"]), str(r["mime"]), bytes(r["data"])) for r in rows
        ]

    def set_channel_listed(self, channel_id: str, listed: bool) -> bool:
        return self._act("set_channel_listed", channel_id=channel_id, listed=listed)

    def set_channel_removed(self, channel_id: str, removed: bool) -> bool:
        return self._act("set_channel_removed", channel_id=channel_id, removed=removed)

    def set_post_removed(self, channel_id: str, post_id: int, removed: bool) -> bool:
        return self._act(
            "set_post_removed", channel_id=channel_id, post_id=post_id, removed=removed
        )

    def set_account_banned(self, account_id: str, banned: bool) -> bool:
        return self._act("set_account_banned", account_id=account_id, banned=banned)

    def notify_user(self, account_id: str, message: str, *, key: str) -> bool:
        if self.resolve_account(AccountRef("id", account_id)) is None:
            return False
        row = {
            "notice_key": key,
            "account_id": account_id,
            "message": message,
            "created_at": datetime.now(UTC),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(self._notices).values(**row))
        except IntegrityError:  # the notice_key is unique: this notice was handed over before
            pass
        return True

    def close(self) -> None:
        self.engine.dispose()


def validate_mapping(
    config: Mapping[str, Any], *, source: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Check a parsed mapping file; raise ConfigurationError naming every problem."""
    problems: list[str] = []
    reads = config.get("reads", {})
    actions = config.get("actions", {})
    for section, spec in (("reads", {k: v[0] for k, v in READS.items()}), ("actions", ACTIONS)):
        given = config.get(section, {})
        if not isinstance(given, dict):
            problems.append(f"[{section}] must be a table")
            continue
        for name in sorted(set(spec) - set(given) - OPTIONAL_READS):
            problems.append(f"[{section}] {name} is missing")
        for name in sorted(set(given) - set(spec)):
            problems.append(f"[{section}] {name} is not a known statement")
        for name, sql in given.items():
            if name not in spec:
                continue
            if not isinstance(sql, str) or not sql.strip():
                problems.append(f"[{section}] {name} must be an SQL string")
                continue
            used = set(text(sql).compile().params)
            unknown = used - spec[name]
            if unknown:
                problems.append(
                    f"[{section}] {name} uses unknown parameters {sorted(unknown)}; "
                    f"allowed: {sorted(spec[name])}"
                )
            if re.search(r"\{[a-z_]*\}|%\(|%s", sql):
                problems.append(f"[{section}] {name} must use :name bound parameters only")
    if problems:
        raise ConfigurationError(f"platform mapping {source} is invalid: " + "; ".join(problems))
    return dict(reads), dict(actions)
