"""The intents a moderation decision commits with it: platform actions from the actions table,
the statement of reasons for the owner, outcomes for reporters, answers for appellants and for
complainants. The worker applies them after commit (`lawline.worker` registers the handlers)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.core.clock import Clock
from lawline.moderation.actions import PlatformCall
from lawline.moderation.models import Complaint, Decision, Report
from lawline.outbox import service as outbox

PLATFORM_ACTION = "platform.action"
NOTICE = outbox.NOTICE
REPORTER_OUTCOME = "moderation.reporter_outcome"


def enqueue_calls(
    session: Session, calls: list[PlatformCall], *, key: str, subject: str, clock: Clock
) -> None:
    for call in calls:
        outbox.enqueue(
            session,
            key=f"{key}:{call.flag.value}",
            kind=PLATFORM_ACTION,
            lane=call.lane,
            subject=subject,
            payload={"method": call.method, "args": call.args},
            clock=clock,
        )


def enqueue_notice(
    session: Session, *, key: str, account_id: str, message: str, subject: str, clock: Clock
) -> None:
    outbox.enqueue_notice(
        session, key=key, account_id=account_id, message=message, subject=subject, clock=clock
    )


def enqueue_reporter_outcome(
    session: Session, report: Report, account_id: str, message: str, *, key: str, clock: Clock
) -> None:
    outbox.enqueue(
        session,
        key=key,
        kind=REPORTER_OUTCOME,
        lane=f"notice:{account_id}",
        subject=f"case:{report.case_id}",
        payload={"report_id": report.id, "account_id": account_id, "message": message},
        clock=clock,
    )


def mark_reporter_told(session: Session, report_id: str, clock: Clock) -> None:
    report = session.get(Report, report_id)
    if report is not None and report.notified_at is None:
        report.notified_at = clock.now()


def tell_complainants(
    session: Session, case_id: int, decision: Decision, message: str, *, clock: Clock
) -> int:
    """Push the decision taken anew to every complainant whose upheld complaint sent the case
    back and who has a chat with lawline (a complaint filed through the report bot); the
    account is erased once the notice is queued. Returns how many were queued."""
    waiting = session.scalars(
        select(Complaint)
        .join(Decision, Decision.id == Complaint.decision_id)
        .where(
            Decision.case_id == case_id,
            Complaint.status == "upheld",
            Complaint.notify_account_id.is_not(None),
        )
        .order_by(Complaint.id)
    ).all()
    for complaint in waiting:
        assert complaint.notify_account_id is not None
        enqueue_notice(
            session,
            key=f"{complaint.id}:anew:{decision.id}",
            account_id=complaint.notify_account_id,
            message=f"After your complaint {complaint.id}: {message}",
            subject=f"decision:{decision.id}",
            clock=clock,
        )
        complaint.notify_account_id = None  # kept only until the last notice is on its way
    return len(waiting)
