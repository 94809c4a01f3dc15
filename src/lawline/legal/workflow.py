"""The request state machine: one table, one function that changes state and writes the audit
entry in the same transaction. An illegal transition is a 409."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, NotFound
from lawline.legal import figures
from lawline.legal.models import LegalRequest


class Status(StrEnum):
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    DISCLOSED = "disclosed"
    CLOSED = "closed"
    PRESERVED = "preserved"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the issuing authority withdrew it (e.g. validation refused)


ALLOWED: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.REJECTED, Status.IN_REVIEW, Status.PRESERVED}),
    Status.IN_REVIEW: frozenset(
        {Status.NEEDS_INFO, Status.REJECTED, Status.APPROVED, Status.WITHDRAWN}
    ),
    Status.NEEDS_INFO: frozenset({Status.IN_REVIEW, Status.REJECTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.DISCLOSED, Status.WITHDRAWN}),
    Status.DISCLOSED: frozenset({Status.CLOSED, Status.WITHDRAWN}),
    Status.PRESERVED: frozenset({Status.EXPIRED, Status.CLOSED, Status.WITHDRAWN}),
    Status.REJECTED: frozenset(),
    # Reg. 2023/1543 Art. 4(5): a refused validation withdraws even a delivered order
    Status.CLOSED: frozenset({Status.WITHDRAWN}),
    Status.EXPIRED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN_FOR_REVIEW = (Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED)


def lock_request(session: Session, request_id: str) -> LegalRequest:
    """Load a request for change, locking its row until the transaction ends."""
    request = session.execute(
        select(LegalRequest)
        .where(LegalRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if request is None:
        raise NotFound(f"no request {request_id}", code="request_not_found")
    return request


def transition(
    session: Session,
    request: LegalRequest,
    to: Status,
    *,
    actor: str,
    clock: Clock,
    reason: str | None = None,
) -> None:
    current = Status(request.status)
    if to not in ALLOWED[current]:
        raise Conflict(
            f"a {current.value} request cannot become {to.value}", code="transition_not_allowed"
        )
    now = clock.now()
    if to is Status.NEEDS_INFO:
        request.paused_since = now  # the deadline clock stops while the authority answers
    if current is Status.NEEDS_INFO and request.paused_since is not None:
        if request.deadline_at is not None:
            request.deadline_at += now - request.paused_since
        request.paused_since = None
    if to in (
        Status.REJECTED,
        Status.DISCLOSED,
        Status.CLOSED,
        Status.EXPIRED,
        Status.PRESERVED,
        Status.WITHDRAWN,
    ):
        request.deadline_at = None
    request.status = to.value
    request.updated_at = now
    body: dict[str, str] = {"from": current.value, "to": to.value}
    if reason:
        body["reason"] = reason
    audit.append(
        session,
        "request.status_changed",
        actor=actor,
        subject=f"request:{request.id}",
        body=body,
        clock=clock,
    )
    if to is Status.REJECTED:
        figures.rejected(session, request, now)


def remaining(request: LegalRequest, now: datetime) -> timedelta | None:
    if request.deadline_at is None:
        return None
    if request.paused_since is not None:
        return request.deadline_at - request.paused_since
    return request.deadline_at - now
