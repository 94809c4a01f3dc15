"""Fill the counters and durations from rows already stored, through the `transparency_*`
views (one INSERT .. SELECT .. GROUP BY per figure, in the database).

Used by the benchmark, whose generated rows were never counted one by one, and by tests that
seed rows directly. Migrations 0011 and 0013 carry their own frozen copies of the statements
they ran (a migration never imports live code); tests/tally/test_backfill_migrations.py checks
that upgrading a database gives the counters this module gives. The rules are the views'
reading of each figure (the same as `lawline.transparency.recount`); `lawline transparency
check` compares the result with the recount, so this text cannot drift from it unnoticed.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from lawline.tally import figures as names

_LR = "transparency_legal_requests"
_ANSWERED = "COALESCE(disclosed_at, rejected_at)"


def _quarter(column: str, dialect: str) -> str:
    if dialect == "sqlite":
        return (
            f"(strftime('%Y', {column}) || '-Q' || "
            f"((CAST(strftime('%m', {column}) AS INTEGER) + 2) / 3))"
        )
    utc = f"({column} AT TIME ZONE 'UTC')"
    return f"(to_char({utc}, 'YYYY') || '-Q' || to_char({utc}, 'Q'))"


def _seconds(start: str, end: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"((julianday({end}) - julianday({start})) * 86400.0)"
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


# figure, source view, instant, scope, key, value, condition
_COUNTERS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        names.RECEIVED,
        _LR,
        "received_at",
        "country",
        "request_type || '/' || instrument_kind",
        "count(*)",
        "1 = 1",
    ),
    (
        names.FULFILLED,
        _LR,
        "disclosed_at",
        "country",
        "request_type || '/' || instrument_kind",
        "count(*)",
        "1 = 1",
    ),
    (
        names.FULFILLED_FULLY,
        _LR,
        "disclosed_at",
        "country",
        "request_type || '/' || instrument_kind",
        "count(*)",
        "accounts_disclosed >= targets_named",
    ),
    (
        names.ACCOUNTS_AFFECTED,
        _LR,
        "disclosed_at",
        "country",
        "request_type || '/' || instrument_kind",
        "sum(accounts_disclosed)",
        "accounts_disclosed > 0",
    ),
    (names.WITH_DATA, _LR, "disclosed_at", "country", "''", "count(*)", "accounts_disclosed > 0"),
    (names.REJECTED, _LR, "rejected_at", "country", "reason_code", "count(*)", "1 = 1"),
    (
        names.HOLDS_PLACED,
        _LR,
        "preserved_at",
        "country",
        "''",
        "count(*)",
        "request_type = 'preservation'",
    ),
    (
        names.EMERGENCIES_ANSWERED,
        _LR,
        _ANSWERED,
        "country",
        "''",
        "count(*)",
        "request_type = 'emergency'",
    ),
    (names.RECEIVED_BY_OFFENSE, _LR, "received_at", "country", "offense", "count(*)", "1 = 1"),
    (names.REPORTS, "transparency_reports", "created_at", "'*'", "category", "count(*)", "1 = 1"),
    (
        names.REPORTS_TRUSTED,
        "transparency_reports",
        "created_at",
        "'*'",
        "''",
        "count(*)",
        "trusted = 1",
    ),
    (
        names.REPORTS_AUTOMATED,
        "transparency_reports",
        "created_at",
        "'*'",
        "''",
        "count(*)",
        "automated = 1",
    ),
    (
        names.NOTICES_ACTED_ON,
        "transparency_reports",
        "decided_at",
        "'*'",
        "COALESCE(ground, '')",
        "count(*)",
        "action <> 'no_action'",
    ),
    (names.DECISIONS, "transparency_decisions", "decided_at", "'*'", "action", "count(*)", "1 = 1"),
    (
        names.DECISIONS_BY_GROUND,
        "transparency_decisions",
        "decided_at",
        "'*'",
        "ground",
        "count(*)",
        "ground IS NOT NULL",
    ),
    (
        names.CHANNELS_DELISTED,
        "transparency_decisions",
        "decided_at",
        "'*'",
        "''",
        "count(*)",
        "action = 'delist' AND target_kind = 'channel'",
    ),
    (
        names.AUTOMATED_DETECTION,
        "transparency_decisions",
        "decided_at",
        "'*'",
        "''",
        "count(*)",
        "automated_detection = 1",
    ),
    (names.APPEALS_RECEIVED, "transparency_appeals", "filed_at", "'*'", "''", "count(*)", "1 = 1"),
    (names.APPEALS_DECIDED, "transparency_appeals", "decided_at", "'*'", "''", "count(*)", "1 = 1"),
    (
        names.APPEALS_REVERSED,
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
        names.EMERGENCY_TIME_TO_ANSWER,
        _LR,
        "received_at",
        _ANSWERED,
        "country",
        "request_type = 'emergency'",
    ),
    (
        names.EMERGENCY_TIME_TO_ANSWER,
        _LR,
        "received_at",
        _ANSWERED,
        "'*'",
        "request_type = 'emergency'",
    ),
    (
        names.TIME_TO_DECISION,
        "transparency_decisions",
        "first_report_at",
        "decided_at",
        "'*'",
        "1 = 1",
    ),
    (names.TIME_TO_DISCLOSE, _LR, "received_at", "disclosed_at", "country", "1 = 1"),
    (
        names.NOTICE_TIME_TO_ACTION,
        "transparency_reports",
        "created_at",
        "decided_at",
        "'*'",
        "1 = 1",
    ),
)


def statements(dialect: str) -> list[str]:
    """The SQL that refills both tables from the views (after emptying them)."""
    out = ["DELETE FROM tally_counters", "DELETE FROM tally_durations"]
    for figure, view, at, scope, key, value, condition in _COUNTERS:
        quarter = _quarter(at, dialect)
        # grouped by position: the quarter expression, the scope and the key
        out.append(
            "INSERT INTO tally_counters (quarter, scope, figure, key, n) "  # noqa: S608 - fixed
            f"SELECT {quarter}, {scope}, '{figure}', {key}, {value} FROM {view} "
            f"WHERE {at} IS NOT NULL AND {condition} "
            f"GROUP BY 1, 2, 4 HAVING {value} > 0"
        )
    for figure, view, start, end, scope, condition in _DURATIONS:
        out.append(
            "INSERT INTO tally_durations (quarter, scope, figure, seconds) "  # noqa: S608 - fixed
            f"SELECT {_quarter(end, dialect)}, {scope}, '{figure}', "
            f"{_seconds(start, end, dialect)} FROM {view} "
            f"WHERE {start} IS NOT NULL AND {end} IS NOT NULL AND {condition}"
        )
    return out


def rebuild(connection: Connection) -> None:
    """Empty the counters and durations and count every stored row again, in the caller's
    transaction (hold it while nothing else writes: a change committed meanwhile could be
    counted twice or not at all)."""
    for statement in statements(connection.dialect.name):
        connection.execute(text(statement))
