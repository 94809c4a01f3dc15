"""Browser sessions: who is looking at a page, and the CSRF check on every form post.

A staff session cookie holds the same bearer token `POST /v1/staff/login` issues, so expiry,
lockout and logout are the staff service's and behave as on the API. An authority's session
cookie holds a token from the portal's signed-challenge log-in (`web/portal_auth.py`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from lawline.boundary import RuntimeDep, SessionDep
from lawline.core.errors import Forbidden, LawlineError, Unauthorized
from lawline.staff.service import Action, Staff, allowed, staff_for_token
from lawline.web.render import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER

STAFF_COOKIE = "lawline_staff"


class LoginRequired(LawlineError):
    """Turned into a redirect to the log-in page by the page error handler."""

    status = 401
    default_code = "login_required"

    def __init__(self, login_url: str, next_url: str) -> None:
        super().__init__("log in to see this page")
        self.login_url = login_url
        self.next_url = next_url


@dataclass(frozen=True)
class Viewer:
    """What the shared layout needs to know about the person looking at a page."""

    kind: str  # staff | authority
    label: str
    logout_url: str
    can_legal: bool = False
    can_moderate: bool = False


async def check_csrf(request: Request) -> None:
    """Refuse a form post whose token (field or htmx header) differs from the cookie's."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise Forbidden("the form expired or did not come from lawline", code="csrf_failed")


Csrf = Depends(check_csrf)


def _next_url(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def current_staff(request: Request, session: SessionDep, runtime: RuntimeDep) -> Staff:
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        raise LoginRequired("/staff/login", _next_url(request))
    try:
        staff = staff_for_token(session, token, runtime.clock)
    except Unauthorized:
        raise LoginRequired("/staff/login", _next_url(request)) from None
    request.state.viewer = Viewer(
        kind="staff",
        label=staff.username,
        logout_url="/staff/logout",
        can_legal=allowed(staff, Action.LEGAL_QUEUE_READ),
        can_moderate=allowed(staff, Action.MODERATION_QUEUE_READ),
    )
    return staff


def legal_staff(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
    staff.require(Action.LEGAL_QUEUE_READ)
    return staff


def legal_reader(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
    staff.require(Action.LEGAL_REQUEST_READ)
    return staff


def moderation_staff(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
    staff.require(Action.MODERATION_QUEUE_READ)
    return staff


StaffViewer = Annotated[Staff, Depends(current_staff)]
LegalStaff = Annotated[Staff, Depends(legal_staff)]
LegalReader = Annotated[Staff, Depends(legal_reader)]
ModerationStaff = Annotated[Staff, Depends(moderation_staff)]
