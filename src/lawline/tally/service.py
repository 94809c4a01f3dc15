"""Counting: one atomic upsert per (quarter, scope, figure, key), in the caller's transaction.

`INSERT .. ON CONFLICT DO UPDATE SET n = n + excluded.n` holds with racing connections on
PostgreSQL (the row is created once, every increment lands) and on SQLite; a rollback takes the
increment with it. Callers count *after* their transaction's first audit entry: that entry
locks the single `audit_state` row until commit, so counter rows are only ever written by the
transaction that holds it. No counter row is contended, and no two transactions can lock two
counter rows in opposite orders (exact counts under 8 racing connections:
tests/tally/test_counters.py; throughput with and without: bench/counter_contention.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from lawline.tally.models import Duration


def quarter_of(moment: datetime) -> str:
    """`2024-Q4` for any instant of October to December 2024, UTC."""
    moment = moment.astimezone(UTC)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


# One text for both databases (SQLite has the same upsert since 3.24): nothing to compile per
# call, and a few rows go as one executemany.
_UPSERT = text(
    "INSERT INTO tally_counters (quarter, scope, figure, key, n) "
    "VALUES (:quarter, :scope, :figure, :key, :n) "
    "ON CONFLICT (quarter, scope, figure, key) DO UPDATE SET n = tally_counters.n + excluded.n"
)


class Increment(NamedTuple):
    """`n` more of `figure` (with `key`) in the quarter of `at`, for `scope`."""

    figure: str
    at: datetime
    scope: str
    key: str = ""
    n: int = 1


def count_all(session: Session, increments: Iterable[Increment]) -> None:
    """Add every increment in one statement (one round trip while the transaction holds the
    audit lock), rows merged per key and sorted, so two writers lock rows in the same order."""
    merged: dict[tuple[str, str, str, str], int] = {}
    for i in increments:
        if i.n:
            row = (quarter_of(i.at), i.scope, i.figure, i.key)
            merged[row] = merged.get(row, 0) + i.n
    if not merged:
        return
    rows = [
        {"quarter": q, "scope": scope, "figure": figure, "key": key, "n": n}
        for (q, scope, figure, key), n in sorted(merged.items())
    ]
    session.execute(_UPSERT, rows)


def count(
    session: Session, figure: str, *, at: datetime, scope: str, key: str = "", n: int = 1
) -> None:
    """Add `n` to the figure in the quarter of `at`."""
    count_all(session, [Increment(figure, at, scope, key, n)])


def duration(
    session: Session, figure: str, *, at: datetime, scopes: tuple[str, ...], seconds: float
) -> None:
    """Record one duration of a median figure in the quarter of `at`, once per scope (a
    country's row and the all-countries row: each median is then one index range)."""
    durations(session, figure, at=at, scopes=scopes, seconds=[seconds])


def durations(
    session: Session,
    figure: str,
    *,
    at: datetime,
    scopes: tuple[str, ...],
    seconds: Sequence[float],
) -> None:
    """Record several durations of one figure in the quarter of `at` (a case's reports)."""
    quarter = quarter_of(at)
    session.add_all(
        Duration(quarter=quarter, scope=scope, figure=figure, seconds=s)
        for scope in scopes
        for s in seconds
    )


# One row per value, the nearest within a millisecond: a value written by Python and the same
# value recomputed by a backfill's SQL (julianday on SQLite) may differ in the last bits, and a
# median in whole seconds cannot tell rows a millisecond apart.
_UNRECORD = text(
    "DELETE FROM tally_durations WHERE id = ("
    "SELECT id FROM tally_durations WHERE quarter = :quarter AND figure = :figure "
    "AND scope = :scope AND seconds BETWEEN :low AND :high "
    "ORDER BY abs(seconds - :seconds) LIMIT 1)"
)


def withdraw_durations(
    session: Session,
    figure: str,
    *,
    at: datetime,
    scope: str,
    seconds: Sequence[float],
) -> None:
    """Take back durations recorded with `durations` (one row per value, through the index):
    a change that no longer counts, such as a superseded decision."""
    quarter = quarter_of(at)
    for s in seconds:
        session.execute(
            _UNRECORD,
            {
                "quarter": quarter,
                "figure": figure,
                "scope": scope,
                "seconds": s,
                "low": s - 0.001,
                "high": s + 0.001,
            },
        )
