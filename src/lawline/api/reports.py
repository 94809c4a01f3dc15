"""Public reports and search, and the staff moderation queue."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lawline.api.deps import RuntimeDep, SessionDep, read_in_thread, write_in_thread
from lawline.api.openapi import errors
from lawline.api.params import (
    AppealIdPath,
    CaseIdPath,
    IdempotencyKey,
    ReportIdPath,
    SearchQuery,
)
from lawline.api.staff import staff_may
from lawline.core.errors import Unauthorized
from lawline.core.fields import InputModel, RecordId
from lawline.moderation import appeals, decisions, flaggers, queries
from lawline.moderation.models import Appeal, Decision, Report
from lawline.moderation.reports import submit_report
from lawline.moderation.schemas import (
    CaseOut,
    DecisionIn,
    DecisionOut,
    ReportIn,
    ReportOut,
    ReportReceiptOut,
    SearchHit,
)
from lawline.search import service as search_service
from lawline.staff.service import Action, Staff
from lawline.throttle import throttled

public = APIRouter(tags=["public"])
staff = APIRouter(prefix="/v1/staff", tags=["moderation"])


def report_out(report: Report) -> ReportOut:
    return ReportOut(
        id=report.id,
        case_id=report.case_id,
        category=report.category,
        status="decided" if report.outcome else "received",
        outcome=report.outcome,
        created_at=report.created_at,
    )


@dataclass(frozen=True)
class ReporterIdentity:
    """Who reports, as the request shows it: a trusted flagger's API key, or the pseudonym of
    an anonymous client. The key is checked against the registry in the report's transaction."""

    api_key: str | None = None
    pseudonym: str | None = None

    def reporter_id(self, session: Session) -> str:
        if self.api_key is not None:
            return flaggers.flagger_for_key(session, self.api_key).reporter_id
        assert self.pseudonym is not None
        return self.pseudonym


async def reporter_identity(
    runtime: RuntimeDep,
    request: Request,
    authorization: Annotated[str | None, Header(max_length=200)] = None,
    x_client_key: Annotated[
        str | None,
        Header(
            max_length=100,
            description="a random key the reporting app keeps per installation; with the "
            "client address it tells anonymous reporters apart",
        ),
    ] = None,
) -> ReporterIdentity:
    """Who reports, as the server establishes it: a trusted flagger by its API key
    (`Authorization: Bearer llf_...`), anyone else by a keyed hash of the client address and
    client key. Nothing in the body decides it. (async: one HMAC, no reason for a thread hop)"""
    if authorization is not None:
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Unauthorized("send `Authorization: Bearer <API key>`", code="api_key_invalid")
        return ReporterIdentity(api_key=key.strip())
    address = request.client.host if request.client else "unknown"
    digest = hmac.new(
        runtime.reporter_pseudonym_key,
        f"{address}\n{x_client_key or ''}".encode(),
        hashlib.sha256,
    ).digest()
    # base32 (letters and 2-7) so no pseudonym can look like a phone number or an address
    return ReporterIdentity(
        pseudonym="api-" + base64.b32encode(digest).decode().rstrip("=").lower()[:26]
    )


@public.post(
    "/v1/reports",
    status_code=201,
    response_model=ReportReceiptOut,
    responses={
        200: {"model": ReportReceiptOut, "description": "a replay of an idempotency key"},
        **errors(401, 403, 409, 429),
    },
    dependencies=[throttled("reports", "report_client_rate")],
)
async def post_report(
    payload: ReportIn,
    runtime: RuntimeDep,
    response: Response,
    reporter: Annotated[ReporterIdentity, Depends(reporter_identity)],
    idempotency_key: IdempotencyKey = None,
) -> ReportReceiptOut:
    """Report a public channel, group, post or account. A 2xx means the report is stored.
    Anyone may report (throttled per client); trusted flaggers send their API key. The answer
    carries a one-time `receipt`, the proof needed to complain against the decision."""

    def store(session: Session) -> tuple[bool, ReportReceiptOut]:
        submitted = submit_report(
            session,
            runtime.moderation,
            target=payload.target,
            category=payload.category,
            text=payload.text,
            reporter_id=reporter.reporter_id(session),
            idempotency_key=idempotency_key,
            via="api",
        )
        out = report_out(submitted.report)
        return submitted.replayed, ReportReceiptOut(**out.model_dump(), receipt=submitted.receipt)

    # One worker-thread hop for the whole transaction, committed before the answer.
    replayed, out = await write_in_thread(runtime, store)
    if replayed:
        response.status_code = 200
    return out


@public.get("/v1/reports/{report_id}")
def get_report(report_id: ReportIdPath, session: SessionDep) -> ReportOut:
    """A report's status and outcome (report ids are unguessable)."""
    return report_out(queries.get_report(session, report_id))


@public.get("/v1/search")
async def search(
    runtime: RuntimeDep,
    q: SearchQuery,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SearchHit]:
    """Search public channels and groups; delisted and removed ones never appear."""
    hits = await read_in_thread(runtime, search_service.search, q, limit)
    return [
        SearchHit(
            channel=f"t.me/{h.name}",
            kind=h.kind,
            title=h.title,
            description=h.description,
            language=h.language,
            subscribers=h.subscribers,
        )
        for h in hits
    ]


def case_out(item: queries.QueuedCase) -> CaseOut:
    c = item.case
    suggestion = (
        None
        if c.triage_model is None
        else {"category": c.triage_category, "score": c.triage_score, "model": c.triage_model}
    )
    return CaseOut(
        id=c.id,
        target=c.target_key,
        kind=c.target_kind,
        status=c.status,
        categories=c.categories,
        reports=c.reports,
        reporters=c.reporters,
        trusted=c.trusted,
        first_report_at=c.first_report_at,
        last_report_at=c.last_report_at,
        deadline_at=c.deadline_at,
        overdue=item.overdue,
        priority=round(item.priority, 1),
        suggestion=suggestion,
    )


@staff.get("/cases")
def moderation_queue(
    member: Annotated[Staff, staff_may(Action.MODERATION_QUEUE_READ)],
    session: SessionDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CaseOut]:
    """Open cases, highest priority first (overdue, trusted flaggers, severity, score...)."""
    return [case_out(item) for item in queries.queue(session, runtime.clock, limit)]


def decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        case_id=decision.case_id,
        action=decision.action,
        category=decision.category,
        moderator=decision.moderator,
        decided_at=decision.decided_at,
        followed_suggestion=decision.followed_suggestion,
        violation_id=decision.violation_id,
        statement=decision.statement,
    )


@staff.post("/cases/{case_id}/decision", status_code=201, responses=errors(409))
def decide(
    case_id: CaseIdPath,
    payload: DecisionIn,
    member: Annotated[Staff, staff_may(Action.MODERATION_DECIDE)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> DecisionOut:
    decision = decisions.decide(
        session,
        runtime.moderation,
        case_id,
        staff=member,
        action=payload.action,
        category=payload.category,
        facts=payload.facts,
        manifestly_unfounded=payload.manifestly_unfounded,
        territorial_scope=payload.territorial_scope,
    )
    return decision_out(decision)


@staff.get("/cases/{case_id}")
def get_case(
    case_id: CaseIdPath,
    member: Annotated[Staff, staff_may(Action.MODERATION_CASE_READ)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> CaseOut:
    return case_out(queries.rank(queries.get_case(session, case_id), runtime.clock.now()))


class AppealIn(InputModel):
    decision_id: RecordId
    appellant_account_id: str = Field(
        max_length=64, description="the owner, as the platform authenticated them"
    )
    grounds: str = Field(max_length=5000)


class AppealDecisionIn(InputModel):
    reverse: bool
    answer: str = Field(max_length=5000, description="what the appellant receives")


class AppealOut(BaseModel):
    id: str
    decision_id: str
    status: str
    answer: str | None
    decided_by: str | None


def appeal_out(appeal: Appeal) -> AppealOut:
    return AppealOut(
        id=appeal.id,
        decision_id=appeal.decision_id,
        status=appeal.status,
        answer=appeal.answer,
        decided_by=appeal.decided_by,
    )


@staff.post("/appeals", status_code=201, responses=errors(404, 409))
def file_appeal(
    payload: AppealIn,
    member: Annotated[Staff, staff_may(Action.MODERATION_APPEAL_FILE)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> AppealOut:
    """File an owner's appeal (DSA Art. 20), as the platform's support relays it."""
    appeal = appeals.file_appeal(
        session,
        payload.decision_id,
        staff=member,
        appellant_account_id=payload.appellant_account_id,
        grounds=payload.grounds,
        clock=runtime.clock,
    )
    return appeal_out(appeal)


@staff.post("/appeals/{appeal_id}/decision", responses=errors(409))
def decide_appeal(
    appeal_id: AppealIdPath,
    payload: AppealDecisionIn,
    member: Annotated[Staff, staff_may(Action.MODERATION_APPEAL_DECIDE)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> AppealOut:
    """A moderator other than the one who decided the case upholds or reverses it."""
    appeal = appeals.decide_appeal(
        session,
        runtime.moderation,
        appeal_id,
        staff=member,
        reverse=payload.reverse,
        answer=payload.answer,
    )
    return appeal_out(appeal)
