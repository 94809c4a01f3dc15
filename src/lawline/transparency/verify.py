"""Check a published report against the published ledger, with nothing but the two files and
the platform's public key. Every check runs, so the reader learns everything that is wrong.

What it catches: a count in the report that the ledger does not support (even one the platform
re-signed), an entry removed, added or changed (the roots stop matching the signed heads), and a
rewritten earlier quarter (the consistency proof fails, or, given the previous quarter's
published report, its head differs from the one this report builds on).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lawline.audit import merkle
from lawline.audit.schemas import LEDGER_FIELDS, SignedLedgerHead, ledger_entry_bytes
from lawline.core.errors import InvalidInput
from lawline.transparency.report import canonical_bytes


@dataclass
class Verification:
    quarter: str
    country: str | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    recounted: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_ledger(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Parse LEDGER.jsonl (one public entry per line); a malformed line is bad input."""
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise InvalidInput(
                f"ledger line {number} is not JSON", code="ledger_malformed"
            ) from None
        if not isinstance(entry, dict) or set(entry) != set(LEDGER_FIELDS):
            raise InvalidInput(
                f"ledger line {number} does not have the entry fields", code="ledger_malformed"
            )
        entries.append(entry)
    return entries


def _head(data: Any) -> SignedLedgerHead | None:
    return None if data is None else SignedLedgerHead.model_validate(data)


def _root_of(leaves: list[bytes], size: int) -> bytes:
    return merkle.root(leaves[:size])


def recount(entries: list[dict[str, Any]], quarter: str, country: str | None) -> dict[str, Any]:
    chosen = [
        e
        for e in entries
        if e["quarter"] == quarter and (country is None or e["country"] == country)
    ]
    return {
        "total": len(chosen),
        "accounts_affected": sum(int(e["accounts"]) for e in chosen),
        "by_type": dict(Counter(e["request_type"] for e in chosen)),
        "by_instrument": dict(Counter(e["instrument_kind"] for e in chosen)),
    }


def verify_report(
    report: dict[str, Any],
    entries: list[dict[str, Any]],
    public_key: Ed25519PublicKey | None = None,
    *,
    previous_report: dict[str, Any] | None = None,
) -> Verification:
    try:
        quarter, country, section = report["quarter"], report["country"], report["ledger"]
        fulfilled = report["figures"]["legal_requests"]["fulfilled"]
        head, prev = _head(section["head"]), _head(section["previous_head"])
        size, prev_size = int(section["size"]), int(section["previous_size"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("not a lawline transparency report", code="report_malformed") from None
    result = Verification(quarter, country)
    if public_key is None:
        raw = base64.b64decode(report.get("platform_key", {}).get("public_key", ""))
        public_key = Ed25519PublicKey.from_public_bytes(raw)
        result.notes.append("used the key inside the report; pin the platform key with --key")
    try:
        public_key.verify(base64.b64decode(report.get("signature", "")), canonical_bytes(report))
    except (InvalidSignature, ValueError):
        result.problems.append("the report's signature does not verify: the report was altered")

    for name, h, n in (("this quarter's", head, size), ("the previous quarter's", prev, prev_size)):
        if h is None and n != 0:
            result.problems.append(f"{name} ledger head is missing")
        if h is not None and (h.size != n or not h.verify_signature(public_key)):
            result.problems.append(f"{name} ledger head does not carry a valid signature")

    leaves = []
    for index, entry in enumerate(entries):
        if entry["seq"] != index:
            result.problems.append(
                f"ledger line {index + 1} has seq {entry['seq']}: an entry is missing or moved"
            )
            break
        leaves.append(merkle.leaf_hash(ledger_entry_bytes(entry)))
    if len(leaves) < size:
        result.problems.append(f"the ledger holds {len(leaves)} entries; the head covers {size}")
    elif head is not None and _root_of(leaves, size) != head.root_bytes:
        result.problems.append(
            f"the ledger's first {size} entries do not hash to the signed head of {quarter}: "
            "an entry was changed, removed or inserted"
        )
    if (
        prev is not None
        and len(leaves) >= prev_size
        and _root_of(leaves, prev_size) != prev.root_bytes
    ):
        result.problems.append(
            f"the ledger's first {prev_size} entries do not hash to the signed head of "
            f"{section['previous_quarter']}: an earlier quarter was rewritten"
        )
    if head is not None and prev is not None and 0 < prev_size < size:
        path = [base64.b64decode(p) for p in section["consistency"]]
        if not merkle.verify_consistency(prev_size, size, prev.root_bytes, head.root_bytes, path):
            result.problems.append(
                f"the consistency proof from {section['previous_quarter']} fails: "
                "the history before this quarter was rewritten"
            )
    if size < prev_size:
        result.problems.append("this quarter's head is smaller than the previous quarter's")

    in_range = entries[prev_size:size]
    if any(e["quarter"] != quarter for e in in_range) or any(
        e["quarter"] >= quarter for e in entries[:prev_size]
    ):
        result.problems.append(f"the ledger's entries of {quarter} are not where the heads say")
    result.recounted = recount(in_range, quarter, country)
    for key in ("total", "accounts_affected", "by_type", "by_instrument"):
        if fulfilled.get(key) != result.recounted[key]:
            result.problems.append(
                f"fulfilled {key} is {fulfilled.get(key)!r} in the report but the ledger "
                f"gives {result.recounted[key]!r}"
            )
    if previous_report is not None:
        _check_previous(result, section, previous_report)
    return result


def _check_previous(
    result: Verification, section: dict[str, Any], previous_report: dict[str, Any]
) -> None:
    """The previous quarter's report, as published then, must hold the head this one builds on."""
    published = previous_report.get("ledger", {})
    if previous_report.get("quarter") != section["previous_quarter"]:
        result.problems.append(
            f"--previous is the report of {previous_report.get('quarter')}, "
            f"not of {section['previous_quarter']}"
        )
    elif published.get("head") != section["previous_head"]:
        result.problems.append(
            f"the head of {section['previous_quarter']} differs from the one published in that "
            "quarter's report: the earlier quarter was rewritten"
        )


def verify_receipt(
    receipt: dict[str, Any],
    report: dict[str, Any] | None,
    entries: list[dict[str, Any]],
) -> list[str]:
    """The authority's check: is its own disclosure in the published ledger (and, given the
    quarter's report, counted in it)? The key is the receipt's own, which the package's signed
    manifest vouches for. Returns the problems; empty means all is well."""
    try:
        entry, head = receipt["entry"], SignedLedgerHead.model_validate(receipt["head"])
        proof = receipt["inclusion"]
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(receipt["platform_key"]))
        salt = bytes.fromhex(receipt["salt"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("not a lawline ledger receipt", code="receipt_malformed") from None
    problems = []
    expected = hashlib.sha256(salt + str(receipt["request_id"]).encode()).hexdigest()
    if entry.get("commitment") != expected:
        problems.append("the entry's commitment is not to this request")
    leaf = merkle.leaf_hash(ledger_entry_bytes(entry))
    if not head.verify_signature(key) or not merkle.verify_inclusion(
        leaf,
        int(proof["seq"]),
        int(proof["tree_size"]),
        [base64.b64decode(p) for p in proof["path"]],
        head.root_bytes,
    ):
        problems.append("the receipt's inclusion proof does not verify under its signed head")
    seq = int(entry["seq"])
    leaves = [merkle.leaf_hash(ledger_entry_bytes(e)) for e in entries[: head.size]]
    if seq >= len(entries) or entries[seq] != entry:
        problems.append(f"the published ledger does not hold your entry at position {seq}")
    elif len(leaves) == head.size and merkle.root(leaves) != head.root_bytes:
        problems.append("the published ledger rewrote history up to your entry")
    if report is not None:
        result = verify_report(report, entries, key)
        problems.extend(result.problems)
        size = int(report["ledger"]["size"])
        mine = report["country"] in (None, entry["country"])
        if entry["quarter"] == report["quarter"] and mine and seq >= size:
            problems.append(f"your disclosure of {entry['quarter']} is not counted in the report")
    return problems
