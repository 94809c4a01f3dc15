"""Quarter figures against a hand-counted data set (tests/transparency/seed.py), both databases."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lawline.core.keys import SigningKey
from lawline.transparency import aggregate
from lawline.transparency.quarters import Quarter
from tests.transparency.seed import seed

Q4 = Quarter(2024, 4)


def test_legal_figures_for_nl_count_edges_and_spanning_requests(
    db: Session, signing_key: SigningKey
) -> None:
    seed(db, signing_key)
    nl = aggregate.legal_figures(db, Q4, "NL")
    # received in Q4: r2 (first instant), r3 (last microsecond), r4, r5, r6, r7, r10;
    # r1 (Q3's last microsecond) is not, though it was disclosed in Q4
    assert nl["received"] == {
        "total": 7,
        "by_type": {"disclosure": 3, "emergency": 3, "preservation": 1},
        "by_instrument": {
            "court_order": 2,
            "subpoena": 1,
            "emergency_declaration": 3,
            "epoc_pr": 1,
        },
    }
    # disclosed in Q4: r1, r2, r4, r10; r3 was disclosed at 2025-Q1's first instant
    assert nl["fulfilled"] == {
        "total": 4,
        "fully": 3,
        "partly": 1,
        "by_type": {"disclosure": 2, "emergency": 2},
        "by_instrument": {"court_order": 2, "emergency_declaration": 2},
        "accounts_affected": 4,
    }
    assert nl["rejected"] == {
        "total": 2,
        "by_reason": {"rejected_on_review": 1, "instrument_expired": 1},
    }
    assert nl["share_with_data_produced"] == round(4 / 6, 4)
    assert nl["preservations"] == {"received": 1, "holds_placed": 1}
    # answered: r4 in 2 h, r5 in 4 h, r10 in 1 h -> median 2 h
    assert nl["emergencies"] == {"received": 3, "answered": 3, "median_seconds_to_answer": 7200}


def test_all_countries_and_the_next_quarter(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    every = aggregate.legal_figures(db, Q4)
    assert every["received"]["total"] == 9
    assert every["fulfilled"]["total"] == 5
    assert every["fulfilled"]["accounts_affected"] == 6
    assert every["rejected"]["total"] == 2  # r9 was refused in 2025-Q1
    assert aggregate.by_country(db, Q4) == {
        "DE": {
            "disclosure_requests": 2,
            "emergency_requests": 0,
            "preservation_requests": 0,
            "fulfilled": 1,
            "accounts_affected": 2,
            "rejected": 0,
            "share_with_data_produced": 1.0,
        },
        "NL": {
            "disclosure_requests": 3,
            "emergency_requests": 3,
            "preservation_requests": 1,
            "fulfilled": 4,
            "accounts_affected": 4,
            "rejected": 2,
            "share_with_data_produced": round(4 / 6, 4),
        },
    }
    q1 = aggregate.legal_figures(db, Quarter(2025, 1))
    assert q1["received"]["total"] == 0
    assert q1["fulfilled"]["by_instrument"] == {"subpoena": 1}
    assert q1["rejected"]["by_reason"] == {"fundamental_rights": 1}
    q3 = aggregate.legal_figures(db, Quarter(2024, 3), "NL")
    assert (q3["received"]["total"], q3["fulfilled"]["total"]) == (2, 1)


def test_moderation_figures(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    assert aggregate.moderation_figures(db, Q4) == {
        "scope": "platform-wide",
        "reports_received": {
            "total": 4,
            "by_category": {"scam": 1, "hate": 1, "drugs": 2},
            "from_trusted_flaggers": 1,
            "triaged_automatically": 3,
        },
        "decisions": {
            "total": 2,
            "by_action": {"delist": 1, "no_action": 1},
            "by_ground": {"illegal": 1, "terms": 1},
        },
        "channels_delisted": 1,
        # 4 h (c1: Q3 report, Q4 decision) and 1 h (c2)
        "median_seconds_first_report_to_decision": 9000,
        "automated_detection_share": 0.5,
        "appeals": {"received": 2, "decided": 1, "reversed": 1},
    }


def test_trend_and_an_empty_quarter(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    points = aggregate.trend(db, Quarter(2025, 1), count=3, country="NL")
    assert points == [
        {"quarter": "2024-Q3", "received": 2, "fulfilled": 1},
        {"quarter": "2024-Q4", "received": 7, "fulfilled": 4},
        {"quarter": "2025-Q1", "received": 0, "fulfilled": 1},
    ]
    empty = aggregate.legal_figures(db, Quarter(2023, 2))
    assert empty["share_with_data_produced"] is None
    assert empty["emergencies"]["median_seconds_to_answer"] is None
