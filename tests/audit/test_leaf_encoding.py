"""A second, naive implementation of docs/leaf-encoding.md reproduces every hash lawline stores.

Written from the document only: no `json` module, no lawline encoder, no lawline Merkle code.
It recomputes every audit and ledger leaf of a real database, every signed head's root and
message, and a published report's signature.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.audit.models import AuditEntry, LedgerEntry, LedgerHead, TreeHead
from lawline.core.clock import FixedClock
from lawline.core.keys import SigningKey
from lawline.transparency.quarters import Quarter
from lawline.transparency.report import build_report
from tests.transparency.seed import seed

ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def naive_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in ESCAPES:
            out.append(ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))  # noqa: UP031 - the document's own notation
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def naive_json(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else repr(value)
    if isinstance(value, str):
        return naive_string(value)
    if isinstance(value, list):
        return "[" + ",".join(naive_json(v) for v in value) + "]"
    members = sorted(value.items())
    return "{" + ",".join(naive_string(k) + ":" + naive_json(v) for k, v in members) + "}"


def naive_at(moment: datetime) -> str:
    t = moment.astimezone(UTC)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond:06d}+00:00"
    )


def leaf(entry_bytes: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry_bytes).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 2.1, recursively, as the RFC writes it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def head_message(context: bytes, size: int, at: datetime, root: bytes) -> bytes:
    millis = (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    return context + size.to_bytes(8, "big") + millis.to_bytes(8, "big") + root


def test_every_leaf_head_and_the_report_signature_reproduce(
    db: Session, signing_key: SigningKey
) -> None:
    seed(db, signing_key)
    tricky = {
        "quote": 'say "hi" \\ back/slash',
        "controls": "tab\tnew\nline\x01\x1f\x7f",
        "unicode": "Zoë — 東京 😀 \u2028",
        "nested": {"b": [1, True, None, {"z": 0, "a": -3}], "a": ""},
    }
    audit.append(db, "test.encoding", actor="staff:tester", subject="case:1", body=tricky)
    audit.sign_tree_head(db, signing_key)
    public: Ed25519PublicKey = signing_key.public

    audit_rows = db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert len(audit_rows) >= 5  # two registrations, their keys, and the tricky one
    audit_leaves = []
    for row in audit_rows:
        document = {
            "seq": row.seq,
            "type": row.entry_type,
            "actor": row.actor,
            "subject": row.subject,
            "at": naive_at(row.at),
            "body": row.body,
        }
        audit_leaves.append(leaf(naive_json(document).encode("utf-8")))
        assert audit_leaves[-1] == row.leaf_hash, row.seq
    for head in db.execute(select(TreeHead)).scalars():
        assert mth(audit_leaves[: head.size]) == head.root
        message = head_message(b"lawline/audit-tree-head/v1\n", head.size, head.at, head.root)
        public.verify(head.signature, message)

    ledger_rows = db.execute(select(LedgerEntry).order_by(LedgerEntry.seq)).scalars().all()
    assert len(ledger_rows) == 7
    ledger_leaves = []
    for row in ledger_rows:
        document = {
            "seq": row.seq,
            "quarter": row.quarter,
            "country": row.country,
            "request_type": row.request_type,
            "instrument_kind": row.instrument_kind,
            "accounts": row.accounts,
            "commitment": row.commitment,
        }
        ledger_leaves.append(leaf(naive_json(document).encode("utf-8")))
        assert ledger_leaves[-1] == row.leaf_hash, row.seq
        assert row.commitment == hashlib.sha256(row.salt + row.request_id.encode()).hexdigest()
    context = b"lawline/disclosure-ledger-head/v1\n"
    assert len(context) == 34
    for head in db.execute(select(LedgerHead)).scalars():
        assert mth(ledger_leaves[: head.size]) == head.root
        public.verify(head.signature, head_message(context, head.size, head.at, head.root))

    report = build_report(
        db,
        Quarter(2024, 4),
        country="NL",
        key=signing_key,
        clock=FixedClock(datetime(2025, 2, 1, tzinfo=UTC)),
    )
    unsigned = {k: v for k, v in report.items() if k != "signature"}
    public.verify(base64.b64decode(report["signature"]), naive_json(unsigned).encode("utf-8"))
