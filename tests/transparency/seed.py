"""A small data set around 2024-Q4 whose figures are computed by hand in the tests.

Instants sit on the quarter edges on purpose: the last microsecond of Q3, the first instant of
Q4, the last microsecond of Q4, the first instant of 2025-Q1; and requests span two quarters
(received in one, disclosed or rejected in the next).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from lawline.core.keys import SigningKey
from lawline.tally.backfill import rebuild
from tests import factories

LAST_US_OF_Q3 = datetime(2024, 9, 30, 23, 59, 59, 999999, tzinfo=UTC)
FIRST_OF_Q4 = datetime(2024, 10, 1, tzinfo=UTC)
LAST_US_OF_Q4 = datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
FIRST_OF_Q1 = datetime(2025, 1, 1, tzinfo=UTC)


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Seeded:
    requests: dict[str, Any]
    receipts: dict[str, Any]


def seed(session: Session, key: SigningKey) -> Seeded:
    nl, _ = factories.authority(session, country="NL")
    de, _ = factories.authority(session, country="DE", name="Staatsanwaltschaft Berlin")
    row = factories.legal_request_row
    r: dict[str, Any] = {
        # received in Q3 and disclosed in Q3: the previous quarter's ledger head
        "r0": row(session, nl.id, received_at=at(8, 1)),
        # received in Q3's last microsecond, disclosed in Q4
        "r1": row(session, nl.id, received_at=LAST_US_OF_Q3),
        # received at Q4's first instant; two targets, one disclosed: partly fulfilled
        "r2": row(session, nl.id, received_at=FIRST_OF_Q4, targets=2),
        # received in Q4's last microsecond, disclosed at 2025-Q1's first instant
        "r3": row(session, nl.id, received_at=LAST_US_OF_Q4, instrument_kind="subpoena"),
        "r4": row(
            session,
            nl.id,
            received_at=at(11, 10, 8),
            request_type="emergency",
            instrument_kind="emergency_declaration",
        ),
        # an emergency rejected on review four hours later
        "r5": row(
            session,
            nl.id,
            received_at=at(11, 20, 12),
            request_type="emergency",
            instrument_kind="emergency_declaration",
            status="rejected",
            updated_at=at(11, 20, 16),
        ),
        "r6": row(
            session,
            nl.id,
            received_at=at(10, 15),
            request_type="preservation",
            instrument_kind="epoc_pr",
            status="preserved",
        ),
        # refused at intake by the automatic checks
        "r7": row(
            session,
            nl.id,
            received_at=at(11, 1),
            status="rejected",
            reasons=[{"code": "instrument_expired", "message": "expired"}],
        ),
        "r8": row(session, de.id, received_at=at(10, 20), targets=2),
        # received in Q4, refused on a listed ground in 2025-Q1
        "r9": row(
            session,
            de.id,
            received_at=at(12, 1),
            status="rejected",
            refusal_ground="fundamental_rights",
            updated_at=at(1, 2, year=2025),
        ),
        "r10": row(
            session,
            nl.id,
            received_at=at(12, 24),
            request_type="emergency",
            instrument_kind="emergency_declaration",
        ),
    }
    _hold(session, r["r6"], at(10, 15, 0, 5))
    receipts: dict[str, Any] = {}
    # disclosures in time order, as the ledger receives them
    for name, when, accounts, country in (
        ("r0", at(9, 15), 1, "NL"),
        ("r1", at(10, 2, 10), 1, "NL"),
        ("r2", at(10, 5), 1, "NL"),
        ("r8", at(10, 25), 2, "DE"),
        ("r4", at(11, 10, 10), 1, "NL"),
        ("r10", at(12, 24, 1), 1, "NL"),
        ("r3", FIRST_OF_Q1, 1, "NL"),
    ):
        receipts[name] = factories.disclose_row(
            session, r[name], at=when, accounts=accounts, country=country, key=key
        )
    _moderation(session)
    # the rows above were written by hand, not through the services that count them: count
    # them as an upgraded database is counted (migration 0011's backfill)
    rebuild(session.connection())
    return Seeded(r, receipts)


def _hold(session: Session, request: Any, when: datetime) -> None:
    from lawline.disclosure.models import PreservationHold

    session.add(
        PreservationHold(
            request_id=request.id, account_id="100000", ciphertext=b"x", created_at=when
        )
    )
    session.flush()


def _moderation(session: Session) -> None:
    f = factories
    c1 = f.case_row(session, first_report_at=at(9, 30, 22))
    f.report_row(session, c1, at=at(9, 30, 22), category="scam")
    f.report_row(session, c1, at=FIRST_OF_Q4, category="scam", trusted_flagger_id="tf_1")
    d1 = f.decision_row(
        session, c1, at=FIRST_OF_Q4 + timedelta(hours=2), action="delist", ground="illegal"
    )
    c2 = f.case_row(session, first_report_at=at(11, 1, 10), triage_model=None)
    f.report_row(session, c2, at=at(11, 1, 10), category="hate")
    d2 = f.decision_row(session, c2, at=at(11, 1, 11), action="no_action", automated=True)
    c3 = f.case_row(session, first_report_at=LAST_US_OF_Q4, target_kind="account")
    f.report_row(session, c3, at=LAST_US_OF_Q4, category="drugs")
    f.decision_row(session, c3, at=at(1, 1, 0, 30, year=2025), action="ban")
    c4 = f.case_row(session, first_report_at=at(12, 1), target_kind="post")
    f.report_row(session, c4, at=at(12, 1), category="drugs")
    f.appeal_row(session, d1, filed_at=at(10, 10), status="reversed", decided_at=at(10, 20))
    d1.reversed_at = at(10, 20)
    f.appeal_row(session, d2, filed_at=at(12, 30), status="upheld", decided_at=at(1, 3, year=2025))
    session.flush()


# -- a running system on the seeded data (API, CLI, pages and bot tests) ----------------------
AFTER_Q4 = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)  # 2024-Q4 is the latest finished quarter


def seeded_runtime(
    request: Any, platform_file: Any, tmp_path: Any, backend: str, **settings: Any
) -> Any:
    """A Runtime on a fresh database of `backend` holding the seed; closed by the finalizer."""
    import secrets

    from sqlalchemy import text

    from lawline.core.clock import FixedClock
    from lawline.core.db import make_engine, transaction
    from lawline.core.settings import Settings
    from lawline.runtime import Runtime

    database_url = None
    if backend == "postgresql":
        url, _ = request.getfixturevalue("postgres_schema_url")
        schema = f"tr_{secrets.token_hex(5)}"
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{url}?options=-csearch_path%3D{schema}"

        def drop() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        request.addfinalizer(drop)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "platform.sqlite").write_bytes(platform_file.read_bytes())
    runtime = Runtime(
        Settings(data_dir=data_dir, database_url=database_url, platform="embedded", **settings),
        clock=FixedClock(AFTER_Q4),
    )
    runtime.upgrade_database()
    with transaction(runtime.sessions) as session:
        seeded = seed(session, runtime.signing_key)
    # what each authority found in its package, for the authority's own checks
    receipts = {name: r.to_json() for name, r in seeded.receipts.items()}
    (tmp_path / "receipts.json").write_text(json.dumps(receipts))
    request.addfinalizer(runtime.close)
    return runtime
