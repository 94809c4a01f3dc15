"""The enforcing state's part in an EPOC for traffic data (Reg. 2023/1543 Art. 8, 10(2), 10(4),
12).

When the issuing authority notified the enforcing state, the notification suspends delivery:
the package is delivered at the end of the ten days from receipt (Art. 10(2)) unless the
enforcing authority raised a ground for refusal, and earlier if it confirms it will raise none.
In an emergency there is no suspension (Art. 8(4)); the enforcing authority may still object
within 96 hours (Art. 10(4)). Staff record the enforcing authority's answer here; a ground
stops the delivery and deletes what lawline holds for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.errors import Conflict, InvalidInput
from lawline.legal.context import LegalContext
from lawline.legal.models import LegalRequest
from lawline.legal.validation import withdraw
from lawline.legal.workflow import Status, lock_request, transition
from lawline.staff.permissions import Action
from lawline.staff.service import Staff

EMERGENCY_OBJECTION_HOURS = 96  # Art. 10(4)


def delivery_held(request: LegalRequest, now: datetime) -> bool:
    """Art. 10(2): a notified order's data leaves lawline only after ten days or a confirmation."""
    if not request.enforcing_notified or request.enforcing_answer == "confirmed":
        return False
    return request.release_at is not None and now < request.release_at


def objection_window_end(request: LegalRequest) -> datetime:
    """When the enforcing authority's time to raise a ground ends: ten days from receipt
    (Art. 10(2)), 96 hours in an emergency (Art. 10(4))."""
    hours = EMERGENCY_OBJECTION_HOURS if request.request_type == "emergency" else 240
    return request.received_at + timedelta(hours=hours)


def record_enforcing_answer(
    session: Session,
    ctx: LegalContext,
    request_id: str,
    *,
    staff: Staff,
    confirmed: bool,
    ground: str | None = None,
) -> LegalRequest:
    staff.require(Action.LEGAL_ENFORCING_ANSWER)
    request = lock_request(session, request_id)
    if not request.enforcing_notified:
        raise Conflict("the enforcing state was not notified of this order", code="not_notified")
    if request.enforcing_answer is not None:
        raise Conflict("the enforcing authority has answered already", code="already_answered")
    if confirmed == (ground is not None):
        raise InvalidInput(
            "record either a confirmation or one ground for refusal", code="answer_unclear"
        )
    now = ctx.clock.now()
    request.enforcing_answered_at = now
    if confirmed:
        request.enforcing_answer = "confirmed"
        request.release_at = now  # Art. 10(2): as soon as possible upon the confirmation
    else:
        if now > objection_window_end(request):
            raise Conflict(
                "the enforcing authority's time to raise a ground has ended (Art. 10(2), 10(4))",
                code="objection_window_closed",
            )
        regime = ctx.policy.regimes[request.regime]
        grounds = {g.code for g in regime.enforcing_grounds}
        if ground not in grounds:
            raise InvalidInput(
                "the enforcing authority refuses on a ground of Art. 12(1): "
                + ", ".join(sorted(grounds)),
                code="enforcing_ground_unknown",
            )
        request.enforcing_answer = ground
    audit.append(
        session,
        "request.enforcing_answer",
        actor=staff.actor,
        subject=f"request:{request.id}",
        body={"answer": request.enforcing_answer},
        clock=ctx.clock,
    )
    if not confirmed:
        _stop_delivery(session, ctx, request, actor=staff.actor)
    return request


def _stop_delivery(
    session: Session, ctx: LegalContext, request: LegalRequest, *, actor: str
) -> None:
    reason = f"the enforcing authority raised {request.enforcing_answer} (Art. 12)"
    if request.status in (Status.IN_REVIEW.value, Status.NEEDS_INFO.value):
        transition(session, request, Status.REJECTED, actor=actor, clock=ctx.clock, reason=reason)
        request.decision_reason = reason
    elif request.status in (Status.APPROVED.value, Status.DISCLOSED.value, Status.CLOSED.value):
        withdraw(session, ctx, request, actor=actor, reason=reason)
