"""Notifiers' complaints (DSA Art. 20(1)) through real HTTP on SQLite and PostgreSQL: the receipt
is the only proof, a different moderator decides, an upheld complaint sends the case back to the
queue for someone else, racing complaints file one, and the receipt is never kept or shown."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lawline.api.app import create_app
from lawline.audit.models import AuditEntry
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.moderation import flaggers
from lawline.moderation.models import Case, Complaint, Decision
from lawline.runtime import Runtime
from lawline.search.service import reindex
from lawline.staff.models import StaffMember
from lawline.transparency.check import check
from lawline.transparency.quarters import Quarter
from tests import factories
from tests.moderation.test_report_races import _race, _setup

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])

FACTS = "Reviewed the channel against the notice."


def _staff(runtime: Runtime, http: TestClient, *names: str) -> list[dict[str, str]]:
    with transaction(runtime.sessions) as session:
        for name in names:
            factories.staff_member(session, name, "moderator")
    headers = []
    for name in names:
        with runtime.sessions() as session:
            secret = session.query(StaffMember).filter_by(username=name).one().totp_secret
        login = http.post(
            "/v1/staff/login",
            json={
                "username": name,
                "password": factories.STAFF_PASSWORD,
                "totp": pyotp.TOTP(secret).at(runtime.clock.now()),
            },
        )
        assert login.status_code == 200, login.text
        headers.append({"Authorization": f"Bearer {login.json()['token']}"})
    return headers


def _report(http: TestClient, name: str, client: str) -> dict[str, Any]:
    filed = http.post(
        "/v1/reports",
        json={"target": f"t.me/{name}", "category": "drugs"},
        headers={"X-Client-Key": client},
    )
    assert filed.status_code == 201, filed.text
    body: dict[str, Any] = filed.json()
    assert body["receipt"].startswith("llr_")
    return body


def _decide(http: TestClient, case_id: int, action: str, who: dict[str, str]) -> str:
    decided = http.post(
        f"/v1/staff/cases/{case_id}/decision",
        json={"action": action, "category": "drugs", "facts": FACTS},
        headers=who,
    )
    assert decided.status_code == 201, decided.text
    return str(decided.json()["id"])


def _complain(http: TestClient, report_id: str, receipt: str | None, client: str = "a") -> Any:
    body = {"grounds": "The channel openly sells drugs; look again."}
    if receipt is not None:
        body["receipt"] = receipt
    return http.post(
        f"/v1/reports/{report_id}/complaint", json=body, headers={"X-Client-Key": client}
    )


def _listed(http: TestClient, runtime: Runtime, name: str) -> bool:
    channel = runtime.platform.channel(name)
    assert channel is not None
    query = {"q": channel.title.split()[0], "limit": 100}
    return f"t.me/{name}" in [h["channel"] for h in http.get("/v1/search", params=query).json()]


def _code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_upheld_complaint_against_no_action_sends_the_case_back_for_someone_else(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    platform_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with transaction(runtime.sessions) as session:
        reindex(session, runtime.platform, runtime.clock)
    with TestClient(create_app(runtime)) as http:
        mo, max_, ann = _staff(runtime, http, "mo", "max", "ann")
        mine = _report(http, name, "a")
        other = _report(http, name, "b")
        case_id = mine["case_id"]
        assert _code(_complain(http, mine["id"], mine["receipt"])) == (409, "case_not_decided")
        decision_id = _decide(http, case_id, "no_action", mo)

        # no proof, a wrong one, another report's receipt: 403 and nothing stored
        assert _code(_complain(http, mine["id"], None)) == (403, "receipt_missing")
        assert _code(_complain(http, mine["id"], "llr_" + "x" * 43)) == (403, "receipt_invalid")
        assert _code(_complain(http, mine["id"], other["receipt"], "b")) == (
            403,
            "receipt_invalid",
        )
        assert _code(_complain(http, other["id"], mine["receipt"])) == (403, "receipt_invalid")
        with runtime.sessions() as session:
            assert session.query(Complaint).count() == 0

        filed = _complain(http, mine["id"], mine["receipt"])
        assert filed.status_code == 201, filed.text
        complaint = filed.json()
        assert (complaint["decision_id"], complaint["status"]) == (decision_id, "open")
        # one per complainant per decision; the other notifier has its own
        assert _code(_complain(http, mine["id"], mine["receipt"])) == (409, "complaint_exists")
        assert _complain(http, other["id"], other["receipt"], "b").status_code == 201

        waiting = http.get("/v1/staff/complaints", headers=ann).json()
        first = waiting[0]  # the oldest
        assert (first["id"], first["report_id"], first["status"]) == (
            complaint["id"],
            mine["id"],
            "open",
        )
        assert len(waiting) == 2
        answer = {"upheld": True, "answer": "The posts do offer drugs; it is decided again."}
        decide_url = f"/v1/staff/complaints/{complaint['id']}/decision"
        assert _code(http.post(decide_url, json=answer, headers=mo)) == (403, "same_moderator")
        upheld = http.post(decide_url, json=answer, headers=max_)
        assert upheld.status_code == 200, upheld.text
        assert upheld.json()["status"] == "upheld"
        assert _code(http.post(decide_url, json=answer, headers=ann)) == (
            409,
            "complaint_decided",
        )

        queue = http.get("/v1/staff/cases", headers=ann).json()
        assert [c["status"] for c in queue if c["id"] == case_id] == ["open"]
        waiting = http.get("/v1/staff/complaints", headers=ann).json()
        assert complaint["id"] not in [c["id"] for c in waiting]  # answered
        assert len(waiting) == 1
        # the first decision's moderator does not decide anew; another does
        again = {"action": "delist", "category": "drugs", "facts": FACTS}
        case_url = f"/v1/staff/cases/{case_id}/decision"
        assert _code(http.post(case_url, json=again, headers=mo)) == (403, "same_moderator")
        new_decision = _decide(http, case_id, "delist", ann)
        assert not _listed(http, runtime, name)  # the new decision delisted it

        told = http.get(f"/v1/complaints/{complaint['id']}").json()
        assert (told["status"], told["answer"]) == ("upheld", answer["answer"])
        later = [
            http.get(f"/v1/reports/{mine['id']}").text,
            http.get(f"/v1/complaints/{complaint['id']}").text,
        ]
    with runtime.sessions() as session:
        old = session.get(Decision, decision_id)
        assert old is not None
        assert old.superseded_at is not None
        assert session.get(Decision, new_decision).superseded_at is None  # type: ignore[union-attr]
        entries = session.query(AuditEntry).order_by(AuditEntry.seq).all()
        kinds = [e.entry_type for e in entries if e.entry_type.startswith("complaint.")]
        assert kinds == ["complaint.filed", "complaint.filed", "complaint.decided"]
        decided = [e.body for e in entries if e.entry_type == "complaint.decided"]
        assert decided == [{"complaint": complaint["id"], "outcome": "upheld", "reopened": True}]
        stored = " ".join(f"{e.actor} {e.subject} {e.body}" for e in entries)
        # counted as appeals (DSA Art. 20 complaints): counters equal the recount
        assert check(session, Quarter.of(runtime.clock.now())) == []
    for receipt in (mine["receipt"], other["receipt"]):
        assert receipt not in stored
        assert receipt not in caplog.text
        assert all(receipt not in text for text in later)


def test_window_closed_and_a_rejected_complaint_leaves_the_decision(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    with TestClient(create_app(runtime)) as http:
        mo, max_ = _staff(runtime, http, "mo", "max")
        fresh = _report(http, name, "b")
        decision_id = _decide(http, fresh["case_id"], "delist", mo)
        filed = _complain(http, fresh["id"], fresh["receipt"], "b")
        assert filed.status_code == 201, filed.text
        rejected = http.post(
            f"/v1/staff/complaints/{filed.json()['id']}/decision",
            json={"upheld": False, "answer": "The delisting is enough for these posts."},
            headers=max_,
        )
        assert rejected.json()["status"] == "rejected"
        queue = http.get("/v1/staff/cases", headers=max_).json()
        assert fresh["case_id"] not in [c["id"] for c in queue]
        late = _report(http, name, "a")  # a new case for the target
        _decide(http, late["case_id"], "no_action", mo)
        clock.advance(timedelta(days=185))
        assert _code(_complain(http, late["id"], late["receipt"])) == (
            409,
            "complaint_window_closed",
        )
    with runtime.sessions() as session:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        assert decision.superseded_at is None
        assert check(session, Quarter.of(decision.decided_at)) == []


def test_eight_racing_complaints_with_one_receipt_file_one(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with TestClient(create_app(runtime)) as http:
        (mo,) = _staff(runtime, http, "mo")
        mine = _report(http, name, "a")
        _decide(http, mine["case_id"], "no_action", mo)
        responses = _race(8, lambda i: _complain(http, mine["id"], mine["receipt"]))
    answers = Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else "filed")
        for r in responses
    )
    assert answers == Counter({(201, "filed"): 1, (409, "complaint_exists"): 7})
    with runtime.sessions() as session:
        assert session.query(Complaint).count() == 1


def test_a_trusted_flagger_complains_with_its_key_for_its_own_reports_only(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    keys = []
    with transaction(runtime.sessions) as session:
        for org in ("Hotline One", "Hotline Two"):
            flagger = flaggers.register_trusted_flagger(
                session, name=org, actor="staff:admin", clock=runtime.clock
            )
            keys.append(
                flaggers.issue_key(session, flagger.id, actor="staff:a", clock=runtime.clock)[1]
            )
    one, two = ({"Authorization": f"Bearer {k}"} for k in keys)
    grounds = {"grounds": "The channel openly sells drugs; look again."}
    with TestClient(create_app(runtime)) as http:
        (mo,) = _staff(runtime, http, "mo")
        filed = http.post(
            "/v1/reports", json={"target": f"t.me/{name}", "category": "drugs"}, headers=one
        ).json()
        _decide(http, filed["case_id"], "no_action", mo)
        url = f"/v1/reports/{filed['id']}/complaint"
        assert _code(http.post(url, json=grounds, headers=two)) == (403, "not_the_reporter")
        assert http.post(url, json=grounds, headers=one).status_code == 201


def test_deciding_anew_lifts_what_the_superseded_decision_restricted(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with transaction(runtime.sessions) as session:
        reindex(session, runtime.platform, runtime.clock)
    with TestClient(create_app(runtime)) as http:
        mo, max_, ann = _staff(runtime, http, "mo", "max", "ann")
        mine = _report(http, name, "a")

        def listed() -> bool:
            return _listed(http, runtime, name)

        assert listed()
        decision_id = _decide(http, mine["case_id"], "delist", mo)
        assert not listed()
        filed = _complain(http, mine["id"], mine["receipt"]).json()
        upheld = http.post(
            f"/v1/staff/complaints/{filed['id']}/decision",
            json={"upheld": True, "answer": "The wrong channel was delisted; decided again."},
            headers=max_,
        )
        assert upheld.status_code == 200, upheld.text
        assert not listed()  # the restriction holds until the new decision
        _decide(http, mine["case_id"], "no_action", ann)
        assert listed()
    with runtime.sessions() as session:
        old = session.get(Decision, decision_id)
        assert old is not None
        assert old.superseded_at is not None
        assert old.reversed_at is not None


@pytest.mark.parametrize(
    "contact", ["call me on +31 6 12345678", "my server is 203.0.113.77", "ring 06 12345678"]
)
def test_grounds_with_a_phone_number_or_an_ip_are_refused_for_appeals_and_complaints_alike(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    platform_file: Path,
    contact: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    channel = runtime.platform.channel(name)
    assert channel is not None
    grounds = f"The decision is wrong, {contact} for details."
    with TestClient(create_app(runtime)) as http:
        (mo,) = _staff(runtime, http, "mo")
        mine = _report(http, name, "a")
        decision_id = _decide(http, mine["case_id"], "delist", mo)
        complaint = http.post(
            f"/v1/reports/{mine['id']}/complaint",
            json={"receipt": mine["receipt"], "grounds": grounds},
            headers={"X-Client-Key": "a"},
        )
        appeal = http.post(
            "/v1/staff/appeals",
            json={
                "decision_id": decision_id,
                "appellant_account_id": channel.owner_id,
                "grounds": grounds,
            },
            headers=mo,
        )
        bodies = complaint.text + appeal.text
        assert _code(complaint) == (422, "personal_data_in_text")
        assert _code(appeal) == (422, "personal_data_in_text")
        # the same grounds without the contact are filed: the refusal is about the number only
        fine = {"grounds": "The decision is wrong, look at the pinned post."}
        assert _complain(http, mine["id"], mine["receipt"]).status_code == 201
        filed = http.post(
            "/v1/staff/appeals",
            json={"decision_id": decision_id, "appellant_account_id": channel.owner_id, **fine},
            headers=mo,
        )
        assert filed.status_code == 201, filed.text
    digits = contact.rsplit(" ", 1)[1]
    assert digits not in bodies
    assert digits not in caplog.text
    with runtime.sessions() as session:
        kept = [c.grounds for c in session.query(Complaint)]
        assert all(digits not in g for g in kept)
        assert len(kept) == 1


def test_a_complaint_is_not_upheld_while_a_newer_case_about_the_target_is_open(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with TestClient(create_app(runtime)) as http:
        mo, max_, ann = _staff(runtime, http, "mo", "max", "ann")
        mine = _report(http, name, "a")
        old_case = mine["case_id"]
        decision_id = _decide(http, old_case, "no_action", mo)
        complaint = _complain(http, mine["id"], mine["receipt"]).json()
        newer = _report(http, name, "b")  # after the decision: a new case for the target
        assert newer["case_id"] != old_case
        decide_url = f"/v1/staff/complaints/{complaint['id']}/decision"
        answer = {"upheld": True, "answer": "The posts do offer drugs; it is decided again."}
        refused = http.post(decide_url, json=answer, headers=max_)
        assert _code(refused) == (409, "newer_case_open")
        assert refused.json()["error"]["case"] == newer["case_id"]
        with runtime.sessions() as session:
            assert session.get(Complaint, complaint["id"]).status == "open"  # type: ignore[union-attr]
            assert session.get(Decision, decision_id).superseded_at is None  # type: ignore[union-attr]
        # the newer case is decided (the fresh look); then the complaint is upheld and the old
        # case takes the target's one open slot
        _decide(http, newer["case_id"], "delist", ann)
        upheld = http.post(decide_url, json=answer, headers=max_)
        assert upheld.status_code == 200, upheld.text
        queue = http.get("/v1/staff/cases", headers=ann).json()
        assert [c["id"] for c in queue if c["status"] == "open"] == [old_case]
        # a later report joins the reopened case rather than opening a second one
        assert _report(http, name, "c")["case_id"] == old_case
    with runtime.sessions() as session:
        open_cases = session.execute(
            select(Case.id, Case.open_key).where(Case.status == "open")
        ).all()
        assert len(open_cases) == 1
        assert open_cases[0][0] == old_case
        assert open_cases[0][1] is not None
        entries = session.query(AuditEntry).order_by(AuditEntry.seq).all()
        decided = [e.body for e in entries if e.entry_type == "complaint.decided"]
        assert decided == [{"complaint": complaint["id"], "outcome": "upheld", "reopened": True}]
        assert check(session, Quarter.of(runtime.clock.now())) == []
