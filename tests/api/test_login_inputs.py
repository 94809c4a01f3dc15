"""A TOTP code in other digits than ASCII (fullwidth `１２３４５６`, Arabic-Indic `١٢٣٤٥٦`):
the API refuses it as invalid input, and the log-in form (which the service checks, as for the
CLI) answers a failed log-in that counts towards the lock-out. It was a 500 that rolled the
failure back, so such guesses were never counted."""

from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.staff.models import StaffMember
from tests import factories
from tests.legal.conftest import LegalApi

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FORM = re.compile(r'name="csrf_token" value="([^"]+)"')


def _member(api: LegalApi, username: str) -> StaffMember:
    with api.runtime.sessions() as session:
        return session.query(StaffMember).filter_by(username=username).one()


def test_the_api_refuses_other_digits_as_invalid_input(legal_api: LegalApi) -> None:
    code = pyotp.TOTP(_member(legal_api, "anna").totp_secret).at(legal_api.clock.now())
    for table in (FULLWIDTH, ARABIC_INDIC):
        response = legal_api.http.post(
            "/v1/staff/login",
            json={
                "username": "anna",
                "password": factories.STAFF_PASSWORD,
                "totp": code.translate(table),
            },
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "invalid_input"


def test_the_form_counts_other_digits_as_a_failed_log_in(legal_api: LegalApi) -> None:
    http = TestClient(create_app(legal_api.runtime), base_url="https://testserver")
    member = _member(legal_api, "bert")
    code = pyotp.TOTP(member.totp_secret).at(legal_api.clock.now())
    for attempt, table in enumerate((FULLWIDTH, ARABIC_INDIC), start=1):
        form = FORM.search(http.get("/staff/login", headers={"accept": "text/html"}).text)
        assert form is not None
        response = http.post(
            "/staff/login",
            data={
                "csrf_token": form.group(1),
                "username": "bert",
                "password": factories.STAFF_PASSWORD,
                "totp": code.translate(table),
            },
            follow_redirects=False,
        )
        assert response.status_code == 401, response.text[:300]
        assert "login_failed" in response.text
        assert _member(legal_api, "bert").failed_logins == attempt
