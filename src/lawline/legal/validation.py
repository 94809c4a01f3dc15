"""Emergency orders issued before validation (Reg. 2023/1543 Art. 4(5)).

In an emergency a non-judicial authority may issue an EPOC for subscriber or identification data
(or an EPOC-PR) without prior validation, when validation could not be obtained in time; it must
seek validation without undue delay and at the latest within 48 hours. lawline lets such an
order through the checks, starts the clock at receipt, shows it to staff and marks it overdue
when the clock runs out (the sweep). When validation is refused the issuing authority withdraws
the order: lawline records the withdrawal and deletes the delivered package and any preserved
copy, each step audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.errors import Conflict, InvalidInput, NotFound
from lawline.disclosure import preservation
from lawline.disclosure.package import package_for
from lawline.legal.context import LegalContext
from lawline.legal.models import LegalRequest
from lawline.legal.workflow import Status, lock_request, transition
from lawline.outbox import service as outbox

JUDICIAL_VALIDATORS = ("judge", "court", "investigating_judge", "prosecutor")


def record_validation(
    session: Session,
    ctx: LegalContext,
    request_id: str,
    *,
    authority_id: str,
    granted: bool,
    validated_by: str | None = None,
    validator_role: str | None = None,
) -> LegalRequest:
    """The issuing authority reports the outcome of the ex-post validation."""
    request = lock_request(session, request_id)
    if request.authority_id != authority_id:
        raise NotFound(f"no request {request_id}", code="request_not_found")
    if request.validation_state not in ("pending", "overdue"):
        raise Conflict("this order is not awaiting validation", code="validation_not_pending")
    actor = f"authority:{authority_id}"
    if granted:
        if not (validated_by or "").strip() or validator_role not in JUDICIAL_VALIDATORS:
            raise InvalidInput(
                "a validation names the validating judicial authority and its role",
                code="validation_incomplete",
            )
        request.validated_by = validated_by
        request.validator_role = validator_role
        request.validation_state = "validated"
        audit.append(
            session,
            "request.validated",
            actor=actor,
            subject=f"request:{request.id}",
            body={"validator_role": validator_role, "late": ctx.clock.now() > _due(request)},
            clock=ctx.clock,
        )
        return request
    withdraw(session, ctx, request, actor=actor, reason="ex-post validation refused")
    request.validation_state = "refused"
    return request


def _due(request: LegalRequest) -> datetime:
    assert request.validation_due_at is not None
    return request.validation_due_at


def withdraw(
    session: Session, ctx: LegalContext, request: LegalRequest, *, actor: str, reason: str
) -> None:
    """Record the withdrawal, then delete what lawline still holds of the order's data."""
    transition(session, request, Status.WITHDRAWN, actor=actor, clock=ctx.clock, reason=reason)
    now = ctx.clock.now()
    package = package_for(session, request.id)
    if package is not None and package.ciphertext is not None:
        package.ciphertext = None
        package.deleted_at = now
        audit.append(
            session,
            "package.deleted",
            actor=actor,
            subject=f"request:{request.id}",
            body={"reason": "order withdrawn"},
            clock=ctx.clock,
        )
    holds = preservation.delete_holds(session, request.id, ctx.clock)
    if request.preservation_request_id is not None:
        holds += preservation.delete_holds(session, request.preservation_request_id, ctx.clock)
    if holds:
        audit.append(
            session,
            "preservation.deleted",
            actor=actor,
            subject=f"request:{request.id}",
            body={"holds": holds, "reason": "order withdrawn"},
            clock=ctx.clock,
        )


def mark_overdue_validations(session: Session, ctx: LegalContext) -> int:
    """The staff alert: each order whose validation window ran out is marked and audited once,
    the queue shows it on top, and the legal team's account is told (an outbox notice in the
    same transaction, delivered by the worker after commit).

    Once per order even with racing sweeps: the rows are locked and the state is read again
    under the lock (`FOR UPDATE SKIP LOCKED`: an order another sweep is marking is left to it),
    and the notice's intent key is the order's, so a second one could not be queued."""
    now = ctx.clock.now()
    overdue = (
        session.execute(
            select(LegalRequest)
            .where(
                LegalRequest.validation_state == "pending",
                LegalRequest.validation_due_at.is_not(None),
                LegalRequest.validation_due_at <= now,
            )
            .order_by(LegalRequest.id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        .scalars()
        .all()
    )
    for request in overdue:
        request.validation_state = "overdue"
        audit.append(
            session,
            "request.validation_overdue",
            actor="system:sweep",
            subject=f"request:{request.id}",
            body={"due_at": _due(request).isoformat()},
            clock=ctx.clock,
        )
        if ctx.alerts_account is not None:
            outbox.enqueue_notice(
                session,
                key=f"validation-overdue:{request.id}",
                account_id=ctx.alerts_account,
                message=_overdue_text(request),
                subject=f"request:{request.id}",
                clock=ctx.clock,
            )
    return len(overdue)


def _overdue_text(request: LegalRequest) -> str:
    """The legal team's alert: the order and its deadline, never personal data."""
    return (
        f"lawline: the ex-post validation of emergency order {request.id} (Reg. 2023/1543 "
        f"Art. 4(5)) was due {_due(request):%Y-%m-%d %H:%M} UTC and has not been reported. "
        "Ask the issuing authority; if validation is refused, the order is withdrawn and its "
        "data deleted."
    )


def awaiting_validation(session: Session) -> list[LegalRequest]:
    """Emergency orders whose ex-post validation is pending or overdue, soonest due first."""
    return list(
        session.execute(
            select(LegalRequest)
            .where(LegalRequest.validation_state.in_(("pending", "overdue")))
            .order_by(LegalRequest.validation_due_at)
        ).scalars()
    )
