"""Intake: a signed request arrives, every check runs, and it is stored as rejected (with all
its reasons), in review, or preserved. The request is stored either way: refused requests count
in the transparency report too."""

from __future__ import annotations

import base64
import hashlib
from datetime import date, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.authorities.models import Authority
from lawline.core.ids import new_id
from lawline.core.pii import mask_personal_data, refuse_personal_data
from lawline.disclosure import preservation
from lawline.legal import figures
from lawline.legal.checks import CheckContext, resolve_targets, run_checks
from lawline.legal.context import LegalContext
from lawline.legal.models import LegalRequest, RequestTarget
from lawline.legal.notices import NOTICE_KINDS, issue_notice
from lawline.legal.orders import hold_order
from lawline.legal.schemas import Reason, RequestIn
from lawline.legal.workflow import Status, transition

_LOCK_AUTHORITY = select(Authority.id).where(Authority.id == bindparam("id")).with_for_update()


def submit_request(
    session: Session,
    ctx: LegalContext,
    *,
    authority: Authority,
    payload: RequestIn,
    entered_by: str,
) -> LegalRequest:
    # One authority's submissions take turns on its registry row, so the duplicate check sees
    # the order another connection stored a moment ago: racing copies of one order (a client's
    # retry) opened it once each on PostgreSQL. SQLite's writers take turns already.
    refuse_personal_data(
        payload.case_reference,
        payload.instrument.reference,
        payload.emergency_reason or "",
        national=False,
    )
    session.execute(_LOCK_AUTHORITY, {"id": authority.id})
    now = ctx.clock.now()
    regime = ctx.policy.regime_for(authority.country, payload.instrument.kind)
    rule = regime.instrument(payload.instrument.kind)
    check_ctx = CheckContext(
        session=session,
        platform=ctx.platform,
        authority=authority,
        request=payload,
        regime=regime,
        rule=rule,
        now=now,
        policy=ctx.policy,
        targets=resolve_targets(ctx.platform, payload.targets, authority.country),
    )
    result = run_checks(check_ctx)
    gag_until = _gag_until(regime.id, payload, result.warnings)
    document = None
    document_hash = payload.instrument.document_sha256
    if payload.instrument.document_pdf_base64 and not any(
        r.code == "document_missing" for r in result.reasons
    ):
        document = base64.b64decode(payload.instrument.document_pdf_base64)
        document_hash = hashlib.sha256(document).hexdigest()
    request = LegalRequest(
        id=new_id("req"),
        authority_id=authority.id,
        request_type=payload.type,
        status=Status.SUBMITTED.value,
        regime=regime.id,
        binding=check_ctx.binding,
        instrument_kind=payload.instrument.kind,
        issuing_body=payload.instrument.issuing_body,
        issuer_role=authority.kind,  # the registry's role, never the request's
        validated_by=payload.instrument.validated_by,
        validator_role=payload.instrument.validator_role,
        instrument_reference=payload.instrument.reference,
        issued_on=payload.instrument.issued_on,
        expires_on=payload.instrument.expires_on,
        document_sha256=document_hash,
        document_pdf=document,
        epoc=payload.epoc.model_dump() if payload.epoc else None,
        offense=payload.offense,
        categories=list(dict.fromkeys(payload.categories)),
        range_start=payload.range.start if payload.range else None,
        range_end=result.range_end,
        gag_until=gag_until,
        nondisclosure_reference=(
            payload.nondisclosure_order.reference if payload.nondisclosure_order else None
        ),
        ip_purpose=payload.ip_purpose if "traffic.ip" in payload.categories else None,
        enforcing_state=payload.epoc.enforcing_state if payload.epoc else None,
        enforcing_notified=bool(payload.epoc and payload.epoc.enforcing_state_notified),
        inform_user=bool(payload.epoc and payload.epoc.inform_user_by_platform),
        case_reference=payload.case_reference,
        emergency_reason=payload.emergency_reason,
        # only a link that checked out is stored (an unknown id is a reason, not a reference)
        preservation_request_id=None
        if any(r.code == "preservation_not_found" for r in result.reasons)
        else payload.preservation_request_id,
        reasons=[r.model_dump() for r in result.reasons],
        refusal_ground=next((r.ground for r in result.reasons if r.ground), None),
        warnings=[w.model_dump() for w in result.warnings],
        entered_by=entered_by,
        received_at=now,
        deadline_at=None,
        paused_since=None,
        review_round=1,
        extensions_used=0,
        production_confirmed=False,
        updated_at=now,
    )
    targets = [
        RequestTarget(
            request_id=request.id,
            position=t.position,
            ref_kind=t.kind,
            ref_display=t.display,
            account_id=t.account.id if t.account else None,
        )
        for t in check_ctx.targets
    ]

    def store() -> None:
        # The request is written once, in the state the checks give it (one INSERT, where
        # storing it as `submitted` and then moving it cost an UPDATE too); its audit entries
        # are in the same transaction, so nobody can see the one without the other.
        session.add(request)
        session.add_all(targets)
        session.flush()  # before the notices and holds that refer to it

    audit.append(
        session,
        "request.submitted",
        actor=entered_by,
        subject=f"request:{request.id}",
        body={
            "type": payload.type,
            "regime": regime.id,
            "instrument": payload.instrument.kind,
            "offense": payload.offense,
            "categories": request.categories,
            "targets": len(payload.targets),
            "failed": sorted({r.code for r in result.reasons}),
            "warnings": sorted({w.code for w in result.warnings}),
        },
        clock=ctx.clock,
    )
    figures.received(session, request)
    if result.reasons:
        transition(
            session,
            request,
            Status.REJECTED,
            actor="system:checks",
            clock=ctx.clock,
            reason="failed checks: " + ", ".join(sorted({r.code for r in result.reasons})),
        )
        store()
        if request.refusal_ground in NOTICE_KINDS:
            # a binding order refused on a listed ground: the Annex III notice goes with it
            issue_notice(
                session,
                request,
                kind=request.refusal_ground,
                explanation=mask_personal_data(
                    "; ".join(
                        r.message for r in result.reasons if r.ground == request.refusal_ground
                    )
                ),
                actor="system:checks",
                clock=ctx.clock,
            )
        return request
    if result.validation_hours:
        request.validation_state = "pending"  # Art. 4(5): validation must follow
        request.validation_due_at = now + timedelta(hours=result.validation_hours)
    if payload.type == "preservation":
        assert rule is not None
        assert rule.preservation_days is not None
        transition(session, request, Status.PRESERVED, actor="system:checks", clock=ctx.clock)
        request.hold_until = now + timedelta(days=rule.preservation_days)
        store()
        held = preservation.freeze(
            session,
            ctx.platform,
            hold_order(session, request, request.hold_until),
            platform_identity=ctx.platform_identity,
            clock=ctx.clock,
        )
        if held:
            figures.hold_placed(session, request)
        return request
    hours = (
        regime.emergency_deadline_hours if payload.type == "emergency" else regime.deadline_hours
    )
    request.deadline_at = now + timedelta(hours=hours)
    # Art. 8(4), 10(2): notifying the enforcing state suspends delivery for ten days, except
    # in an emergency (Art. 10(4): its authority may still object within 96 hours)
    suspended = request.enforcing_notified and request.ip_purpose == "traffic"
    if suspended and request.binding and payload.type != "emergency":
        request.release_at = now + timedelta(hours=regime.deadline_hours)
    transition(session, request, Status.IN_REVIEW, actor="system:checks", clock=ctx.clock)
    store()
    return request


def _gag_until(regime: str, payload: RequestIn, warnings: list[Reason]) -> date | None:
    """Under US law only a court's 2705(b) order keeps the platform from telling the user;
    without one the platform's notice policy applies, and the authority is told so."""
    if regime != "us":
        return payload.gag_until
    if payload.nondisclosure_order is not None:
        return payload.nondisclosure_order.expires_on
    if payload.gag_until is not None:
        warnings.append(
            Reason(
                code="nondisclosure_not_ordered",
                message="a non-disclosure period needs a court order under 18 U.S.C. 2705(b); "
                "without one the platform's notice policy applies",
            )
        )
    return None
