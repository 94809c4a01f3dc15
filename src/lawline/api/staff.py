"""The staff JSON API: log in with password and TOTP, then work the legal queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, Field

from lawline.api.authority import request_out
from lawline.api.deps import RuntimeDep, SessionDep
from lawline.core.errors import Unauthorized
from lawline.legal import queries, review
from lawline.legal.schemas import Reason, RequestOut
from lawline.staff.service import Staff, log_in, staff_for_token

router = APIRouter(prefix="/v1/staff", tags=["staff"])


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    totp: str = Field(pattern=r"^\d{6}$")


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the scheme name, not a secret


def current_staff(
    session: SessionDep, runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> Staff:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("log in and send `Authorization: Bearer <token>`", code="token_missing")
    return staff_for_token(session, authorization[7:].strip(), runtime.clock)


StaffDep = Annotated[Staff, Depends(current_staff)]


@router.post("/login")
def login(payload: LoginIn, session: SessionDep, runtime: RuntimeDep) -> TokenOut:
    token = log_in(
        session,
        username=payload.username,
        password=payload.password,
        totp=payload.totp,
        clock=runtime.clock,
    )
    return TokenOut(token=token)


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


class ApproveIn(BaseModel):
    acknowledge_warnings: bool = False
    note: str | None = Field(default=None, max_length=4000)


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)
    ground: str | None = Field(default=None, max_length=60)


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=4000)


class CallbackIn(BaseModel):
    contact_id: int
    confirmed: bool
    note: str = Field(default="", max_length=4000)


@router.get("/requests")
def legal_queue(staff: StaffDep, session: SessionDep, runtime: RuntimeDep) -> list[QueueItemOut]:
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
    request_id: str, staff: StaffDep, session: SessionDep, runtime: RuntimeDep
) -> StaffRequestOut:
    return _staff_view(session, runtime, request_id)


@router.post("/requests/{request_id}/approve")
def approve(
    request_id: str, payload: ApproveIn, staff: StaffDep, session: SessionDep, runtime: RuntimeDep
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


@router.post("/requests/{request_id}/reject")
def reject(
    request_id: str, payload: RejectIn, staff: StaffDep, session: SessionDep, runtime: RuntimeDep
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


@router.post("/requests/{request_id}/ask")
def ask(
    request_id: str, payload: AskIn, staff: StaffDep, session: SessionDep, runtime: RuntimeDep
) -> StaffRequestOut:
    review.ask_for_information(
        session, runtime.legal, request_id, staff=staff, question=payload.question
    )
    return _staff_view(session, runtime, request_id)


@router.post("/requests/{request_id}/callback")
def callback(
    request_id: str, payload: CallbackIn, staff: StaffDep, session: SessionDep, runtime: RuntimeDep
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
