"""Path parameters of every router, API and pages: each is bounded where it enters.

A path value reaches a database lookup, so an unbounded one was a 500 on PostgreSQL (NUL in
a text id, a 20-digit number in an `integer` key) and could carry a phone number or an IP
address into a lookup and a message. The structural test keeps every route on the shared
types; the HTTP tests show the answers on both databases."""

from __future__ import annotations

import re
from typing import Any

import pytest
from annotated_types import Le, MaxLen
from fastapi import APIRouter
from fastapi.testclient import TestClient

from lawline.api import audit, authority, keys, reports, staff, staff_members, transparency
from lawline.api.app import create_app
from lawline.core.db import transaction
from lawline.web import legal, moderation, portal, public, staff_auth
from lawline.web import transparency as transparency_pages
from tests import factories
from tests.legal.conftest import LegalApi

ROUTERS: tuple[APIRouter, ...] = (
    audit.router,
    authority.router,
    keys.router,
    reports.public,
    reports.staff,
    staff.router,
    staff_members.router,
    transparency.router,
    legal.router,
    moderation.router,
    portal.router,
    public.router,
    staff_auth.router,
    transparency_pages.router,
)
# Parsed by `transparency.service.parse_quarter`, which answers its own reason code.
PARSED_BY_THE_SERVICE = {"quarter"}


def _bounded(annotation: Any, metadata: list[Any]) -> bool:
    if annotation is int:
        return any(isinstance(m, Le) for m in metadata)
    if annotation is str:
        pattern = any(getattr(m, "pattern", None) for m in metadata)
        return pattern and any(isinstance(m, MaxLen) for m in metadata)
    return False


def test_every_path_parameter_is_bounded() -> None:
    unbounded = [
        f"{route.path} {param.name}"
        for router in ROUTERS
        for route in router.routes
        for param in route.dependant.path_params  # type: ignore[attr-defined]
        if param.name not in PARSED_BY_THE_SERVICE
        and not _bounded(param.field_info.annotation, param.field_info.metadata)
    ]
    assert unbounded == []


ODD = ("req%00x", "%2B31612345678", "10.0.0.1")
ODD_INT = ("99999999999999999999", "2147483648", "%2B31612345678")


def _no_personal_data(text: str) -> None:
    assert "612345678" not in text
    assert "10.0.0.1" not in text


@pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)
def test_odd_path_values_on_staff_and_authority_endpoints_are_422(legal_api: LegalApi) -> None:
    with transaction(legal_api.runtime.sessions) as session:
        factories.staff_member(session, "root", "admin")
    anna = {"Authorization": f"Bearer {legal_api.staff_token('anna')}"}
    root = {"Authorization": f"Bearer {legal_api.staff_token('root')}"}
    http = TestClient(create_app(legal_api.runtime), raise_server_exceptions=False)
    for odd in ODD:
        for headers, path, body in (
            (anna, f"/v1/staff/requests/{odd}/enforcing-answer", {"confirmed": True}),
            (anna, f"/v1/staff/requests/{odd}/notices", {"kind": "other"}),
            (root, f"/v1/staff/members/{odd}/disable", None),
            (root, f"/v1/staff/members/{odd}/reset", {"password": "a-new-password-1"}),
        ):
            response = http.post(path, headers=headers, json=body)
            assert response.status_code == 422, (path, response.text)
            assert response.json()["error"]["code"] == "invalid_input"
            _no_personal_data(response.text)


@pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)
def test_odd_request_ids_from_a_signed_authority_are_422(legal_api: LegalApi) -> None:
    from lawline.client import ApiError

    client = legal_api.client()
    for odd in ("10.0.0.1", "%2B31612345678", "x" * 60):
        for method, path, body in (
            ("GET", f"/v1/authority/requests/{odd}/notices", None),
            ("POST", f"/v1/authority/requests/{odd}/validation", {"granted": False}),
            ("GET", f"/v1/authority/requests/{odd}/package", None),
        ):
            with pytest.raises(ApiError) as caught:
                client.send(method, path, body)
            assert (caught.value.status, caught.value.code) == (422, "invalid_input"), path
            _no_personal_data(str(caught.value.error))


FORM = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)
def test_odd_path_values_on_staff_pages_are_422_pages(legal_api: LegalApi) -> None:
    import pyotp

    from lawline.staff.models import StaffMember

    with transaction(legal_api.runtime.sessions) as session:
        factories.staff_member(session, "mona", "moderator")
    paths = {
        "anna": [f"/staff/legal/requests/{odd}" for odd in ODD]
        + [f"/staff/legal/requests/{odd}/document" for odd in ODD],
        "mona": [f"/staff/moderation/cases/{odd}" for odd in ODD_INT]
        + [f"/staff/moderation/appeals/{odd}" for odd in ODD],
    }
    for username, urls in paths.items():
        http = TestClient(
            create_app(legal_api.runtime),
            base_url="https://testserver",
            raise_server_exceptions=False,
        )
        form = http.get("/staff/login", headers={"accept": "text/html"})
        csrf = FORM.search(form.text)
        assert csrf is not None
        with legal_api.runtime.sessions() as session:
            secret = session.query(StaffMember).filter_by(username=username).one().totp_secret
        logged_in = http.post(
            "/staff/login",
            data={
                "csrf_token": csrf.group(1),
                "username": username,
                "password": factories.STAFF_PASSWORD,
                "totp": pyotp.TOTP(secret).at(legal_api.clock.now()),
            },
            follow_redirects=False,
        )
        assert logged_in.status_code == 303, logged_in.text
        for url in urls:
            response = http.get(url, headers={"accept": "text/html"})
            assert response.status_code == 422, (url, response.status_code)
            assert "invalid_input" in response.text
            _no_personal_data(response.text)
        if username == "anna":
            # a filter that is not a number of hours is ignored, never a 500
            for due in ("%C2%B2", "-%C2%B9", "%EF%BC%91%EF%BC%92"):
                response = http.get(f"/staff/legal?due={due}", headers={"accept": "text/html"})
                assert response.status_code == 200, (due, response.status_code)
        if username == "mona":
            queue = FORM.search(http.get("/staff/moderation", headers={"accept": "text/html"}).text)
            assert queue is not None
            decided = http.post(
                f"/staff/moderation/cases/{ODD_INT[0]}/decide",
                data={"csrf_token": queue.group(1), "action": "ban"},
                headers={"accept": "text/html"},
            )
            assert decided.status_code == 422
