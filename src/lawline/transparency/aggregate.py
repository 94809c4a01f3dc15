"""The figures of one quarter, read from the counters the domains keep (lawline.tally).

Each change that counts (a request received, disclosed or rejected, a report, a decision, an
appeal...) adds to a per-quarter counter in its own transaction, so a quarter's report reads a
few hundred counter rows however many requests and reports it covers. The rules of when each
thing counts are those of `recount`, which computes the same figures from the views and is the
audit path: `check` compares the two, and the ledger, and names any figure that differs.

Medians cannot be counted: every duration is kept (`tally_durations`) under an index ordered by
(quarter, figure, scope, seconds), so the median is a count and a walk to the middle of one
index range; it is exact, and the same value `recount` computes from the views.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import lawline.tally.figures as names
from lawline.transparency import views
from lawline.transparency.quarters import Quarter

Figures = dict[str, Any]
Counts = dict[tuple[str, str], int]
_c, _d = views.counters.c, views.durations.c


def _counts(
    session: Session, quarters: Iterable[Quarter], wanted: Iterable[str], scope: str | None
) -> dict[tuple[str, str, str], int]:
    """(quarter, figure, key) -> n, summed over the scope's rows (or every country's)."""
    query = (
        select(_c.quarter, _c.figure, _c.key, func.sum(_c.n))
        .where(_c.quarter.in_([str(q) for q in quarters]), _c.figure.in_(list(wanted)))
        .group_by(_c.quarter, _c.figure, _c.key)
    )
    if scope is not None:
        query = query.where(_c.scope == scope)
    return {(q, f, k): int(n) for q, f, k, n in session.execute(query) if n}


def counts(session: Session, quarter: Quarter, wanted: Iterable[str], scope: str | None) -> Counts:
    """(figure, key) -> n of one quarter, for one scope (or summed over every country)."""
    return _one(session, quarter, wanted, scope)


def _one(session: Session, quarter: Quarter, wanted: Iterable[str], scope: str | None) -> Counts:
    return {(f, k): n for (_q, f, k), n in _counts(session, [quarter], wanted, scope).items()}


def _by(counts: Counts, figure: str, part: int | None = None) -> dict[str, int]:
    """One figure's breakdown: by its key, or by one part of a `type/instrument` key."""
    out: dict[str, int] = {}
    for (f, key), n in counts.items():
        if f == figure:
            name = key if part is None else key.split("/", 1)[part]
            out[name] = out.get(name, 0) + n
    return out


def _total(counts: Counts, figure: str) -> int:
    return sum(n for (f, _k), n in counts.items() if f == figure)


def median_seconds(
    session: Session, quarter: Quarter, figure: str, scope: str | Collection[str]
) -> int | None:
    """The exact median of one figure's durations, rounded to the second as `recount` does.
    Over several scopes (the EU's Member States) the walk merges their index ranges."""
    where = (
        _d.quarter == str(quarter),
        _d.figure == figure,
        _d.scope == scope if isinstance(scope, str) else _d.scope.in_(sorted(scope)),
    )
    n = session.execute(select(func.count()).select_from(views.durations).where(*where)).scalar()
    if not n:
        return None
    middle = session.scalars(
        select(_d.seconds).where(*where).order_by(_d.seconds).offset((n - 1) // 2).limit(2 - n % 2)
    ).all()
    return round(sum(float(m) for m in middle) / len(middle))


def legal_figures(session: Session, quarter: Quarter, country: str | None = None) -> Figures:
    counts = _one(session, quarter, names.LEGAL, country)
    by_type = _by(counts, names.RECEIVED, 0)
    n_fulfilled = _total(counts, names.FULFILLED)
    n_fully = _total(counts, names.FULFILLED_FULLY)
    rejected = _by(counts, names.REJECTED)
    n_rejected = sum(rejected.values())
    answered = n_fulfilled + n_rejected
    median = median_seconds(
        session, quarter, names.EMERGENCY_TIME_TO_ANSWER, country or names.PLATFORM
    )
    return {
        "received": {
            "total": sum(by_type.values()),
            "by_type": by_type,
            "by_instrument": _by(counts, names.RECEIVED, 1),
        },
        "fulfilled": {
            "total": n_fulfilled,
            "fully": n_fully,
            "partly": n_fulfilled - n_fully,
            "by_type": _by(counts, names.FULFILLED, 0),
            "by_instrument": _by(counts, names.FULFILLED, 1),
            "accounts_affected": _total(counts, names.ACCOUNTS_AFFECTED),
        },
        "rejected": {"total": n_rejected, "by_reason": rejected},
        "share_with_data_produced": (
            None if not answered else round(_total(counts, names.WITH_DATA) / answered, 4)
        ),
        "preservations": {
            "received": by_type.get("preservation", 0),
            "holds_placed": _total(counts, names.HOLDS_PLACED),
        },
        "emergencies": {
            "received": by_type.get("emergency", 0),
            "answered": _total(counts, names.EMERGENCIES_ANSWERED),
            "median_seconds_to_answer": median,
        },
    }


def by_country(session: Session, quarter: Quarter) -> dict[str, dict[str, Any]]:
    """Per issuing country, as Meta and Google report: ordinary requests, emergencies and
    preservations apart, fulfilled, accounts, and the share of answers that produced data."""
    wanted = (names.RECEIVED, names.FULFILLED, names.ACCOUNTS_AFFECTED, names.WITH_DATA)
    per: dict[str, Counts] = {}
    for scope, figure, key, n in session.execute(
        select(_c.scope, _c.figure, _c.key, func.sum(_c.n))
        .where(_c.quarter == str(quarter), _c.figure.in_([*wanted, names.REJECTED]))
        .group_by(_c.scope, _c.figure, _c.key)
    ):
        if n:
            per.setdefault(scope, {})[(figure, key)] = int(n)
    result = {}
    for country in sorted(per):
        counts = per[country]
        by_type = _by(counts, names.RECEIVED, 0)
        fulfilled, rejected = _total(counts, names.FULFILLED), _total(counts, names.REJECTED)
        answered = fulfilled + rejected
        data = _total(counts, names.WITH_DATA)
        result[country] = {
            "disclosure_requests": by_type.get("disclosure", 0),
            "emergency_requests": by_type.get("emergency", 0),
            "preservation_requests": by_type.get("preservation", 0),
            "fulfilled": fulfilled,
            "accounts_affected": _total(counts, names.ACCOUNTS_AFFECTED),
            "rejected": rejected,
            "share_with_data_produced": None if not answered else round(data / answered, 4),
        }
    return result


def moderation_figures(session: Session, quarter: Quarter) -> Figures:
    counts = _one(session, quarter, names.MODERATION, names.PLATFORM)
    n_decisions = _total(counts, names.DECISIONS)
    return {
        "scope": "platform-wide",
        "reports_received": {
            "total": _total(counts, names.REPORTS),
            "by_category": _by(counts, names.REPORTS),
            "from_trusted_flaggers": _total(counts, names.REPORTS_TRUSTED),
            "triaged_automatically": _total(counts, names.REPORTS_AUTOMATED),
        },
        "decisions": {
            "total": n_decisions,
            "by_action": _by(counts, names.DECISIONS),
            "by_ground": _by(counts, names.DECISIONS_BY_GROUND),
        },
        "channels_delisted": _total(counts, names.CHANNELS_DELISTED),
        "median_seconds_first_report_to_decision": median_seconds(
            session, quarter, names.TIME_TO_DECISION, names.PLATFORM
        ),
        "automated_detection_share": (
            None
            if not n_decisions
            else round(_total(counts, names.AUTOMATED_DETECTION) / n_decisions, 4)
        ),
        "appeals": {
            "received": _total(counts, names.APPEALS_RECEIVED),
            "decided": _total(counts, names.APPEALS_DECIDED),
            "reversed": _total(counts, names.APPEALS_REVERSED),
        },
    }


def trend(
    session: Session, last: Quarter, count: int = 8, country: str | None = None
) -> list[dict[str, Any]]:
    """Received and fulfilled per quarter for the `count` quarters up to `last` (for charts)."""
    quarters = [last]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    counts = _counts(session, quarters, (names.RECEIVED, names.FULFILLED), country)
    totals: dict[tuple[str, str], int] = {}
    for (q, figure, _key), n in counts.items():
        totals[(q, figure)] = totals.get((q, figure), 0) + n
    return [
        {
            "quarter": str(q),
            "received": totals.get((str(q), names.RECEIVED), 0),
            "fulfilled": totals.get((str(q), names.FULFILLED), 0),
        }
        for q in quarters
    ]


def figures(session: Session, quarter: Quarter, country: str | None = None) -> Figures:
    """Everything the quarter's report shows, for one country or for all."""
    return {
        "legal_requests": legal_figures(session, quarter, country),
        "by_country": by_country(session, quarter),
        "moderation": moderation_figures(session, quarter),
    }


__all__ = [
    "by_country",
    "counts",
    "figures",
    "legal_figures",
    "median_seconds",
    "moderation_figures",
    "trend",
]
