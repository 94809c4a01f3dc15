"""The audit path: every figure of a quarter recounted from the views (GROUP BY, COUNT, SUM;
no row loops). `aggregate` serves the same figures from the counters the domains keep in the
transaction of each change (lawline.tally); `check` compares the two and the ledger.

When each thing counts (all instants UTC, quarters half-open [start, end)):
* a legal request is *received* in the quarter of `received_at`, whatever happens later;
* it is *fulfilled* in the quarter its package was built (disclosed), *fully* when every named
  target was disclosed and *partly* when some were not;
* it is *rejected* in the quarter it became rejected, by its reason code (the refusal ground, or
  the first failed automatic check, or `rejected_on_review`);
* an emergency is *answered* when disclosed or rejected; a preservation hold is *placed* when
  its first snapshot was taken.
Moderation figures are platform-wide (a report has no country): reports by their time,
decisions by theirs, appeals filed and decided by theirs.

Every entry point takes a plain `Session`, so a benchmark can call them directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from lawline.transparency import views
from lawline.transparency.quarters import Quarter

Figures = dict[str, Any]
_lr = views.legal_requests


def _seconds(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return cast(ColumnElement[float], func.extract("epoch", end - start))


def median_seconds(
    session: Session, start: Any, end: Any, where: Sequence[ColumnElement[bool]], source: Any
) -> int | None:
    """The median of `end - start` in whole seconds over the rows of `source` matching `where`.

    Portable: count, then read the one or two middle values in order (no percentile function
    on SQLite). Rounded to the second, so the signed report holds no float that two JSON
    libraries could write differently.
    """
    duration = _seconds(session, start, end)
    condition = and_(*where, start.is_not(None), end.is_not(None))
    n = session.execute(select(func.count()).select_from(source).where(condition)).scalar_one()
    if not n:
        return None
    middle = (
        session.execute(
            select(duration)
            .select_from(source)
            .where(condition)
            .order_by(duration)
            .offset((n - 1) // 2)
            .limit(2 - n % 2)
        )
        .scalars()
        .all()
    )
    return round(sum(float(m) for m in middle) / len(middle))


def _in(column: Any, quarter: Quarter) -> ColumnElement[bool]:
    return and_(column >= quarter.start, column < quarter.end)


def _grouped(session: Session, query: Select[Any]) -> dict[str, int]:
    return {str(key): int(n) for key, n in session.execute(query) if key is not None}


def _country(query: Select[Any], country: str | None) -> Select[Any]:
    return query if country is None else query.where(_lr.c.country == country)


def _sum_by(rows: Sequence[Any], key: int, value: int) -> dict[str, int]:
    """Fold grouped rows (type, instrument, counts...) into one breakdown (few rows, not data)."""
    out: dict[str, int] = {}
    for row in rows:
        if row[value]:
            out[str(row[key])] = out.get(str(row[key]), 0) + int(row[value])
    return out


def legal_figures(session: Session, quarter: Quarter, country: str | None = None) -> Figures:
    c = _lr.c
    answered_at = func.coalesce(c.disclosed_at, c.rejected_at)

    def grouped(where: ColumnElement[bool], keys: Sequence[Any], *columns: Any) -> Sequence[Any]:
        # each query is anchored on one instant, so the database can use that instant's index;
        # grouping by type and instrument gives every breakdown in the same pass
        query = select(*keys, *columns).select_from(_lr).where(where).group_by(*keys)
        return session.execute(_country(query, country)).all()

    kinds = (c.request_type, c.instrument_kind)
    received = grouped(_in(c.received_at, quarter), kinds, func.count())
    disclosed = grouped(
        _in(c.disclosed_at, quarter),
        kinds,
        func.count(),
        func.count().filter(c.accounts_disclosed >= c.targets_named),
        func.coalesce(func.sum(c.accounts_disclosed), 0),
        func.count().filter(c.accounts_disclosed > 0),
    )
    rejected = _sum_by(grouped(_in(c.rejected_at, quarter), (c.reason_code,), func.count()), 0, 1)
    n_holds = session.execute(
        _country(
            select(func.count())
            .select_from(_lr)
            .where(c.request_type == "preservation", _in(c.preserved_at, quarter)),
            country,
        )
    ).scalar_one()
    emergency_where = [c.request_type == "emergency", _in(answered_at, quarter)]
    if country is not None:
        emergency_where.append(c.country == country)
    n_emerg_answered = session.execute(
        select(func.count()).select_from(_lr).where(*emergency_where)
    ).scalar_one()

    by_type = _sum_by(received, 0, 2)
    n_fulfilled = sum(int(row[2]) for row in disclosed)
    n_fully = sum(int(row[3]) for row in disclosed)
    n_with_data = sum(int(row[5]) for row in disclosed)
    n_rejected = sum(rejected.values())
    answered = n_fulfilled + n_rejected
    return {
        "received": {
            "total": sum(by_type.values()),
            "by_type": by_type,
            "by_instrument": _sum_by(received, 1, 2),
        },
        "fulfilled": {
            "total": n_fulfilled,
            "fully": n_fully,
            "partly": n_fulfilled - n_fully,
            "by_type": _sum_by(disclosed, 0, 2),
            "by_instrument": _sum_by(disclosed, 1, 2),
            "accounts_affected": sum(int(row[4]) for row in disclosed),
        },
        "rejected": {"total": n_rejected, "by_reason": rejected},
        "share_with_data_produced": None if not answered else round(n_with_data / answered, 4),
        "preservations": {"received": by_type.get("preservation", 0), "holds_placed": n_holds},
        "emergencies": {
            "received": by_type.get("emergency", 0),
            "answered": n_emerg_answered,
            "median_seconds_to_answer": median_seconds(
                session, c.received_at, answered_at, emergency_where, _lr
            ),
        },
    }


def by_country(session: Session, quarter: Quarter) -> dict[str, dict[str, Any]]:
    """Per issuing country, as Meta and Google report: ordinary requests, emergencies and
    preservations apart, fulfilled, accounts, and the share of answers that produced data."""
    c = _lr.c
    received = _in(c.received_at, quarter)
    disclosed = _in(c.disclosed_at, quarter)
    rejected = _in(c.rejected_at, quarter)
    rows = session.execute(
        select(
            c.country,
            func.count().filter(and_(received, c.request_type == "disclosure")),
            func.count().filter(and_(received, c.request_type == "emergency")),
            func.count().filter(and_(received, c.request_type == "preservation")),
            func.count().filter(disclosed),
            func.coalesce(func.sum(c.accounts_disclosed).filter(disclosed), 0),
            func.count().filter(and_(disclosed, c.accounts_disclosed > 0)),
            func.count().filter(rejected),
        )
        .select_from(_lr)
        .where(received | disclosed | rejected)
        .group_by(c.country)
        .order_by(c.country)
    ).all()
    result = {}
    for country, disclosure, emergency, preservation, fulfilled, accounts, data, rej in rows:
        answered = fulfilled + rej
        result[country] = {
            "disclosure_requests": disclosure,
            "emergency_requests": emergency,
            "preservation_requests": preservation,
            "fulfilled": fulfilled,
            "accounts_affected": int(accounts),
            "rejected": rej,
            "share_with_data_produced": None if not answered else round(data / answered, 4),
        }
    return result


def moderation_figures(session: Session, quarter: Quarter) -> Figures:
    r, d, a = views.reports.c, views.decisions.c, views.appeals.c
    reported = _in(r.created_at, quarter)
    decided = _in(d.decided_at, quarter)
    # one pass over the quarter's reports (the largest table): per category, then the totals
    # are sums over the handful of category rows
    per_category = session.execute(
        select(
            r.category,
            func.count(),
            func.count().filter(r.trusted == 1),
            func.count().filter(r.automated == 1),
        )
        .select_from(views.reports)
        .where(reported)
        .group_by(r.category)
    ).all()
    report_totals = [sum(int(row[i]) for row in per_category) for i in (1, 2, 3)]
    decision_totals = session.execute(
        select(
            func.count().filter(decided),
            func.count().filter(and_(decided, d.action == "delist", d.target_kind == "channel")),
            func.count().filter(and_(decided, d.automated_detection == 1)),
        )
        .select_from(views.decisions)
        .where(decided)
    ).one()
    appeal_totals = session.execute(
        select(
            func.count().filter(_in(a.filed_at, quarter)),
            func.count().filter(_in(a.decided_at, quarter)),
            func.count().filter(and_(_in(a.decided_at, quarter), a.status == "reversed")),
        )
        .select_from(views.appeals)
        .where(_in(a.filed_at, quarter) | _in(a.decided_at, quarter))
    ).one()

    def by(source: Any, column: Any, when: ColumnElement[bool]) -> dict[str, int]:
        return _grouped(
            session, select(column, func.count()).select_from(source).where(when).group_by(column)
        )

    n_decisions = decision_totals[0]
    return {
        "scope": "platform-wide",
        "reports_received": {
            "total": report_totals[0],
            "by_category": {str(row[0]): int(row[1]) for row in per_category},
            "from_trusted_flaggers": report_totals[1],
            "triaged_automatically": report_totals[2],
        },
        "decisions": {
            "total": n_decisions,
            "by_action": by(views.decisions, d.action, decided),
            "by_ground": by(views.decisions, d.ground, decided),
        },
        "channels_delisted": decision_totals[1],
        "median_seconds_first_report_to_decision": median_seconds(
            session, d.first_report_at, d.decided_at, [decided], views.decisions
        ),
        "automated_detection_share": (
            None if not n_decisions else round(decision_totals[2] / n_decisions, 4)
        ),
        "appeals": {
            "received": appeal_totals[0],
            "decided": appeal_totals[1],
            "reversed": appeal_totals[2],
        },
    }


def trend(
    session: Session, last: Quarter, count: int = 8, country: str | None = None
) -> list[dict[str, Any]]:
    """Received and fulfilled per quarter for the `count` quarters up to `last` (for charts)."""
    quarters = [last]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    c = _lr.c
    columns = []
    for q in quarters:
        columns.append(func.count().filter(_in(c.received_at, q)))
        columns.append(func.count().filter(_in(c.disclosed_at, q)))
    query = cast(Select[Any], select(*columns).select_from(_lr))
    row = session.execute(_country(query, country)).one()
    return [
        {"quarter": str(q), "received": row[2 * i], "fulfilled": row[2 * i + 1]}
        for i, q in enumerate(quarters)
    ]


def figures(session: Session, quarter: Quarter, country: str | None = None) -> Figures:
    """Everything the quarter's report shows, for one country or for all."""
    return {
        "legal_requests": legal_figures(session, quarter, country),
        "by_country": by_country(session, quarter),
        "moderation": moderation_figures(session, quarter),
    }


__all__ = ["figures", "legal_figures", "median_seconds", "moderation_figures", "trend"]
