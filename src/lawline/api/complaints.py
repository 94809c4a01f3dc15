"""Notifiers' complaints (DSA Art. 20(1)): public filing with the report's receipt (or a trusted
flagger's API key), public status by the complaint's unguessable id, staff decision."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lawline.api.deps import RuntimeDep, SessionDep, write_in_thread
from lawline.api.openapi import errors
from lawline.api.params import AppealIdPath, ReportIdPath
from lawline.api.reports import ReporterIdentity, reporter_identity
from lawline.api.staff import staff_may
from lawline.core.errors import NotFound
from lawline.core.fields import InputModel
from lawline.moderation import complaints
from lawline.moderation.models import Complaint
from lawline.staff.service import Action, Staff
from lawline.throttle import throttled

public = APIRouter(tags=["public"])
staff = APIRouter(prefix="/v1/staff", tags=["moderation"])


class ComplaintIn(InputModel):
    receipt: str | None = Field(
        default=None,
        max_length=100,
        description="the receipt `POST /v1/reports` returned; trusted flaggers may send their "
        "API key instead",
    )
    grounds: str = Field(max_length=5000, description="why the decision is wrong")


class ComplaintDecisionIn(InputModel):
    upheld: bool = Field(description="true: the decision was wrong and the case is decided anew")
    answer: str = Field(max_length=5000, description="what the complainant receives")


class ComplaintOut(BaseModel):
    id: str
    decision_id: str
    status: str  # open | upheld | rejected
    filed_at: datetime
    answer: str | None
    decided_at: datetime | None


class OpenComplaintOut(ComplaintOut):
    report_id: str
    grounds: str


def complaint_out(complaint: Complaint) -> ComplaintOut:
    return ComplaintOut(
        id=complaint.id,
        decision_id=complaint.decision_id,
        status=complaint.status,
        filed_at=complaint.filed_at,
        answer=complaint.answer,
        decided_at=complaint.decided_at,
    )


@public.post(
    "/v1/reports/{report_id}/complaint",
    status_code=201,
    responses=errors(401, 403, 404, 409, 429),
    dependencies=[throttled("reports", "report_client_rate")],
)
async def post_complaint(
    report_id: ReportIdPath,
    payload: ComplaintIn,
    runtime: RuntimeDep,
    reporter: Annotated[ReporterIdentity, Depends(reporter_identity)],
) -> ComplaintOut:
    """Complain, as the notifier, against the decision taken upon the report (any action,
    `no_action` included), within six months of it. Proof is the report's receipt."""

    def store(session: Session) -> ComplaintOut:
        complaint = complaints.file_complaint(
            session,
            report_id,
            receipt=payload.receipt,
            proven_reporter_id=reporter.reporter_id(session) if reporter.api_key else None,
            grounds=payload.grounds,
            clock=runtime.clock,
        )
        return complaint_out(complaint)

    return await write_in_thread(runtime, store)


@public.get("/v1/complaints/{complaint_id}", responses=errors(404))
def get_complaint(complaint_id: AppealIdPath, session: SessionDep) -> ComplaintOut:
    """A complaint's status and, once decided, the reasoned answer (complaint ids are
    unguessable)."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"no complaint {complaint_id}", code="complaint_not_found")
    return complaint_out(complaint)


@staff.get("/complaints")
def list_open_complaints(
    member: Annotated[Staff, staff_may(Action.MODERATION_QUEUE_READ)],
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OpenComplaintOut]:
    """Notifiers' complaints waiting for an answer, oldest first."""
    return [
        OpenComplaintOut(**complaint_out(c).model_dump(), report_id=c.report_id, grounds=c.grounds)
        for c in complaints.open_complaints(session, limit)
    ]


@staff.post("/complaints/{complaint_id}/decision", responses=errors(403, 404, 409))
def decide_complaint(
    complaint_id: AppealIdPath,
    payload: ComplaintDecisionIn,
    member: Annotated[Staff, staff_may(Action.MODERATION_APPEAL_DECIDE)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> ComplaintOut:
    """A moderator other than the decision's upholds the complaint (the case goes back to the
    queue) or rejects it (the decision stands)."""
    complaint = complaints.decide_complaint(
        session,
        runtime.moderation,
        complaint_id,
        staff=member,
        upheld=payload.upheld,
        answer=payload.answer,
    )
    return complaint_out(complaint)
