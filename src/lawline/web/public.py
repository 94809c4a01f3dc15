"""Public pages: the front page, channel search with a "report this" link, and the report form.

A report made here is a notice like one through `POST /v1/reports`: the same
`moderation.reports.submit_report`, with its rate limits and misuse handling. The reporter is
the browser, known by a random id lawline issues in an HttpOnly cookie, never an id the visitor
types. A visitor can drop or forge that cookie, so the form has the API's per-client throttle in
front of it, and the reporter is a keyed hash of the client address with the cookie: a cookie
copied from another address is another reporter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from lawline.boundary import Plain, RuntimeDep, SessionDep
from lawline.core.errors import LawlineError
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.reports import submit_report
from lawline.runtime import Runtime
from lawline.search import service as search_service
from lawline.throttle import throttled
from lawline.web.render import page, set_cookie
from lawline.web.sessions import Csrf

REPORTER_COOKIE = "lawline_reporter"

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return page(request, "home.html")


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200), Plain] = "",
) -> HTMLResponse:
    hits = search_service.search(session, q, 50) if q.strip() else []
    return page(request, "public/search.html", {"q": q, "hits": hits})


def _reporter(request: Request) -> str:
    # one value per request: the id a first report is filed under is the cookie it then gets
    chosen: str | None = getattr(request.state, "reporter", None)
    if chosen is None:
        value = request.cookies.get(REPORTER_COOKIE, "")
        ok = len(value) == 32 and value.isascii() and value.isalnum()
        chosen = request.state.reporter = value if ok else secrets.token_hex(16)
    return chosen


def _report_page(request: Request, context: dict[str, object], status: int = 200) -> HTMLResponse:
    reporter = _reporter(request)
    response = page(
        request, "public/report.html", {"categories": CATEGORIES, **context}, status=status
    )
    if request.cookies.get(REPORTER_COOKIE) != reporter:
        set_cookie(response, request, REPORTER_COOKIE, reporter, max_age=365 * 86400)
    return response


@router.get("/report", response_class=HTMLResponse)
def report_form(
    request: Request, target: Annotated[str, Query(max_length=300), Plain] = ""
) -> HTMLResponse:
    return _report_page(request, {"target": target})


def _reporter_id(request: Request, runtime: Runtime, cookie: str) -> str:
    """The reporter as the server establishes it (as `api.reports.reporter_identity` does for
    the API): base32 of an HMAC, so it never looks like a phone number or an address."""
    address = request.client.host if request.client else "unknown"
    digest = hmac.new(
        runtime.reporter_pseudonym_key, f"{address}\n{cookie}".encode(), hashlib.sha256
    ).digest()
    return "web:" + base64.b32encode(digest).decode().rstrip("=").lower()[:26]


# the API's throttle object ("reports"): the form and `POST /v1/reports` share one count
@router.post(
    "/report",
    dependencies=[Csrf, throttled("reports", "report_client_rate")],
    response_class=HTMLResponse,
)
def report(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    target: Annotated[str, Form(max_length=300), Plain],
    category: Annotated[str, Form(max_length=40), Plain],
    text: Annotated[str, Form(max_length=2000), Plain] = "",
) -> HTMLResponse:
    reporter = _reporter(request)
    try:
        submitted = submit_report(
            session,
            runtime.moderation,
            target=target,
            category=category,
            text=text,
            reporter_id=_reporter_id(request, runtime, reporter),
            idempotency_key=None,
            via="web",
        )
    except LawlineError as error:
        session.rollback()
        context = {"target": target, "error": error, "chosen": category, "text": text}
        return _report_page(request, context, status=error.status)
    return _report_page(request, {"target": target, "done": submitted.report})
