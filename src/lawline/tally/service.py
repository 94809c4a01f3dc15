"""Counting: one atomic upsert per (quarter, scope, figure, key), in the caller's transaction.

`INSERT .. ON CONFLICT DO UPDATE SET n = n + excluded.n` holds with racing connections on
PostgreSQL (the row is created once, every increment lands) and on SQLite; a rollback takes the
increment with it. Callers count *after* their transaction's first audit entry: that entry
locks the single `audit_state` row until commit, so counter rows are only ever written by the
transaction that holds it. No counter row is contended, and no two transactions can lock two
counter rows in opposite orders (measured in tests/tally/test_counters.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lawline.tally.models import Counter, Duration


def quarter_of(moment: datetime) -> str:
    """`2024-Q4` for any instant of October to December 2024, UTC."""
    moment = moment.astimezone(UTC)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def count(
    session: Session, figure: str, *, at: datetime, scope: str, key: str = "", n: int = 1
) -> None:
    """Add `n` to the figure in the quarter of `at`."""
    if n == 0:
        return
    values = {"quarter": quarter_of(at), "scope": scope, "figure": figure, "key": key, "n": n}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Counter).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["quarter", "scope", "figure", "key"],
        set_={"n": Counter.n + statement.excluded.n},
    )
    session.execute(statement)


def duration(
    session: Session, figure: str, *, at: datetime, scopes: tuple[str, ...], seconds: float
) -> None:
    """Record one duration of a median figure in the quarter of `at`, once per scope (a
    country's row and the all-countries row: each median is then one index range)."""
    quarter = quarter_of(at)
    session.add_all(
        Duration(quarter=quarter, scope=scope, figure=figure, seconds=seconds) for scope in scopes
    )
