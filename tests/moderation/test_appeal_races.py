"""Appeals racing on real connections: one internal complaint per decision, however many
requests arrive at once, on PostgreSQL as on SQLite."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.core.db import transaction
from lawline.moderation.models import Appeal
from lawline.staff.models import StaffMember
from tests import factories
from tests.moderation.test_report_races import _race, _setup

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


def test_eight_racing_appeals_of_one_decision_file_one(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with transaction(runtime.sessions) as session:
        factories.staff_member(session, "mo", "moderator")
    with runtime.sessions() as session:
        secret = session.query(StaffMember).filter_by(username="mo").one().totp_secret
    channel = runtime.platform.channel(name)
    assert channel is not None
    with TestClient(create_app(runtime)) as http:
        login = http.post(
            "/v1/staff/login",
            json={
                "username": "mo",
                "password": factories.STAFF_PASSWORD,
                "totp": pyotp.TOTP(secret).at(runtime.clock.now()),
            },
        )
        mo = {"Authorization": f"Bearer {login.json()['token']}"}
        report = http.post("/v1/reports", json={"target": f"t.me/{name}", "category": "drugs"})
        decided = http.post(
            f"/v1/staff/cases/{report.json()['case_id']}/decision",
            json={"action": "delist", "category": "drugs", "facts": "Sells drugs in the open."},
            headers=mo,
        )
        assert decided.status_code == 201, decided.text
        body = {"decision_id": decided.json()["id"], "appellant_account_id": channel.owner_id}
        responses = _race(
            8,
            lambda i: http.post(
                "/v1/staff/appeals",
                json={**body, "grounds": f"It is a harm-reduction forum ({i})."},
                headers=mo,
            ),
        )
    answers = Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else "filed")
        for r in responses
    )
    assert answers == Counter({(201, "filed"): 1, (409, "appeal_exists"): 7})
    with runtime.sessions() as session:
        assert session.query(Appeal).filter_by(decision_id=body["decision_id"]).count() == 1
