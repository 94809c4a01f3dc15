"""The authority portal: sign in with a signed challenge, follow the authority's own requests,
answer questions, extend holds, download packages.

Every read goes through `legal.review`'s own-request lookups, which answer 404 for another
authority's request, so the portal cannot show one authority another's data.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawline.authorities import portal
from lawline.authorities.models import Authority
from lawline.boundary import Plain, RecordIdPath, RuntimeDep, SessionDep
from lawline.core.errors import LawlineError, Unauthorized
from lawline.disclosure.package import package_for
from lawline.legal import notices, queries, review
from lawline.legal.models import LegalRequest
from lawline.runtime import Runtime
from lawline.web.render import CSRF_COOKIE, page, set_cookie, time_left
from lawline.web.sessions import Csrf, LoginRequired, Viewer

router = APIRouter(prefix="/portal", include_in_schema=False)
AUTHORITY_COOKIE = "lawline_authority"
DONE = {
    "answered": "Your answer is sent; the review continues.",
    "extended": "The hold is extended.",
}


def audience(request: Request, runtime: Runtime) -> str:
    """The address a challenge is bound to: the configured public URL, else this request's."""
    return (runtime.settings.public_url or str(request.base_url)).rstrip("/")


def current_authority(request: Request, session: SessionDep, runtime: RuntimeDep) -> Authority:
    token = request.cookies.get(AUTHORITY_COOKIE)
    if not token:
        raise LoginRequired("/portal/login", request.url.path)
    try:
        authority = portal.authority_for_session(session, token, runtime.clock)
    except Unauthorized:
        raise LoginRequired("/portal/login", request.url.path) from None
    request.state.viewer = Viewer(
        kind="authority", label=authority.name, logout_url="/portal/logout"
    )
    return authority


AuthorityViewer = Annotated[Authority, Depends(current_authority)]


def _login_page(
    request: Request, runtime: Runtime, status: int = 200, error: LawlineError | None = None
) -> HTMLResponse:
    challenge = portal.issue_challenge(
        runtime.signing_key, runtime.clock, audience(request, runtime)
    )
    context = {"challenge": challenge, "error": error, "audience": audience(request, runtime)}
    return page(request, "portal/login.html", context, status=status)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return _login_page(request, runtime)


@router.post("/login", dependencies=[Csrf], response_model=None)
def login(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    challenge: Annotated[str, Form(max_length=400), Plain],
    key_id: Annotated[str, Form(max_length=64), Plain],
    signature: Annotated[str, Form(max_length=200), Plain],
) -> Response:
    try:
        done = portal.sign_in(
            session,
            challenge=challenge,
            key_id=key_id,
            signature=signature,
            platform_key=runtime.signing_key,
            audience=audience(request, runtime),
            clock=runtime.clock,
        )
    except Unauthorized as refused:
        session.rollback()
        return _login_page(request, runtime, status=refused.status, error=refused)
    response = RedirectResponse("/portal", status_code=303)
    lifetime = int(portal.SESSION_LIFETIME.total_seconds())
    set_cookie(response, request, AUTHORITY_COOKIE, done.token, lifetime)
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, session: SessionDep, runtime: RuntimeDep) -> RedirectResponse:
    token = request.cookies.get(AUTHORITY_COOKIE)
    if token:
        portal.sign_out(session, token, runtime.clock)
    response = RedirectResponse("/portal/login", status_code=303)
    response.delete_cookie(AUTHORITY_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
def requests(
    request: Request, authority: AuthorityViewer, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse:
    now = runtime.clock.now()
    own = queries.requests_of(session, authority.id)
    rows = [{"r": r, "left": time_left(r.deadline_at, now)} for r in own]
    return page(request, "portal/requests.html", {"authority": authority, "rows": rows})


def _own(session: SessionDep, authority: Authority, request_id: str) -> LegalRequest:
    return queries.own_request(session, request_id, authority.id)


def _request_page(
    request: Request,
    session: SessionDep,
    runtime: Runtime,
    authority: Authority,
    request_id: str,
    status: int = 200,
    **extra: object,
) -> HTMLResponse:
    own = _own(session, authority, request_id)
    questions = queries.questions_of(session, own.id)
    package = package_for(session, own.id)
    context = {
        "r": own,
        "targets": queries.targets_of(session, own.id),
        "questions": questions,
        "notices": notices.notices_of(session, own.id),
        "package": package,
        "left": time_left(own.deadline_at, runtime.clock.now()),
        **extra,
    }
    return page(request, "portal/request.html", context, status=status)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def show(
    request: Request,
    request_id: RecordIdPath,
    authority: AuthorityViewer,
    session: SessionDep,
    runtime: RuntimeDep,
    done: Annotated[str, Query(max_length=40, pattern="^[a-z_]*$")] = "",
) -> HTMLResponse:
    return _request_page(request, session, runtime, authority, request_id, flash=DONE.get(done))


@router.post("/requests/{request_id}/answer", dependencies=[Csrf], response_model=None)
def answer(
    request: Request,
    request_id: RecordIdPath,
    authority: AuthorityViewer,
    session: SessionDep,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=8000), Plain] = "",
) -> Response:
    try:
        _own(session, authority, request_id)
        review.answer_information(
            session, runtime.legal, request_id, authority_id=authority.id, answer=text
        )
    except LawlineError as error:
        session.rollback()
        return _request_page(
            request, session, runtime, authority, request_id, status=error.status, error=error
        )
    return RedirectResponse(f"/portal/requests/{request_id}?done=answered", status_code=303)


@router.post("/requests/{request_id}/extend", dependencies=[Csrf], response_model=None)
def extend(
    request: Request,
    request_id: RecordIdPath,
    authority: AuthorityViewer,
    session: SessionDep,
    runtime: RuntimeDep,
    confirm_production: Annotated[bool, Form()] = False,
) -> Response:
    try:
        _own(session, authority, request_id)
        review.extend_preservation(
            session,
            runtime.legal,
            request_id,
            authority_id=authority.id,
            confirm_production=confirm_production,
        )
    except LawlineError as error:
        session.rollback()
        return _request_page(
            request, session, runtime, authority, request_id, status=error.status, error=error
        )
    return RedirectResponse(f"/portal/requests/{request_id}?done=extended", status_code=303)


@router.post("/requests/{request_id}/package", dependencies=[Csrf])
def download(
    request_id: RecordIdPath, authority: AuthorityViewer, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """A POST with the CSRF token, not a link: fetching the package closes the request."""
    _own(session, authority, request_id)
    data = review.deliver_package(session, runtime.legal, request_id, authority_id=authority.id)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{request_id}.tar.age"',
            "Cache-Control": "no-store",
        },
    )
