"""A quarter's report: the figures, the ledger head at the quarter's end, the consistency proof
from the previous quarter's head, and the platform's signature over all of it.

The signature covers `canonical_bytes(report)`: the report without its `signature` member as
sorted-key compact UTF-8 JSON (docs/leaf-encoding.md), so any copy can be checked byte for byte.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy.orm import Session

from lawline.audit import ledger
from lawline.core.clock import Clock, SystemClock
from lawline.core.errors import Conflict
from lawline.core.keys import SigningKey
from lawline.transparency import aggregate
from lawline.transparency.quarters import Quarter

FORMAT = "lawline/transparency-report/v1"


def _canonical(value: Any) -> Any:
    """Integral floats as integers (1.0 -> 1), as RFC 8785 writes numbers; the other floats in
    a report are shares rounded to four places, which every shortest-form printer agrees on."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def canonical_bytes(report: dict[str, Any]) -> bytes:
    unsigned = _canonical({k: v for k, v in report.items() if k != "signature"})
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def ledger_section(session: Session, quarter: Quarter) -> dict[str, Any]:
    size = ledger.size_through(session, str(quarter))
    previous_size = ledger.size_through(session, str(quarter.previous()))
    head = ledger.head_of_size(session, size)
    previous = ledger.head_of_size(session, previous_size)
    return {
        "size": size,
        "head": None if head is None else head.model_dump(mode="json"),
        "previous_quarter": str(quarter.previous()),
        "previous_size": previous_size,
        "previous_head": None if previous is None else previous.model_dump(mode="json"),
        "consistency": ledger.consistency_path(session, previous_size, size),
    }


def _check_against_ledger(
    session: Session, quarter: Quarter, country: str | None, fulfilled: dict[str, Any]
) -> None:
    """Refuse to publish figures the ledger would contradict (a disclosure missing from it)."""
    counts = ledger.ledger_counts(session, str(quarter), country)
    entries = sum(n for n, _ in counts.values())
    accounts = sum(a for _, a in counts.values())
    if entries != fulfilled["total"] or accounts != fulfilled["accounts_affected"]:
        raise Conflict(
            f"the disclosure ledger disagrees with the records for {quarter}",
            code="ledger_mismatch",
        )


def build_report(
    session: Session,
    quarter: Quarter,
    *,
    country: str | None,
    key: SigningKey,
    clock: Clock | None = None,
) -> dict[str, Any]:
    now = (clock or SystemClock()).now()
    figures = aggregate.figures(session, quarter, country)
    _check_against_ledger(session, quarter, country, figures["legal_requests"]["fulfilled"])
    report: dict[str, Any] = {
        "format": FORMAT,
        "quarter": str(quarter),
        "period": {"start": quarter.start.isoformat(), "end": quarter.end.isoformat()},
        "country": country,
        "final": now >= quarter.end,
        "generated_at": now.isoformat(timespec="seconds"),
        "figures": figures,
        "ledger": ledger_section(session, quarter),
        "platform_key": {
            "key_id": key.key_id,
            "public_key": base64.b64encode(key.public_bytes).decode(),
        },
    }
    report["signature"] = base64.b64encode(key.sign(canonical_bytes(report))).decode()
    return report
