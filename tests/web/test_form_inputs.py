"""Page forms take the API's rules for odd input: NUL and other control characters in any text
field, and integers past PostgreSQL's `integer`, are a 422 page, never a 500, and nothing is
stored. The structural test keeps every form field of every page on the shared types."""

from __future__ import annotations

import re

from annotated_types import Le
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lawline.api.app import create_app
from lawline.core.fields import check_text
from lawline.legal.models import Review
from lawline.moderation.models import CaseNote, Decision, Report
from lawline.web import legal, moderation, portal, public, staff_auth, transparency
from tests.factories import STAFF_PASSWORD
from tests.web.conftest import Pages
from tests.web.world import totp_for

FORM = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_every_form_field_is_checked() -> None:
    unchecked = []
    for router in (
        legal.router,
        moderation.router,
        portal.router,
        public.router,
        staff_auth.router,
    ):
        for route in router.routes:
            for param in route.dependant.body_params:  # type: ignore[attr-defined]
                info = param.field_info
                metadata = info.metadata
                if info.annotation in (str, list[str]):
                    checked = any(getattr(m, "func", None) is check_text for m in metadata)
                    patterned = any(getattr(m, "pattern", None) for m in metadata)
                    if not (checked or patterned):
                        unchecked.append(f"{route.path} {param.name}")
                elif info.annotation is int and not any(isinstance(m, Le) for m in metadata):
                    unchecked.append(f"{route.path} {param.name}")
    assert unchecked == []


def test_every_query_parameter_is_checked() -> None:
    """A page's query string reaches SQL filters as a form does (NUL reached PostgreSQL: a
    500), so each text parameter carries the same check."""
    unchecked = []
    for router in (
        legal.router,
        moderation.router,
        portal.router,
        public.router,
        staff_auth.router,
        transparency.router,
    ):
        for route in router.routes:
            for param in route.dependant.query_params:  # type: ignore[attr-defined]
                info = param.field_info
                if info.annotation in (str, str | None):
                    metadata = info.metadata
                    checked = any(getattr(m, "func", None) is check_text for m in metadata)
                    patterned = any(getattr(m, "pattern", None) for m in metadata)
                    if not (checked or patterned):
                        unchecked.append(f"{route.path} {param.name}")
    assert unchecked == []


def test_control_characters_in_page_queries_are_422(pages: Pages) -> None:
    queries = {
        "carla": ["/staff/legal?country=", "/staff/legal?regime=", "/staff/legal?type="],
        "mo": ["/staff/moderation?assigned=", "/staff/moderation?category="],
    }
    for username, urls in queries.items():
        http, _ = _logged_in(pages, username)
        for url in urls:
            for odd in ("%00", "%01", "%1b"):
                response = http.get(url + odd, headers={"accept": "text/html"})
                assert response.status_code == 422, (url, odd, response.status_code)
    anonymous = TestClient(create_app(pages.runtime), base_url="https://testserver")
    for url in ("/search?q=%00", "/report?target=a%00", "/transparency/2026-Q3?country=N%00"):
        assert anonymous.get(url, headers={"accept": "text/html"}).status_code == 422, url


def _logged_in(pages: Pages, username: str) -> tuple[TestClient, str]:
    http = TestClient(
        create_app(pages.runtime), base_url="https://testserver", raise_server_exceptions=False
    )
    form = FORM.search(http.get("/staff/login", headers={"accept": "text/html"}).text)
    assert form is not None
    response = http.post(
        "/staff/login",
        data={
            "csrf_token": form.group(1),
            "username": username,
            "password": STAFF_PASSWORD,
            "totp": totp_for(pages.runtime, username),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    token = FORM.search(http.get("/staff", headers={"accept": "text/html"}).text)
    assert token is not None
    return http, token.group(1)


def _count(pages: Pages, model: object) -> int:
    with pages.runtime.sessions() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_odd_form_values_are_422_pages_and_store_nothing(pages: Pages) -> None:
    request_id = pages.world.requests["nl-second"]
    legal_page = f"/staff/legal/requests/{request_id}"
    before = {m: _count(pages, m) for m in (Review, Decision, CaseNote, Report)}
    for username, posts in {
        "carla": [
            (f"{legal_page}/reject", {"reason": "not \x00 valid"}),
            (f"{legal_page}/ask", {"question": "who\x00"}),
            (f"{legal_page}/callback", {"contact_id": "99999999999", "confirmed": "true"}),
        ],
        "anna": [(f"{legal_page}/approve", {"note": "a\x00b", "acknowledge_warnings": "true"})],
        "mo": [
            (
                "/staff/moderation/cases/1/decide",
                {"action": "ban", "category": "drugs", "facts": "sells \x00 drugs, see the posts"},
            ),
            ("/staff/moderation/cases/1/notes", {"text": "note\x00"}),
            ("/staff/moderation/cases/1/assign", {"moderator": "m\x00"}),
        ],
    }.items():
        http, token = _logged_in(pages, username)
        for path, data in posts:
            response = http.post(
                path,
                data={"csrf_token": token, **data},
                headers={"accept": "text/html"},
                follow_redirects=False,
            )
            assert response.status_code == 422, (path, response.status_code)
            assert "invalid_input" in response.text
    http = TestClient(
        create_app(pages.runtime), base_url="https://testserver", raise_server_exceptions=False
    )
    form = FORM.search(http.get("/report", headers={"accept": "text/html"}).text)
    assert form is not None
    response = http.post(
        "/report",
        data={
            "csrf_token": form.group(1),
            "target": "100005",
            "category": "drugs",
            "text": "x\x00",
        },
        headers={"accept": "text/html"},
    )
    assert response.status_code == 422
    assert {m: _count(pages, m) for m in (Review, Decision, CaseNote, Report)} == before
