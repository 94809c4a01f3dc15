"""Signed reports checked against the published ledger: what verification must catch."""

from __future__ import annotations

import base64
import copy
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from lawline.audit import ledger
from lawline.audit.models import LedgerEntry, LedgerHead, LedgerState, MerkleSubtree
from lawline.core.clock import FixedClock
from lawline.core.errors import Conflict
from lawline.core.keys import SigningKey
from lawline.transparency.quarters import Quarter
from lawline.transparency.report import build_report, canonical_bytes
from lawline.transparency.verify import verify_report
from tests import factories
from tests.transparency.seed import FIRST_OF_Q1, at, seed

Q4 = Quarter(2024, 4)
LATER = FixedClock(FIRST_OF_Q1 + timedelta(days=40))


def _report(db: Session, key: SigningKey, quarter: Quarter = Q4, country: str | None = "NL") -> Any:
    return build_report(db, quarter, country=country, key=key, clock=LATER)


def _resign(report: dict[str, Any], key: SigningKey) -> None:
    report["signature"] = base64.b64encode(key.sign(canonical_bytes(report))).decode()


def test_a_report_verifies_against_the_ledger(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    report = _report(db, signing_key)
    entries = list(ledger.public_entries(db))
    assert report["final"] is True
    assert report["ledger"]["previous_size"] == 1  # r0, disclosed in Q3
    assert report["ledger"]["size"] == 6  # r0 + five Q4 disclosures (one of them German)
    result = verify_report(report, entries, signing_key.public)
    assert result.ok, result.problems
    assert result.recounted["total"] == 4
    assert result.recounted["accounts_affected"] == 4
    whole = verify_report(_report(db, signing_key, country=None), entries, signing_key.public)
    assert whole.ok
    assert whole.recounted["total"] == 5


def test_a_changed_count_is_caught_signed_or_not(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    report = _report(db, signing_key)
    entries = list(ledger.public_entries(db))
    tampered = copy.deepcopy(report)
    tampered["figures"]["legal_requests"]["fulfilled"]["total"] = 3
    problems = verify_report(tampered, entries, signing_key.public).problems
    assert any("signature" in p for p in problems)
    assert any("fulfilled total is 3" in p for p in problems)
    # the platform itself publishing a lower count under its own key
    _resign(tampered, signing_key)
    problems = verify_report(tampered, entries, signing_key.public).problems
    assert problems == ["fulfilled total is 3 in the report but the ledger gives 4"]


def test_a_removed_entry_is_caught(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    report = _report(db, signing_key)
    entries = list(ledger.public_entries(db))
    del entries[3]
    problems = verify_report(report, entries, signing_key.public).problems
    assert any("an entry is missing" in p for p in problems)
    assert any("ledger holds 3 entries" in p for p in problems)
    # renumbered to hide the gap: the roots no longer match the signed head
    renumbered = [dict(e, seq=i) for i, e in enumerate(entries)]
    problems = verify_report(report, renumbered, signing_key.public).problems
    assert any("do not hash to the signed head" in p for p in problems)


def test_a_rewritten_earlier_quarter_is_caught(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    q3_report = _report(db, signing_key, Quarter(2024, 3))
    report = _report(db, signing_key)
    entries = list(ledger.public_entries(db))
    edited = copy.deepcopy(entries)
    edited[0]["country"] = "DE"  # the Q3 disclosure moved to another country
    problems = verify_report(report, edited, signing_key.public).problems
    assert any("an earlier quarter was rewritten" in p for p in problems)

    # The platform rebuilds the whole ledger without the Q3 entry and signs it all anew: the
    # new files agree with each other, but not with the Q3 report published back then.
    _rebuild_ledger_without_first_entry(db, signing_key)
    rewritten = _report(db, signing_key)
    new_entries = list(ledger.public_entries(db))
    assert verify_report(rewritten, new_entries, signing_key.public).ok
    result = verify_report(rewritten, new_entries, signing_key.public, previous_report=q3_report)
    assert result.problems == [
        "the head of 2024-Q3 differs from the one published in that quarter's report: "
        "the earlier quarter was rewritten"
    ]


def _rebuild_ledger_without_first_entry(db: Session, key: SigningKey) -> None:
    rows = db.query(LedgerEntry).order_by(LedgerEntry.seq).all()
    kept = [
        (r.request_id, r.country, r.request_type, r.instrument_kind, r.accounts, r.disclosed_at)
        for r in rows[1:]
    ]
    db.execute(delete(LedgerEntry))
    db.execute(delete(LedgerHead))
    db.execute(delete(MerkleSubtree).where(MerkleSubtree.tree == "ledger"))
    db.execute(update(LedgerState).values(size=0, frontier=[], last_quarter=None))
    db.expire_all()
    for request_id, country, rtype, kind, accounts, when in kept:
        ledger.append(
            db,
            request_id=request_id,
            country=country,
            request_type=rtype,
            instrument_kind=kind,
            accounts=accounts,
            key=key,
            clock=FixedClock(when),
        )


def test_a_disclosure_missing_from_the_ledger_refuses_the_report(
    db: Session, signing_key: SigningKey
) -> None:
    seed(db, signing_key)
    nl, _ = factories.authority(db, country="NL", name="Politie Amsterdam")
    request = factories.legal_request_row(db, nl.id, received_at=at(1, 3, year=2025))
    when = at(1, 4, year=2025)
    factories.disclose_row(db, request, at=when, accounts=1, country="NL", key=signing_key)
    db.execute(delete(LedgerEntry).where(LedgerEntry.request_id == request.id))
    with pytest.raises(Conflict) as raised:
        _report(db, signing_key, Quarter(2025, 1))
    assert raised.value.code == "ledger_mismatch"


def test_the_authority_finds_its_disclosure_counted_or_missing(
    db: Session, signing_key: SigningKey
) -> None:
    from lawline.transparency.verify import verify_receipt

    seeded = seed(db, signing_key)
    report = _report(db, signing_key)
    entries = list(ledger.public_entries(db))
    receipt = seeded.receipts["r4"].to_json()  # an NL emergency disclosed in Q4
    assert verify_receipt(receipt, report, entries) == []
    # The platform drops that disclosure from its published ledger and report.
    hidden = [e for e in entries if e != receipt["entry"]]
    problems = verify_receipt(receipt, report, hidden)
    assert "the published ledger does not hold your entry at position 4" in problems
    # A receipt for someone else's request does not pass as one's own.
    forged = dict(receipt, request_id=seeded.requests["r2"].id)
    assert "the entry's commitment is not to this request" in verify_receipt(
        forged, report, entries
    )


def test_any_change_to_any_covered_entry_fails_and_later_entries_are_not_covered(
    db: Session, signing_key: SigningKey
) -> None:
    seed(db, signing_key)
    report = _report(db, signing_key)
    entries = list(ledger.public_entries(db))
    size = report["ledger"]["size"]
    assert size == len(entries) - 1  # r3, disclosed in 2025-Q1, comes after the Q4 head
    for index, entry in enumerate(entries):
        for field, value in entry.items():
            changed = copy.deepcopy(entries)
            changed[index][field] = value + 1 if isinstance(value, int) else value[::-1] + "x"
            result = verify_report(report, changed, signing_key.public)
            # past the head only the numbering is checked: a later quarter's report covers them
            caught = index < size or field == "seq"
            assert result.ok is not caught, (index, field, result.problems)
