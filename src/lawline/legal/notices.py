"""Telling the issuing authority why an order is not executed in full or in time: the Annex III
form of Regulation (EU) 2023/1543 (Art. 10(5)-(8)), stored, audited and read by the authority
through `GET /v1/authority/requests/{id}/notices` and `lawline-authority notices`.

A notice is written in the same transaction as the decision it explains (a refusal at intake or
on review, a withdrawal); the authority reads it from lawline, so nothing leaves lawline before
the transaction commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.authorities.models import Authority
from lawline.core.clock import Clock
from lawline.core.errors import InvalidInput
from lawline.core.pii import refuse_personal_data
from lawline.legal.models import IssuerNotice, LegalRequest
from lawline.legal.queries import get_request
from lawline.legal.schemas import NoticeIn
from lawline.staff.service import Action, Staff

# kind -> (the Annex III section D box, the article)
NOTICE_KINDS: dict[str, tuple[str, str]] = {
    "manifest_error": (
        "the order is incomplete, contains manifest errors or lacks the information needed",
        "Reg. 2023/1543 Art. 10(6)",
    ),
    "de_facto_impossibility": (
        "de facto impossibility: the data cannot be produced for reasons not attributable to "
        "the addressee",
        "Reg. 2023/1543 Art. 10(7)",
    ),
    "immunities_or_press_freedom": (
        "execution could interfere with immunities or privileges, or with rules on the freedom "
        "of the press or of expression, in the enforcing state",
        "Reg. 2023/1543 Art. 10(5)",
    ),
    "partial_or_late": (
        "the data is not provided, not provided in full, or not within the deadline, for "
        "another reason",
        "Reg. 2023/1543 Art. 10(8)",
    ),
}


def issue_notice(
    session: Session,
    request: LegalRequest,
    *,
    kind: str,
    explanation: str,
    actor: str,
    clock: Clock,
    clarification: str | None = None,
    preserved_until: datetime | None = None,
) -> IssuerNotice:
    if kind not in NOTICE_KINDS:
        raise InvalidInput(
            f"a notice is one of {', '.join(NOTICE_KINDS)}", code="notice_kind_unknown"
        )
    refuse_personal_data(explanation, clarification or "")
    if not explanation.strip():
        raise InvalidInput("a notice explains its reason", code="reason_missing")
    authority = session.get(Authority, request.authority_id)
    box, article = NOTICE_KINDS[kind]
    now = clock.now()
    form: dict[str, Any] = {
        "A_issuing_authority": {
            "name": authority.name if authority else None,
            "state": authority.country if authority else None,
            "order_reference": request.instrument_reference,
            "case_reference": request.case_reference,
            "issued_on": request.issued_on.isoformat(),
        },
        "A_enforcing_state": request.enforcing_state,
        "B_addressee": {"request_id": request.id, "received_at": request.received_at.isoformat()},
        "D_reason": {"kind": kind, "box": box, "article": article, "explanation": explanation},
        "E_clarification_requested": clarification,
        "F_preservation": {
            "preserved_until": preserved_until.isoformat() if preserved_until else None
        },
        "G_data_delivered": "none" if request.status == "rejected" else "partial",
    }
    notice = IssuerNotice(
        request_id=request.id,
        kind=kind,
        explanation=explanation,
        clarification=clarification,
        preserved_until=preserved_until,
        form=form,
        issued_by=actor,
        issued_at=now,
    )
    session.add(notice)
    session.flush()
    audit.append(
        session,
        "request.notice_issued",
        actor=actor,
        subject=f"request:{request.id}",
        body={"notice": notice.id, "kind": kind, "article": article},
        clock=clock,
    )
    return notice


def send_notice(
    session: Session, request_id: str, payload: NoticeIn, *, staff: Staff, clock: Clock
) -> IssuerNotice:
    """A staff member's notice on a request: the one entry point of the CLI (`lawline requests
    notice`) and the staff API (`POST /v1/staff/requests/{id}/notices`)."""
    staff.require(Action.LEGAL_NOTICE_SEND)
    return issue_notice(
        session,
        get_request(session, request_id),
        kind=payload.kind,
        explanation=payload.explanation,
        clarification=payload.clarification,
        actor=staff.actor,
        clock=clock,
    )


def notices_of(session: Session, request_id: str) -> list[IssuerNotice]:
    return list(
        session.execute(
            select(IssuerNotice)
            .where(IssuerNotice.request_id == request_id)
            .order_by(IssuerNotice.issued_at, IssuerNotice.id)
        ).scalars()
    )


def notice_out(notice: IssuerNotice) -> dict[str, Any]:
    return {
        "id": notice.id,
        "request_id": notice.request_id,
        "kind": notice.kind,
        "issued_at": notice.issued_at,
        "form": notice.form,
    }
