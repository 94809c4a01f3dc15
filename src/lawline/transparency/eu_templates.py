"""The parts of the EU harmonised transparency-report templates (Implementing Regulation (EU)
2024/2835, Annex I, quantitative template) that lawline knows, as one long-format CSV.

The Commission's quantitative template is a set of tables per section; lawline writes each cell
it can fill as one row `section, table, member_state, type_of_illegal_content, basis, measure,
value` (RFC 4180, UTF-8, CRLF), so the rows can be pasted into the official sheets. Types of
illegal content use the DSA Transparency Database's `STATEMENT_CATEGORY_*` values, as the
templates do. Covered: orders to provide information (Art. 10) by issuing Member State and type,
with the median times to confirm receipt and to give effect; notices (Art. 16) by type, from
trusted flaggers, actions by legal ground versus terms and conditions, automated processing and
the median time to act; complaints (Art. 20). Not covered (lawline has no data for them): orders
to act (Art. 9), own-initiative moderation, out-of-court disputes, suspensions, human resources.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lawline.legal.offenses import OFFENSES
from lawline.moderation.categories import CATEGORIES
from lawline.transparency import recount, views
from lawline.transparency.quarters import Quarter
from lawline.transparency.render import to_csv

HEADER = (
    "section",
    "table",
    "member_state",
    "type_of_illegal_content",
    "basis",
    "measure",
    "value",
)
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "HU",
    ]
)
OTHER = "STATEMENT_CATEGORY_OTHER"  # an offense outside the platform's own categories


def _statement_category_of_offense(offense: str) -> str:
    known = OFFENSES.get(offense)
    category = CATEGORIES.get(known.tos_category or "") if known else None
    return category.statement_category if category else OTHER


def _statement_category(category: str) -> str:
    known = CATEGORIES.get(category)
    return known.statement_category if known else OTHER


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _in(column: Any, quarter: Quarter) -> Any:
    return and_(column >= quarter.start, column < quarter.end)


def eu_rows(session: Session, quarter: Quarter) -> list[tuple[str, ...]]:
    lr, rep, ap = views.legal_requests.c, views.reports.c, views.appeals.c
    eu = lr.country.in_(sorted(EU_MEMBER_STATES))
    rows: list[tuple[str, ...]] = [HEADER]
    counted: dict[tuple[str, str], int] = {}
    for country, offense, n in session.execute(
        select(lr.country, lr.offense, func.count())
        .where(_in(lr.received_at, quarter), eu)
        .group_by(lr.country, lr.offense)
    ):
        key = (country, _statement_category_of_offense(offense))
        counted[key] = counted.get(key, 0) + int(n)
    for (country, kind), n in sorted(counted.items()):
        rows.append(("orders_art10", "orders_received", country, kind, "", "orders", str(n)))
    # lawline confirms receipt in the answer to the submission itself: the time is zero
    receipt = "0.00" if counted else ""
    rows.append(("orders_art10", "median_times", "", "", "", "hours_to_confirm_receipt", receipt))
    effect = recount.median_seconds(
        session,
        lr.received_at,
        lr.disclosed_at,
        [_in(lr.disclosed_at, quarter), eu],
        views.legal_requests,
    )
    rows.append(
        ("orders_art10", "median_times", "", "", "", "hours_to_give_effect", _hours(effect))
    )

    reported = _in(rep.created_at, quarter)
    by_type: dict[str, int] = {}
    trusted = automated = 0
    # one pass over the quarter's notices, grouped; the totals add up the few group rows
    for category, n, from_trusted, triaged in session.execute(
        select(
            rep.category,
            func.count(),
            func.count().filter(rep.trusted == 1),
            func.count().filter(rep.automated == 1),
        )
        .where(reported)
        .group_by(rep.category)
    ):
        kind = _statement_category(category)
        by_type[kind] = by_type.get(kind, 0) + int(n)
        trusted, automated = trusted + int(from_trusted), automated + int(triaged)
    for kind, n in sorted(by_type.items()):
        rows.append(("notices_art16", "notices_received", "", kind, "", "notices", str(n)))
    rows.append(
        ("notices_art16", "notices_received", "", "", "", "from_trusted_flaggers", str(trusted))
    )
    rows.append(
        ("notices_art16", "automated_means", "", "", "", "processed_automatically", str(automated))
    )
    acted = and_(_in(rep.decided_at, quarter), rep.action != "no_action")
    for ground, n in session.execute(
        select(rep.ground, func.count()).where(acted).group_by(rep.ground).order_by(rep.ground)
    ):
        basis = "legal_ground" if ground == "illegal" else "terms_and_conditions"
        rows.append(("notices_art16", "actions_taken", "", "", basis, "notices_acted_on", str(n)))
    act_time = recount.median_seconds(
        session, rep.created_at, rep.decided_at, [_in(rep.decided_at, quarter)], views.reports
    )
    rows.append(
        ("notices_art16", "median_times", "", "", "", "hours_to_take_action", _hours(act_time))
    )

    received, decided, reversed_ = session.execute(
        select(
            func.count().filter(_in(ap.filed_at, quarter)),
            func.count().filter(_in(ap.decided_at, quarter)),
            func.count().filter(and_(_in(ap.decided_at, quarter), ap.status == "reversed")),
        ).select_from(views.appeals)
    ).one()
    for measure, value in (("received", received), ("decided", decided), ("reversed", reversed_)):
        rows.append(("complaints_art20", "complaints", "", "", "", measure, str(value)))
    return rows


def eu_csv(session: Session, quarter: Quarter) -> str:
    return to_csv(eu_rows(session, quarter))
