"""Full verification in chunks and worker processes gives exactly the one-pass answer."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from lawline.audit import merkle
from lawline.audit import service as audit
from lawline.audit.models import AuditEntry
from lawline.audit.schemas import entry_bytes
from lawline.core.db import transaction
from tests.conftest import Live
from tests.factories import audit_entries

CHUNK = 16  # small chunks: a few hundred entries make many of them, and partial ones


def _log(live: Live, sizes: list[int]) -> None:
    """Append transactions of the given sizes; each commit signs a head."""
    for size in sizes:
        with transaction(live.runtime.sessions) as session:
            audit_entries(session, size)


def _verify(live: Live, workers: int) -> audit.LogVerification:
    with live.runtime.sessions() as session:
        return audit.verify_log(
            session, live.runtime.signing_key.public, workers=workers, chunk=CHUNK
        )


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_a_sound_log_verifies_in_chunks_and_workers(live: Live, workers: int) -> None:
    _log(live, [1, 15, 16, 17, 3, 40, 64, 1, 50])  # heads inside chunks and on their edges
    result = _verify(live, workers)
    assert result.ok, result.describe()
    assert result.entries == 207
    assert result.heads_checked == 9


def test_workers_report_the_same_first_tampered_entry(live: Live) -> None:
    _log(live, [40, 60, 100])
    with transaction(live.runtime.sessions) as session:
        session.execute(
            update(AuditEntry).where(AuditEntry.seq == 77).values(body={"n": 1, "note": "x"})
        )
        session.execute(
            update(AuditEntry).where(AuditEntry.seq == 150).values(body={"n": 2, "note": "y"})
        )
    serial, parallel = _verify(live, 1), _verify(live, 2)
    assert serial == parallel
    assert not parallel.ok
    assert parallel.first_bad_seq == 77
    assert parallel.problem == "stored entry does not match its leaf hash"


def test_workers_find_a_gap_and_a_rewritten_leaf_under_a_head(live: Live) -> None:
    _log(live, [30, 30])
    with transaction(live.runtime.sessions) as session:
        session.execute(text("DELETE FROM audit_entries WHERE seq = 45"))
    gap = _verify(live, 2)
    assert (gap.ok, gap.first_bad_seq, gap.problem) == (False, 45, "sequence gap")
    assert gap == _verify(live, 1)


def test_workers_catch_a_rewrite_that_recomputed_the_leaf_hash(live: Live) -> None:
    _log(live, [20, 20, 20])
    with transaction(live.runtime.sessions) as session:
        entry = session.get(AuditEntry, 25)
        assert entry is not None
        forged = {"n": 25, "note": "rewritten"}
        digest = merkle.leaf_hash(
            entry_bytes(25, entry.entry_type, entry.actor, entry.subject, entry.at, forged)
        )
        session.execute(
            update(AuditEntry).where(AuditEntry.seq == 25).values(body=forged, leaf_hash=digest)
        )
    result = _verify(live, 2)
    assert not result.ok
    assert result.last_good_size == 20
    assert "size 40" in (result.problem or "")
    assert result == _verify(live, 1)
