"""Reads of legal requests shared by the staff API, the authority API, the CLI, the demo and the
pages (filtered, paged lists; holds; what a request page shows).

Nothing here changes state; the commands live in `review` (staff and authority actions) and
`retention` (the sweep).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lawline.audit.models import AuditEntry
from lawline.authorities.models import Authority, CallbackContact
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
from lawline.legal.terms import REQUEST_TYPES
from lawline.legal.workflow import OPEN_FOR_REVIEW, Status
from lawline.moderation.models import Decision, Violation
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
        raise NotFound("no such request of yours", code="request_not_found")
    return request


def own_request(session: Session, request_id: str, authority_id: str) -> LegalRequest:
    """An authority's own request; anyone else's answers 404, as if it did not exist."""
    request = session.get(LegalRequest, request_id)
    if request is None or request.authority_id != authority_id:
        raise NotFound("no such request of yours", code="request_not_found")
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


def approvers(
    session: Session, request: LegalRequest, *, acknowledged_only: bool = False
) -> set[str]:
    """Staff who approved in the current review round (earlier rounds no longer count);
    with `acknowledged_only`, only those who acknowledged the order's warnings."""
    query = select(Review.staff).where(
        Review.request_id == request.id,
        Review.action == "approve",
        Review.review_round == request.review_round,
    )
    if acknowledged_only:
        query = query.where(Review.acknowledged_warnings.is_(True))
    return set(session.execute(query).scalars())


def targets_of(session: Session, request_id: str) -> list[RequestTarget]:
    return list(
        session.execute(
            select(RequestTarget)
            .where(RequestTarget.request_id == request_id)
            .order_by(RequestTarget.position)
        ).scalars()
    )


_TARGET_DISPLAYS = (
    select(RequestTarget.ref_display)
    .where(RequestTarget.request_id == bindparam("request"))
    .order_by(RequestTarget.position)
)


def target_displays(session: Session, request_id: str) -> list[str]:
    """The request's targets as shown to people (a phone number masked), in the order named."""
    return list(session.scalars(_TARGET_DISPLAYS, {"request": request_id}))


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


# -- lists and the request page --------------------------------------------------------------
CLOSED = (Status.REJECTED, Status.DISCLOSED, Status.CLOSED, Status.EXPIRED)
PAGE_SIZE = 25


@dataclass(frozen=True)
class RequestFilter:
    """What a reviewer narrows a list by; `due_within_hours=0` means overdue only."""

    view: str = "open"  # open | closed | holds
    status: str | None = None
    country: str | None = None
    regime: str | None = None
    request_type: str | None = None
    due_within_hours: int | None = None
    page: int = 1


@dataclass(frozen=True)
class Row:
    request: LegalRequest
    authority: str
    country: str
    approvals: int
    overdue: bool
    paused: bool


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    total: int
    page: int
    pages: int
    choices: dict[str, list[str]] = field(default_factory=dict)


def _statuses(view: str) -> list[str]:
    if view == "closed":
        return [s.value for s in CLOSED]
    if view == "holds":
        return [Status.PRESERVED.value]
    return [s.value for s in OPEN_FOR_REVIEW]


def _filtered(query: Any, f: RequestFilter, now: datetime) -> Any:
    # Any: the same filters go on the rows query and on its count(), two different Select types
    statuses = _statuses(f.view)
    if f.status in statuses:
        statuses = [f.status]
    query = query.where(LegalRequest.status.in_(statuses))
    if f.country:
        query = query.where(Authority.country == f.country.upper())
    if f.regime:
        query = query.where(LegalRequest.regime == f.regime)
    if f.request_type:
        query = query.where(LegalRequest.request_type == f.request_type)
    if f.due_within_hours is not None:
        query = query.where(
            LegalRequest.deadline_at.is_not(None),
            LegalRequest.paused_since.is_(None),
            LegalRequest.deadline_at <= now + timedelta(hours=max(f.due_within_hours, 0)),
        )
    return query


def browse(session: Session, ctx: LegalContext, f: RequestFilter) -> Listing:
    """One page of requests: open ones by deadline, closed ones newest first, holds by expiry."""
    now = ctx.clock.now()
    base = select(LegalRequest, Authority.name, Authority.country).join(
        Authority, Authority.id == LegalRequest.authority_id
    )
    query = _filtered(base, f, now)
    count = session.execute(
        _filtered(
            select(func.count())
            .select_from(LegalRequest)
            .join(Authority, Authority.id == LegalRequest.authority_id),
            f,
            now,
        )
    ).scalar_one()
    if f.view == "closed":
        query = query.order_by(LegalRequest.updated_at.desc(), LegalRequest.id)
    elif f.view == "holds":
        query = query.order_by(LegalRequest.hold_until.is_(None), LegalRequest.hold_until)
    else:
        query = query.order_by(
            LegalRequest.deadline_at.is_(None), LegalRequest.deadline_at, LegalRequest.id
        )
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    found = session.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    approvals = _approval_counts(session, [r for r, _, _ in found])
    rows = [
        Row(
            request,
            name,
            country,
            approvals.get(request.id, 0),
            request.deadline_at is not None
            and request.paused_since is None
            and request.deadline_at < now
            and request.status in [s.value for s in OPEN_FOR_REVIEW],
            request.paused_since is not None,
        )
        for request, name, country in found
    ]
    return Listing(rows, count, page, pages, _choices(session, ctx))


def _approval_counts(session: Session, requests: list[LegalRequest]) -> dict[str, int]:
    if not requests:
        return {}
    counts: dict[str, int] = {}
    rounds = {r.id: r.review_round for r in requests}
    for request_id, review_round in session.execute(
        select(Review.request_id, Review.review_round).where(
            Review.request_id.in_(list(rounds)), Review.action == "approve"
        )
    ):
        if rounds[request_id] == review_round:
            counts[request_id] = counts.get(request_id, 0) + 1
    return counts


def _choices(session: Session, ctx: LegalContext) -> dict[str, list[str]]:
    countries = sorted(session.execute(select(Authority.country).distinct()).scalars())
    return {
        "country": countries,
        "regime": sorted(ctx.policy.regimes),
        "type": sorted(REQUEST_TYPES),
    }


@dataclass(frozen=True)
class CallbackRow:
    callback: Callback
    contact: str


def callbacks_of(session: Session, request_id: str) -> list[CallbackRow]:
    rows = session.execute(
        select(Callback, CallbackContact.name, CallbackContact.role)
        .join(CallbackContact, CallbackContact.id == Callback.contact_id)
        .where(Callback.request_id == request_id)
        .order_by(Callback.at)
    ).all()
    return [CallbackRow(c, f"{name} ({role})") for c, name, role in rows]


def reviews_of(session: Session, request_id: str) -> list[Review]:
    return list(
        session.execute(
            select(Review).where(Review.request_id == request_id).order_by(Review.at, Review.id)
        ).scalars()
    )


@dataclass(frozen=True)
class ViolationRow:
    violation: Violation
    case_id: int | None


def violation_history(session: Session, account_ids: list[str]) -> dict[str, list[ViolationRow]]:
    """Every violation on record for the accounts (voided ones too), with its moderation case."""
    history: dict[str, list[ViolationRow]] = {a: [] for a in account_ids}
    if not account_ids:
        return history
    rows = session.execute(
        select(Violation, Decision.case_id)
        .outerjoin(Decision, Decision.id == Violation.decision_ref)
        .where(Violation.account_id.in_(account_ids))
        .order_by(Violation.confirmed_at.desc())
    ).all()
    for violation, case_id in rows:
        history[violation.account_id].append(ViolationRow(violation, case_id))
    return history


def reveal_purpose(request_id: str) -> str:
    """The purpose written with a staff read of a target's data from a request page."""
    return f"review of request:{request_id}"


def audit_trail(session: Session, request_id: str, account_ids: list[str]) -> list[AuditEntry]:
    """The request's own entries and the personal-data reads made while reviewing it."""
    own = select(AuditEntry).where(AuditEntry.subject == f"request:{request_id}")
    entries = list(session.execute(own).scalars())
    if account_ids:
        purpose = reveal_purpose(request_id)
        reads = session.execute(
            select(AuditEntry).where(
                AuditEntry.entry_type == "personal_data.read",
                AuditEntry.subject.in_([f"account:{a}" for a in account_ids]),
            )
        ).scalars()
        entries += [e for e in reads if (e.body or {}).get("purpose") == purpose]
    return sorted(entries, key=lambda e: e.seq)
