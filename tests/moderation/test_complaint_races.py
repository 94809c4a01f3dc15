"""An upheld complaint reopening a case races a new report about the same target, over real
connections on SQLite and PostgreSQL: one of the two takes the target's one open slot, the
other is told so (`409 newer_case_open`) or joins it, and the target never has two open cases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lawline.api.app import create_app
from lawline.moderation.models import Case, Complaint, Decision, Report
from lawline.platform.embedded import EmbeddedPlatform
from tests.moderation.test_complaints import _complain, _decide, _report, _staff
from tests.moderation.test_report_races import _race, _setup

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])

ANSWER = {"upheld": True, "answer": "The posts do offer drugs; it is decided again."}


def test_an_upheld_complaint_racing_a_new_report_leaves_one_open_case(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, _ = _setup(request, backend, tmp_path, platform_file)
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    names = []
    for ids in platform.channels_by_theme().values():
        for channel_id in ids:
            channel = platform.channel(channel_id)
            assert channel is not None
            if channel.listed and not channel.removed:
                names.append(channel.name)
    names = names[:12]
    assert len(names) == 12
    outcomes: Counter[tuple[int, str]] = Counter()
    with TestClient(create_app(runtime)) as http:
        mo, max_ = _staff(runtime, http, "mo", "max")
        for index, name in enumerate(names):
            mine = _report(http, name, f"first-{index}")
            _decide(http, mine["case_id"], "no_action", mo)
            complaint = _complain(http, mine["id"], mine["receipt"], f"first-{index}").json()

            def send(i: int, complaint_id: str = complaint["id"], name: str = name) -> Any:
                if i == 0:
                    return http.post(
                        f"/v1/staff/complaints/{complaint_id}/decision",
                        json=ANSWER,
                        headers=max_,
                    )
                return http.post(
                    "/v1/reports",
                    json={"target": f"t.me/{name}", "category": "drugs"},
                    headers={"X-Client-Key": f"second-{i}-{name}"},
                )

            answered, reported = _race(2, send)
            assert reported.status_code == 201, reported.text
            new_case = reported.json()["case_id"]
            if answered.status_code == 200:
                # the complaint went first: the report joined the reopened case
                assert new_case == mine["case_id"]
                outcomes[(200, "reopened")] += 1
            else:
                # the report went first: a new case, and the complaint waits for it
                error = answered.json()["error"]
                assert (answered.status_code, error["code"]) == (409, "newer_case_open")
                assert error["case"] == new_case != mine["case_id"]
                outcomes[(409, "newer_case_open")] += 1
                with runtime.sessions() as session:
                    kept = session.get(Complaint, complaint["id"])
                    assert kept is not None
                    assert kept.status == "open"
                    decision = session.get(Decision, kept.decision_id)
                    assert decision is not None
                    assert decision.superseded_at is None
    with runtime.sessions() as session:
        open_per_target = session.execute(
            select(Case.target_key, func.count())
            .where(Case.status == "open")
            .group_by(Case.target_key)
        ).all()
        assert len(open_per_target) == len(names)
        assert all(count == 1 for _, count in open_per_target)
        # every report is on a case, none lost to the race
        assert session.scalar(select(func.count()).select_from(Report)) == 2 * len(names)
    assert sum(outcomes.values()) == len(names)
