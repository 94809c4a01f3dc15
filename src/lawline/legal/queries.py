"""Reads of legal requests shared by the staff API, the authority API, the CLI and the demo.

Nothing here changes state; the commands live in `review` (staff and authority actions) and
`retention` (the sweep).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.authorities.models import Authority
from lawline.core.errors import NotFound
from lawline.legal.context import LegalContext
from lawline.legal.models import (
    Callback,
    InfoExchange,
    LegalRequest,
    RequestTarget,
    Review,
    UserNotification,
)
from lawline.legal.offenses import OFFENSES
from lawline.legal.workflow import OPEN_FOR_REVIEW
from lawline.moderation.violations import confirmed_violations


@dataclass(frozen=True)
class QueueItem:
    request: LegalRequest
    authority: str
    approvals: int
    overdue: bool


def queue(session: Session, ctx: LegalContext) -> list[QueueItem]:
    """Open requests, soonest deadline first (an emergency's 8 hours put it on top)."""
    now = ctx.clock.now()
    rows = session.execute(
        select(LegalRequest, Authority.name)
        .join(Authority, Authority.id == LegalRequest.authority_id)
        .where(LegalRequest.status.in_([s.value for s in OPEN_FOR_REVIEW]))
        .order_by(LegalRequest.deadline_at.is_(None), LegalRequest.deadline_at)
    ).all()
    return [
        QueueItem(
            request,
            name,
            len(approvers(session, request)),
            request.deadline_at is not None
            and request.paused_since is None
            and request.deadline_at < now,
        )
        for request, name in rows
    ]


def get_request(session: Session, request_id: str) -> LegalRequest:
    request = session.get(LegalRequest, request_id)
    if request is None:
        raise NotFound(f"no request {request_id}", code="request_not_found")
    return request


def own_request(session: Session, request_id: str, authority_id: str) -> LegalRequest:
    """An authority's own request; anyone else's answers 404, as if it did not exist."""
    request = session.get(LegalRequest, request_id)
    if request is None or request.authority_id != authority_id:
        raise NotFound(f"no request {request_id}", code="request_not_found")
    return request


def requests_of(session: Session, authority_id: str) -> list[LegalRequest]:
    """An authority's requests, newest first."""
    return list(
        session.execute(
            select(LegalRequest)
            .where(LegalRequest.authority_id == authority_id)
            .order_by(LegalRequest.received_at.desc())
        ).scalars()
    )


def approvers(session: Session, request: LegalRequest) -> set[str]:
    """Staff who approved in the current review round (earlier rounds no longer count)."""
    return set(
        session.execute(
            select(Review.staff).where(
                Review.request_id == request.id,
                Review.action == "approve",
                Review.review_round == request.review_round,
            )
        ).scalars()
    )


def targets_of(session: Session, request_id: str) -> list[RequestTarget]:
    return list(
        session.execute(
            select(RequestTarget)
            .where(RequestTarget.request_id == request_id)
            .order_by(RequestTarget.position)
        ).scalars()
    )


def questions_of(session: Session, request_id: str) -> list[InfoExchange]:
    """Questions asked of the authority and its answers, oldest first."""
    return list(
        session.execute(
            select(InfoExchange)
            .where(InfoExchange.request_id == request_id)
            .order_by(InfoExchange.asked_at)
        ).scalars()
    )


def missing_violations(session: Session, request: LegalRequest) -> list[str]:
    """Accounts of the request without a confirmed violation of the offense's category now."""
    category = OFFENSES[request.offense].tos_category
    return [
        t.account_id
        for t in targets_of(session, request.id)
        if t.account_id is not None
        and (category is None or not confirmed_violations(session, t.account_id, category))
    ]


def callback_confirmed(session: Session, request_id: str) -> bool:
    return (
        session.execute(
            select(func.count())
            .select_from(Callback)
            .where(Callback.request_id == request_id, Callback.confirmed.is_(True))
        ).scalar_one()
        > 0
    )


def notifications_due(session: Session, ctx: LegalContext) -> list[UserNotification]:
    return list(
        session.execute(
            select(UserNotification)
            .where(UserNotification.sent_at.is_(None), UserNotification.due_at <= ctx.clock.now())
            .order_by(UserNotification.due_at)
        ).scalars()
    )
