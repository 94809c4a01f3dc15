"""Proofs from stored subtree roots equal those of RFC 6962 computed naively over every leaf.

The reference below is written from RFC 6962 section 2.1 directly (recursive MTH, PATH and
PROOF over the list of leaf hashes) and shares no code with `lawline.audit.merkle`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline import migrations
from lawline.audit import ledger
from lawline.audit import service as audit
from lawline.audit.models import AuditEntry, LedgerEntry, MerkleSubtree
from lawline.core.clock import FixedClock
from lawline.core.db import make_engine, transaction
from lawline.core.keys import SigningKey
from tests.conftest import Live
from tests.factories import audit_entries

SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100]


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return _h(b"")
    if len(d) == 1:
        return d[0]  # the list holds leaf hashes already
    k = _k(len(d))
    return _h(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
        if m == len(d):
            return [] if b else [mth(d)]
        k = _k(len(d))
        if m <= k:
            return [*subproof(m, d[:k], b), mth(d[k:])]
        return [*subproof(m - k, d[k:], False), mth(d[:k])]

    return subproof(m, d, True)


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


def test_audit_proofs_equal_the_naive_reference_at_many_sizes(db: Session) -> None:
    audit_entries(db, max(SIZES))
    leaves = list(db.execute(select(AuditEntry.leaf_hash).order_by(AuditEntry.seq)).scalars())
    for n in SIZES:
        for m in range(n):
            got = audit.inclusion_proof(db, m, n)
            assert got.path == _b64(path(m, leaves[:n])), (m, n)
            assert got.leaf_hash == _b64([leaves[m]])[0]
        for old in range(1, n + 1):
            assert audit.consistency_proof(db, old, n).path == _b64(proof(old, leaves[:n])), (
                old,
                n,
            )


def test_ledger_proofs_equal_the_naive_reference(db: Session, signing_key: SigningKey) -> None:
    clock = FixedClock(datetime(2026, 11, 2, tzinfo=UTC))
    for i in range(40):
        ledger.append(
            db,
            request_id=f"req_{i}",
            country="NL",
            request_type="disclosure",
            instrument_kind="court_order",
            accounts=1,
            key=signing_key,
            clock=clock,
        )
    leaves = list(db.execute(select(LedgerEntry.leaf_hash).order_by(LedgerEntry.seq)).scalars())
    for n in (1, 2, 3, 8, 13, 32, 33, 40):
        for m in range(n):
            assert ledger.inclusion_path(db, m, n) == _b64(path(m, leaves[:n]))
        for old in range(1, n):
            assert ledger.consistency_path(db, old, n) == _b64(proof(old, leaves[:n]))


def _expected_subtrees(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    expected = {}
    level, nodes = 0, leaves
    while len(nodes) > 1:
        level += 1
        nodes = [_h(b"\x01" + nodes[i] + nodes[i + 1]) for i in range(0, len(nodes) - 1, 2)]
        expected.update({(level, i): h for i, h in enumerate(nodes)})
    return expected


def _stored_subtrees(session: Session, tree: str) -> dict[tuple[int, int], bytes]:
    rows = session.execute(
        select(MerkleSubtree.level, MerkleSubtree.idx, MerkleSubtree.hash).where(
            MerkleSubtree.tree == tree
        )
    )
    return {(lv, i): bytes(h) for lv, i, h in rows}


def test_racing_appends_keep_the_subtree_table_consistent(live: Live) -> None:
    """Writers on their own connections append at once; every stored root is the root of its
    leaves, none is missing, and proofs still verify against the signed head."""
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def writer(w: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with transaction(live.runtime.sessions) as session:
                    audit_entries(session, 1 + i % 3, subject=f"race:{w}:{i}")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with live.runtime.sessions() as session:
        leaves = list(
            session.execute(select(AuditEntry.leaf_hash).order_by(AuditEntry.seq)).scalars()
        )
        assert len(leaves) == 6 * (5 * (1 + 2 + 3))
        assert _stored_subtrees(session, "audit") == _expected_subtrees(leaves)
        head = audit.latest_head(session)
        assert head is not None
        assert head.size == len(leaves)
        assert head.root_bytes == mth(leaves)
        for m in (0, 57, len(leaves) - 1):
            got = audit.inclusion_proof(session, m, head.size)
            assert got.path == _b64(path(m, leaves))


def test_the_migration_backfills_existing_logs(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrations.upgrade(engine, "0009")
    audit_leaves = [secrets.token_bytes(32) for _ in range(37)]
    ledger_leaves = [secrets.token_bytes(32) for _ in range(6)]
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with engine.begin() as connection:
        for seq, leaf in enumerate(audit_leaves):
            connection.execute(
                sa.text(
                    "INSERT INTO audit_entries (seq, entry_type, actor, subject, at, body,"
                    " leaf_hash) VALUES (:seq, 't', 'a', 's', :at, '{}', :leaf)"
                ),
                {"seq": seq, "at": now, "leaf": leaf},
            )
        for seq, leaf in enumerate(ledger_leaves):
            connection.execute(
                sa.text(
                    "INSERT INTO disclosure_ledger (seq, quarter, country, request_type,"
                    " instrument_kind, accounts, commitment, leaf_hash, request_id, salt,"
                    " disclosed_at) VALUES (:seq, '2026-Q4', 'NL', 'disclosure', 'court_order',"
                    " 1, 'c', :leaf, :rid, :salt, :at)"
                ),
                {"seq": seq, "leaf": leaf, "rid": f"req_{seq}", "salt": b"s" * 32, "at": now},
            )
    migrations.upgrade(engine)
    with Session(engine) as session:
        assert _stored_subtrees(session, "audit") == _expected_subtrees(audit_leaves)
        assert _stored_subtrees(session, "ledger") == _expected_subtrees(ledger_leaves)
    engine.dispose()
