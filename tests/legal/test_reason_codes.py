"""Every reason code of the authority API, each through real HTTP against the ASGI app with
real Ed25519 signatures (RFC 9421)."""

from __future__ import annotations

import base64
from datetime import timedelta

import httpx2
import pytest

from lawline.client import ApiError, AuthorityClient
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from tests import factories
from tests.factories import request_document
from tests.legal.conftest import LegalApi


def failed_codes(api: LegalApi, document: dict, authority: str = "nl") -> list[str]:
    with pytest.raises(ApiError) as caught:
        api.client(authority).submit(document)
    assert caught.value.status == 422
    assert caught.value.code == "checks_failed"
    assert caught.value.error["request_id"].startswith("req_")
    return sorted({r["code"] for r in caught.value.reasons})


def test_a_valid_request_goes_to_review_with_a_ten_day_deadline(legal_api: LegalApi) -> None:
    created = legal_api.client().submit(request_document())
    assert created["status"] == "in_review"
    assert created["regime"] == "nl"
    assert created["deadline_at"] == "2026-11-30T09:00:00Z"
    assert created["targets"] == ["id 100005"]


@pytest.mark.parametrize(
    ("overrides", "authority", "codes"),
    [
        ({"instrument.kind": "subpoena"}, "nl", ["instrument_not_accepted"]),
        ({"instrument.kind": "mlat"}, "us", ["instrument_not_accepted"]),
        ({"instrument.issuer_role": "police"}, "nl", ["issuer_role_mismatch"]),
        ({"instrument.expires_on": "2026-11-01"}, "nl", ["instrument_expired"]),
        ({"instrument.issued_on": "2026-12-01"}, "nl", ["instrument_not_yet_valid"]),
        ({"instrument.document_sha256": None}, "nl", ["document_missing"]),
        (
            {"instrument.document_pdf_base64": base64.b64encode(b"not a pdf").decode()},
            "nl",
            ["document_missing"],
        ),
        (
            {"offense": "other_not_tos"},
            "nl",
            ["offense_not_tos_violation", "offense_penalty_unknown", "target_not_violator"],
        ),
        (
            {"offense": "hate_incitement", "targets": ["100005"]},
            "nl",
            ["offense_below_threshold", "target_not_violator"],
        ),
        ({"categories": ["subscriber.phone", "content.messages"]}, "nl", ["category_not_allowed"]),
        (
            {"range": {"start": "2025-01-01T00:00:00Z", "end": "2026-11-01T00:00:00Z"}},
            "nl",
            ["scope_too_broad"],
        ),
        ({"range": None}, "nl", ["scope_too_broad"]),
        (
            {"targets": [str(100005 + i) for i in range(11)]},
            "nl",
            ["scope_too_broad", "target_not_violator"],
        ),
        ({"targets": ["999999999"]}, "nl", ["target_not_found"]),
        ({"targets": ["+31612345678"]}, "nl", ["target_not_found"]),
        ({"targets": ["100006"]}, "nl", ["target_not_violator"]),
        ({"preservation_request_id": "req_nothing"}, "nl", ["preservation_not_found"]),
        (
            {
                "type": "emergency",
                "instrument.kind": "emergency_declaration",
                "range": {"start": "2026-10-01T00:00:00Z", "end": "2026-10-21T00:00:00Z"},
            },
            "nl",
            ["emergency_reason_missing"],
        ),
    ],
)
def test_each_failed_check_is_named(
    legal_api: LegalApi, overrides: dict, authority: str, codes: list[str]
) -> None:
    document = request_document(**overrides)
    if overrides.get("instrument.document_sha256", "") is None:
        document["instrument"].pop("document_sha256")
    assert failed_codes(legal_api, document, authority) == codes


def test_every_failed_reason_comes_at_once(legal_api: LegalApi) -> None:
    document = request_document(
        **{
            "instrument.issuer_role": "police",
            "instrument.expires_on": "2026-01-01",
            "categories": ["subscriber.phone", "traffic.ip", "content.messages"],
            "targets": ["100006", "999999999"],
        }
    )
    assert failed_codes(legal_api, document) == [
        "category_not_allowed",
        "instrument_expired",
        "issuer_role_mismatch",
        "target_not_found",
        "target_not_violator",
    ]


def test_a_duplicate_of_an_open_request_is_refused(legal_api: LegalApi) -> None:
    legal_api.client().submit(request_document())
    assert failed_codes(legal_api, request_document()) == ["duplicate"]


def test_a_duplicate_names_the_open_request_with_the_same_accounts(legal_api: LegalApi) -> None:
    """Under one reference, only an open request naming the very same accounts (in any order)
    is a duplicate; one naming some of them is another order."""
    with transaction(legal_api.runtime.sessions) as session:
        factories.violation(session, "100008", "drugs")
    first = legal_api.client().submit(request_document(targets=["100005", "100008"]))
    assert legal_api.client().submit(request_document())["status"] == "in_review"
    with pytest.raises(ApiError) as caught:
        legal_api.client().submit(request_document(targets=["100008", "100005"]))
    assert [r["code"] for r in caught.value.reasons] == ["duplicate"]
    assert caught.value.reasons[0]["message"] == f"the same request is open as {first['id']}"


def test_each_target_without_a_violation_is_named(legal_api: LegalApi) -> None:
    document = request_document(targets=["100006", "100005", "100007", "100009"])
    with pytest.raises(ApiError) as caught:
        legal_api.client().submit(document)
    # 100007's violation is of another category (weapons) than the offence's (drugs)
    assert [(r["code"], r["target"]) for r in caught.value.reasons] == [
        ("target_not_violator", 1),
        ("target_not_violator", 3),
        ("target_not_violator", 4),
    ]


def test_refused_requests_are_stored_and_visible_to_their_authority(legal_api: LegalApi) -> None:
    with pytest.raises(ApiError) as caught:
        legal_api.client().submit(request_document(targets=["100006"]))
    request_id = caught.value.error["request_id"]
    shown = legal_api.client().get(request_id)
    assert shown["status"] == "rejected"
    assert [r["code"] for r in shown["reasons"]] == ["target_not_violator"]
    assert shown["reasons"][0]["target"] == 1


def test_no_phone_number_is_echoed_in_reasons_or_listings(legal_api: LegalApi) -> None:
    with pytest.raises(ApiError) as caught:
        legal_api.client().submit(request_document(targets=["+31612345678"]))
    assert "612345678" not in str(caught.value.error)
    listed = str(legal_api.client().list())
    assert "612345678" not in listed
    assert "phone ending 78" in listed


def test_an_invalid_document_is_a_422_naming_fields_not_values(legal_api: LegalApi) -> None:
    with pytest.raises(ApiError) as caught:
        legal_api.client().submit(request_document(offense="jaywalking"))
    assert caught.value.status == 422
    assert caught.value.code == "invalid_input"
    assert caught.value.error["fields"][0]["field"].endswith("offense")


def test_another_authoritys_request_is_a_404(legal_api: LegalApi) -> None:
    created = legal_api.client("nl").submit(request_document())
    with pytest.raises(ApiError) as caught:
        legal_api.client("fr").get(created["id"])
    assert (caught.value.status, caught.value.code) == (404, "request_not_found")
    with pytest.raises(ApiError) as caught:
        legal_api.client("fr").fetch_package(created["id"])
    assert caught.value.status == 404
    assert legal_api.client("fr").list() == []


# -- signatures ----------------------------------------------------------------------------
def _signed(api: LegalApi, client: AuthorityClient, body: bytes = b"{}") -> httpx2.Request:
    request = api.http.build_request(
        "POST",
        "http://testserver/v1/authority/requests",
        content=body,
        headers={"content-type": "application/json"},
    )
    return client.sign(request)


def _refusal(response: httpx2.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_an_unsigned_request_is_refused(legal_api: LegalApi) -> None:
    assert _refusal(legal_api.http.get("/v1/authority/requests")) == (401, "signature_missing")


def test_an_unknown_key_is_refused(legal_api: LegalApi) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = AuthorityClient(
        "http://testserver",
        "not-registered",
        Ed25519PrivateKey.generate(),
        http=legal_api.http,
        clock=legal_api.clock,
    )
    with pytest.raises(ApiError) as caught:
        stranger.list()
    assert (caught.value.status, caught.value.code) == (401, "key_unknown")


def test_a_revoked_key_is_refused_at_once(legal_api: LegalApi) -> None:
    from lawline.authorities.service import revoke_key

    client = legal_api.client()
    assert client.list() == []
    with transaction(legal_api.runtime.sessions) as session:
        revoke_key(session, client.key_id, actor="staff:admin")
    with pytest.raises(ApiError) as caught:
        client.list()
    assert caught.value.code == "key_revoked"


def test_a_bad_signature_is_refused(legal_api: LegalApi) -> None:
    request = _signed(legal_api, legal_api.client())
    label, value = request.headers["signature"].split("=", 1)
    raw = bytearray(base64.b64decode(value.strip(":")))
    raw[0] ^= 1
    request.headers["signature"] = f"{label}=:{base64.b64encode(bytes(raw)).decode()}:"
    assert _refusal(legal_api.http.send(request)) == (401, "signature_invalid")


def test_a_signature_by_another_key_under_this_key_id_is_refused(legal_api: LegalApi) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    real = legal_api.client()
    forger = AuthorityClient(
        "http://testserver",
        real.key_id,
        Ed25519PrivateKey.generate(),
        http=legal_api.http,
        clock=legal_api.clock,
    )
    with pytest.raises(ApiError) as caught:
        forger.list()
    assert caught.value.code == "signature_invalid"


def test_a_body_changed_after_signing_is_a_digest_mismatch(legal_api: LegalApi) -> None:
    signed = _signed(legal_api, legal_api.client(), b'{"type": "disclosure"}')
    tampered = legal_api.http.build_request(
        "POST", str(signed.url), content=b'{"type": "emergency"}', headers=dict(signed.headers)
    )
    tampered.headers["content-length"] = str(len(b'{"type": "emergency"}'))
    assert _refusal(legal_api.http.send(tampered)) == (401, "digest_mismatch")


@pytest.mark.parametrize("skew", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_signature_outside_five_minutes_is_expired(legal_api: LegalApi, skew: timedelta) -> None:
    client = legal_api.client(clock=FixedClock(legal_api.clock.now() + skew))
    with pytest.raises(ApiError) as caught:
        client.list()
    assert caught.value.code == "signature_expired"


def test_a_signature_within_five_minutes_is_accepted(legal_api: LegalApi) -> None:
    client = legal_api.client(clock=FixedClock(legal_api.clock.now() - timedelta(minutes=4)))
    assert client.list() == []


def test_a_replayed_signature_is_refused(legal_api: LegalApi) -> None:
    request = _signed(legal_api, legal_api.client(), b"")
    first = legal_api.http.send(request)
    assert first.status_code == 422  # an empty body is no request, but the signature was good
    replay = legal_api.http.send(request)
    assert _refusal(replay) == (401, "signature_replayed")


def test_a_signature_covering_too_little_is_refused(legal_api: LegalApi) -> None:
    from http_message_signatures import HTTPMessageSigner, algorithms
    from http_message_signatures.httpx2 import adapt_message

    client = legal_api.client()
    request = legal_api.http.build_request("GET", "http://testserver/v1/authority/requests")
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519, key_resolver=client._signer.key_resolver
    )
    signer.sign(
        adapt_message(request),
        key_id=client.key_id,
        created=legal_api.clock.now(),
        covered_component_ids=("@method", "@authority"),
    )
    assert _refusal(legal_api.http.send(request)) == (401, "signature_incomplete")
