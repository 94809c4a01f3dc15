"""The disclosure ledger under racing writers, and the receipt each append hands out."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import ledger, merkle
from lawline.audit.models import LedgerEntry, LedgerHead
from lawline.audit.schemas import SignedTreeHead
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.core.errors import Conflict
from lawline.core.keys import SigningKey
from tests.legal.test_invariant import committing_sessions  # noqa: F401 - a shared fixture

Q4 = FixedClock(datetime(2024, 11, 5, 12, tzinfo=UTC))


def _append(session: Session, request_id: str, key: SigningKey, clock: Any = Q4) -> Any:
    return ledger.append(
        session,
        request_id=request_id,
        country="NL",
        request_type="disclosure",
        instrument_kind="court_order",
        accounts=1,
        key=key,
        clock=clock,
    )


def test_racing_disclosures_get_gap_free_entries_and_heads(
    committing_sessions: Any,  # noqa: F811
    signing_key: SigningKey,
) -> None:
    receipts: list[Any] = []
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(3):
                with transaction(committing_sessions) as session:
                    receipts.append(_append(session, f"req_{n}_{i}", signing_key))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with committing_sessions() as session:
        rows = session.execute(select(LedgerEntry).order_by(LedgerEntry.seq)).scalars().all()
        heads = session.execute(select(LedgerHead).order_by(LedgerHead.size)).scalars().all()
    assert [r.seq for r in rows] == list(range(12))
    assert [h.size for h in heads] == list(range(1, 13))
    leaves = [r.leaf_hash for r in rows]
    for head in heads:
        assert merkle.root(leaves[: head.size]) == head.root
    for receipt in receipts:
        assert receipt.inclusion.verify(receipt.head, signing_key.public)
        assert isinstance(receipt.head, SignedTreeHead)


def test_a_ledger_head_is_not_an_audit_head_and_quarters_never_go_back(
    db: Session, signing_key: SigningKey
) -> None:
    receipt = _append(db, "req_a", signing_key)
    audit_style = SignedTreeHead(**receipt.head.model_dump())
    assert receipt.head.verify_signature(signing_key.public)
    assert not audit_style.verify_signature(signing_key.public)  # another context string
    assert receipt.to_json()["platform_key"] == base64.b64encode(signing_key.public_bytes).decode()
    with pytest.raises(Conflict) as refused:
        _append(db, "req_b", signing_key, FixedClock(datetime(2024, 9, 30, 23, tzinfo=UTC)))
    assert refused.value.code == "ledger_quarter_closed"
    later = _append(db, "req_c", signing_key, FixedClock(datetime(2025, 1, 1, tzinfo=UTC)))
    assert (later.entry["seq"], later.entry["quarter"]) == (1, "2025-Q1")
    assert ledger.size_through(db, "2024-Q4") == 1
    assert ledger.size_through(db, "2025-Q1") == 2
