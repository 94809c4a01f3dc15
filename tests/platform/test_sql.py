"""`SqlPlatform` on PostgreSQL, mapped onto the example schema shipped in docs/, passes the
platform contract; bad mapping files are clear start-up errors."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from lawline.core.db import make_engine
from lawline.core.errors import ConfigurationError
from lawline.platform.sql import SqlPlatform
from tests.conftest import POSTGRES_URL
from tests.platform.contract import PlatformContract, reference  # noqa: F401 - fixture

DOCS = Path(__file__).parents[2] / "docs"
EXAMPLE_MAPPING = DOCS / "sql-platform.example.toml"
EXAMPLE_SCHEMA = DOCS / "sql-platform.example-schema.sql"


def _ts(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _load_fixture(connection: object, source: Path) -> None:
    raw = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    exec_ = connection.execute  # type: ignore[attr-defined]
    exec_(
        text("INSERT INTO users VALUES (:i, :h, :p, :c, :r, :b)"),
        [
            {"i": r[0], "h": r[1], "p": r[2], "c": r[3], "r": _ts(r[4]), "b": bool(r[5])}
            for r in raw.execute(
                "SELECT id, username, phone, country, registered_at, banned FROM accounts"
            )
        ],
    )
    import ipaddress

    exec_(
        text("INSERT INTO user_sessions VALUES (:u, :t, CAST(:a AS INET), :p)"),
        [
            {"u": r[0], "t": _ts(r[1]), "a": str(ipaddress.ip_address(r[2])), "p": r[3]}
            for r in raw.execute("SELECT account_id, at, ip, port FROM ip_events")
        ],
    )
    exec_(
        text("INSERT INTO chats VALUES (:i, :n, :k, :t, :d, :o, :l, :s, :li, :re)"),
        [
            {
                "i": r[0],
                "n": r[1],
                "k": r[2],
                "t": r[3],
                "d": r[4],
                "o": r[5],
                "l": r[6],
                "s": r[7],
                "li": bool(r[8]),
                "re": bool(r[9]),
            }
            for r in raw.execute(
                "SELECT id, name, kind, title, description, owner_id, language, subscribers,"
                " listed, removed FROM channels"
            )
        ],
    )
    exec_(
        text("INSERT INTO chat_messages VALUES (:c, :i, :a, :t, :r)"),
        [
            {"c": r[0], "i": r[1], "a": _ts(r[2]), "t": r[3], "r": bool(r[4])}
            for r in raw.execute("SELECT channel_id, id, at, text, removed FROM posts")
        ],
    )
    exec_(
        text("INSERT INTO message_attachments VALUES (:c, :p, :i, :m, :d)"),
        [
            {"c": r[0], "p": r[1], "i": r[2], "m": r[3], "d": r[4]}
            for r in raw.execute("SELECT channel_id, post_id, id, mime, data FROM media")
        ],
    )
    raw.close()


@pytest.fixture
def platform(
    postgres_schema_url: tuple[str, str], platform_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SqlPlatform]:
    """A fresh schema per test holding the generated platform in the example layout."""
    url, _ = postgres_schema_url
    schema = f"acme_{secrets.token_hex(5)}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))
        connection.exec_driver_sql(EXAMPLE_SCHEMA.read_text())
        _load_fixture(connection, platform_file)
    separator = "&" if "?" in url else "?"
    monkeypatch.setenv("ACME_DATABASE_URL", f"{url}{separator}options=-csearch_path%3D{schema}")
    sql_platform = SqlPlatform.from_config(EXAMPLE_MAPPING)
    yield sql_platform
    sql_platform.close()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def delivered(platform: SqlPlatform) -> Callable[[str], list[tuple[str, str]]]:
    """What the platform reads from its notices table (the example schema's lawline_notices)."""

    def read(account_id: str) -> list[tuple[str, str]]:
        with platform.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT notice_key, message FROM lawline_notices WHERE account_id = :a"
                    " ORDER BY created_at, notice_key"
                ),
                {"a": account_id},
            )
            return [(str(k), str(m)) for k, m in rows]

    return read


@pytest.mark.postgres
class TestSqlPlatformOnPostgres(PlatformContract):
    pass


def test_the_example_mapping_is_valid_without_a_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_DATABASE_URL", POSTGRES_URL)
    platform = SqlPlatform.from_config(EXAMPLE_MAPPING)  # engines connect lazily
    assert platform.engine.dialect.name == "postgresql"
    platform.close()


def _mapping_with(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(EXAMPLE_MAPPING.read_text().replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("set_account_banned =", "ban_everyone =", "[actions] set_account_banned is missing"),
        ("msisdn = :phone", "msisdn = :phone_number", "unknown parameters ['phone_number']"),
        ("msisdn = :phone", "msisdn = '{phone}'", "bound parameters only"),
        ("[reads]", '[reads]\nsurprise = "SELECT 1"', "surprise is not a known statement"),
        ('table = "lawline_notices"', 'table = "n; DROP TABLE users"', "is not a table name"),
    ],
)
def test_a_bad_mapping_is_a_clear_start_up_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, problem: str
) -> None:
    monkeypatch.setenv("ACME_DATABASE_URL", POSTGRES_URL)
    with pytest.raises(ConfigurationError) as caught:
        SqlPlatform.from_config(_mapping_with(tmp_path, old, new))
    assert problem in caught.value.message


def test_an_unset_url_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="url is missing"):
        SqlPlatform.from_config(EXAMPLE_MAPPING)
