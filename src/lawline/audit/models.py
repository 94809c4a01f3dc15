"""Stored audit log: entries (the leaves), the append state, and signed tree heads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lawline.core.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_type: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(128), index=True)
    at: Mapped[datetime]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditState(Base):
    """One row; appends lock it, so sequence numbers are gap-free under concurrent writers."""

    __tablename__ = "audit_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    # Compact range: hex hashes of the perfect subtrees, largest first (see merkle.frontier_append).
    frontier: Mapped[list[str]] = mapped_column(JSON)


class MerkleSubtree(Base):
    """The root of one complete subtree of a log (level >= 1; level 0 is the entry's leaf hash),
    written by the append that completes it, so proofs read O(log n) rows (see `proofs`)."""

    __tablename__ = "merkle_subtrees"

    tree: Mapped[str] = mapped_column(String(16), primary_key=True)  # "audit" or "ledger"
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class TreeHead(Base):
    __tablename__ = "audit_tree_heads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    size: Mapped[int] = mapped_column(BigInteger, index=True)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class LedgerEntry(Base):
    """One fulfilled legal request in the public disclosure ledger (docs/leaf-encoding.md).

    `request_id`, `salt` and `disclosed_at` stay private: the public ledger carries only the
    fields of the leaf, and the commitment SHA-256(salt || request id) lets the authority (which
    receives the salt with its package) recognise its own entry while nobody else can.
    """

    __tablename__ = "disclosure_ledger"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    country: Mapped[str] = mapped_column(String(2))
    request_type: Mapped[str] = mapped_column(String(20))
    instrument_kind: Mapped[str] = mapped_column(String(40))
    accounts: Mapped[int] = mapped_column(Integer)
    commitment: Mapped[str] = mapped_column(String(64))
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    request_id: Mapped[str] = mapped_column(String(40), unique=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    disclosed_at: Mapped[datetime]


class LedgerState(Base):
    """One row, like `audit_state`: appends lock it, and it holds the compact range."""

    __tablename__ = "disclosure_ledger_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    frontier: Mapped[list[str]] = mapped_column(JSON)
    last_quarter: Mapped[str | None] = mapped_column(String(7))


class LedgerHead(Base):
    __tablename__ = "disclosure_ledger_heads"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
