"""Shared fixtures: one real database per backend (SQLite and PostgreSQL), one transaction per test.

The PostgreSQL run uses its own schema, made fresh for this test run and dropped after it, so
parallel runs never see each other's rows. When `CI=true` the PostgreSQL run is required; elsewhere
it is skipped, with the reason printed, if the server cannot be reached.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from lawline import migrations
from lawline.core.db import make_engine
from lawline.core.keys import SigningKey, load_or_create_signing_key
from lawline.core.settings import Settings
from lawline.platform.embedded import EmbeddedPlatform
from lawline.platform.generate import generate
from lawline.runtime import Runtime

POSTGRES_URL = os.environ.get(
    "LAWLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
GENERATED_UNTIL = datetime(2026, 11, 1, tzinfo=UTC)


def _postgres_problem() -> str | None:
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"PostgreSQL at {POSTGRES_URL} unreachable ({type(exc).__name__})"
    finally:
        engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[tuple[str, str]]:
    """(url, schema): a fresh schema on the test server for this run, dropped afterwards."""
    problem = _postgres_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem}; the PostgreSQL run is required when CI=true")
        pytest.skip(f"{problem}; skipping the PostgreSQL run (required only when CI=true)")
    schema = f"lawline_test_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield POSTGRES_URL, schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database of each backend, shared by the run."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "lawline.sqlite"
        engine = make_engine(f"sqlite:///{path}")
    else:
        url, schema = request.getfixturevalue("postgres_schema_url")
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db_connection(db_engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with db_engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def sessions(db_connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become savepoints of the test's outer transaction."""
    return sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return load_or_create_signing_key(tmp_path_factory.mktemp("keys") / "platform.pem")


@pytest.fixture(scope="session")
def platform_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated platform, made once per run; tests that change it copy it first."""
    path = tmp_path_factory.mktemp("platform") / "platform.sqlite"
    generate(path, 400, seed=7, until=GENERATED_UNTIL)
    return path


@pytest.fixture
def embedded_platform(platform_file: Path, tmp_path: Path) -> Iterator[EmbeddedPlatform]:
    """A private copy of the generated platform, so actions in one test never leak to another."""
    copy = tmp_path / "platform.sqlite"
    copy.write_bytes(platform_file.read_bytes())
    platform = EmbeddedPlatform(copy)
    yield platform
    platform.close()


@dataclass
class Live:
    """A lawline on a database of its own, committing for real: for tests that kill processes,
    fail commits or race connections. `env` makes a child process see the same lawline."""

    runtime: Runtime
    env: dict[str, str]
    backend: str


@pytest.fixture(params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path: Path, platform_file: Path) -> Iterator[Live]:
    drop: tuple[Engine, str] | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lawline.sqlite'}"
    else:
        base, _ = request.getfixturevalue("postgres_schema_url")
        schema = f"live_{secrets.token_hex(6)}"
        admin = make_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        drop = (admin, schema)
        url = f"{base}?options=-csearch_path%3D{schema}"
    platform_path = tmp_path / "platform.sqlite"
    platform_path.write_bytes(platform_file.read_bytes())
    env = {
        "LAWLINE_DATA_DIR": str(tmp_path),
        "LAWLINE_DATABASE_URL": url,
        "LAWLINE_PLATFORM": "embedded",
        "LAWLINE_PLATFORM_PATH": str(platform_path),
    }
    runtime = Runtime(Settings(data_dir=tmp_path, database_url=url, platform_path=platform_path))
    runtime.upgrade_database()
    try:
        yield Live(runtime, env, request.param)
    finally:
        runtime.close()
        if drop is not None:
            with drop[0].begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{drop[1]}" CASCADE'))
            drop[0].dispose()
