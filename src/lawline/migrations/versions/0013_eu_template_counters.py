"""tally: the EU templates' counters and durations, backfilled

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23

The EU transparency templates (lawline.transparency.eu_templates) read counters now: orders by
issuing country and offense, notices (reports) acted on by the decision's ground, and two
medians: an order's time from receipt to disclosure (per country) and a notice's time to its
case's decision. The domains add to them with each change from this version on; this migration
counts the rows a database already holds, from the `transparency_*` views as migration 0012
left them (a report joins its case's decision not superseded), in its own transaction.

A frozen copy of the SQL (figure names as plain strings): a migration never imports live code.
tests/tally/test_backfill_migrations.py checks that an upgrade gives the counters the live
backfill (`lawline.tally.backfill`) gives.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("requests.received_by_offense", "notices.acted_on")
DURATIONS = ("requests.seconds_to_disclose", "notices.seconds_to_decision")


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
    received, decided = _quarter("received_at", sqlite), _quarter("decided_at", sqlite)
    disclosed = _quarter("disclosed_at", sqlite)
    return [
        "INSERT INTO tally_counters (quarter, scope, figure, key, n) "  # noqa: S608 - fixed
        f"SELECT {received}, country, 'requests.received_by_offense', offense, count(*) "
        "FROM transparency_legal_requests WHERE received_at IS NOT NULL "
        "GROUP BY 1, 2, 4",
        "INSERT INTO tally_counters (quarter, scope, figure, key, n) "  # noqa: S608 - fixed
        f"SELECT {decided}, '*', 'notices.acted_on', COALESCE(ground, ''), count(*) "
        "FROM transparency_reports WHERE decided_at IS NOT NULL AND action <> 'no_action' "
        "GROUP BY 1, 2, 4",
        "INSERT INTO tally_durations (quarter, scope, figure, seconds) "  # noqa: S608 - fixed
        f"SELECT {disclosed}, country, 'requests.seconds_to_disclose', "
        f"{_seconds('received_at', 'disclosed_at', sqlite)} FROM transparency_legal_requests "
        "WHERE received_at IS NOT NULL AND disclosed_at IS NOT NULL",
        "INSERT INTO tally_durations (quarter, scope, figure, seconds) "  # noqa: S608 - fixed
        f"SELECT {decided}, '*', 'notices.seconds_to_decision', "
        f"{_seconds('created_at', 'decided_at', sqlite)} FROM transparency_reports "
        "WHERE created_at IS NOT NULL AND decided_at IS NOT NULL",
    ]


def _forget() -> list[str]:
    names = ", ".join(f"'{n}'" for n in COUNTERS)
    durations = ", ".join(f"'{n}'" for n in DURATIONS)
    return [
        f"DELETE FROM tally_counters WHERE figure IN ({names})",  # noqa: S608 - fixed
        f"DELETE FROM tally_durations WHERE figure IN ({durations})",  # noqa: S608 - fixed
    ]


def upgrade() -> None:
    for statement in _forget() + _backfill(op.get_bind().dialect.name == "sqlite"):
        op.execute(statement)


def downgrade() -> None:
    for statement in _forget():
        op.execute(statement)
