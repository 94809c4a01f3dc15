"""Telling users of a disclosure about them: when a request's gag date has passed (at once when
it had none), a job queues one notice per affected account; the worker hands it to the platform
(`Platform.notify_user`), then marks the row sent and audits it in the same transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.authorities.models import Authority
from lawline.core.clock import Clock
from lawline.disclosure.models import DisclosurePackage
from lawline.legal.models import LegalRequest, UserNotification
from lawline.legal.offenses import OFFENSES
from lawline.outbox import service as outbox

USER_NOTICE = "legal.user_notice"


def queue_due_notices(session: Session, clock: Clock) -> dict[str, int]:
    """Queue a notice for every unsent notification that is due; a queued one is not queued
    again (the intent's key is the notification's id)."""
    due = (
        session.execute(
            select(UserNotification)
            .where(UserNotification.sent_at.is_(None), UserNotification.due_at <= clock.now())
            .order_by(UserNotification.due_at)
        )
        .scalars()
        .all()
    )
    queued = 0
    for notification in due:
        intent = outbox.enqueue(
            session,
            key=f"user-notice:{notification.id}",
            kind=USER_NOTICE,
            lane=f"notice:{notification.account_id}",
            subject=f"request:{notification.request_id}",
            payload={"notification_id": notification.id},
            clock=clock,
        )
        queued += intent is not None
    return {"due": len(due), "queued": queued}


def notice_text(session: Session, notification: UserNotification) -> str:
    """What the user reads: who asked, on what basis, what was given; never personal data."""
    request = session.get(LegalRequest, notification.request_id)
    assert request is not None
    authority = session.get(Authority, request.authority_id)
    package = session.execute(
        select(DisclosurePackage.created_at).where(DisclosurePackage.request_id == request.id)
    ).scalar_one_or_none()
    offense = OFFENSES[request.offense].description if request.offense in OFFENSES else "a crime"
    when = f" on {package:%Y-%m-%d}" if package else ""
    waited = (
        f" A non-disclosure order kept us from telling you until {request.gag_until:%Y-%m-%d}."
        if request.gag_until
        else ""
    )
    return (
        f"We disclosed data about your account{when} to "
        f"{authority.name if authority else 'an authority'}"
        f" ({authority.country if authority else '?'}), in answer to legal request {request.id}"
        f" ({request.instrument_kind.replace('_', ' ')}, about {offense}). Data given: "
        f"{', '.join(request.categories)}; never the content of your messages.{waited}"
    )


def mark_sent(session: Session, notification_id: int, clock: Clock) -> UserNotification | None:
    notification = session.get(UserNotification, notification_id)
    if notification is None or notification.sent_at is not None:
        return None
    notification.sent_at = clock.now()
    audit.append(
        session,
        "user_notification.sent",
        actor="system:worker",
        subject=f"request:{notification.request_id}",
        body={"notification": notification.id, "account": notification.account_id},
        clock=clock,
    )
    return notification
