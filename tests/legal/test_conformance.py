"""Legal conformance through the authority API: binding orders are refused only on the law's
listed grounds, the issuer's role is the registry's, national rules as the texts read, and a
production order reaches stored data only."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from lawline.client import ApiError
from lawline.core.db import transaction
from lawline.legal.policy import RuleMark, load_policy
from tests import factories
from tests.factories import request_document
from tests.legal.conftest import NOW, LegalApi


def epoc(**overrides: Any) -> dict[str, Any]:
    return request_document(
        **{
            "instrument.kind": "epoc",
            "instrument.issuing_body": "Parquet de Paris",
            "instrument.reference": "EPOC-FR-11",
            "epoc": {"enforcing_state": "NL"},
            "ip_purpose": "identification",
            **overrides,
        }
    )


def refused(api: LegalApi, document: dict[str, Any], authority: str) -> list[dict[str, Any]]:
    with pytest.raises(ApiError) as caught:
        api.client(authority).submit(document)
    assert caught.value.code == "checks_failed"
    return list(caught.value.reasons)


def test_a_binding_order_is_not_refused_on_the_platforms_own_limits(legal_api: LegalApi) -> None:
    many = legal_api.client("fr").submit(epoc(targets=[str(100005 + i) for i in range(11)]))
    assert many["status"] == "in_review"
    long = legal_api.client("fr").submit(
        epoc(
            range={"start": "2025-01-01T00:00:00Z", "end": "2026-11-01T00:00:00Z"},
            **{"instrument.reference": "EPOC-FR-12"},
        )
    )
    assert long["status"] == "in_review"
    with legal_api.runtime.sessions() as session:
        from lawline.legal.models import LegalRequest

        warned = {
            (w["code"], w["rule"], w["basis"])
            for w in session.get(LegalRequest, many["id"]).warnings  # type: ignore[union-attr]
        }
        ranged = session.get(LegalRequest, long["id"]).warnings  # type: ignore[union-attr]
    assert ("scope_too_broad", "max_targets", "platform") in warned
    assert [(w["code"], w["rule"]) for w in ranged] == [("scope_too_broad", "max_range_days")]


def test_refuse_or_warn_follows_the_rules_mark_in_the_policy_file(legal_api: LegalApi) -> None:
    policy = load_policy()
    eu = policy.regimes["eu-e-evidence"]
    marked = {**eu.rules, "max_targets": RuleMark(basis="law", source="as if the law said so")}
    policy.regimes["eu-e-evidence"] = eu.model_copy(update={"rules": marked})
    runtime = legal_api.runtime
    runtime.__dict__["legal"] = dataclasses.replace(runtime.legal, policy=policy)
    reasons = refused(legal_api, epoc(targets=[str(100005 + i) for i in range(11)]), "fr")
    assert [(r["code"], r["basis"], r["ground"]) for r in reasons] == [
        ("scope_too_broad", "law", "manifest_error")
    ]


def test_content_refuses_a_binding_order_on_de_facto_impossibility(legal_api: LegalApi) -> None:
    reasons = refused(legal_api, epoc(categories=["content.messages"]), "fr")
    assert [(r["code"], r["ground"]) for r in reasons] == [
        ("category_not_allowed", "de_facto_impossibility")
    ]
    request_id = legal_api.client("fr").list()[0]["id"]
    assert legal_api.client("fr").get(request_id)["refusal_ground"] == "de_facto_impossibility"


def test_the_issuer_role_is_the_registrys_not_the_requests(legal_api: LegalApi) -> None:
    """Issue 9 point 9: a police authority claiming to be a prosecutor is not competent."""
    reasons = refused(
        legal_api,
        request_document(categories=["traffic.ip"], **{"instrument.issuer_role": "prosecutor"}),
        "nl-police",
    )
    assert sorted(r["code"] for r in reasons) == ["issuer_not_competent", "issuer_role_mismatch"]
    reasons = refused(legal_api, request_document(categories=["traffic.ip"]), "nl-police")
    assert [r["code"] for r in reasons] == ["issuer_not_competent"]


def test_dutch_police_may_demand_user_data_but_not_traffic_data(legal_api: LegalApi) -> None:
    """Sv art. 126na(1) lets an investigating officer demand user data; 126n(1) traffic data
    needs the officier van justitie."""
    created = legal_api.client("nl-police").submit(
        request_document(categories=["subscriber.phone"], range=None)
    )
    assert (created["status"], created["regime"]) == ("in_review", "nl")


def test_french_one_year_offence_online_to_identify_the_author(legal_api: LegalApi) -> None:
    """CPP art. 60-1-2 2°: one year suffices online when the sole aim is identification."""
    with transaction(legal_api.runtime.sessions) as session:
        factories.violation(session, "100005", "hate")
    document = request_document(
        offense="hate_incitement", categories=["traffic.ip"], ip_purpose="identification"
    )
    reasons = refused(legal_api, document, "fr")
    assert [r["code"] for r in reasons] == ["offense_below_threshold"]
    online = {**document, "offense_committed_online": True, "case_reference": "PARIS-2"}
    assert legal_api.client("fr").submit(online)["status"] == "in_review"


def test_a_us_subpoena_reaches_ip_login_events(legal_api: LegalApi) -> None:
    """18 U.S.C. 2703(c)(2)(C) session times and (E) temporarily assigned network address."""
    created = legal_api.client("us").submit(
        request_document(**{"instrument.kind": "subpoena"}, categories=["traffic.ip"])
    )
    assert (created["status"], created["regime"]) == ("in_review", "us")


def test_an_epoc_for_traffic_data_needs_a_judge(legal_api: LegalApi) -> None:
    """Reg. 2023/1543 Art. 4(2): traffic data other than for identification is ordered or
    validated by a judge; Art. 5(4): offences of three years or listed ones."""
    traffic = epoc(
        ip_purpose="traffic",
        categories=["traffic.ip"],
        epoc={"enforcing_state": "NL", "enforcing_state_notified": True},
    )
    reasons = refused(legal_api, traffic, "fr")
    assert [(r["code"], r["ground"]) for r in reasons] == [
        ("issuer_not_competent", "manifest_error")
    ]
    validated = {
        **traffic,
        "instrument": {
            **traffic["instrument"],
            "validated_by": "Juge des libertés, Paris",
            "validator_role": "judge",
        },
        "case_reference": "PARIS-3",
    }
    assert legal_api.client("fr").submit(validated)["status"] == "in_review"
    with transaction(legal_api.runtime.sessions) as session:
        factories.violation(session, "100005", "hate")
    hate = {**validated, "offense": "hate_incitement", "case_reference": "PARIS-4"}
    hate["instrument"] = {**validated["instrument"], "reference": "EPOC-FR-13"}
    assert [r["code"] for r in refused(legal_api, hate, "fr")] == ["offense_below_threshold"]


def test_a_range_in_the_future_is_refused_or_clamped_to_receipt(legal_api: LegalApi) -> None:
    later = {"start": "2026-12-01T00:00:00Z", "end": "2026-12-31T00:00:00Z"}
    assert [r["code"] for r in refused(legal_api, request_document(range=later), "nl")] == [
        "range_in_future"
    ]
    spanning = {"start": "2026-11-01T00:00:00Z", "end": "2026-12-31T00:00:00Z"}
    created = legal_api.client().submit(request_document(range=spanning, case_reference="ZAAK-43"))
    assert created["status"] == "in_review"
    assert created["range_end"] == NOW.isoformat().replace("+00:00", "Z")
    assert [a["code"] for a in created["adjustments"]] == ["range_clamped"]
