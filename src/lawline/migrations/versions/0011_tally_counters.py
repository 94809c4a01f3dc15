"""tally: per-quarter counters and durations behind the transparency figures, backfilled

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23

The domains add to these in the transaction of each change (lawline.tally). An upgraded
database already holds rows those changes never counted: the backfill counts them from the
`transparency_*` views (as migration 0004 made them), in this migration's transaction.

The backfill is this migration's own frozen copy of the SQL `lawline.tally.backfill` ran when
it was written (figure names as plain strings): a migration never imports live code, which
changes after it. tests/tally/test_backfill_migrations.py checks that an upgrade gives the
counters the live backfill gives.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LR = "transparency_legal_requests"
_ANSWERED = "COALESCE(disclosed_at, rejected_at)"
_KIND = "request_type || '/' || instrument_kind"

# figure, source view, instant, scope, key, value, condition
_COUNTERS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("requests.received", _LR, "received_at", "country", _KIND, "count(*)", "1 = 1"),
    ("requests.fulfilled", _LR, "disclosed_at", "country", _KIND, "count(*)", "1 = 1"),
    (
        "requests.fulfilled_fully",
        _LR,
        "disclosed_at",
        "country",
        _KIND,
        "count(*)",
        "accounts_disclosed >= targets_named",
    ),
    (
        "requests.accounts_affected",
        _LR,
        "disclosed_at",
        "country",
        _KIND,
        "sum(accounts_disclosed)",
        "accounts_disclosed > 0",
    ),
    (
        "requests.with_data",
        _LR,
        "disclosed_at",
        "country",
        "''",
        "count(*)",
        "accounts_disclosed > 0",
    ),
    ("requests.rejected", _LR, "rejected_at", "country", "reason_code", "count(*)", "1 = 1"),
    (
        "preservations.holds_placed",
        _LR,
        "preserved_at",
        "country",
        "''",
        "count(*)",
        "request_type = 'preservation'",
    ),
    (
        "emergencies.answered",
        _LR,
        _ANSWERED,
        "country",
        "''",
        "count(*)",
        "request_type = 'emergency'",
    ),
    (
        "reports.received",
        "transparency_reports",
        "created_at",
        "'*'",
        "category",
        "count(*)",
        "1 = 1",
    ),
    (
        "reports.trusted",
        "transparency_reports",
        "created_at",
        "'*'",
        "''",
        "count(*)",
        "trusted = 1",
    ),
    (
        "reports.automated",
        "transparency_reports",
        "created_at",
        "'*'",
        "''",
        "count(*)",
        "automated = 1",
    ),
    (
        "decisions.by_action",
        "transparency_decisions",
        "decided_at",
        "'*'",
        "action",
        "count(*)",
        "1 = 1",
    ),
    (
        "decisions.by_ground",
        "transparency_decisions",
        "decided_at",
        "'*'",
        "ground",
        "count(*)",
        "ground IS NOT NULL",
    ),
    (
        "decisions.channels_delisted",
        "transparency_decisions",
        "decided_at",
        "'*'",
        "''",
        "count(*)",
        "action = 'delist' AND target_kind = 'channel'",
    ),
    (
        "decisions.automated_detection",
        "transparency_decisions",
        "decided_at",
        "'*'",
        "''",
        "count(*)",
        "automated_detection = 1",
    ),
    ("appeals.received", "transparency_appeals", "filed_at", "'*'", "''", "count(*)", "1 = 1"),
    ("appeals.decided", "transparency_appeals", "decided_at", "'*'", "''", "count(*)", "1 = 1"),
    (
        "appeals.reversed",
        "transparency_appeals",
        "decided_at",
        "'*'",
        "''",
        "count(*)",
        "status = 'reversed'",
    ),
)

# figure, source view, start, end (the instant that places it), scope, condition
_DURATIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "emergencies.seconds_to_answer",
        _LR,
        "received_at",
        _ANSWERED,
        "country",
        "request_type = 'emergency'",
    ),
    (
        "emergencies.seconds_to_answer",
        _LR,
        "received_at",
        _ANSWERED,
        "'*'",
        "request_type = 'emergency'",
    ),
    (
        "decisions.seconds_from_first_report",
        "transparency_decisions",
        "first_report_at",
        "decided_at",
        "'*'",
        "1 = 1",
    ),
)


def _quarter(column: str, sqlite: bool) -> str:
    if sqlite:
        return (
            f"(strftime('%Y', {column}) || '-Q' || "
            f"((CAST(strftime('%m', {column}) AS INTEGER) + 2) / 3))"
        )
    utc = f"({column} AT TIME ZONE 'UTC')"
    return f"(to_char({utc}, 'YYYY') || '-Q' || to_char({utc}, 'Q'))"


def _seconds(start: str, end: str, sqlite: bool) -> str:
    if sqlite:
        return f"((julianday({end}) - julianday({start})) * 86400.0)"
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


def _backfill(sqlite: bool) -> list[str]:
    out = []
    for figure, view, at, scope, key, value, condition in _COUNTERS:
        # grouped by position: the quarter expression, the scope and the key
        out.append(
            "INSERT INTO tally_counters (quarter, scope, figure, key, n) "  # noqa: S608 - fixed
            f"SELECT {_quarter(at, sqlite)}, {scope}, '{figure}', {key}, {value} FROM {view} "
            f"WHERE {at} IS NOT NULL AND {condition} "
            f"GROUP BY 1, 2, 4 HAVING {value} > 0"
        )
    for figure, view, start, end, scope, condition in _DURATIONS:
        out.append(
            "INSERT INTO tally_durations (quarter, scope, figure, seconds) "  # noqa: S608 - fixed
            f"SELECT {_quarter(end, sqlite)}, {scope}, '{figure}', "
            f"{_seconds(start, end, sqlite)} FROM {view} "
            f"WHERE {start} IS NOT NULL AND {end} IS NOT NULL AND {condition}"
        )
    return out


def upgrade() -> None:
    op.create_table(
        "tally_counters",
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("scope", sa.String(length=2), nullable=False),
        sa.Column("figure", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "quarter", "scope", "figure", "key", name=op.f("pk_tally_counters")
        ),
    )
    op.create_table(
        "tally_durations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("scope", sa.String(length=2), nullable=False),
        sa.Column("figure", sa.String(length=40), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_durations")),
    )
    op.create_index(
        "ix_tally_durations_median",
        "tally_durations",
        ["quarter", "figure", "scope", "seconds"],
    )
    for statement in _backfill(op.get_bind().dialect.name == "sqlite"):
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_tally_durations_median", table_name="tally_durations")
    op.drop_table("tally_durations")
    op.drop_table("tally_counters")
