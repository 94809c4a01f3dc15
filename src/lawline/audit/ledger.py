"""The public disclosure ledger: one Merkle leaf per fulfilled legal request.

Same machinery as the audit log (`merkle`, compact range in a locked state row, signed heads),
but a separate tree with public leaves, so anyone may download it whole. `append` runs in the
disclosure's own transaction (the legal service calls it before building the package), so a
committed disclosure always has its entry and its signed head, and the package can carry the
receipt: the entry, the salt of its commitment, and an inclusion proof under that head.

Quarters run in UTC. Entries are appended in disclosure order and a quarter never goes back, so
the entries of a quarter are one contiguous run of sequence numbers and the head at the end of
quarter Q is simply the head whose size counts every entry of Q and before.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.audit import merkle, subtrees
from lawline.audit.models import LedgerEntry, LedgerHead, LedgerState
from lawline.audit.schemas import (
    LEDGER_FIELDS,
    InclusionProof,
    SignedLedgerHead,
    encode,
    ledger_entry_bytes,
)
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, InvalidInput
from lawline.core.keys import SigningKey


def quarter_of(moment: datetime) -> str:
    """`2024-Q4` for any instant of October to December 2024, UTC."""
    moment = moment.astimezone(UTC)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def commitment(salt: bytes, request_id: str) -> str:
    return hashlib.sha256(salt + request_id.encode()).hexdigest()


def public_entry(row: LedgerEntry) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "quarter": row.quarter,
        "country": row.country,
        "request_type": row.request_type,
        "instrument_kind": row.instrument_kind,
        "accounts": row.accounts,
        "commitment": row.commitment,
    }


@dataclass(frozen=True)
class Receipt:
    """What the authority receives with its package (`ledger.json` inside it)."""

    entry: dict[str, Any]
    request_id: str
    salt: bytes
    inclusion: InclusionProof
    head: SignedLedgerHead
    platform_key: str  # base64 Ed25519; the package's signed manifest vouches for it

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "lawline/ledger-receipt/v1",
            "entry": self.entry,
            "request_id": self.request_id,
            "salt": self.salt.hex(),
            "inclusion": self.inclusion.model_dump(),
            "head": self.head.model_dump(mode="json"),
            "platform_key": self.platform_key,
        }


def append(
    session: Session,
    *,
    request_id: str,
    country: str,
    request_type: str,
    instrument_kind: str,
    accounts: int,
    key: SigningKey,
    clock: Clock,
) -> Receipt:
    """Add the entry of one disclosure and sign the new head, in the caller's transaction."""
    state = session.execute(
        select(LedgerState)
        .where(LedgerState.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    now = clock.now()
    quarter = quarter_of(now)
    if state.last_quarter is not None and quarter < state.last_quarter:
        # would split a quarter's run of entries; the disclosure is refused and can be retried
        raise Conflict("the ledger is already in a later quarter", code="ledger_quarter_closed")
    salt = secrets.token_bytes(32)
    seq = state.size
    fields = {
        "seq": seq,
        "quarter": quarter,
        "country": country,
        "request_type": request_type,
        "instrument_kind": instrument_kind,
        "accounts": accounts,
        "commitment": commitment(salt, request_id),
    }
    digest = merkle.leaf_hash(ledger_entry_bytes(fields))
    old_frontier = [bytes.fromhex(h) for h in state.frontier]
    frontier, completed = merkle.frontier_append_nodes(old_frontier, seq, digest)
    session.add(
        LedgerEntry(**fields, leaf_hash=digest, request_id=request_id, salt=salt, disclosed_at=now)
    )
    subtrees.record(session, "ledger", completed)
    state.size = seq + 1
    state.frontier = [h.hex() for h in frontier]
    state.last_quarter = quarter
    head = _sign(session, seq + 1, merkle.frontier_root(frontier), key, now)
    # The newest leaf's audit path is the compact range before it, read bottom-up.
    proof = InclusionProof(
        seq=seq,
        tree_size=seq + 1,
        leaf_hash=encode(digest),
        path=[encode(h) for h in reversed(old_frontier)],
    )
    session.flush()
    return Receipt(fields, request_id, salt, proof, head, encode(key.public_bytes))


def _sign(
    session: Session, size: int, root: bytes, key: SigningKey, now: datetime
) -> SignedLedgerHead:
    at = now.replace(microsecond=(now.microsecond // 1000) * 1000)  # the signature covers millis
    signature = key.sign(SignedLedgerHead.message(size, root, at))
    session.add(LedgerHead(size=size, root=root, at=at, key_id=key.key_id, signature=signature))
    return SignedLedgerHead(
        size=size, root=encode(root), timestamp=at, key_id=key.key_id, signature=encode(signature)
    )


# ---- reading (the transparency reports and the public API) ----------------------------------
def size_through(session: Session, quarter: str) -> int:
    """How many entries the ledger held at the end of `quarter` (entries of it and before)."""
    return int(
        session.execute(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.quarter <= quarter)
        ).scalar_one()
    )


def head_of_size(session: Session, size: int) -> SignedLedgerHead | None:
    """The signed head of that size; None for the empty ledger (size 0 is never signed)."""
    if size == 0:
        return None
    row = session.get(LedgerHead, size)
    if row is None:
        raise InvalidInput(f"no signed ledger head of size {size}", code="ledger_head_not_found")
    return SignedLedgerHead(
        size=row.size,
        root=encode(row.root),
        timestamp=row.at,
        key_id=row.key_id,
        signature=encode(row.signature),
    )


def consistency_path(session: Session, old_size: int, new_size: int) -> list[str]:
    """RFC 9162 consistency proof between two sizes; empty when either tree is empty or equal."""
    if old_size == 0 or old_size == new_size:
        return []
    return [encode(h) for h in _roots(session, merkle.consistency_ranges(old_size, new_size))]


def inclusion_path(session: Session, seq: int, tree_size: int) -> list[str]:
    if not 0 <= seq < tree_size:
        raise InvalidInput("the entry must lie inside the tree", code="proof_out_of_range")
    return [encode(h) for h in _roots(session, merkle.inclusion_ranges(seq, tree_size))]


def _roots(session: Session, ranges: list[tuple[int, int]]) -> list[bytes]:
    return subtrees.roots(session, "ledger", LedgerEntry.leaf_hash, LedgerEntry.seq, ranges)


def public_entries(session: Session, *, through: int | None = None) -> Iterator[dict[str, Any]]:
    """Every public entry in order (the ledger as published), optionally only the first N."""
    query = select(LedgerEntry).order_by(LedgerEntry.seq)
    if through is not None:
        query = query.where(LedgerEntry.seq < through)
    for row in session.execute(query.execution_options(yield_per=1000)).scalars():
        yield public_entry(row)


def ledger_counts(
    session: Session, quarter: str, country: str | None = None
) -> dict[tuple[str, str], tuple[int, int]]:
    """(request type, instrument kind) -> (entries, accounts) of one quarter, by SQL."""
    query = (
        select(
            LedgerEntry.request_type,
            LedgerEntry.instrument_kind,
            func.count(),
            func.coalesce(func.sum(LedgerEntry.accounts), 0),
        )
        .where(LedgerEntry.quarter == quarter)
        .group_by(LedgerEntry.request_type, LedgerEntry.instrument_kind)
    )
    if country is not None:
        query = query.where(LedgerEntry.country == country)
    return {(t, k): (int(n), int(a)) for t, k, n, a in session.execute(query)}


__all__ = ["LEDGER_FIELDS", "Receipt", "append", "quarter_of"]
