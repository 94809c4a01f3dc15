"""The database: engine, sessions, portable column types, and the transaction boundary.

Services take a `Session` and never commit; `transaction()` (CLI, jobs) and the API dependency
commit once at the boundary, so a state change and its audit entry land together or not at all.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import JSON, Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from lawline.core.errors import Busy

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zones: store naive UTC there)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def _json_dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite: WAL, foreign keys on, and real BEGIN IMMEDIATE transactions.

    Bound parameters are hidden from SQLAlchemy's logs and exception texts: they can be personal
    data (a phone number looked up, an address stored).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": 30, **kwargs.pop("connect_args", {})}
        engine = create_engine(
            url,
            json_serializer=_json_dumps,
            connect_args=connect_args,
            hide_parameters=True,
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, json_serializer=_json_dumps, pool_pre_ping=True, hide_parameters=True, **kwargs
    )


READ_ONLY = "lawline_read_only"
"""Execution option: this connection's transactions only read (SQLite: no write lock)."""

WRITER_WAIT_SECONDS = 30.0


class WriterBusy(RuntimeError):
    """Another writer held SQLite's write lock for longer than the wait allows."""


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take control of it
    # (the recipe in SQLAlchemy's SQLite dialect documentation).
    #
    # Writers: SQLite allows one at a time. A write transaction starts with BEGIN IMMEDIATE, so
    # it holds the write lock from its first statement and never fails to upgrade a read
    # snapshot. Inside this process, writers first queue on a lock of our own: SQLite's busy
    # handler sleeps and polls, so threads queued there wait far longer than the lock is held
    # (measured: 64 reports/s through the API with 32 clients). Other processes (a separate
    # `lawline worker`) still meet SQLite's busy timeout.
    # Readers (`session_factory(engine, read_only=True)`) BEGIN DEFERRED: in WAL mode they read
    # a snapshot and never wait for a writer.
    writer = threading.Lock()
    holders: set[int] = set()  # ids of the DBAPI connections whose transaction holds `writer`

    def release(dbapi_connection: Any) -> None:
        key = id(getattr(dbapi_connection, "dbapi_connection", dbapi_connection))
        if key in holders:
            holders.discard(key)
            writer.release()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        dbapi_connection = connection.connection.dbapi_connection
        if not writer.acquire(timeout=WRITER_WAIT_SECONDS):
            raise WriterBusy(f"no write transaction could start within {WRITER_WAIT_SECONDS:.0f} s")
        holders.add(id(dbapi_connection))
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(dbapi_connection)
            raise

    # The lock is given back once COMMIT or ROLLBACK has run on the driver (the engine's own
    # "commit" event fires before it), and when a connection is closed or invalidated mid-way.
    dialect = engine.dialect
    base_commit, base_rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            base_commit(dbapi_connection)
        finally:
            release(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            base_rollback(dbapi_connection)
        finally:
            release(dbapi_connection)

    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection: Any, _record: Any) -> None:
        release(dbapi_connection)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _exception: Any) -> None:
        release(dbapi_connection)

    _ = _on_connect, _on_begin, _on_close, _on_invalidate


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on `engine`; `read_only` ones never take SQLite's write lock (public reads)."""
    if read_only:
        return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
    return sessionmaker(engine, expire_on_commit=False)


# PostgreSQL's serialization_failure and deadlock_detected: it rolled the transaction back to
# break a race, and the same work run again may succeed.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def sqlstate(exc: BaseException) -> str | None:
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None)
    return None


def lost_race(exc: BaseException) -> bool:
    """Whether `exc` says the transaction lost a race, so that nothing of it was stored and the
    same work may succeed again: a PostgreSQL deadlock or serialisation failure, or SQLite's
    writer lock not free within the wait."""
    return isinstance(exc, WriterBusy) or sqlstate(exc) in RETRYABLE_SQLSTATES


def busy(exc: BaseException) -> Busy:
    """What a caller is told of a lost race (`lost_race`): 503 `busy`, try again in a second.
    Neither the statement nor its parameters reach the message."""
    del exc  # chained by the caller (`raise busy(exc) from exc`), never shown
    return Busy(
        "another change to the same records went first; nothing was stored: try again",
        retry_after_seconds=1,
    )


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """The boundary: one session, committed if the block succeeds, rolled back otherwise. A
    lost race (`lost_race`) leaves as `Busy` (503 `busy`), never as the driver's error."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if lost_race(exc):
                raise busy(exc) from exc
            raise
