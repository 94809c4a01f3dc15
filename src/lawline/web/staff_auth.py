"""Staff log-in in the browser: password + TOTP, a session cookie, log-out, and enrolment.

The log-in calls the same `staff.service.log_in` as `POST /v1/staff/login`, so failures,
lockout and the audit entry are the API's; the page only moves the token into a cookie.
"""

from __future__ import annotations

import io
from typing import Annotated

import pyotp
import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from lawline.boundary import Plain, RuntimeDep, SessionDep
from lawline.core.errors import LawlineError
from lawline.staff.service import TOKEN_LIFETIME, Action, Role, create_staff, log_in, log_out
from lawline.throttle import throttled
from lawline.web.render import CSRF_COOKIE, page, set_cookie
from lawline.web.sessions import STAFF_COOKIE, Csrf, StaffViewer

router = APIRouter(prefix="/staff", include_in_schema=False)


def safe_next(value: str | None, default: str) -> str:
    """Only a path on this site: never `//host` or a scheme, so log-in is no open redirect."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, next: Annotated[str, Query(max_length=500), Plain] = ""
) -> HTMLResponse:
    return page(request, "staff/login.html", {"next": safe_next(next, "/staff")})


# the API's log-in throttle object: the form and `POST /v1/staff/login` share one count
@router.post("/login", dependencies=[Csrf, throttled("login", "login_rate")], response_model=None)
def login(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    username: Annotated[str, Form(max_length=64), Plain],
    password: Annotated[str, Form(max_length=200), Plain],
    totp: Annotated[str, Form(max_length=10), Plain],
    next: Annotated[str, Form(max_length=500), Plain] = "/staff",
) -> HTMLResponse | RedirectResponse:
    try:
        token = log_in(
            session, username=username, password=password, totp=totp.strip(), clock=runtime.clock
        )
    except LawlineError as refused:  # wrong credentials (401) or locked out (429)
        # returning (not raising) commits, so failed attempts count towards a lockout
        context = {"next": safe_next(next, "/staff"), "error": refused, "username": username}
        return page(request, "staff/login.html", context, status=refused.status)
    response = RedirectResponse(safe_next(next, "/staff"), status_code=303)
    set_cookie(response, request, STAFF_COOKIE, token, int(TOKEN_LIFETIME.total_seconds()))
    response.delete_cookie(CSRF_COOKIE, path="/")  # a fresh CSRF token for the new session
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, session: SessionDep, runtime: RuntimeDep) -> RedirectResponse:
    token = request.cookies.get(STAFF_COOKIE)
    if token:
        log_out(session, token, runtime.clock)  # the token stops working, not only the cookie
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(STAFF_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
def start(request: Request, staff: StaffViewer) -> RedirectResponse:
    viewer = request.state.viewer
    if viewer.can_legal:
        return RedirectResponse("/staff/legal", status_code=303)
    if viewer.can_moderate:
        return RedirectResponse("/staff/moderation", status_code=303)
    return RedirectResponse("/staff/enrol", status_code=303)


def totp_qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG, drawn in Python (no image service, no script)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration for inline use
    return Markup(svg.replace("<svg", '<svg role="img" aria-label="TOTP enrolment QR code"', 1))  # noqa: S704 - our own SVG


@router.get("/enrol", response_class=HTMLResponse)
def enrol_form(request: Request, staff: StaffViewer) -> HTMLResponse:
    staff.require(Action.STAFF_MANAGE)
    return page(request, "staff/enrol.html", {"roles": [r.value for r in Role]})


@router.post("/enrol", dependencies=[Csrf], response_class=HTMLResponse)
def enrol(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    staff: StaffViewer,
    username: Annotated[str, Form(max_length=64), Plain],
    display_name: Annotated[str, Form(max_length=200), Plain],
    password: Annotated[str, Form(max_length=200), Plain],
    roles: Annotated[list[Annotated[str, Plain]], Form()],
) -> HTMLResponse:
    """An admin creates a staff member; the page shows the TOTP secret once, as a QR code."""
    staff.require(Action.STAFF_MANAGE)
    try:
        member, secret = create_staff(
            session,
            username=username,
            display_name=display_name,
            roles=roles,
            password=password,
            actor=staff.actor,
            clock=runtime.clock,
        )
    except LawlineError as refused:
        context = {"roles": [r.value for r in Role], "error": refused}
        return page(request, "staff/enrol.html", context, status=refused.status)
    uri = pyotp.TOTP(secret).provisioning_uri(name=member.username, issuer_name="lawline")
    context = {"roles": [r.value for r in Role], "created": member, "qr": totp_qr_svg(uri)}
    return page(request, "staff/enrol.html", {**context, "secret": secret})
