"""Storage behaviour that must be the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from lawline import migrations
from lawline.audit.models import AuditEntry
from tests.factories import audit_entries


def test_migrations_are_at_head(db_engine: Engine) -> None:
    assert migrations.current_revision(db_engine) == migrations.head_revision(db_engine)


def test_datetimes_come_back_aware_utc_to_the_microsecond(db: Session) -> None:
    entry = audit_entries(db, 1)[0]
    amsterdam = timezone(timedelta(hours=2))
    moment = datetime(2024, 9, 30, 23, 59, 59, 123456, tzinfo=amsterdam)
    entry.at = moment
    db.flush()
    db.expire_all()
    stored = db.execute(select(AuditEntry.at)).scalar_one()
    assert stored == moment
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == datetime(2024, 9, 30, 21, 59, 59, 123456, tzinfo=UTC)


def test_sqlite_runs_with_wal_and_foreign_keys(db: Session) -> None:
    if db.get_bind().dialect.name != "sqlite":
        return
    assert db.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    assert db.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
