"""The authority API: every call is signed (RFC 9421) by a registered authority key.

An authority sees only its own requests; anyone else's id answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from lawline.api.deps import RuntimeDep, SessionDep, read_in_thread, write_in_thread
from lawline.api.errors import error_response
from lawline.api.openapi import errors
from lawline.api.params import RequestIdPath
from lawline.api.security import AUTHORITY_SIGNATURE
from lawline.authorities.service import get_authority
from lawline.authorities.signatures import (
    SignedMessage,
    VerifiedCaller,
    check_signature,
    remember_signature,
)
from lawline.legal import notices, queries, review, validation
from lawline.legal.enforcing import delivery_held
from lawline.legal.intake import submit_request
from lawline.legal.models import LegalRequest
from lawline.legal.schemas import (
    AUTHORITY_VISIBLE_WARNINGS,
    AnswerIn,
    ExtensionIn,
    NoticeOut,
    Reason,
    RequestIn,
    RequestOut,
    ValidationIn,
)
from lawline.runtime import Runtime

router = APIRouter(prefix="/v1/authority", tags=["authority"])


async def signed_caller(
    request: Request,
    runtime: RuntimeDep,
    _scheme: Annotated[str | None, Security(AUTHORITY_SIGNATURE)] = None,
) -> VerifiedCaller:
    body = await request.body()  # bounded by api.limits before a byte is read
    # Two steps, each off the event loop: the check reads (a read session, any number at once),
    # and the accepted signature is recorded in a transaction committed before the request's
    # work starts, through the same writer as that work (on SQLite the group writer: no second
    # writer polling for SQLite's lock).
    caller, signature = await read_in_thread(
        runtime,
        check_signature,
        signed_message(request, runtime.settings.public_url),
        body,
        runtime.clock,
        str(request.url),
    )
    await write_in_thread(runtime, remember_signature, signature, caller.key_id, runtime.clock)
    return caller


def signed_message(request: Request, public_url: str | None) -> SignedMessage:
    """The request as the authority must have signed it: `@target-uri` is this deployment's
    public URL (LAWLINE_PUBLIC_URL) with the path and query received, never the Host header
    the client sent. Without a public URL (a loopback-only server: `lawline serve` refuses
    anything else) the URL as received stands in."""
    # RFC 9421 2.2.2: the target as the client sent it. `request.url.path` is percent-decoded,
    # so a signer that signed `/requests/%2B31...` (as any conforming one does) never verified.
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    base = public_url.rstrip("/") if public_url else f"{request.url.scheme}://{request.url.netloc}"
    url = base + path
    if request.url.query:
        url += "?" + request.url.query
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    return SignedMessage(request.method, url, headers)


Caller = Annotated[VerifiedCaller, Depends(signed_caller)]


def request_out(
    session: Session, request: LegalRequest, runtime: Runtime, *, just_submitted: bool = False
) -> RequestOut:
    """The authority's view of `request`. `just_submitted`: intake made it in this transaction,
    so it has neither a package nor questions yet, and neither is looked for."""
    from lawline.disclosure.package import package_for

    package = None if just_submitted else package_for(session, request.id)
    questions = [
        {
            "question": q.question,
            "asked_at": q.asked_at,
            "answer": q.answer,
            "answered_at": q.answered_at,
        }
        for q in ([] if just_submitted else queries.questions_of(session, request.id))
    ]
    return RequestOut(
        id=request.id,
        type=request.request_type,
        status=request.status,
        regime=request.regime,
        binding=request.binding,
        instrument_kind=request.instrument_kind,
        instrument_reference=request.instrument_reference,
        case_reference=request.case_reference,
        offense=request.offense,
        categories=request.categories,
        targets=queries.target_displays(session, request.id),
        range_start=request.range_start,
        range_end=request.range_end,
        adjustments=[
            Reason.model_validate(w)
            for w in request.warnings
            if w.get("code") in AUTHORITY_VISIBLE_WARNINGS
        ],
        received_at=request.received_at,
        deadline_at=request.deadline_at,
        reasons=[Reason.model_validate(r) for r in request.reasons],
        questions=questions,
        decision_reason=request.decision_reason,
        refusal_ground=request.refusal_ground,
        hold_until=request.hold_until,
        package_available=package is not None
        and package.ciphertext is not None
        and not delivery_held(request, runtime.clock.now()),
        validation_state=request.validation_state,
        validation_due_at=request.validation_due_at,
        release_at=request.release_at,
        enforcing_answer=request.enforcing_answer,
    )


@router.post(
    "/requests",
    status_code=201,
    response_model=RequestOut,
    responses={422: {"description": "checks_failed, with every reason"}},
)
async def submit(
    payload: RequestIn, caller: Caller, runtime: RuntimeDep
) -> RequestOut | JSONResponse:
    def store(session: Session) -> tuple[LegalRequest, RequestOut]:
        request = submit_request(
            session,
            runtime.legal,
            authority=get_authority(session, caller.authority_id),
            payload=payload,
            entered_by=f"authority:{caller.authority_id}",
        )
        return request, request_out(session, request, runtime, just_submitted=True)

    # One worker-thread hop for the whole transaction, committed before the answer (a refused
    # request is stored too, with its reasons).
    request, out = await write_in_thread(runtime, store)
    if request.status == "rejected":
        return error_response(
            422,
            "checks_failed",
            f"the request failed {len(request.reasons)} check(s); it is recorded as {request.id}",
            request_id=request.id,
            reasons=[r.model_dump() for r in out.reasons],
        )
    return out


@router.get("/requests")
def list_requests(caller: Caller, session: SessionDep, runtime: RuntimeDep) -> list[RequestOut]:
    return [
        request_out(session, r, runtime) for r in queries.requests_of(session, caller.authority_id)
    ]


@router.get("/requests/{request_id}")
def get_request(
    request_id: RequestIdPath, caller: Caller, session: SessionDep, runtime: RuntimeDep
) -> RequestOut:
    return request_out(
        session, queries.own_request(session, request_id, caller.authority_id), runtime
    )


@router.post("/requests/{request_id}/answers", responses=errors(409))
def answer(
    request_id: RequestIdPath,
    payload: AnswerIn,
    caller: Caller,
    session: SessionDep,
    runtime: RuntimeDep,
) -> RequestOut:
    queries.own_request(session, request_id, caller.authority_id)
    request = review.answer_information(
        session, runtime.legal, request_id, authority_id=caller.authority_id, answer=payload.answer
    )
    out = request_out(session, request, runtime)
    return out


@router.post("/requests/{request_id}/extension", responses=errors(409))
def extend(
    request_id: RequestIdPath,
    payload: ExtensionIn,
    caller: Caller,
    session: SessionDep,
    runtime: RuntimeDep,
) -> RequestOut:
    queries.own_request(session, request_id, caller.authority_id)
    request = review.extend_preservation(
        session,
        runtime.legal,
        request_id,
        authority_id=caller.authority_id,
        confirm_production=payload.confirm_production,
    )
    out = request_out(session, request, runtime)
    return out


@router.get("/requests/{request_id}/notices")
def list_notices(
    request_id: RequestIdPath, caller: Caller, session: SessionDep, runtime: RuntimeDep
) -> list[NoticeOut]:
    """The Annex III notices lawline sent about this order (Reg. 2023/1543 Art. 10(5)-(8))."""
    queries.own_request(session, request_id, caller.authority_id)
    return [
        NoticeOut.model_validate(notices.notice_out(n))
        for n in notices.notices_of(session, request_id)
    ]


@router.post("/requests/{request_id}/validation")
def report_validation(
    request_id: RequestIdPath,
    payload: ValidationIn,
    caller: Caller,
    session: SessionDep,
    runtime: RuntimeDep,
) -> RequestOut:
    """Art. 4(5): the outcome of the ex-post validation of an emergency order; a refusal
    withdraws the order and lawline deletes the data it delivered or preserved for it."""
    queries.own_request(session, request_id, caller.authority_id)
    request = validation.record_validation(
        session,
        runtime.legal,
        request_id,
        authority_id=caller.authority_id,
        granted=payload.granted,
        validated_by=payload.validated_by,
        validator_role=payload.validator_role,
    )
    out = request_out(session, request, runtime)
    return out


@router.get(
    "/requests/{request_id}/package",
    response_class=Response,
    responses={
        200: {
            "content": {"application/octet-stream": {}},
            "description": "the age-encrypted package",
        }
    },
)
def fetch(
    request_id: RequestIdPath, caller: Caller, session: SessionDep, runtime: RuntimeDep
) -> Response:
    queries.own_request(session, request_id, caller.authority_id)
    data = review.deliver_package(
        session, runtime.legal, request_id, authority_id=caller.authority_id
    )
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{request_id}.tar.age"'},
    )
