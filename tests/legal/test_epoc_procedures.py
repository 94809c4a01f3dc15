"""The e-Evidence procedures around an order: Annex III notices to the issuing authority, the
Art. 4(5) emergency validation clock, the Art. 8 enforcing-state notification, and who informs
the person (Art. 13; 18 U.S.C. 2705(b))."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lawline.audit.models import AuditEntry
from lawline.authorities.service import add_contact
from lawline.client import ApiError
from lawline.core.db import transaction
from lawline.legal.models import UserNotification
from lawline.legal.retention import sweep
from tests.factories import request_document
from tests.legal.conftest import NOW, LegalApi

# the new columns, the notices table and the withdrawal run on both databases
pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def staff(api: LegalApi, user: str, request_id: str, action: str, **body: object) -> dict:
    token = api.staff_token(user)
    response = api.http.post(
        f"/v1/staff/requests/{request_id}/{action}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    return {**response.json(), "http": response.status_code}


def epoc(**overrides: Any) -> dict[str, Any]:
    return request_document(
        **{
            "instrument.kind": "epoc",
            "instrument.issuing_body": "Parquet de Paris",
            "instrument.reference": "EPOC-FR-21",
            "epoc": {"enforcing_state": "NL"},
            "ip_purpose": "identification",
            **overrides,
        }
    )


def audit_types(api: LegalApi, request_id: str) -> list[str]:
    with api.runtime.sessions() as session:
        return list(
            session.execute(
                select(AuditEntry.entry_type)
                .where(AuditEntry.subject == f"request:{request_id}")
                .order_by(AuditEntry.seq)
            ).scalars()
        )


def approve_twice(api: LegalApi, request_id: str) -> dict:
    first = staff(api, "anna", request_id, "approve", acknowledge_warnings=True)
    assert first["http"] == 200, first
    second = staff(api, "bert", request_id, "approve", acknowledge_warnings=True)
    assert second["http"] == 200, second
    return second


def advance(api: LegalApi, delta: timedelta) -> None:
    """Move the clock; staff log in again (their short-lived tokens would have expired)."""
    api.clock.advance(delta)
    api.tokens.clear()


def test_a_refused_binding_order_carries_an_annex_iii_notice(legal_api: LegalApi) -> None:
    with pytest.raises(ApiError) as caught:
        legal_api.client("fr").submit(epoc(categories=["content.messages"]))
    request_id = caught.value.error["request_id"]
    notices = legal_api.client("fr").notices(request_id)
    assert [n["kind"] for n in notices] == ["de_facto_impossibility"]
    form = notices[0]["form"]
    assert form["D_reason"]["article"] == "Reg. 2023/1543 Art. 10(7)"
    assert form["A_issuing_authority"]["order_reference"] == "EPOC-FR-21"
    assert form["G_data_delivered"] == "none"
    assert "request.notice_issued" in audit_types(legal_api, request_id)
    with pytest.raises(ApiError) as other:
        legal_api.client("nl").notices(request_id)
    assert other.value.code == "request_not_found"


def test_the_authority_reads_a_notice_with_lawline_authority(
    legal_api: LegalApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from lawline.cli import authority as cli

    with pytest.raises(ApiError) as caught:
        legal_api.client("fr").submit(epoc(categories=["content.messages"]))
    request_id = caught.value.error["request_id"]
    monkeypatch.setattr(cli, "_client", lambda *_: legal_api.client("fr"))
    key = tmp_path / "key.pem"
    result = CliRunner().invoke(
        cli.app,
        [
            "notices",
            request_id,
            "--url",
            "http://testserver",
            "--key-id",
            "k",
            "--key-file",
            str(key),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "de_facto_impossibility (Reg. 2023/1543 Art. 10(7))" in result.output
    assert "order EPOC-FR-21" in result.output


def test_staff_tell_the_issuer_of_a_press_freedom_concern(legal_api: LegalApi) -> None:
    created = legal_api.client("fr").submit(epoc())
    sent = staff(
        legal_api,
        "carla",
        created["id"],
        "notices",
        kind="immunities_or_press_freedom",
        explanation="The account belongs to a registered news outlet in the enforcing state.",
    )
    assert sent["http"] == 200
    assert [
        n["form"]["D_reason"]["article"] for n in legal_api.client("fr").notices(created["id"])
    ] == ["Reg. 2023/1543 Art. 10(5)"]
    leak = staff(
        legal_api,
        "carla",
        created["id"],
        "notices",
        kind="partial_or_late",
        explanation="+31612345678",
    )
    assert (leak["http"], leak["error"]["code"]) == (422, "personal_data_in_text")


def _police_emergency(api: LegalApi, reference: str) -> dict[str, Any]:
    """A Dutch police EPOC in an emergency, issued before any validation (Art. 4(5))."""
    police, _ = api.authorities["nl-police"]
    with transaction(api.runtime.sessions) as session:
        contact = add_contact(
            session,
            police.id,
            name="Meldkamer",
            role="officer of the day",
            telephone="+31 88 169 0000",
            actor="staff:admin",
        ).id
    created = api.client("nl-police").submit(
        request_document(
            type="emergency",
            categories=["subscriber.phone"],
            range=None,
            emergency_reason="A hostage video names this account as the kidnapper.",
            epoc={"enforcing_state": "FR"},
            **{"instrument.kind": "epoc", "instrument.reference": reference},
        )
    )
    staff(api, "carla", created["id"], "callback", contact_id=contact, confirmed=True)
    return created


def test_an_emergency_epoc_goes_ahead_and_is_validated_within_48_hours(legal_api: LegalApi) -> None:
    created = _police_emergency(legal_api, "NL-SPOED-48")
    assert (created["status"], created["validation_state"]) == ("in_review", "pending")
    assert created["validation_due_at"] == (NOW + timedelta(hours=48)).isoformat().replace(
        "+00:00", "Z"
    )
    assert approve_twice(legal_api, created["id"])["status"] == "disclosed"
    advance(legal_api, timedelta(hours=30))
    validated = legal_api.client("nl-police").report_validation(
        created["id"],
        granted=True,
        validated_by="Rechter-commissaris Rotterdam",
        validator_role="investigating_judge",
    )
    assert (validated["validation_state"], validated["package_available"]) == ("validated", True)
    assert "request.validated" in audit_types(legal_api, created["id"])


def test_a_refused_validation_withdraws_the_order_and_deletes_its_data(legal_api: LegalApi) -> None:
    created = _police_emergency(legal_api, "NL-SPOED-49")
    approve_twice(legal_api, created["id"])
    advance(legal_api, timedelta(hours=49))
    with transaction(legal_api.runtime.sessions) as session:
        assert sweep(session, legal_api.runtime.legal)["validations_overdue"] == 1
    assert legal_api.client("nl-police").get(created["id"])["validation_state"] == "overdue"
    withdrawn = legal_api.client("nl-police").report_validation(created["id"], granted=False)
    assert (withdrawn["status"], withdrawn["validation_state"]) == ("withdrawn", "refused")
    assert withdrawn["package_available"] is False
    with pytest.raises(ApiError) as gone:
        legal_api.client("nl-police").fetch_package(created["id"])
    assert gone.value.code == "package_deleted"
    types = audit_types(legal_api, created["id"])
    assert types.index("request.validation_overdue") < types.index("package.deleted")
    with legal_api.runtime.sessions() as session:
        from lawline.disclosure.models import DisclosurePackage

        package = session.execute(
            select(DisclosurePackage).where(DisclosurePackage.request_id == created["id"])
        ).scalar_one()
        assert package.ciphertext is None
        assert package.deleted_at is not None


def _notified_traffic_epoc(api: LegalApi, reference: str) -> dict[str, Any]:
    document = epoc(
        ip_purpose="traffic",
        categories=["traffic.ip"],
        epoc={"enforcing_state": "NL", "enforcing_state_notified": True},
        **{
            "instrument.reference": reference,
            "instrument.validated_by": "Juge des libertés et de la détention, Paris",
            "instrument.validator_role": "judge",
        },
    )
    return api.client("fr").submit(document)


def test_a_notified_traffic_epoc_is_delivered_after_ten_days_or_on_confirmation(
    legal_api: LegalApi,
) -> None:
    with pytest.raises(ApiError) as unnotified:
        legal_api.client("fr").submit(
            epoc(
                ip_purpose="traffic",
                categories=["traffic.ip"],
                **{"instrument.validated_by": "JLD Paris", "instrument.validator_role": "judge"},
            )
        )
    assert [r["code"] for r in unnotified.value.reasons] == ["enforcing_notification_missing"]

    created = _notified_traffic_epoc(legal_api, "EPOC-FR-30")
    assert created["release_at"] == (NOW + timedelta(days=10)).isoformat().replace("+00:00", "Z")
    done = approve_twice(legal_api, created["id"])
    assert (done["status"], done["package_available"]) == ("disclosed", False)
    with pytest.raises(ApiError) as held:
        legal_api.client("fr").fetch_package(created["id"])
    assert (held.value.status, held.value.code) == (409, "delivery_held")
    advance(legal_api, timedelta(days=10))
    assert legal_api.client("fr").fetch_package(created["id"])

    confirmed = _notified_traffic_epoc(legal_api, "EPOC-FR-31")
    approve_twice(legal_api, confirmed["id"])
    answer = staff(legal_api, "carla", confirmed["id"], "enforcing-answer", confirmed=True)
    assert (answer["enforcing_answer"], answer["package_available"]) == ("confirmed", True)


def test_an_enforcing_authoritys_ground_stops_the_delivery(legal_api: LegalApi) -> None:
    late = _notified_traffic_epoc(legal_api, "EPOC-FR-33")
    created = _notified_traffic_epoc(legal_api, "EPOC-FR-32")
    approve_twice(legal_api, created["id"])
    unknown = staff(legal_api, "carla", created["id"], "enforcing-answer", ground="dislike")
    assert unknown["error"]["code"] == "enforcing_ground_unknown"
    stopped = staff(legal_api, "carla", created["id"], "enforcing-answer", ground="ne_bis_in_idem")
    assert (stopped["status"], stopped["package_available"]) == ("withdrawn", False)
    advance(legal_api, timedelta(days=11))
    with pytest.raises(ApiError) as gone:
        legal_api.client("fr").fetch_package(created["id"])
    assert gone.value.code in ("package_deleted", "transition_not_allowed")
    closed = staff(legal_api, "carla", late["id"], "enforcing-answer", ground="ne_bis_in_idem")
    assert closed["error"]["code"] == "objection_window_closed"


def _notifications(api: LegalApi, request_id: str) -> list[UserNotification]:
    with api.runtime.sessions() as session:
        return list(
            session.execute(
                select(UserNotification).where(UserNotification.request_id == request_id)
            ).scalars()
        )


def test_the_issuing_authority_informs_the_person_of_an_epoc(legal_api: LegalApi) -> None:
    """Reg. 2023/1543 Art. 13: unless the issuing authority asks the platform to."""
    silent = legal_api.client("fr").submit(epoc())
    approve_twice(legal_api, silent["id"])
    assert _notifications(legal_api, silent["id"]) == []
    asked = legal_api.client("fr").submit(
        epoc(
            epoc={"enforcing_state": "NL", "inform_user_by_platform": True},
            **{"instrument.reference": "EPOC-FR-22"},
        )
    )
    approve_twice(legal_api, asked["id"])
    assert [n.account_id for n in _notifications(legal_api, asked["id"])] == ["100005"]


def test_a_us_gag_needs_a_2705b_order(legal_api: LegalApi) -> None:
    document = request_document(
        gag_until="2027-06-01", **{"instrument.kind": "subpoena"}, categories=["traffic.ip"]
    )
    bare = legal_api.client("us").submit(document)
    assert [a["code"] for a in bare["adjustments"]] == ["nondisclosure_not_ordered"]
    approve_twice(legal_api, bare["id"])
    assert [n.due_at for n in _notifications(legal_api, bare["id"])] == [NOW]
    ordered = legal_api.client("us").submit(
        {
            **document,
            "case_reference": "US-2",
            "nondisclosure_order": {"reference": "1:26-mc-00042", "expires_on": "2027-03-01"},
        }
    )
    approve_twice(legal_api, ordered["id"])
    due = [n.due_at.date().isoformat() for n in _notifications(legal_api, ordered["id"])]
    assert due == ["2027-03-02"]
