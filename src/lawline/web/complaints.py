"""The moderation console's complaints: notifiers' complaints waiting for an answer (DSA Art.
20(1)), one page per complaint with the answer form. Deciding calls
`moderation.complaints.decide_complaint`, the function the API and the CLI call."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from lawline.boundary import Plain, RecordIdPath, RuntimeDep, SessionDep
from lawline.core.errors import LawlineError, NotFound
from lawline.moderation.complaints import complaint_views, decide_complaint
from lawline.web.render import page
from lawline.web.sessions import Csrf, ModerationStaff

router = APIRouter(prefix="/staff/moderation/complaints", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def complaints(request: Request, staff: ModerationStaff, session: SessionDep) -> HTMLResponse:
    return page(request, "moderation/complaints.html", {"rows": complaint_views(session)})


def _complaint_page(
    request: Request, session: Session, complaint_id: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    found = complaint_views(session, complaint_id=complaint_id)
    if not found:
        raise NotFound(f"no complaint {complaint_id}", code="complaint_not_found")
    context = {"row": found[0], **extra}
    return page(request, "moderation/complaint.html", context, status=status)


@router.get("/{complaint_id}", response_class=HTMLResponse)
def show_complaint(
    request: Request,
    complaint_id: RecordIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    done: str = "",
) -> HTMLResponse:
    flash = "The complaint is answered; the complainant receives your answer." if done else None
    return _complaint_page(request, session, complaint_id, flash=flash)


@router.post("/{complaint_id}/decide", dependencies=[Csrf], response_model=None)
def decide_a_complaint(
    request: Request,
    complaint_id: RecordIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    outcome: Annotated[str, Form(pattern="^(uphold|reject)$")],
    answer: Annotated[str, Form(max_length=5000), Plain] = "",
) -> Response:
    try:
        decide_complaint(
            session,
            runtime.moderation,
            complaint_id,
            staff=staff,
            upheld=outcome == "uphold",
            answer=answer,
        )
    except LawlineError as error:
        session.rollback()
        return _complaint_page(request, session, complaint_id, status=error.status, error=error)
    return RedirectResponse(f"/staff/moderation/complaints/{complaint_id}?done=1", status_code=303)
