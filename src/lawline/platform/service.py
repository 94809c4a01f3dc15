"""Reads of personal data from the platform, each written to the audit log first.

Front ends never call `Platform.subscriber` or `Platform.ip_events` for staff directly: they call
these functions, which record who read which category of whose data and why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import InvalidInput, NotFound
from lawline.platform.protocol import IpEvent, Platform, SubscriberRecord


def read_subscriber(
    session: Session,
    platform: Platform,
    *,
    actor: str,
    account_id: str,
    purpose: str,
    clock: Clock | None = None,
) -> SubscriberRecord:
    if not purpose.strip():
        raise InvalidInput("a purpose is required to read personal data", code="purpose_missing")
    record = platform.subscriber(account_id)
    if record is None:
        raise NotFound(f"account {account_id} not found", code="target_not_found")
    audit.append(
        session,
        "personal_data.read",
        actor=actor,
        subject=f"account:{account_id}",
        body={"category": "subscriber.phone", "purpose": purpose},
        clock=clock,
    )
    return record


def read_ip_events(
    session: Session,
    platform: Platform,
    *,
    actor: str,
    account_id: str,
    start: datetime,
    end: datetime,
    purpose: str,
    clock: Clock | None = None,
) -> list[IpEvent]:
    if not purpose.strip():
        raise InvalidInput("a purpose is required to read personal data", code="purpose_missing")
    if end <= start:
        raise InvalidInput("the range must end after it starts", code="range_invalid")
    events = platform.ip_events(account_id, start, end)
    audit.append(
        session,
        "personal_data.read",
        actor=actor,
        subject=f"account:{account_id}",
        body={
            "category": "traffic.ip",
            "purpose": purpose,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "events": len(events),
        },
        clock=clock,
    )
    return events
