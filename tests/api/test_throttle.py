"""Per-client throttles (the `limits` library) on the endpoints anyone can call: staff log-in and
reports. They count calls by client address whatever the body or client key says."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.core.clock import FixedClock
from lawline.platform.embedded import EmbeddedPlatform
from tests import factories
from tests.legal.conftest import NOW

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


def test_log_in_and_reports_are_throttled_per_client(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = factories.runtime_on(
        request,
        backend,
        tmp_path / "data",
        platform_file,
        FixedClock(NOW),
        login_rate="3/minute",
        report_client_rate="2/minute",
    )
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["drugs"][0])
    assert channel is not None
    with TestClient(create_app(runtime)) as http:
        logins = [
            http.post(
                "/v1/staff/login",
                json={"username": f"nobody{i}", "password": "x" * 12, "totp": "123456"},
            )
            for i in range(4)
        ]
        assert [r.status_code for r in logins] == [401, 401, 401, 429]
        assert logins[-1].json()["error"]["code"] == "rate_limited"
        assert int(logins[-1].headers["Retry-After"]) > 0
        bad = http.post("/v1/reports", json={"category": "drugs"})  # counted, though refused
        assert bad.status_code == 422
        reports = [
            http.post(
                "/v1/reports",
                json={"target": f"t.me/{channel.name}", "category": "drugs"},
                headers={"X-Client-Key": f"install-{i}"},  # a new key each time changes nothing
            ).status_code
            for i in range(2)
        ]
        assert reports == [201, 429]
