"""The report form and the staff log-in form are throttled per client like `POST /v1/reports`
and `POST /v1/staff/login` (one count each for page and API), and the form's reporter is derived
by the server from the client address, not taken from the cookie the visitor may drop or forge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lawline.api.app import create_app
from lawline.core.clock import FixedClock
from lawline.moderation.models import Report
from lawline.platform.embedded import EmbeddedPlatform
from lawline.web.public import REPORTER_COOKIE
from tests import factories
from tests.legal.conftest import NOW

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])

FORM = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"accept": "text/html"}


def _token(http: TestClient, path: str) -> str:
    found = FORM.search(http.get(path, headers=HTML).text)
    assert found is not None
    return found.group(1)


def test_page_forms_share_the_api_throttles(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = factories.runtime_on(
        request,
        backend,
        tmp_path / "data",
        platform_file,
        FixedClock(NOW),
        login_rate="3/minute",
        report_client_rate="3/minute",
    )
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["drugs"][0])
    assert channel is not None
    app = create_app(runtime)
    with TestClient(app, base_url="https://testserver") as http:
        token = _token(http, "/report")
        statuses = []
        for i in range(3):
            http.cookies.delete(REPORTER_COOKIE)  # a new "reporter" each time changes nothing
            if i == 2:
                http.cookies.set(REPORTER_COOKIE, "a" * 32, domain="testserver.local")
            statuses.append(
                http.post(
                    "/report",
                    data={
                        "csrf_token": token,
                        "target": f"t.me/{channel.name}",
                        "category": "drugs",
                    },
                    headers=HTML,
                ).status_code
            )
        api = http.post("/v1/reports", json={"target": f"t.me/{channel.name}", "category": "drugs"})
        assert statuses == [200, 200, 200]
        assert api.status_code == 429
        assert api.json()["error"]["code"] == "rate_limited"
        with runtime.sessions() as session:
            reporters = session.scalars(select(Report.reporter_id)).all()
        assert len(reporters) == 3
        assert all(r.startswith("web:") and "a" * 32 not in r for r in reporters)

        login = _token(http, "/staff/login")
        answers = [
            http.post(
                "/staff/login",
                data={
                    "csrf_token": login,
                    "username": f"nobody{i}",
                    "password": "x" * 12,
                    "totp": "123456",
                },
                headers=HTML,
                follow_redirects=False,
            ).status_code
            for i in range(3)
        ]
        refused = http.post(
            "/v1/staff/login", json={"username": "nobody", "password": "x" * 12, "totp": "123456"}
        )
        assert answers == [401, 401, 401]
        assert refused.status_code == 429
