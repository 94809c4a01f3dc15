"""The staff JSON API: log in with password and TOTP, then work the legal queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Security
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lawline.api.authority import request_out
from lawline.api.deps import RuntimeDep, SessionDep
from lawline.api.openapi import errors
from lawline.api.params import RequestIdPath
from lawline.api.security import STAFF_BEARER
from lawline.core.errors import Unauthorized
from lawline.core.fields import InputModel
from lawline.legal import notices, queries, review
from lawline.legal.enforcing import record_enforcing_answer
from lawline.legal.schemas import EnforcingAnswerIn, NoticeIn, NoticeOut, Reason, RequestOut
from lawline.staff.service import (
    Action,
    LoginFailed,
    Staff,
    log_in,
    log_out,
    require,
    staff_for_token,
)
from lawline.throttle import throttled

router = APIRouter(prefix="/v1/staff", tags=["staff"])


class LoginIn(InputModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    totp: str = Field(pattern=r"^[0-9]{6}$")  # `\d` would admit fullwidth digits


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the scheme name, not a secret


def _bearer(authorization: str | None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("log in and send `Authorization: Bearer <token>`", code="token_missing")
    return authorization[7:].strip()


def current_staff(
    session: SessionDep,
    runtime: RuntimeDep,
    authorization: Annotated[str | None, Header()] = None,
    _scheme: Annotated[object, Security(STAFF_BEARER)] = None,
) -> Staff:
    return staff_for_token(session, _bearer(authorization), runtime.clock)


StaffDep = Annotated[Staff, Depends(current_staff)]


def staff_may(action: Action) -> Any:
    """A dependency: the logged-in staff member, refused (403) unless the matrix allows `action`.
    Every staff endpoint declares its action this way."""

    def dependency(staff: StaffDep) -> Staff:
        require(staff, action)
        return staff

    return Depends(dependency)


@router.post(
    "/login",
    response_model=TokenOut,
    dependencies=[throttled("login", "login_rate")],
    responses=errors(401, 429),
)
def login(payload: LoginIn, session: SessionDep, runtime: RuntimeDep) -> TokenOut | JSONResponse:
    """Password and TOTP code for a bearer token. A code works once; five failures lock the
    account with a growing back-off; calls are throttled per client."""
    try:
        token = log_in(
            session,
            username=payload.username,
            password=payload.password,
            totp=payload.totp,
            clock=runtime.clock,
            lifetime=timedelta(minutes=runtime.settings.staff_session_minutes),
        )
    except LoginFailed as exc:
        # answered, not raised: the request's one commit keeps the failure counting towards
        # the lock-out (a raised error rolls the request back)
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status)
    return TokenOut(token=token)


@router.post("/logout", status_code=204)
def logout(
    session: SessionDep, runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """End this bearer token's session."""
    log_out(session, _bearer(authorization), runtime.clock)


class QueueItemOut(BaseModel):
    id: str
    type: str
    status: str
    authority: str
    offense: str
    deadline_at: datetime | None
    overdue: bool
    approvals: int
    warnings: list[Reason]


class StaffRequestOut(RequestOut):
    warnings: list[Reason]
    approvals: list[str]
    entered_by: str
    callback_confirmed: bool


class ApproveIn(InputModel):
    acknowledge_warnings: bool = False
    note: str | None = Field(default=None, max_length=4000)


class RejectIn(InputModel):
    reason: str = Field(min_length=1, max_length=4000)
    ground: str | None = Field(default=None, max_length=60)


class AskIn(InputModel):
    question: str = Field(min_length=1, max_length=4000)


class CallbackIn(InputModel):
    contact_id: int
    confirmed: bool
    note: str = Field(default="", max_length=4000)


@router.get("/requests")
def legal_queue(
    staff: Annotated[Staff, staff_may(Action.LEGAL_QUEUE_READ)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> list[QueueItemOut]:
    return [
        QueueItemOut(
            id=i.request.id,
            type=i.request.request_type,
            status=i.request.status,
            authority=i.authority,
            offense=i.request.offense,
            deadline_at=i.request.deadline_at,
            overdue=i.overdue,
            approvals=i.approvals,
            warnings=[Reason.model_validate(w) for w in i.request.warnings],
        )
        for i in queries.queue(session, runtime.legal)
    ]


def _staff_view(session: SessionDep, runtime: RuntimeDep, request_id: str) -> StaffRequestOut:
    request = queries.get_request(session, request_id)
    base = request_out(session, request, runtime)
    return StaffRequestOut(
        **base.model_dump(),
        warnings=[Reason.model_validate(w) for w in request.warnings],
        approvals=sorted(queries.approvers(session, request)),
        entered_by=request.entered_by,
        callback_confirmed=queries.callback_confirmed(session, request.id),
    )


@router.get("/requests/{request_id}")
def show(
    request_id: RequestIdPath,
    staff: Annotated[Staff, staff_may(Action.LEGAL_REQUEST_READ)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> StaffRequestOut:
    return _staff_view(session, runtime, request_id)


@router.post("/requests/{request_id}/approve", responses=errors(409))
def approve(
    request_id: RequestIdPath,
    payload: ApproveIn,
    staff: Annotated[Staff, staff_may(Action.LEGAL_REQUEST_APPROVE)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> StaffRequestOut:
    review.approve(
        session,
        runtime.legal,
        request_id,
        staff=staff,
        acknowledge_warnings=payload.acknowledge_warnings,
        note=payload.note,
    )
    return _staff_view(session, runtime, request_id)


@router.post("/requests/{request_id}/reject", responses=errors(409))
def reject(
    request_id: RequestIdPath,
    payload: RejectIn,
    staff: Annotated[Staff, staff_may(Action.LEGAL_REQUEST_REJECT)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> StaffRequestOut:
    review.reject(
        session,
        runtime.legal,
        request_id,
        staff=staff,
        reason=payload.reason,
        ground=payload.ground,
    )
    return _staff_view(session, runtime, request_id)


@router.post("/requests/{request_id}/ask", responses=errors(409))
def ask(
    request_id: RequestIdPath,
    payload: AskIn,
    staff: Annotated[Staff, staff_may(Action.LEGAL_REQUEST_ASK)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> StaffRequestOut:
    review.ask_for_information(
        session, runtime.legal, request_id, staff=staff, question=payload.question
    )
    return _staff_view(session, runtime, request_id)


@router.post("/requests/{request_id}/callback", responses=errors(409))
def callback(
    request_id: RequestIdPath,
    payload: CallbackIn,
    staff: Annotated[Staff, staff_may(Action.LEGAL_CALLBACK_RECORD)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> StaffRequestOut:
    review.record_callback(
        session,
        runtime.legal,
        request_id,
        staff=staff,
        contact_id=payload.contact_id,
        confirmed=payload.confirmed,
        note=payload.note,
    )
    return _staff_view(session, runtime, request_id)


@router.post("/requests/{request_id}/notices")
def send_notice(
    request_id: RequestIdPath,
    payload: NoticeIn,
    staff: Annotated[Staff, staff_may(Action.LEGAL_NOTICE_SEND)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> NoticeOut:
    """Send the issuing authority an Annex III notice (Reg. 2023/1543 Art. 10(5)-(8))."""
    notice = notices.send_notice(session, request_id, payload, staff=staff, clock=runtime.clock)
    return NoticeOut.model_validate(notices.notice_out(notice))


@router.post("/requests/{request_id}/enforcing-answer")
def enforcing_answer(
    request_id: RequestIdPath,
    payload: EnforcingAnswerIn,
    staff: Annotated[Staff, staff_may(Action.LEGAL_ENFORCING_ANSWER)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> StaffRequestOut:
    """Record the notified enforcing authority's answer (Art. 10(2), 12)."""
    record_enforcing_answer(
        session,
        runtime.legal,
        request_id,
        staff=staff,
        confirmed=payload.confirmed,
        ground=payload.ground,
    )
    return _staff_view(session, runtime, request_id)
