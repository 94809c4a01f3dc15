"""The review workflow through the staff and authority APIs: two approvals, warnings on binding
orders, requests for information, emergencies with call-backs, preservation, packages."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from lawline.client import ApiError, open_package
from lawline.core.db import transaction
from tests.factories import request_document
from tests.legal.conftest import LegalApi

# the workflow runs on both databases
pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def staff_post(api: LegalApi, user: str, request_id: str, action: str, **body: object) -> dict:
    token = api.staff_token(user)
    response = api.http.post(
        f"/v1/staff/requests/{request_id}/{action}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    return {**response.json(), "http": response.status_code}


def epoc(**overrides: object) -> dict:
    return request_document(
        **{
            "instrument.kind": "epoc",
            "instrument.issuing_body": "Parquet de Paris",
            "instrument.reference": "EPOC-FR-7",
            "epoc": {"enforcing_state": "NL"},
            "ip_purpose": "identification",  # Art. 3(10): a prosecutor may issue (Art. 4(1))
            **overrides,
        }
    )


def test_two_distinct_approvers_produce_a_sealed_minimal_package(
    legal_api: LegalApi, tmp_path: Path
) -> None:
    client = legal_api.client()
    created = client.submit(request_document(categories=["traffic.ip"]))
    first = staff_post(legal_api, "anna", created["id"], "approve")
    assert (first["http"], first["approvals"]) == (200, ["staff:anna"])
    assert (
        staff_post(legal_api, "anna", created["id"], "approve")["error"]["code"]
        == "already_approved"
    )
    assert (
        staff_post(legal_api, "carla", created["id"], "approve")["error"]["code"] == "role_required"
    )
    second = staff_post(legal_api, "bert", created["id"], "approve")
    assert (second["http"], second["status"]) == (200, "disclosed")
    assert second["package_available"]
    assert (
        staff_post(legal_api, "carla", created["id"], "reject", reason="late")["error"]["code"]
        == "transition_not_allowed"
    )

    ciphertext = client.fetch_package(created["id"])
    _, keys = legal_api.authorities["nl"]
    archive = pyrage.decrypt(ciphertext, [x25519.Identity.from_str(keys.age_identity)])
    assert archive[257:262] == b"ustar"
    check = open_package(
        ciphertext, keys.age_identity, tmp_path / "pkg", legal_api.runtime.signing_key.public_bytes
    )
    assert check.ok, check.problem
    files = {p.name for p in (tmp_path / "pkg").iterdir()}
    assert "subscribers.csv" not in files  # only traffic.ip was asked for and approved
    data = json.loads((tmp_path / "pkg" / "data.json").read_text())
    assert [a["subscriber"] for a in data["accounts"]] == [None]
    start, end = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "pkg" / "ip_events.csv").read_text())))
    assert rows
    assert all(start <= datetime.fromisoformat(r["at"]) < end for r in rows)
    assert {r["account_id"] for r in rows} == {"100005"}
    request_doc = json.loads((tmp_path / "pkg" / "request.json").read_text())
    assert [a["roles"] for a in request_doc["approved_by"]] == [["approver"], ["approver"]]
    assert client.get(created["id"])["status"] == "closed"

    # a changed file no longer matches the signed manifest
    (tmp_path / "pkg" / "ip_events.csv").write_text("account_id,at,ip,port\n")
    from lawline.disclosure.package import verify_package_dir

    tampered = verify_package_dir(tmp_path / "pkg", legal_api.runtime.signing_key.public)
    assert not tampered.ok
    assert tampered.problem == "ip_events.csv does not match its hash"


@pytest.mark.skipif(shutil.which("age") is None, reason="the age command is not installed")
def test_the_package_decrypts_with_the_age_command(legal_api: LegalApi, tmp_path: Path) -> None:
    client = legal_api.client()
    created = client.submit(request_document())
    staff_post(legal_api, "anna", created["id"], "approve")
    staff_post(legal_api, "bert", created["id"], "approve")
    (tmp_path / "package.tar.age").write_bytes(client.fetch_package(created["id"]))
    _, keys = legal_api.authorities["nl"]
    (tmp_path / "identity.txt").write_text(keys.age_identity + "\n")
    result = subprocess.run(
        ["age", "-d", "-i", str(tmp_path / "identity.txt"), str(tmp_path / "package.tar.age")],
        capture_output=True,
        check=True,
    )
    assert result.stdout[257:262] == b"ustar"


def test_a_binding_order_for_a_non_violator_carries_a_warning_to_acknowledge(
    legal_api: LegalApi,
) -> None:
    created = legal_api.client("fr").submit(epoc(targets=["100006"]))
    assert created["status"] == "in_review"
    assert created["binding"] is True
    queue = legal_api.http.get(
        "/v1/staff/requests", headers={"Authorization": f"Bearer {legal_api.staff_token('anna')}"}
    ).json()
    assert [w["code"] for w in queue[0]["warnings"]] == ["target_not_violator"]
    refused = staff_post(legal_api, "anna", created["id"], "approve")
    assert (refused["http"], refused["error"]["code"]) == (409, "warnings_not_acknowledged")
    staff_post(legal_api, "anna", created["id"], "approve", acknowledge_warnings=True)
    done = staff_post(legal_api, "bert", created["id"], "approve", acknowledge_warnings=True)
    assert (done["http"], done["status"]) == (200, "disclosed")


def test_a_binding_order_is_refused_only_on_a_listed_ground(legal_api: LegalApi) -> None:
    created = legal_api.client("fr").submit(epoc(targets=["100006"]))
    bare = staff_post(legal_api, "carla", created["id"], "reject", reason="no violation")
    assert (bare["http"], bare["error"]["code"]) == (422, "refusal_ground_not_allowed")
    grounded = staff_post(
        legal_api,
        "carla",
        created["id"],
        "reject",
        reason="The order names no data we hold.",
        ground="de_facto_impossibility",
    )
    assert (grounded["http"], grounded["status"]) == (200, "rejected")
    seen = legal_api.client("fr").get(created["id"])
    assert (seen["status"], seen["refusal_ground"]) == ("rejected", "de_facto_impossibility")
    assert seen["decision_reason"] == "The order names no data we hold."


def test_a_refusal_ground_is_a_listed_code_never_free_text(legal_api: LegalApi) -> None:
    """A ground is audited and counted: a phone number sent as one was a 500 from the audit's
    personal-data guard; any unlisted ground is a 422 and the request stays in review."""
    created = legal_api.client("nl").submit(request_document(targets=["100005"]))
    assert created["binding"] is False
    for ground in ["+31612345678", "not a ground"]:
        refused = staff_post(
            legal_api, "carla", created["id"], "reject", reason="no", ground=ground
        )
        assert (refused["http"], refused["error"]["code"]) == (422, "refusal_ground_unknown")
        assert "612345678" not in json.dumps(refused)
    assert legal_api.client("nl").get(created["id"])["status"] == "in_review"
    plain = staff_post(legal_api, "carla", created["id"], "reject", reason="not proportionate")
    assert (plain["http"], plain["status"]) == (200, "rejected")


def test_a_national_order_for_a_non_violator_is_refused_but_an_epoc_is_not(
    legal_api: LegalApi,
) -> None:
    with pytest.raises(ApiError) as caught:
        legal_api.client("nl").submit(request_document(targets=["100006"]))
    assert [r["code"] for r in caught.value.reasons] == ["target_not_violator"]
    assert (
        legal_api.client("nl").submit(
            epoc(targets=["100006"], **{"instrument.reference": "EPOC-NL-1"})
        )["status"]
        == "in_review"
    )


def test_asking_for_information_pauses_the_deadline_and_resets_approvals(
    legal_api: LegalApi,
) -> None:
    client = legal_api.client()
    created = client.submit(request_document())
    staff_post(legal_api, "anna", created["id"], "approve")
    asked = staff_post(
        legal_api,
        "carla",
        created["id"],
        "ask",
        question="Which period does the investigation cover?",
    )
    assert (asked["http"], asked["status"]) == (200, "needs_info")
    legal_api.clock.advance(timedelta(days=3))
    assert client.get(created["id"])["questions"][0]["answer"] is None
    answered = client.answer(created["id"], "June to August 2026.")
    assert answered["status"] == "in_review"
    assert answered["deadline_at"] == "2026-12-03T09:00:00Z"  # ten days plus the three paused
    shown = staff_post(legal_api, "bert", created["id"], "approve")
    assert shown["approvals"] == ["staff:bert"]  # anna's approval predates the answer
    with pytest.raises(ApiError) as caught:
        client.answer(created["id"], "again")
    assert caught.value.code == "no_open_question"


def test_an_emergency_needs_a_call_back_to_a_registry_contact(legal_api: LegalApi) -> None:
    from lawline.authorities.service import add_contact

    nl, _ = legal_api.authorities["nl"]
    fr, _ = legal_api.authorities["fr"]
    with transaction(legal_api.runtime.sessions) as session:
        ours = add_contact(
            session,
            nl.id,
            name="Duty officer",
            role="OvJ piket",
            telephone="+31 88 699 0000",
            actor="staff:admin",
        ).id
        theirs = add_contact(
            session,
            fr.id,
            name="Permanence",
            role="parquet",
            telephone="+33 1 44 32 51 51",
            actor="staff:admin",
        ).id
    created = legal_api.client().submit(
        request_document(
            type="emergency",
            emergency_reason="Credible threat to kill, posted an hour ago.",
            range={"start": "2026-10-01T00:00:00Z", "end": "2026-10-21T00:00:00Z"},
            **{"instrument.kind": "emergency_declaration", "instrument.reference": "SPOED-1"},
        )
    )
    assert created["deadline_at"] == "2026-11-20T17:00:00Z"  # eight hours
    assert (
        staff_post(legal_api, "anna", created["id"], "approve")["error"]["code"]
        == "callback_required"
    )
    wrong = staff_post(
        legal_api, "carla", created["id"], "callback", contact_id=theirs, confirmed=True
    )
    assert wrong["error"]["code"] == "contact_not_in_registry"
    # the note names the contact by its registry entry, never by the number dialled
    leak = staff_post(
        legal_api,
        "carla",
        created["id"],
        "callback",
        contact_id=ours,
        confirmed=True,
        note="rang +31 88 699 0000, confirmed",
    )
    assert leak["error"]["code"] == "personal_data_in_text"
    assert "699" not in str(leak)
    staff_post(legal_api, "carla", created["id"], "callback", contact_id=ours, confirmed=False)
    assert (
        staff_post(legal_api, "anna", created["id"], "approve")["error"]["code"]
        == "callback_required"
    )
    staff_post(legal_api, "carla", created["id"], "callback", contact_id=ours, confirmed=True)
    staff_post(legal_api, "anna", created["id"], "approve")
    assert staff_post(legal_api, "bert", created["id"], "approve")["package_available"]


def test_the_queue_puts_the_soonest_deadline_first_and_marks_overdue(legal_api: LegalApi) -> None:
    client = legal_api.client()
    ordinary = client.submit(request_document())
    urgent = client.submit(
        request_document(
            type="emergency",
            emergency_reason="Hostage situation.",
            range={"start": "2026-10-01T00:00:00Z", "end": "2026-10-21T00:00:00Z"},
            **{"instrument.kind": "emergency_declaration", "instrument.reference": "SPOED-2"},
        )
    )
    legal_api.clock.advance(timedelta(hours=9))
    queue = legal_api.http.get(
        "/v1/staff/requests", headers={"Authorization": f"Bearer {legal_api.staff_token('anna')}"}
    ).json()
    assert [(q["id"], q["overdue"]) for q in queue] == [
        (urgent["id"], True),
        (ordinary["id"], False),
    ]


def test_preservation_freezes_extends_and_serves_a_linked_disclosure(
    legal_api: LegalApi, tmp_path: Path
) -> None:
    client = legal_api.client("fr")
    held = client.submit(
        epoc(
            type="preservation",
            targets=["100007"],
            offense="weapons_trafficking",
            **{"instrument.kind": "epoc_pr", "instrument.reference": "PR-1"},
        )
    )
    assert held["status"] == "preserved"
    assert held["hold_until"] == "2027-01-19T09:00:00Z"  # 60 days
    assert client.extend(held["id"])["hold_until"] == "2027-02-18T09:00:00Z"  # +30, once
    with pytest.raises(ApiError) as caught:
        client.extend(held["id"])
    assert caught.value.code == "extension_not_allowed"
    assert client.extend(held["id"], confirm_production=True)["hold_until"] is None
    # the platform loses the data; the hold still has it
    platform_db = sqlite3.connect(legal_api.runtime.settings.resolved_platform_path)
    before = platform_db.execute(
        "SELECT count(*) FROM ip_events WHERE account_id = 100007 AND at >= ? AND at < ?",
        (
            int(datetime(2026, 6, 1, tzinfo=UTC).timestamp()),
            int(datetime(2026, 9, 1, tzinfo=UTC).timestamp()),
        ),
    ).fetchone()[0]
    platform_db.execute("DELETE FROM ip_events WHERE account_id = 100007")
    platform_db.commit()
    platform_db.close()
    produced = client.submit(
        epoc(
            targets=["100007"],
            offense="weapons_trafficking",
            preservation_request_id=held["id"],
            **{"instrument.reference": "EPOC-2"},
        )
    )
    staff_post(legal_api, "anna", produced["id"], "approve")
    staff_post(legal_api, "bert", produced["id"], "approve")
    _, keys = legal_api.authorities["fr"]
    check = open_package(
        client.fetch_package(produced["id"]),
        keys.age_identity,
        tmp_path / "pkg",
        legal_api.runtime.signing_key.public_bytes,
    )
    assert check.ok
    rows = (tmp_path / "pkg" / "ip_events.csv").read_text().strip().splitlines()[1:]
    assert len(rows) == before > 0
    with transaction(legal_api.runtime.sessions) as session:
        from lawline.legal.retention import sweep

        counts = sweep(session, legal_api.runtime.legal)
    assert counts["holds_deleted"] == 1
    assert client.get(held["id"])["status"] == "closed"


def test_sweep_expires_holds_and_deletes_packages_after_retention(legal_api: LegalApi) -> None:
    from lawline.legal.retention import sweep

    client = legal_api.client("fr")
    held = client.submit(
        epoc(
            type="preservation",
            targets=["100007"],
            offense="weapons_trafficking",
            **{"instrument.kind": "epoc_pr", "instrument.reference": "PR-2"},
        )
    )
    nl = legal_api.client("nl")
    created = nl.submit(request_document(gag_until="2027-01-31"))
    staff_post(legal_api, "anna", created["id"], "approve")
    staff_post(legal_api, "bert", created["id"], "approve")
    legal_api.clock.advance(timedelta(days=61))
    with transaction(legal_api.runtime.sessions) as session:
        counts = sweep(session, legal_api.runtime.legal)
    assert counts == {
        "holds_expired": 1,
        "holds_deleted": 1,
        "packages_deleted": 1,
        "validations_overdue": 0,
    }
    assert client.get(held["id"])["status"] == "expired"
    with pytest.raises(ApiError) as caught:
        nl.fetch_package(created["id"])
    assert caught.value.code == "package_deleted"
    from lawline.legal.queries import notifications_due

    with legal_api.runtime.sessions() as session:
        assert notifications_due(session, legal_api.runtime.legal) == []  # gag until 31 January
    legal_api.clock.advance(timedelta(days=20))
    with legal_api.runtime.sessions() as session:
        due = notifications_due(session, legal_api.runtime.legal)
        assert [(n.account_id, n.request_id) for n in due] == [("100005", created["id"])]


def test_a_disclosure_enters_the_ledger_and_its_receipt_travels_in_the_package(
    legal_api: LegalApi, tmp_path: Path
) -> None:
    from lawline.audit import ledger
    from lawline.transparency.verify import verify_receipt

    client = legal_api.client()
    created = client.submit(request_document(categories=["subscriber.phone"]))
    staff_post(legal_api, "anna", created["id"], "approve")
    staff_post(legal_api, "bert", created["id"], "approve")
    _, keys = legal_api.authorities["nl"]
    check = open_package(
        client.fetch_package(created["id"]),
        keys.age_identity,
        tmp_path / "pkg",
        legal_api.runtime.signing_key.public_bytes,
    )
    assert check.ok
    assert "ledger.json" in check.files  # covered by the signed manifest
    receipt = json.loads((tmp_path / "pkg" / "ledger.json").read_text())
    assert receipt["request_id"] == created["id"]
    assert receipt["entry"] | {"commitment": "-"} == {
        "seq": 0,
        "quarter": "2026-Q4",
        "country": "NL",
        "request_type": "disclosure",
        "instrument_kind": "court_order",
        "accounts": 1,
        "commitment": "-",
    }
    with legal_api.runtime.sessions() as session:
        published = list(ledger.public_entries(session))
    assert published == [receipt["entry"]]
    # no request id, salt or authority reference in what the public sees
    assert created["id"] not in json.dumps(published)
    assert verify_receipt(receipt, None, published) == []
