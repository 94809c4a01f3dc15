"""Staff accounts over the API: an admin lists, disables (the member's token stops working at
once) and resets (a new TOTP secret); on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from lawline.core.db import transaction
from tests import factories
from tests.legal.conftest import LegalApi, legal_api  # noqa: F401 - the fixture

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def test_an_admin_lists_disables_and_resets_staff(legal_api: LegalApi) -> None:  # noqa: F811
    api = legal_api
    with transaction(api.runtime.sessions) as session:
        factories.staff_member(session, "root", "admin")
    admin = {"Authorization": f"Bearer {api.staff_token('root')}"}
    anna = {"Authorization": f"Bearer {api.staff_token('anna')}"}
    listed = api.http.get("/v1/staff/members", headers=admin).json()
    assert {m["username"]: m["roles"] for m in listed}["anna"] == ["approver"]
    assert api.http.get("/v1/staff/members", headers=anna).status_code == 403

    assert api.http.post("/v1/staff/members/anna/disable", headers=admin).status_code == 204
    refused = api.http.get("/v1/staff/requests", headers=anna)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "token_invalid")
    again = api.http.post("/v1/staff/members/anna/disable", headers=admin)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "staff_disabled")

    reset = api.http.post(
        "/v1/staff/members/anna/reset", json={"password": "anna's new password"}, headers=admin
    )
    assert reset.status_code == 200
    api.clock.advance(timedelta(seconds=30))
    login = api.http.post(
        "/v1/staff/login",
        json={
            "username": "anna",
            "password": "anna's new password",
            "totp": pyotp.parse_uri(reset.json()["totp_uri"]).at(api.clock.now()),
        },
    )
    assert login.status_code == 200, login.text
    assert "anna's new password" not in reset.text
