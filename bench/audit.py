"""The audit log: appends per second, full verification in entries per second, proofs at size.

Appends go through `audit.service.append` in committed transactions (each ends with a signed
head, as in production). The large log for verification and proofs is laid down in bulk with
the same leaf encoding and a signed head every 10,000 entries, then `verify_log` recomputes every
leaf and every head, exactly as `lawline audit verify` does. The baseline is SHA-256 alone over
the same entry bytes: what verification would cost if reading and encoding were free. Proofs
read the stored roots of complete subtrees (`lawline.audit.subtrees`), O(log n) rows.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from bench.common import DATA, Figure
from lawline import migrations
from lawline.audit import merkle, service
from lawline.audit.models import AuditEntry, AuditState, MerkleSubtree, TreeHead
from lawline.audit.schemas import SignedTreeHead, entry_bytes
from lawline.core.db import make_engine, session_factory, transaction
from lawline.core.keys import load_or_create_signing_key

HEAD_EVERY = 10_000
START = datetime(2026, 1, 1, tzinfo=UTC)


def _body(i: int) -> dict[str, object]:
    return {"request": f"req_{i:08d}", "status": "in_review", "reasons": [], "round": i % 3}


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once waited for
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def audit_verify(quick: bool) -> Figure:
    size = 100_000 if quick else 1_000_000
    workdir = DATA / "audit"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{workdir / 'audit.sqlite'}")
    migrations.upgrade(engine)
    key = load_or_create_signing_key(workdir / "signing.key")
    factory = session_factory(engine)
    service.sign_heads_on_commit(factory, key)

    # Appends: one entry per committed transaction, as a decision or report writes it.
    appends = 2_000 if quick else 5_000
    t0 = time.perf_counter()
    for i in range(appends):
        with transaction(factory) as session:
            service.append(
                session, "bench.appended", actor="staff:bench", subject=f"b{i}", body=_body(i)
            )
    append_per_s = appends / (time.perf_counter() - t0)

    # A large log in bulk: same encoding, heads signed every HEAD_EVERY entries.
    with transaction(factory) as session:
        state = session.execute(select(AuditState)).scalar_one()
        frontier = [bytes.fromhex(h) for h in state.frontier]
        seq = state.size
        # The appends above left a head per transaction; keep only the bulk log's heads.
        session.execute(TreeHead.__table__.delete())
        rows = []
        nodes: list[dict[str, object]] = []  # the subtree roots appends store as they go
        heads = []
        for i in range(seq, size):
            at = START + timedelta(milliseconds=i)
            body = _body(i)
            digest = merkle.leaf_hash(
                entry_bytes(i, "bench.bulk", "staff:bench", f"s{i}", at, body)
            )
            rows.append(
                {
                    "seq": i,
                    "entry_type": "bench.bulk",
                    "actor": "staff:bench",
                    "subject": f"s{i}",
                    "at": at,
                    "body": body,
                    "leaf_hash": digest,
                }
            )
            frontier, completed = merkle.frontier_append_nodes(frontier, i, digest)
            nodes.extend(
                {"tree": "audit", "level": lv, "idx": n, "hash": h} for lv, n, h in completed
            )
            if (i + 1) % HEAD_EVERY == 0 or i + 1 == size:
                root = merkle.frontier_root(frontier)
                head_at = START + timedelta(milliseconds=i)
                heads.append(
                    {
                        "size": i + 1,
                        "root": root,
                        "at": head_at,
                        "key_id": key.key_id,
                        "signature": key.sign(SignedTreeHead.message(i + 1, root, head_at)),
                    }
                )
            if len(rows) == 50_000:
                session.execute(insert(AuditEntry), rows)
                session.execute(insert(MerkleSubtree), nodes)
                rows, nodes = [], []
        if rows:
            session.execute(insert(AuditEntry), rows)
        if nodes:
            session.execute(insert(MerkleSubtree), nodes)
        session.execute(insert(TreeHead), heads)
        session.execute(update(AuditState).values(size=size, frontier=[h.hex() for h in frontier]))

    # Full verification, as `lawline audit verify` runs it.
    with session_factory(engine, read_only=True)() as session:
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        result = service.verify_log(session, key.public, workers=os.cpu_count() or 1)
        verify_s = time.perf_counter() - t0
        verify_cpu_s = _cpu_seconds() - cpu0
        if not result.ok:
            raise RuntimeError(f"the benchmark log does not verify: {result}")
        t0 = time.perf_counter()
        proof = service.inclusion_proof(session, size // 3, size)
        inclusion_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        consistency = service.consistency_proof(session, size // 2 + 1, size)
        consistency_ms = (time.perf_counter() - t0) * 1000

    # Baseline: SHA-256 alone over the same bytes.
    encoded = [
        entry_bytes(
            i, "bench.bulk", "staff:bench", f"s{i}", START + timedelta(milliseconds=i), _body(i)
        )
        for i in range(min(size, 200_000))
    ]
    t0 = time.perf_counter()
    for data in encoded:
        hashlib.sha256(b"\x00" + data).digest()
    hash_per_s = len(encoded) / (time.perf_counter() - t0)
    engine.dispose()
    return Figure(
        value=size / verify_s,
        unit="entries/s verified",
        baseline=hash_per_s,
        baseline_label="SHA-256 alone over the same entry bytes",
        higher_is_better=True,
        goal=">= 500,000 entries/s",
        details={
            "entries": size,
            "signed_heads": len(heads),
            "verify_seconds": verify_s,
            # CPU of this process and its worker processes: what the pass costs whatever the
            # load; on an idle machine the wall time approaches it divided by the cores
            "verify_cpu_seconds": verify_cpu_s,
            "appends_per_second_one_per_transaction": append_per_s,
            "inclusion_proof_ms": inclusion_ms,
            "inclusion_proof_hashes": len(proof.path),
            "inclusion_proof_bytes": 32 * len(proof.path),
            "consistency_proof_ms": consistency_ms,
            "consistency_proof_hashes": len(consistency.path),
        },
    )
