"""The legal team's work on a request, shared by the CLI, the staff API and the pages.

A disclosure needs two approvals by two distinct staff members with the approver role, neither
of whom entered the request; every target must have a confirmed violation (or, for a binding
order, both approvers must acknowledge the warning); an emergency request needs a confirmed
call-back to a contact from the registry first. The second approval builds the package.

These are the commands; reads live in `queries`, the retention sweep in `retention`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import ledger
from lawline.audit import service as audit
from lawline.authorities.models import Authority, CallbackContact
from lawline.core.clock import FixedClock
from lawline.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from lawline.core.pii import refuse_personal_data
from lawline.disclosure.package import build_package, fetch_package
from lawline.legal import figures
from lawline.legal.context import LegalContext
from lawline.legal.enforcing import delivery_held
from lawline.legal.models import Callback, InfoExchange, LegalRequest, Review, UserNotification
from lawline.legal.notices import NOTICE_KINDS, issue_notice
from lawline.legal.orders import package_order
from lawline.legal.queries import approvers, callback_confirmed, missing_violations, targets_of
from lawline.legal.user_info import platform_informs
from lawline.legal.workflow import Status, lock_request, transition
from lawline.staff.service import Action, Staff, acting


def approve(
    session: Session,
    ctx: LegalContext,
    request_id: str,
    *,
    staff: Staff,
    acknowledge_warnings: bool = False,
    note: str | None = None,
) -> LegalRequest:
    acting(session, staff, Action.LEGAL_REQUEST_APPROVE)
    refuse_personal_data(note or "")
    request = lock_request(session, request_id)
    if request.status != Status.IN_REVIEW.value:
        raise Conflict(f"a {request.status} request cannot be approved", code="not_in_review")
    if request.entered_by == staff.actor:
        raise Forbidden(
            "the staff member who entered a request may not approve it",
            code="approver_entered_request",
        )
    # Warnings can arise between two approvals (a violation voided on appeal): then only
    # approvals that acknowledged them count, and an earlier approver must approve again.
    missing = missing_violations(session, request)
    needs_acknowledgement = bool(request.warnings or missing)
    if staff.actor in approvers(session, request, acknowledged_only=needs_acknowledgement):
        raise Conflict(
            "you approved this request already; a second approver is needed",
            code="already_approved",
        )
    if request.request_type == "emergency" and not callback_confirmed(session, request.id):
        raise Conflict(
            "an emergency request needs a confirmed call-back to a registry contact "
            "before approval",
            code="callback_required",
        )
    if missing and not request.binding:
        raise Conflict("a target has no confirmed violation on record", code="target_not_violator")
    if needs_acknowledgement and not acknowledge_warnings:
        raise Conflict(
            "this binding order carries warnings the approver must acknowledge",
            code="warnings_not_acknowledged",
        )
    _record_review(session, ctx, request, staff, "approve", note, acknowledged=acknowledge_warnings)
    audit.append(
        session,
        "request.approval",
        actor=staff.actor,
        subject=f"request:{request.id}",
        body={"round": request.review_round, "acknowledged_warnings": acknowledge_warnings},
        clock=ctx.clock,
    )
    if len(approvers(session, request, acknowledged_only=needs_acknowledgement)) >= 2:
        transition(session, request, Status.APPROVED, actor=staff.actor, clock=ctx.clock)
        _disclose(session, ctx, request)
        transition(session, request, Status.DISCLOSED, actor="system:lawline", clock=ctx.clock)
        _schedule_notifications(session, ctx, request)
    return request


def _disclose(session: Session, ctx: LegalContext, request: LegalRequest) -> None:
    """Enter the disclosure in the public ledger and build the package that carries its receipt.

    Both take one instant, so the ledger's quarter is the package's quarter even at a quarter's
    last microsecond.
    """
    at = FixedClock(ctx.clock.now())
    authority = session.get(Authority, request.authority_id)
    assert authority is not None
    order = package_order(session, ctx, request)
    receipt = ledger.append(
        session,
        request_id=request.id,
        country=authority.country,
        request_type=request.request_type,
        instrument_kind=request.instrument_kind,
        accounts=len(order.account_ids),
        key=ctx.signing_key,
        clock=at,
    )
    build_package(
        session,
        ctx.platform,
        order,
        key=ctx.signing_key,
        platform_identity=ctx.platform_identity,
        clock=at,
        ledger_receipt=receipt.to_json(),
    )
    figures.disclosed(session, request, at=at.now(), accounts=len(order.account_ids))


def _record_review(
    session: Session,
    ctx: LegalContext,
    request: LegalRequest,
    staff: Staff,
    action: str,
    reason: str | None,
    acknowledged: bool = False,
) -> None:
    session.add(
        Review(
            request_id=request.id,
            staff=staff.actor,
            action=action,
            review_round=request.review_round,
            reason=reason,
            acknowledged_warnings=acknowledged,
            at=ctx.clock.now(),
        )
    )
    session.flush()


def _lock_own(session: Session, request_id: str, authority_id: str) -> LegalRequest:
    """Lock a request for its authority; anyone else's answers 404, as if it did not exist."""
    request = lock_request(session, request_id)
    if request.authority_id != authority_id:
        raise NotFound(f"no request {request_id}", code="request_not_found")
    return request


def _schedule_notifications(session: Session, ctx: LegalContext, request: LegalRequest) -> None:
    if not platform_informs(request):
        return  # the issuing authority informs the person (Reg. 2023/1543 Art. 13)
    now = ctx.clock.now()
    due = now
    if request.gag_until is not None:
        due = max(
            now, datetime.combine(request.gag_until + timedelta(days=1), time(), tzinfo=now.tzinfo)
        )
    for target in targets_of(session, request.id):
        if target.account_id is not None:
            session.add(
                UserNotification(request_id=request.id, account_id=target.account_id, due_at=due)
            )


def reject(
    session: Session,
    ctx: LegalContext,
    request_id: str,
    *,
    staff: Staff,
    reason: str,
    ground: str | None = None,
) -> LegalRequest:
    acting(session, staff, Action.LEGAL_REQUEST_REJECT)
    if not reason.strip():
        raise InvalidInput("a rejection states its reason", code="reason_missing")
    refuse_personal_data(reason)
    request = lock_request(session, request_id)
    grounds = {g.code for g in ctx.policy.regimes[request.regime].refusal_grounds}
    if request.binding and ground not in grounds:
        raise InvalidInput(
            "a binding order may be refused only on a listed ground: " + ", ".join(sorted(grounds)),
            code="refusal_ground_not_allowed",
        )
    # A ground is a code of the regime's list (it is audited and counted), never free text.
    if ground is not None and ground not in grounds:
        raise InvalidInput(
            "the ground is not one this regime lists: " + (", ".join(sorted(grounds)) or "none"),
            code="refusal_ground_unknown",
        )
    request.refusal_ground = ground  # before the transition, which counts it
    transition(
        session,
        request,
        Status.REJECTED,
        actor=staff.actor,
        clock=ctx.clock,
        reason=ground or "rejected on review",
    )
    request.decision_reason = reason
    _record_review(session, ctx, request, staff, "reject", reason)
    if request.binding and ground in NOTICE_KINDS:
        issue_notice(
            session, request, kind=ground, explanation=reason, actor=staff.actor, clock=ctx.clock
        )
    return request


def ask_for_information(
    session: Session, ctx: LegalContext, request_id: str, *, staff: Staff, question: str
) -> LegalRequest:
    acting(session, staff, Action.LEGAL_REQUEST_ASK)
    if not question.strip():
        raise InvalidInput("the question is empty", code="question_missing")
    refuse_personal_data(question)
    request = lock_request(session, request_id)
    transition(session, request, Status.NEEDS_INFO, actor=staff.actor, clock=ctx.clock)
    request.review_round += 1  # approvals given before the answer no longer count
    session.add(
        InfoExchange(
            request_id=request.id, question=question, asked_by=staff.actor, asked_at=ctx.clock.now()
        )
    )
    _record_review(session, ctx, request, staff, "ask", question)
    return request


def answer_information(
    session: Session, ctx: LegalContext, request_id: str, *, authority_id: str, answer: str
) -> LegalRequest:
    refuse_personal_data(answer, national=False)
    request = _lock_own(session, request_id, authority_id)
    open_question = (
        session.execute(
            select(InfoExchange)
            .where(InfoExchange.request_id == request.id, InfoExchange.answered_at.is_(None))
            .order_by(InfoExchange.asked_at.desc())
        )
        .scalars()
        .first()
    )
    if request.status != Status.NEEDS_INFO.value or open_question is None:
        raise Conflict("no question is waiting for an answer", code="no_open_question")
    open_question.answer = answer
    open_question.answered_at = ctx.clock.now()
    transition(
        session, request, Status.IN_REVIEW, actor=f"authority:{authority_id}", clock=ctx.clock
    )
    return request


def record_callback(
    session: Session,
    ctx: LegalContext,
    request_id: str,
    *,
    staff: Staff,
    contact_id: int,
    confirmed: bool,
    note: str = "",
) -> Callback:
    """Record a call-back to a contact *from the registry* of the requesting authority."""
    acting(session, staff, Action.LEGAL_CALLBACK_RECORD)
    refuse_personal_data(note)  # the number dialled is in the registry, never in the note
    request = lock_request(session, request_id)
    if request.request_type != "emergency":
        raise Conflict("call-backs are recorded for emergency requests", code="not_emergency")
    contact = session.get(CallbackContact, contact_id)
    if contact is None or contact.authority_id != request.authority_id:
        raise InvalidInput(
            "call back a contact from the requesting authority's registry entry",
            code="contact_not_in_registry",
        )
    callback = Callback(
        request_id=request.id,
        contact_id=contact.id,
        staff=staff.actor,
        confirmed=confirmed,
        note=note,
        at=ctx.clock.now(),
    )
    session.add(callback)
    session.flush()
    audit.append(
        session,
        "request.callback",
        actor=staff.actor,
        subject=f"request:{request.id}",
        body={"contact_id": contact.id, "confirmed": confirmed},
        clock=ctx.clock,
    )
    return callback


def extend_preservation(
    session: Session,
    ctx: LegalContext,
    request_id: str,
    *,
    authority_id: str,
    confirm_production: bool,
) -> LegalRequest:
    """The authority extends a hold as its policy allows, or confirms a production order
    follows (then it is kept until that order is served)."""
    request = _lock_own(session, request_id, authority_id)
    if request.status != Status.PRESERVED.value or request.hold_until is None:
        if request.status == Status.PRESERVED.value and request.production_confirmed:
            raise Conflict(
                "the hold is kept until the production order is served", code="hold_indefinite"
            )
        raise Conflict("only a held preservation can be extended", code="not_preserved")
    rule = ctx.policy.regimes[request.regime].instrument(request.instrument_kind)
    assert rule is not None
    actor = f"authority:{authority_id}"
    if confirm_production and request.regime == "eu-e-evidence":
        request.production_confirmed = True
        request.hold_until = None
        audit.append(
            session,
            "preservation.production_confirmed",
            actor=actor,
            subject=f"request:{request.id}",
            clock=ctx.clock,
        )
        return request
    if request.extensions_used >= rule.max_extensions or not rule.extension_days:
        raise Conflict("no extension is left under the policy", code="extension_not_allowed")
    request.extensions_used += 1
    request.hold_until += timedelta(days=rule.extension_days)
    audit.append(
        session,
        "preservation.extended",
        actor=actor,
        subject=f"request:{request.id}",
        body={
            "hold_until": request.hold_until.isoformat(),
            "extensions_used": request.extensions_used,
        },
        clock=ctx.clock,
    )
    return request


def deliver_package(
    session: Session, ctx: LegalContext, request_id: str, *, authority_id: str
) -> bytes:
    """The addressed authority fetches its package; the request is then closed."""
    request = _lock_own(session, request_id, authority_id)
    if delivery_held(request, ctx.clock.now()):
        raise Conflict(
            "the enforcing state was notified: the data is delivered at the end of ten days "
            "from receipt, or earlier on its confirmation (Reg. 2023/1543 Art. 10(2))",
            code="delivery_held",
        )
    data = fetch_package(session, request_id, actor=f"authority:{authority_id}", clock=ctx.clock)
    if request.status == Status.DISCLOSED.value:
        transition(
            session,
            request,
            Status.CLOSED,
            actor=f"authority:{authority_id}",
            clock=ctx.clock,
            reason="package fetched",
        )
    return data
