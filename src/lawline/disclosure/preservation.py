"""Preservation holds: a frozen, encrypted copy of the requested data, held for the period the
policy gives, extendable as it allows, served to a later linked disclosure, swept when done."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.disclosure import records
from lawline.disclosure.crypto import decrypt_with, encrypt_to, recipient_of
from lawline.disclosure.models import PreservationHold
from lawline.disclosure.orders import HoldOrder
from lawline.platform.protocol import Platform


def freeze(
    session: Session,
    platform: Platform,
    order: HoldOrder,
    *,
    platform_identity: str,
    clock: Clock,
) -> int:
    """Freeze each target's data for the order's categories and range; return accounts held."""
    now = clock.now()
    recipient = recipient_of(platform_identity)
    categories = list(order.categories)
    events = 0
    for account_id in order.account_ids:
        data = records.collect(platform, account_id, categories, order.range_start, order.range_end)
        events += len(data.ip_events)
        session.add(
            PreservationHold(
                request_id=order.request_id,
                account_id=account_id,
                created_at=now,
                ciphertext=encrypt_to(recipient, json.dumps(data.to_json()).encode()),
            )
        )
    session.flush()
    audit.append(
        session,
        "preservation.frozen",
        actor="system:lawline",
        subject=f"request:{order.request_id}",
        body={
            "accounts": len(order.account_ids),
            "ip_events": events,
            "categories": categories,
            "hold_until": order.hold_until.isoformat(),
        },
        clock=clock,
    )
    return len(order.account_ids)


def load_holds(
    session: Session, request_id: str, platform_identity: str
) -> dict[str, records.AccountRecords]:
    holds = (
        session.execute(
            select(PreservationHold).where(
                PreservationHold.request_id == request_id, PreservationHold.deleted_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    return {
        h.account_id: records.AccountRecords.from_json(
            json.loads(decrypt_with(platform_identity, h.ciphertext or b""))
        )
        for h in holds
        if h.ciphertext is not None
    }


def delete_holds(session: Session, request_id: str, clock: Clock) -> int:
    now = clock.now()
    holds = (
        session.execute(
            select(PreservationHold).where(
                PreservationHold.request_id == request_id, PreservationHold.deleted_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    for hold in holds:
        hold.ciphertext = None
        hold.deleted_at = now
    return len(holds)
