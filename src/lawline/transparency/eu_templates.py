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

The figures are read from the counters and durations the domains keep with each change
(`counted`, lawline.tally); `recounted` computes the same figures from the views, the audit
path that `lawline transparency check` compares them with.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

import lawline.tally.figures as names
from lawline.legal.offenses import OFFENSES
from lawline.moderation.categories import CATEGORIES
from lawline.transparency import aggregate, recount, views
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


Figures = dict[str, Any]


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _in(column: Any, quarter: Quarter) -> Any:
    return and_(column >= quarter.start, column < quarter.end)


def _basis(ground: str | None) -> str:
    return "legal_ground" if ground == "illegal" else "terms_and_conditions"


def _add(into: dict[str, int], key: str, n: int) -> None:
    if n:
        into[key] = into.get(key, 0) + n


def _figures(
    orders: dict[str, dict[str, int]],
    give_effect: int | None,
    notices: dict[str, int],
    trusted: int,
    automated: int,
    acted_on: dict[str, int],
    take_action: int | None,
    complaints: tuple[int, int, int],
) -> Figures:
    return {
        "orders_art10": {"orders_received": orders, "median_seconds_to_give_effect": give_effect},
        "notices_art16": {
            "notices_received": notices,
            "from_trusted_flaggers": trusted,
            "processed_automatically": automated,
            "notices_acted_on": acted_on,
            "median_seconds_to_take_action": take_action,
        },
        "complaints_art20": dict(zip(("received", "decided", "reversed"), complaints, strict=True)),
    }


def counted(session: Session, quarter: Quarter) -> Figures:
    """The quarter's template figures from the counters and durations (a few hundred rows)."""
    c = views.counters.c
    orders: dict[str, dict[str, int]] = {}
    for country, offense, n in session.execute(
        select(c.scope, c.key, func.sum(c.n))
        .where(
            c.quarter == str(quarter),
            c.figure == names.RECEIVED_BY_OFFENSE,
            c.scope.in_(sorted(EU_MEMBER_STATES)),
        )
        .group_by(c.scope, c.key)
    ):
        _add(orders.setdefault(country, {}), _statement_category_of_offense(offense), int(n or 0))
    wanted = (
        names.REPORTS,
        names.REPORTS_TRUSTED,
        names.REPORTS_AUTOMATED,
        names.NOTICES_ACTED_ON,
        names.APPEALS_RECEIVED,
        names.APPEALS_DECIDED,
        names.APPEALS_REVERSED,
    )
    counts = aggregate.counts(session, quarter, wanted, names.PLATFORM)
    notices: dict[str, int] = {}
    acted_on: dict[str, int] = {}
    for (figure, key), n in counts.items():
        if figure == names.REPORTS:
            _add(notices, _statement_category(key), n)
        elif figure == names.NOTICES_ACTED_ON:
            _add(acted_on, _basis(key), n)

    def total(figure: str) -> int:
        return sum(n for (f, _k), n in counts.items() if f == figure)

    return _figures(
        {country: kinds for country, kinds in orders.items() if kinds},
        aggregate.median_seconds(session, quarter, names.TIME_TO_DISCLOSE, EU_MEMBER_STATES),
        notices,
        total(names.REPORTS_TRUSTED),
        total(names.REPORTS_AUTOMATED),
        acted_on,
        aggregate.median_seconds(session, quarter, names.NOTICE_TIME_TO_ACTION, names.PLATFORM),
        (
            total(names.APPEALS_RECEIVED),
            total(names.APPEALS_DECIDED),
            total(names.APPEALS_REVERSED),
        ),
    )


def recounted(session: Session, quarter: Quarter) -> Figures:
    """The same figures from the views (the audit path; slow on a large quarter)."""
    lr, rep, ap = views.legal_requests.c, views.reports.c, views.appeals.c
    eu = lr.country.in_(sorted(EU_MEMBER_STATES))
    orders: dict[str, dict[str, int]] = {}
    for country, offense, n in session.execute(
        select(lr.country, lr.offense, func.count())
        .where(_in(lr.received_at, quarter), eu)
        .group_by(lr.country, lr.offense)
    ):
        _add(orders.setdefault(country, {}), _statement_category_of_offense(offense), int(n))
    give_effect = recount.median_seconds(
        session,
        lr.received_at,
        lr.disclosed_at,
        [_in(lr.disclosed_at, quarter), eu],
        views.legal_requests,
    )
    notices: dict[str, int] = {}
    trusted = automated = 0
    # one pass over the quarter's notices, grouped; the totals add up the few group rows
    for category, n, from_trusted, triaged in session.execute(
        select(
            rep.category,
            func.count(),
            func.count().filter(rep.trusted == 1),
            func.count().filter(rep.automated == 1),
        )
        .where(_in(rep.created_at, quarter))
        .group_by(rep.category)
    ):
        _add(notices, _statement_category(category), int(n))
        trusted, automated = trusted + int(from_trusted), automated + int(triaged)
    acted_on: dict[str, int] = {}
    for ground, n in session.execute(
        select(rep.ground, func.count())
        .where(_in(rep.decided_at, quarter), rep.action != "no_action")
        .group_by(rep.ground)
    ):
        _add(acted_on, _basis(ground), int(n))
    take_action = recount.median_seconds(
        session, rep.created_at, rep.decided_at, [_in(rep.decided_at, quarter)], views.reports
    )
    complaints = session.execute(
        select(
            func.count().filter(_in(ap.filed_at, quarter)),
            func.count().filter(_in(ap.decided_at, quarter)),
            func.count().filter(and_(_in(ap.decided_at, quarter), ap.status == "reversed")),
        ).select_from(views.appeals)
    ).one()
    return _figures(
        orders,
        give_effect,
        notices,
        trusted,
        automated,
        acted_on,
        take_action,
        (int(complaints[0]), int(complaints[1]), int(complaints[2])),
    )


def rows(figures: Figures) -> list[tuple[str, ...]]:
    """The template cells, one row each, after the header."""
    orders, notices = figures["orders_art10"], figures["notices_art16"]
    out: list[tuple[str, ...]] = [HEADER]
    for country, kinds in sorted(orders["orders_received"].items()):
        for kind, n in sorted(kinds.items()):
            out.append(("orders_art10", "orders_received", country, kind, "", "orders", str(n)))
    # lawline confirms receipt in the answer to the submission itself: the time is zero
    receipt = "0.00" if orders["orders_received"] else ""
    out.append(("orders_art10", "median_times", "", "", "", "hours_to_confirm_receipt", receipt))
    effect = _hours(orders["median_seconds_to_give_effect"])
    out.append(("orders_art10", "median_times", "", "", "", "hours_to_give_effect", effect))
    for kind, n in sorted(notices["notices_received"].items()):
        out.append(("notices_art16", "notices_received", "", kind, "", "notices", str(n)))
    trusted, automated = notices["from_trusted_flaggers"], notices["processed_automatically"]
    out.append(
        ("notices_art16", "notices_received", "", "", "", "from_trusted_flaggers", str(trusted))
    )
    out.append(
        ("notices_art16", "automated_means", "", "", "", "processed_automatically", str(automated))
    )
    for basis, n in sorted(notices["notices_acted_on"].items()):
        out.append(("notices_art16", "actions_taken", "", "", basis, "notices_acted_on", str(n)))
    act = _hours(notices["median_seconds_to_take_action"])
    out.append(("notices_art16", "median_times", "", "", "", "hours_to_take_action", act))
    for measure, value in figures["complaints_art20"].items():
        out.append(("complaints_art20", "complaints", "", "", "", measure, str(value)))
    return out


def eu_rows(session: Session, quarter: Quarter) -> list[tuple[str, ...]]:
    return rows(counted(session, quarter))


def eu_csv(session: Session, quarter: Quarter) -> str:
    return to_csv(eu_rows(session, quarter))
