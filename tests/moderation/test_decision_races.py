"""Staff deciding the same thing at once, over real connections on SQLite and PostgreSQL: one
case decided by six moderators, one complaint answered by two, two complaints against one
decision upheld together. Each record changes once; the others are told why, never a 500."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lawline.api.app import create_app
from lawline.moderation.models import Case, Complaint, Decision
from lawline.moderation.violations import confirmed_violations
from lawline.outbox.models import Intent
from lawline.transparency.check import check
from lawline.transparency.quarters import Quarter
from tests.moderation.test_complaints import _complain, _decide, _report, _staff
from tests.moderation.test_report_races import _race, _setup

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])

FACTS = "Reviewed the channel against the notice."


def _answer(response: Any) -> tuple[int, str]:
    if response.status_code < 400:
        return response.status_code, "ok"
    return response.status_code, response.json()["error"]["code"]


def test_six_moderators_deciding_one_case_at_once_decide_it_once(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    channel = runtime.platform.channel(name)
    assert channel is not None
    names = [f"mod{i}" for i in range(6)]
    with TestClient(create_app(runtime)) as http:
        staff = _staff(runtime, http, *names)
        case_id = _report(http, name, "a")["case_id"]
        actions = ["ban", "remove", "delist", "no_action", "ban", "remove"]
        answers = _race(
            6,
            lambda i: http.post(
                f"/v1/staff/cases/{case_id}/decision",
                json={"action": actions[i], "category": "drugs", "facts": FACTS},
                headers=staff[i],
            ),
        )
    assert Counter(map(_answer, answers)) == {(201, "ok"): 1, (409, "case_decided"): 5}
    winner = next(i for i, a in enumerate(answers) if a.status_code == 201)
    with runtime.sessions() as session:
        decisions = session.scalars(select(Decision).where(Decision.case_id == case_id)).all()
        assert [d.action for d in decisions] == [actions[winner]]
        expected_violations = 1 if actions[winner] in ("ban", "remove") else 0
        assert len(confirmed_violations(session, channel.owner_id)) == expected_violations
        # the platform calls and notices of one decision only
        subjects = {i.key.split(":")[0] for i in session.scalars(select(Intent))}
        assert subjects <= {decisions[0].id}
        assert check(session, Quarter.of(runtime.clock.now())) == []


def test_two_moderators_answering_one_complaint_at_once_answer_it_once(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with TestClient(create_app(runtime)) as http:
        mo, max_, ann = _staff(runtime, http, "mo", "max", "ann")
        mine = _report(http, name, "a")
        _decide(http, mine["case_id"], "no_action", mo)
        complaint = _complain(http, mine["id"], mine["receipt"]).json()
        url = f"/v1/staff/complaints/{complaint['id']}/decision"
        answers = _race(
            2,
            lambda i: http.post(
                url,
                json={"upheld": i == 0, "answer": "Looked at it again with the notice."},
                headers=(max_, ann)[i],
            ),
        )
    assert Counter(map(_answer, answers)) == {(200, "ok"): 1, (409, "complaint_decided"): 1}
    upheld = answers[0].status_code == 200
    with runtime.sessions() as session:
        stored = session.get(Complaint, complaint["id"])
        assert stored is not None
        assert stored.status == ("upheld" if upheld else "rejected")
        case = session.get(Case, mine["case_id"])
        assert case is not None
        assert case.status == ("open" if upheld else "decided")
        assert check(session, Quarter.of(runtime.clock.now())) == []


def test_two_complaints_against_one_decision_upheld_at_once_reopen_the_case_once(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with TestClient(create_app(runtime)) as http:
        mo, max_, ann = _staff(runtime, http, "mo", "max", "ann")
        first = _report(http, name, "a")
        second = _report(http, name, "b")
        assert second["case_id"] == first["case_id"]
        decision_id = _decide(http, first["case_id"], "delist", mo)
        complaints = [
            _complain(http, first["id"], first["receipt"], "a").json()["id"],
            _complain(http, second["id"], second["receipt"], "b").json()["id"],
        ]
        answers = _race(
            2,
            lambda i: http.post(
                f"/v1/staff/complaints/{complaints[i]}/decision",
                json={"upheld": True, "answer": "The delisting went too far; decided anew."},
                headers=(max_, ann)[i],
            ),
        )
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    with runtime.sessions() as session:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        assert decision.superseded_at is not None
        open_cases = session.scalar(
            select(func.count()).select_from(Case).where(Case.status == "open")
        )
        assert open_cases == 1
        statuses = session.scalars(select(Complaint.status).where(Complaint.id.in_(complaints)))
        assert sorted(statuses) == ["upheld", "upheld"]
        # counted once as a superseded decision, whichever answer came first
        assert check(session, Quarter.of(runtime.clock.now())) == []
