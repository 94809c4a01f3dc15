"""Browser sessions over real HTTP on both databases: cookie flags, CSRF refusals, log-out."""

from __future__ import annotations

import re

from sqlalchemy import select

from lawline.audit.models import AuditEntry
from lawline.legal.models import LegalRequest
from tests.factories import STAFF_PASSWORD
from tests.web.conftest import Pages
from tests.web.world import totp_for

FORM = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(pages: Pages, path: str) -> str:
    response = pages.http.get(path, headers={"accept": "text/html"})
    assert response.status_code == 200, response.text
    found = FORM.search(response.text)
    assert found is not None
    return found.group(1)


def _log_in(pages: Pages, username: str) -> None:
    token = _csrf(pages, "/staff/login")
    response = pages.http.post(
        "/staff/login",
        data={
            "csrf_token": token,
            "username": username,
            "password": STAFF_PASSWORD,
            "totp": totp_for(pages.runtime, username),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    cookie = response.headers["set-cookie"]
    assert "lawline_staff=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" in cookie  # the client speaks https, as behind a TLS proxy


def _entries(pages: Pages, entry_type: str, subject: str | None = None) -> int:
    query = select(AuditEntry).where(AuditEntry.entry_type == entry_type)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    with pages.runtime.sessions() as session:
        return len(session.execute(query).all())


def test_a_log_in_form_without_its_csrf_token_is_refused(pages: Pages) -> None:
    _csrf(pages, "/staff/login")  # the cookie is set, the form field is missing
    response = pages.http.post(
        "/staff/login",
        data={
            "username": "anna",
            "password": STAFF_PASSWORD,
            "totp": totp_for(pages.runtime, "anna"),
        },
        headers={"accept": "text/html"},
    )
    assert response.status_code == 403
    assert "csrf_failed" in response.text
    assert "lawline_staff" not in response.headers.get("set-cookie", "")
    assert _entries(pages, "staff.logged_in") == 0


def test_an_approval_posted_without_or_with_a_wrong_token_changes_nothing(pages: Pages) -> None:
    _log_in(pages, "anna")
    request_id = pages.world.requests["nl"]
    path = f"/staff/legal/requests/{request_id}/approve"
    for data in ({}, {"csrf_token": "forged"}):
        response = pages.http.post(path, data=data, headers={"accept": "text/html"})
        assert response.status_code == 403
        assert "csrf_failed" in response.text
    assert _entries(pages, "request.approval", f"request:{request_id}") == 0
    token = _csrf(pages, f"/staff/legal/requests/{request_id}")
    response = pages.http.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert _entries(pages, "request.approval", f"request:{request_id}") == 1
    with pages.runtime.sessions() as session:
        assert session.get(LegalRequest, request_id).status == "in_review"  # one of two


def test_pages_need_a_session_and_send_a_strict_content_policy(pages: Pages) -> None:
    response = pages.http.get(
        "/staff/legal", headers={"accept": "text/html"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?next=%2Fstaff%2Flegal"
    public = pages.http.get("/search?q=news")
    assert "script-src 'self'" in public.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in public.headers["content-security-policy"]


def test_log_in_refuses_to_redirect_off_site(pages: Pages) -> None:
    token = _csrf(pages, "/staff/login")
    response = pages.http.post(
        "/staff/login",
        data={
            "csrf_token": token,
            "username": "carla",
            "password": STAFF_PASSWORD,
            "totp": totp_for(pages.runtime, "carla"),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/staff"


def test_enrolment_shows_a_qr_code_and_log_out_ends_the_session(pages: Pages) -> None:
    import pyotp

    _log_in(pages, "root")
    token = _csrf(pages, "/staff/enrol")
    created = pages.http.post(
        "/staff/enrol",
        data={
            "csrf_token": token,
            "username": "nora",
            "display_name": "Nora",
            "password": STAFF_PASSWORD,
            "roles": ["moderator"],
        },
    )
    assert created.status_code == 200, created.text
    assert '<svg role="img" aria-label="TOTP enrolment QR code"' in created.text
    found = re.search(r"Or type the secret: <code>([A-Z2-7]+)</code>", created.text)
    assert found is not None
    staff_cookie = pages.http.cookies.get("lawline_staff")
    response = pages.http.post(
        "/staff/logout", data={"csrf_token": _csrf(pages, "/staff/enrol")}, follow_redirects=False
    )
    assert response.status_code == 303
    pages.http.cookies.set("lawline_staff", str(staff_cookie))  # the old cookie, replayed
    again = pages.http.get("/staff/enrol", headers={"accept": "text/html"}, follow_redirects=False)
    assert again.status_code == 303  # back to the log-in page: the token itself is gone

    code = pyotp.TOTP(found.group(1)).at(pages.runtime.clock.now())
    login = pages.http.post(
        "/staff/login",
        data={
            "csrf_token": _csrf(pages, "/staff/login"),
            "username": "nora",
            "password": STAFF_PASSWORD,
            "totp": code,
        },
        follow_redirects=False,
    )
    assert login.headers["location"] == "/staff"


def test_the_log_in_page_locks_out_like_the_api(pages: Pages) -> None:
    statuses = []
    for _ in range(6):
        response = pages.http.post(
            "/staff/login",
            data={
                "csrf_token": _csrf(pages, "/staff/login"),
                "username": "carla",
                "password": "wrong password, twelve+",
                "totp": "000000",
            },
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]
    assert "login_locked" in response.text
