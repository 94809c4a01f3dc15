"""The embedded demo platform: a synthetic messenger kept in its own SQLite file.

IP events live in a WITHOUT ROWID table keyed by (account_id, at, seq), so one account's events in
a time range are a single B-tree range scan, whatever the size of the file.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lawline.core.errors import ConfigurationError
from lawline.core.pii import IPAddress, PhoneNumber
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

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    username TEXT UNIQUE COLLATE NOCASE,
    phone TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    banned INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ip_events (
    account_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    ip BLOB NOT NULL,
    port INTEGER,
    PRIMARY KEY (account_id, at, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS channels (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES accounts(id),
    language TEXT NOT NULL,
    subscribers INTEGER NOT NULL,
    listed INTEGER NOT NULL DEFAULT 1,
    removed INTEGER NOT NULL DEFAULT 0,
    theme TEXT NOT NULL  -- synthetic ground truth, used only by the demo and the tests
);
CREATE TABLE IF NOT EXISTS posts (
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    text TEXT NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media (
    channel_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    mime TEXT NOT NULL,
    data BLOB NOT NULL,
    known INTEGER NOT NULL DEFAULT 0,  -- synthetic ground truth: an edited copy of a known image
    PRIMARY KEY (channel_id, post_id, id)
) WITHOUT ROWID;
"""
# The platform's delivery queue for lawline's notices; made on first connection, so files
# generated before it existed gain it too.
NOTICES = """
CREATE TABLE IF NOT EXISTS notices (
    key TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    message TEXT NOT NULL,
    at INTEGER NOT NULL
);
"""


def _ts(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _epoch(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return int(value.timestamp())


def _int_id(value: str) -> int | None:
    # ASCII digits that fit SQLite's 64-bit integer (`"1²".isdigit()` is true).
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


class EmbeddedPlatform(Platform):
    name = "embedded"

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise ConfigurationError(
                f"no embedded platform at {path}: run `lawline platform generate` first"
            )
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.executescript(NOTICES)
            self._local.connection = connection
        return connection

    def _one(self, sql: str, *params: Any) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._connection().execute(sql, params).fetchone()
        return row

    def _all(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._connection().execute(sql, params).fetchall()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._all("SELECT key, value FROM meta")}

    # reads
    _ACCOUNT = "SELECT id, username, country, registered_at, banned FROM accounts"

    @staticmethod
    def _account(row: tuple[Any, ...] | None) -> Account | None:
        if row is None:
            return None
        return Account(str(row[0]), row[1], row[2], _ts(row[3]), bool(row[4]))

    def resolve_account(self, ref: AccountRef) -> Account | None:
        if ref.kind == "id":
            account_id = _int_id(str(ref.value))
            if account_id is None:
                return None
            return self._account(self._one(f"{self._ACCOUNT} WHERE id = ?", account_id))
        if ref.kind == "username":
            return self._account(self._one(f"{self._ACCOUNT} WHERE username = ?", str(ref.value)))
        assert isinstance(ref.value, PhoneNumber)
        return self._account(self._one(f"{self._ACCOUNT} WHERE phone = ?", ref.value.reveal()))

    def subscriber(self, account_id: str) -> SubscriberRecord | None:
        key = _int_id(account_id)
        row = (
            None
            if key is None
            else self._one(
                "SELECT id, phone, country, registered_at FROM accounts WHERE id = ?", key
            )
        )
        if row is None:
            return None
        return SubscriberRecord(str(row[0]), PhoneNumber(row[1]), row[2], _ts(row[3]))

    def ip_events(self, account_id: str, start: datetime, end: datetime) -> list[IpEvent]:
        key = _int_id(account_id)
        if key is None:
            return []
        rows = self._all(
            "SELECT at, ip, port FROM ip_events WHERE account_id = ? AND at >= ? AND at < ?"
            " ORDER BY at, seq",
            key,
            _epoch(start),
            _epoch(end),
        )
        return [IpEvent(account_id, _ts(at), IPAddress.parse(ip), port) for at, ip, port in rows]

    _CHANNEL = (
        "SELECT id, name, kind, title, description, owner_id, language, subscribers, listed,"
        " removed FROM channels"
    )

    @staticmethod
    def _channel(row: tuple[Any, ...]) -> Channel:
        return Channel(
            str(row[0]),
            row[1],
            row[2],
            row[3],
            row[4],
            str(row[5]),
            row[6],
            row[7],
            bool(row[8]),
            bool(row[9]),
        )

    def channel(self, ref: str) -> Channel | None:
        key = _int_id(ref)
        row = (
            self._one(f"{self._CHANNEL} WHERE id = ?", key)
            if key is not None
            else self._one(f"{self._CHANNEL} WHERE name = ?", ref)
        )
        return None if row is None else self._channel(row)

    def channels(self, after_id: str | None = None, limit: int = 500) -> list[Channel]:
        after = _int_id(after_id) if after_id is not None else -1
        rows = self._all(f"{self._CHANNEL} WHERE id > ? ORDER BY id LIMIT ?", after or -1, limit)
        return [self._channel(row) for row in rows]

    def recent_posts(self, channel_id: str, limit: int = 20) -> list[Post]:
        key = _int_id(channel_id)
        rows = self._all(
            "SELECT id, at, text, removed FROM posts WHERE channel_id = ? AND removed = 0"
            " ORDER BY at DESC, id DESC LIMIT ?",
            key,
            limit,
        )
        return [Post(channel_id, r[0], _ts(r[1]), r[2], bool(r[3])) for r in rows]

    def post(self, channel_id: str, post_id: int) -> Post | None:
        row = self._one(
            "SELECT id, at, text, removed FROM posts WHERE channel_id = ? AND id = ?",
            _int_id(channel_id),
            post_id,
        )
        return None if row is None else Post(channel_id, row[0], _ts(row[1]), row[2], bool(row[3]))

    # actions
    def post_media(self, channel_id: str, post_id: int) -> list[Media]:
        channel = _int_id(channel_id)
        if channel is None:
            return []
        try:
            rows = self._all(
                "SELECT id, mime, data FROM media WHERE channel_id = ? AND post_id = ? ORDER BY id",
                channel,
                post_id,
            )
        except sqlite3.OperationalError:  # a platform file generated before media existed
            return []
        return [Media(str(channel), post_id, str(r[0]), r[1], bytes(r[2])) for r in rows]

    def _update(self, sql: str, *params: Any) -> bool:
        with self._write() as connection:
            return connection.execute(sql, params).rowcount > 0

    def set_channel_listed(self, channel_id: str, listed: bool) -> bool:
        return self._update(
            "UPDATE channels SET listed = ? WHERE id = ?", listed, _int_id(channel_id)
        )

    def set_channel_removed(self, channel_id: str, removed: bool) -> bool:
        return self._update(
            "UPDATE channels SET removed = ? WHERE id = ?", removed, _int_id(channel_id)
        )

    def set_post_removed(self, channel_id: str, post_id: int, removed: bool) -> bool:
        return self._update(
            "UPDATE posts SET removed = ? WHERE channel_id = ? AND id = ?",
            removed,
            _int_id(channel_id),
            post_id,
        )

    def set_account_banned(self, account_id: str, banned: bool) -> bool:
        return self._update(
            "UPDATE accounts SET banned = ? WHERE id = ?", banned, _int_id(account_id)
        )

    def notify_user(self, account_id: str, message: str, *, key: str) -> bool:
        key_id = _int_id(account_id)
        with self._write() as connection:
            found = connection.execute("SELECT 1 FROM accounts WHERE id = ?", (key_id,))
            if found.fetchone() is None:
                return False
            connection.execute(
                "INSERT OR IGNORE INTO notices (key, account_id, message, at) VALUES (?, ?, ?, ?)",
                (key, key_id, message, int(datetime.now(UTC).timestamp())),
            )
        return True

    def notices(self, account_id: str) -> list[tuple[str, str]]:
        """(key, message) of the notices delivered to an account, oldest first (what the
        messenger shows the user; used by the demo and the tests)."""
        rows = self._all(
            "SELECT key, message FROM notices WHERE account_id = ? ORDER BY at, rowid",
            _int_id(account_id),
        )
        return [(str(k), str(m)) for k, m in rows]

    # synthetic ground truth, for the demo and the tests only
    def channels_by_theme(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for channel_id, theme in self._all("SELECT id, theme FROM channels ORDER BY id"):
            result.setdefault(theme, []).append(str(channel_id))
        return result

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
