"""Trusted flaggers authenticate with an API key (stored hashed, revocable); a reporter id in the
body no longer claims anyone's identity. Over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lawline.api.app import create_app
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.moderation import flaggers
from lawline.moderation.models import Case, Report, TrustedFlaggerKey
from lawline.platform.embedded import EmbeddedPlatform
from tests import factories
from tests.legal.conftest import NOW

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


def test_a_flagger_reports_with_its_key_and_nobody_can_claim_its_id(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = factories.runtime_on(request, backend, tmp_path / "data", platform_file, clock)
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    themes = platform.channels_by_theme()
    names = [
        platform.channel(themes[t][0]).name  # type: ignore[union-attr]
        for t in ("drugs", "weapons", "scam")
    ]
    with transaction(runtime.sessions) as session:
        flagger = flaggers.register_trusted_flagger(
            session, name="Offlimits", actor="staff:admin", clock=clock
        )
        key_row, key = flaggers.issue_key(session, flagger.id, actor="staff:admin", clock=clock)
        flagger_id, reporter_id, key_id = flagger.id, flagger.reporter_id, key_row.id
    with TestClient(create_app(runtime)) as http:
        # claiming the flagger's reporter id in the body earns nothing
        claimed = http.post(
            "/v1/reports",
            json={"target": f"t.me/{names[0]}", "category": "drugs", "reporter_id": reporter_id},
        )
        assert claimed.status_code == 201
        real = http.post(
            "/v1/reports",
            json={"target": f"t.me/{names[1]}", "category": "drugs"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert real.status_code == 201, real.text
        wrong = http.post(
            "/v1/reports",
            json={"target": f"t.me/{names[2]}", "category": "drugs"},
            headers={"Authorization": "Bearer llf_not-a-key"},
        )
        assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "api_key_invalid")
        with transaction(runtime.sessions) as session:
            flaggers.revoke_key(session, key_id, actor="staff:admin", clock=clock)
        revoked = http.post(
            "/v1/reports",
            json={"target": f"t.me/{names[2]}", "category": "drugs"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert (revoked.status_code, revoked.json()["error"]["code"]) == (401, "api_key_invalid")
    with runtime.sessions() as session:
        by_case = {r.case_id: r for r in session.query(Report)}
        assert len(by_case) == 2  # the refused ones stored nothing
        claimed_report = by_case[claimed.json()["case_id"]]
        assert claimed_report.trusted_flagger_id is None
        assert claimed_report.reporter_id != reporter_id
        assert session.get(Case, claimed.json()["case_id"]).trusted is False  # type: ignore[union-attr]
        real_report = by_case[real.json()["case_id"]]
        assert real_report.trusted_flagger_id == flagger_id
        assert session.get(Case, real.json()["case_id"]).trusted is True  # type: ignore[union-attr]
        stored = session.execute(select(TrustedFlaggerKey.key_hash)).scalar_one()
        assert key.encode() not in stored
        assert len(stored) == 32
