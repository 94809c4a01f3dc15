"""The public forms of the log: entries as hashed, signed tree heads, and proofs."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any, ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict

from lawline.audit import merkle

HEAD_CONTEXT = b"lawline/audit-tree-head/v1\n"
LEDGER_HEAD_CONTEXT = b"lawline/disclosure-ledger-head/v1\n"
LEDGER_FIELDS = (
    "seq",
    "quarter",
    "country",
    "request_type",
    "instrument_kind",
    "accounts",
    "commitment",
)


def entry_bytes(
    seq: int, entry_type: str, actor: str, subject: str, at: datetime, body: dict[str, Any]
) -> bytes:
    """The canonical bytes of an entry: what the leaf hash covers (sorted-key compact JSON)."""
    document = {
        "seq": seq,
        "type": entry_type,
        "actor": actor,
        "subject": subject,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "body": body,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class SignedTreeHead(BaseModel):
    model_config = ConfigDict(frozen=True)
    # Domain separation: a head of one log can never pass as a head of another.
    CONTEXT: ClassVar[bytes] = HEAD_CONTEXT

    size: int
    root: str  # base64
    timestamp: datetime
    key_id: str
    signature: str  # base64 Ed25519 over signed_message()

    @property
    def root_bytes(self) -> bytes:
        return base64.b64decode(self.root)

    @classmethod
    def message(cls, size: int, root: bytes, timestamp: datetime) -> bytes:
        millis = int(timestamp.timestamp() * 1000)
        return cls.CONTEXT + size.to_bytes(8, "big") + millis.to_bytes(8, "big") + root

    def signed_message(self) -> bytes:
        return self.message(self.size, self.root_bytes, self.timestamp)

    def verify_signature(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(base64.b64decode(self.signature), self.signed_message())
        except (InvalidSignature, ValueError):
            return False
        return True


class InclusionProof(BaseModel):
    seq: int
    tree_size: int
    leaf_hash: str
    path: list[str]

    def verify(self, head: SignedTreeHead, public_key: Ed25519PublicKey) -> bool:
        """Check with nothing but this proof and a signed head (its signature included)."""
        return (
            head.size == self.tree_size
            and head.verify_signature(public_key)
            and merkle.verify_inclusion(
                base64.b64decode(self.leaf_hash),
                self.seq,
                self.tree_size,
                [base64.b64decode(p) for p in self.path],
                head.root_bytes,
            )
        )


class ConsistencyProof(BaseModel):
    old_size: int
    new_size: int
    path: list[str]

    def verify(
        self, old: SignedTreeHead, new: SignedTreeHead, public_key: Ed25519PublicKey
    ) -> bool:
        return (
            old.size == self.old_size
            and new.size == self.new_size
            and old.verify_signature(public_key)
            and new.verify_signature(public_key)
            and merkle.verify_consistency(
                self.old_size,
                self.new_size,
                old.root_bytes,
                new.root_bytes,
                [base64.b64decode(p) for p in self.path],
            )
        )


class SignedLedgerHead(SignedTreeHead):
    """A signed head of the public disclosure ledger (same layout, its own context string)."""

    CONTEXT: ClassVar[bytes] = LEDGER_HEAD_CONTEXT


def ledger_entry_bytes(entry: dict[str, Any]) -> bytes:
    """The canonical bytes of a disclosure-ledger entry (docs/leaf-encoding.md): the public
    fields only, as sorted-key compact JSON in UTF-8."""
    document = {name: entry[name] for name in LEDGER_FIELDS}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode()
