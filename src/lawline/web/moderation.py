"""The moderation console: queue, case page with one-click decisions, appeals, trusted flaggers.

Decisions, appeals, assignment and notes each call one moderation service function; the pages
hold no rule of their own.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from lawline.boundary import IntIdPath, Plain, RecordIdPath, RuntimeDep, SessionDep
from lawline.core.errors import LawlineError, NotFound
from lawline.moderation import casework, queries
from lawline.moderation.actions import ACTIONS
from lawline.moderation.appeals import decide_appeal
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.decisions import decide
from lawline.moderation.models import Case
from lawline.moderation.reports import target_text
from lawline.runtime import Runtime
from lawline.staff.service import Staff, get_staff
from lawline.web.render import page, time_left
from lawline.web.sessions import Csrf, ModerationStaff

router = APIRouter(prefix="/staff/moderation", include_in_schema=False)

DONE = {
    "decided": "The decision is made and its statement of reasons is stored.",
    "assigned": "The case's assignment is changed.",
    "noted": "Your note is added.",
    "appeal": "The appeal is decided; the appellant receives your answer.",
}


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    staff: ModerationStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    status: Annotated[str, Query(pattern="^(open|decided)$")] = "open",
    category: Annotated[str, Query(max_length=40), Plain] = "",
    assigned: Annotated[str, Query(max_length=130), Plain] = "",
    overdue: Annotated[str, Query(max_length=5), Plain] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    wanted = staff.actor if assigned == "me" else assigned or None
    f = queries.CaseFilter(status, category or None, wanted, overdue == "yes", page_number)
    now = runtime.clock.now()
    found = queries.cases(session, now, f)
    rows = [{"q": q, "left": time_left(q.case.deadline_at, now)} for q in found.items]
    args = {"status": status, "category": category, "assigned": assigned, "overdue": overdue}
    context = {"found": found, "rows": rows, "args": args, "categories": sorted(CATEGORIES)}
    return page(request, "moderation/queue.html", context)


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    return case


def case_context(session: Session, runtime: Runtime, case_id: int, **extra: Any) -> dict[str, Any]:
    case = _case(session, case_id)
    now = runtime.clock.now()
    suggested = case.triage_category if case.triage_category in CATEGORIES else None
    default_category = suggested or max(case.categories, key=lambda c: case.categories[c])
    return {
        "case": case,
        "ranked": queries.rank(case, now),
        "left": time_left(case.deadline_at, now),
        "reports": queries.reports_of(session, case.id),
        "text": target_text(runtime.platform, case),
        "decisions": queries.decisions_on_case(session, case.id),
        "prior": queries.prior_decisions_on_owner(session, case),
        "notes": casework.notes_of(session, case.id),
        "moderators": queries.moderators(session),
        "categories": CATEGORIES,
        "actions": ACTIONS,
        "default_category": default_category,
        "facts": casework.facts_template(case, default_category),
        **extra,
    }


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def show_case(
    request: Request,
    case_id: IntIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    done: Annotated[str, Query(max_length=40, pattern="^[a-z_]*$")] = "",
) -> HTMLResponse:
    context = case_context(session, runtime, case_id, flash=DONE.get(done))
    return page(request, "moderation/case.html", context)


def _after_case(
    request: Request,
    session: Session,
    runtime: Runtime,
    case_id: int,
    done: str,
    error: LawlineError | None,
) -> Response:
    if error is None:
        return RedirectResponse(f"/staff/moderation/cases/{case_id}?done={done}", status_code=303)
    session.rollback()
    context = case_context(session, runtime, case_id, error=error)
    return page(request, "moderation/case.html", context, status=error.status)


@router.post("/cases/{case_id}/decide", dependencies=[Csrf], response_model=None)
def decide_case(
    request: Request,
    case_id: IntIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    action: Annotated[str, Form(max_length=20), Plain],
    category: Annotated[str, Form(max_length=40), Plain],
    facts: Annotated[str, Form(max_length=5000), Plain] = "",
    manifestly_unfounded: Annotated[bool, Form()] = False,
) -> Response:
    try:
        decide(
            session,
            runtime.moderation,
            case_id,
            staff=staff,
            action=action,
            category=category,
            facts=facts,
            manifestly_unfounded=manifestly_unfounded,
        )
    except LawlineError as error:
        return _after_case(request, session, runtime, case_id, "", error)
    return _after_case(request, session, runtime, case_id, "decided", None)


@router.post("/cases/{case_id}/assign", dependencies=[Csrf], response_model=None)
def assign_case(
    request: Request,
    case_id: IntIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    moderator: Annotated[str, Form(max_length=64), Plain] = "",
) -> Response:
    try:
        chosen: Staff | None = get_staff(session, moderator) if moderator else None
        casework.assign(session, case_id, staff=staff, moderator=chosen, clock=runtime.clock)
    except LawlineError as error:
        return _after_case(request, session, runtime, case_id, "", error)
    return _after_case(request, session, runtime, case_id, "assigned", None)


@router.post("/cases/{case_id}/notes", dependencies=[Csrf], response_model=None)
def add_note(
    request: Request,
    case_id: IntIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=casework.NOTE_MAX + 100), Plain] = "",
) -> Response:
    try:
        casework.add_note(session, case_id, staff=staff, text=text, clock=runtime.clock)
    except LawlineError as error:
        return _after_case(request, session, runtime, case_id, "", error)
    return _after_case(request, session, runtime, case_id, "noted", None)


@router.get("/appeals", response_class=HTMLResponse)
def appeals(
    request: Request,
    staff: ModerationStaff,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(|open|upheld|reversed)$")] = "open",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    found = queries.appeals(session, status or None, page_number)
    context = {"found": found, "args": {"status": status}}
    return page(request, "moderation/appeals.html", context)


def _appeal_page(
    request: Request, session: Session, appeal_id: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    row = queries.appeal(session, appeal_id)
    if row is None:
        raise NotFound(f"no appeal {appeal_id}", code="appeal_not_found")
    context = {"row": row, "reports": queries.reports_of(session, row.case.id), **extra}
    return page(request, "moderation/appeal.html", context, status=status)


@router.get("/appeals/{appeal_id}", response_class=HTMLResponse)
def show_appeal(
    request: Request,
    appeal_id: RecordIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    done: Annotated[str, Query(max_length=40, pattern="^[a-z_]*$")] = "",
) -> HTMLResponse:
    return _appeal_page(request, session, appeal_id, flash=DONE.get(done))


@router.post("/appeals/{appeal_id}/decide", dependencies=[Csrf], response_model=None)
def decide_an_appeal(
    request: Request,
    appeal_id: RecordIdPath,
    staff: ModerationStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    outcome: Annotated[str, Form(pattern="^(reverse|uphold)$")],
    answer: Annotated[str, Form(max_length=5000), Plain] = "",
) -> Response:
    try:
        decide_appeal(
            session,
            runtime.moderation,
            appeal_id,
            staff=staff,
            reverse=outcome == "reverse",
            answer=answer,
        )
    except LawlineError as error:
        session.rollback()
        return _appeal_page(request, session, appeal_id, status=error.status, error=error)
    return RedirectResponse(f"/staff/moderation/appeals/{appeal_id}?done=appeal", status_code=303)


@router.get("/flaggers", response_class=HTMLResponse)
def flaggers(request: Request, staff: ModerationStaff, session: SessionDep) -> HTMLResponse:
    return page(request, "moderation/flaggers.html", {"flaggers": queries.flaggers(session)})
