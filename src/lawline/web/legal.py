"""Legal review pages: the queue, history and holds; a request page; the reviewer's actions.

Every action calls one `legal.review` command; every read comes from `legal.queries`.
Targets' personal data stays masked until a reviewer asks to reveal it, which goes through
`platform.service.read_subscriber` and so writes an audit entry first.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from lawline.authorities.service import contacts_of, get_authority
from lawline.boundary import Plain, PositionPath, RecordIdPath, RuntimeDep, SessionDep
from lawline.core.errors import LawlineError, NotFound
from lawline.core.fields import INT32_MAX
from lawline.disclosure.package import package_for
from lawline.legal import queries, review
from lawline.platform.service import read_subscriber
from lawline.runtime import Runtime
from lawline.web.render import page, time_left
from lawline.web.sessions import Csrf, LegalReader, LegalStaff

router = APIRouter(prefix="/staff/legal", include_in_schema=False)

DONE = {
    "approved": "Your approval is recorded.",
    "rejected": "The request is rejected; the authority sees the reason.",
    "asked": "The question is sent; the deadline is paused until the authority answers.",
    "callback": "The call-back is recorded.",
}


def _int_or_none(value: str | None) -> int | None:
    # ASCII digits only: "²".isdigit() is true and int("²") raised (a 500 for ?due=²)
    return int(value) if value and re.fullmatch(r"-?[0-9]+", value) else None


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    staff: LegalStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    view: Annotated[str, Query(pattern="^(open|closed|holds)$")] = "open",
    status: Annotated[str, Query(max_length=20), Plain] = "",
    country: Annotated[str, Query(max_length=2), Plain] = "",
    regime: Annotated[str, Query(max_length=40), Plain] = "",
    type: Annotated[str, Query(max_length=20), Plain] = "",
    due: Annotated[str, Query(max_length=6), Plain] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    f = queries.RequestFilter(
        view=view,
        status=status or None,
        country=country or None,
        regime=regime or None,
        request_type=type or None,
        due_within_hours=_int_or_none(due),
        page=page_number,
    )
    listing = queries.browse(session, runtime.legal, f)
    now = runtime.clock.now()
    rows = [
        {
            "row": r,
            "left": time_left(r.request.deadline_at, now),
            "hold_left": time_left(r.request.hold_until, now),
        }
        for r in listing.rows
    ]
    args = {
        "view": view,
        "status": status,
        "country": country,
        "regime": regime,
        "type": type,
        "due": due,
    }
    context = {"listing": listing, "rows": rows, "f": f, "args": args}
    return page(request, "legal/queue.html", context)


def request_context(
    session: Session, runtime: Runtime, request_id: str, **extra: Any
) -> dict[str, Any]:
    request = queries.get_request(session, request_id)
    targets = queries.targets_of(session, request.id)
    accounts = [t.account_id for t in targets if t.account_id]
    regime = runtime.legal.policy.regimes.get(request.regime)
    now = runtime.clock.now()
    questions = queries.questions_of(session, request.id)
    package = package_for(session, request.id)
    return {
        "r": request,
        "authority": get_authority(session, request.authority_id),
        "targets": targets,
        "left": time_left(request.deadline_at, now),
        "approvers": sorted(queries.approvers(session, request)),
        "missing": queries.missing_violations(session, request),
        "callback_confirmed": queries.callback_confirmed(session, request.id),
        "reviews": queries.reviews_of(session, request.id),
        "questions": questions,
        "callbacks": queries.callbacks_of(session, request.id),
        "contacts": contacts_of(session, request.authority_id),
        "history": queries.violation_history(session, accounts),
        "trail": queries.audit_trail(session, request.id, accounts),
        "grounds": regime.refusal_grounds if regime else [],
        "package": package,
        "revealed": {},
        **extra,
    }


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def show(
    request: Request,
    request_id: RecordIdPath,
    staff: LegalReader,
    session: SessionDep,
    runtime: RuntimeDep,
    done: Annotated[str, Query(max_length=40, pattern="^[a-z_]*$")] = "",
) -> HTMLResponse:
    context = request_context(session, runtime, request_id, flash=DONE.get(done))
    return page(request, "legal/request.html", context)


@router.get("/requests/{request_id}/document")
def document(request_id: RecordIdPath, staff: LegalReader, session: SessionDep) -> Response:
    """The order as the authority attached it, for the browser's own PDF viewer."""
    pdf = queries.get_request(session, request_id).document_pdf
    if pdf is None:
        raise NotFound("this request has no attached document", code="document_not_attached")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{request_id}.pdf"',
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def _after(
    request: Request,
    session: Session,
    runtime: Runtime,
    request_id: str,
    done: str,
    error: LawlineError | None,
) -> Response:
    if error is None:
        return RedirectResponse(f"/staff/legal/requests/{request_id}?done={done}", status_code=303)
    session.rollback()
    context = request_context(session, runtime, request_id, error=error)
    return page(request, "legal/request.html", context, status=error.status)


@router.post("/requests/{request_id}/approve", dependencies=[Csrf], response_model=None)
def approve(
    request: Request,
    request_id: RecordIdPath,
    staff: LegalReader,
    session: SessionDep,
    runtime: RuntimeDep,
    acknowledge_warnings: Annotated[bool, Form()] = False,
    note: Annotated[str, Form(max_length=4000), Plain] = "",
) -> Response:
    try:
        review.approve(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            acknowledge_warnings=acknowledge_warnings,
            note=note or None,
        )
    except LawlineError as error:
        return _after(request, session, runtime, request_id, "", error)
    return _after(request, session, runtime, request_id, "approved", None)


@router.post("/requests/{request_id}/reject", dependencies=[Csrf], response_model=None)
def reject(
    request: Request,
    request_id: RecordIdPath,
    staff: LegalReader,
    session: SessionDep,
    runtime: RuntimeDep,
    reason: Annotated[str, Form(max_length=4000), Plain] = "",
    ground: Annotated[str, Form(max_length=60), Plain] = "",
) -> Response:
    try:
        review.reject(
            session, runtime.legal, request_id, staff=staff, reason=reason, ground=ground or None
        )
    except LawlineError as error:
        return _after(request, session, runtime, request_id, "", error)
    return _after(request, session, runtime, request_id, "rejected", None)


@router.post("/requests/{request_id}/ask", dependencies=[Csrf], response_model=None)
def ask(
    request: Request,
    request_id: RecordIdPath,
    staff: LegalReader,
    session: SessionDep,
    runtime: RuntimeDep,
    question: Annotated[str, Form(max_length=4000), Plain] = "",
) -> Response:
    try:
        review.ask_for_information(
            session, runtime.legal, request_id, staff=staff, question=question
        )
    except LawlineError as error:
        return _after(request, session, runtime, request_id, "", error)
    return _after(request, session, runtime, request_id, "asked", None)


@router.post("/requests/{request_id}/callback", dependencies=[Csrf], response_model=None)
def callback(
    request: Request,
    request_id: RecordIdPath,
    staff: LegalReader,
    session: SessionDep,
    runtime: RuntimeDep,
    contact_id: Annotated[int, Form(ge=1, le=INT32_MAX)],
    confirmed: Annotated[bool, Form()] = False,
    note: Annotated[str, Form(max_length=4000), Plain] = "",
) -> Response:
    try:
        review.record_callback(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            contact_id=contact_id,
            confirmed=confirmed,
            note=note,
        )
    except LawlineError as error:
        return _after(request, session, runtime, request_id, "", error)
    return _after(request, session, runtime, request_id, "callback", None)


@router.post(
    "/requests/{request_id}/targets/{position}/reveal",
    dependencies=[Csrf],
    response_class=HTMLResponse,
)
def reveal(
    request: Request,
    request_id: RecordIdPath,
    position: PositionPath,
    staff: LegalReader,
    session: SessionDep,
    runtime: RuntimeDep,
) -> HTMLResponse:
    """Show one target's phone number to this reviewer, after writing the audited read."""
    target = next(
        (t for t in queries.targets_of(session, request_id) if t.position == position), None
    )
    if target is None or target.account_id is None:
        raise NotFound("no such resolved target on this request", code="target_not_found")
    record = read_subscriber(
        session,
        runtime.platform,
        actor=staff.actor,
        account_id=target.account_id,
        purpose=queries.reveal_purpose(request_id),
        clock=runtime.clock,
    )
    shown = {"position": position, "phone": record.phone.reveal(), "country": record.country}
    if request.headers.get("hx-request"):
        return page(request, "legal/_revealed.html", {"shown": shown})
    context = request_context(session, runtime, request_id, revealed={position: shown})
    return page(request, "legal/request.html", context)
