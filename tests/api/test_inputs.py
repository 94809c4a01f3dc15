"""Odd input through real HTTP, on SQLite and PostgreSQL: each is a 4xx with a reason code, the
answer never repeats personal data, and nothing is stored. Bodies over an endpoint's limit are
refused before the signature check reads them; signatures made for another deployment's URL
are refused."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from lawline.client import ApiError
from lawline.core.db import transaction
from lawline.legal.models import LegalRequest
from lawline.moderation.models import Report
from tests import factories
from tests.legal.conftest import LegalApi

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)

PERSONAL = ("10.0.0.1", "31612345678", "+31612345678", "612345678")


def _count(api: LegalApi, model: Any) -> int:
    with api.runtime.sessions() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _problems(error: dict[str, Any]) -> set[str]:
    return {f["problem"] for f in error.get("fields", [])}


@pytest.mark.parametrize(
    ("overrides", "status", "code", "problem"),
    [
        (
            {"range": {"start": "2026-06-01T00:00:00", "end": "2026-09-01T00:00:00Z"}},
            422,
            "invalid_input",
            "datetime_naive",
        ),
        (
            {"range": {"start": "2026-06-01T00:00:00", "end": "2026-09-01T00:00:00"}},
            422,
            "invalid_input",
            "datetime_naive",
        ),
        (
            {"range": {"start": "0001-01-01T00:00:00+14:00", "end": "2026-09-01T00:00:00Z"}},
            422,
            "invalid_input",
            "datetime_out_of_range",
        ),
        (
            {"range": {"start": "2026-06-01T00:00:00Z", "end": "9999-12-31T23:59:59-14:00"}},
            422,
            "invalid_input",
            "datetime_out_of_range",
        ),
        ({"instrument.issued_on": "0001-01-01"}, 422, "invalid_input", "date_out_of_range"),
        ({"case_reference": "ZAAK\x0042"}, 422, "invalid_input", "control_character"),
        ({"instrument.reference": "RTM\x00"}, 422, "invalid_input", "control_character"),
        ({"preservation_request_id": "+31612345678"}, 422, "invalid_input", None),
        ({"targets": ["1²"]}, 422, "checks_failed", None),
        ({"targets": ["1" * 40]}, 422, "checks_failed", None),
        ({"instrument.kind": "+31612345678"}, 422, "personal_data_refused", None),
        ({"instrument.kind": "0612345678"}, 422, "checks_failed", None),
    ],
)
def test_odd_legal_requests_are_refused_with_a_reason(
    legal_api: LegalApi, overrides: dict[str, Any], status: int, code: str, problem: str | None
) -> None:
    before = _count(legal_api, LegalRequest)
    with pytest.raises(ApiError) as caught:
        legal_api.client().submit(factories.request_document(**overrides))
    assert (caught.value.status, caught.value.code) == (status, code)
    if problem:
        assert problem in _problems(caught.value.error)
    rendered = str(caught.value.error)
    assert not any(value in rendered for value in PERSONAL), rendered
    # A request that failed its checks is recorded (the authority learns its id); one that
    # never validated is not.
    assert _count(legal_api, LegalRequest) == before + (code == "checks_failed")
    with legal_api.runtime.sessions() as session:
        stored = [json.dumps(r.reasons) for r in session.query(LegalRequest).all()]
    assert not any(value in reasons for reasons in stored for value in PERSONAL), stored


@pytest.mark.parametrize(
    ("overrides", "code", "problem"),
    [
        ({"reporter_id": "user\x00"}, "invalid_input", "control_character"),
        ({"text": "see \x00 here"}, "invalid_input", "control_character"),
        ({"target": "1²"}, "target_malformed", None),
        ({"target": "1" * 40}, "target_malformed", None),
        ({"category": "+31612345678"}, "category_unknown", None),
    ],
)
def test_odd_reports_are_refused_with_a_reason(
    legal_api: LegalApi, overrides: dict[str, Any], code: str, problem: str | None
) -> None:
    body = {"target": "100005", "category": "drugs", **overrides}
    before = _count(legal_api, Report)
    response = legal_api.http.post("/v1/reports", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code
    if problem:
        assert problem in _problems(error)
    assert not any(value in response.text for value in PERSONAL), response.text
    assert _count(legal_api, Report) == before


@pytest.mark.parametrize(
    ("path", "staff"),
    [
        ("/v1/staff/cases/99999999999999999999", True),
        ("/v1/staff/cases/2147483648", True),
        ("/v1/staff/requests/req%00x", True),
        ("/v1/staff/requests/%2B31612345678", True),
        ("/v1/audit/heads/99999999999999999999", False),
        ("/v1/audit/proofs/inclusion?seq=99999999999999999999&tree_size=1", False),
        ("/v1/reports/%2B31612345678", False),
        ("/v1/search?q=a%00b", False),
    ],
)
def test_odd_path_and_query_values_are_422(legal_api: LegalApi, path: str, staff: bool) -> None:
    headers = {}
    if staff:
        user = "anna"  # an approver may read legal requests
        if "/cases/" in path:
            user = "mona"  # moderation cases need a moderator (docs/roles.md)
            with transaction(legal_api.runtime.sessions) as session:
                factories.staff_member(session, user, "moderator")
        headers = {"Authorization": f"Bearer {legal_api.staff_token(user)}"}
    response = legal_api.http.get(path, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_input"
    assert "612345678" not in response.text


def test_a_signature_for_another_deployment_is_refused(legal_api: LegalApi) -> None:
    legal_api.runtime.settings.public_url = "https://lawline.example.org"
    client = legal_api.client()
    client.base_url = "https://lawline.elsewhere.example"  # signed for, and sent as, elsewhere
    before = _count(legal_api, LegalRequest)
    with pytest.raises(ApiError) as caught:
        client.submit(factories.request_document())
    assert (caught.value.status, caught.value.code) == (401, "target_uri_mismatch")
    client.base_url = "https://lawline.example.org"  # this deployment's URL: accepted
    assert client.submit(factories.request_document())["status"] in ("in_review", "submitted")
    assert _count(legal_api, LegalRequest) == before + 1


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_is_413_before_the_signature_is_checked(
    legal_api: LegalApi, chunked: bool
) -> None:
    body = b'{"answer": "' + b"a" * (70 * 1024) + b'"}'
    headers = {"content-type": "application/json"}  # unsigned: the limit answers first

    def stream() -> Any:
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    response = legal_api.http.post(
        "/v1/authority/requests/req_x/answers",
        content=stream() if chunked else body,
        headers=headers,
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    small = legal_api.http.post(
        "/v1/authority/requests/req_x/answers", content=b'{"answer": "a"}', headers=headers
    )
    assert (small.status_code, small.json()["error"]["code"]) == (401, "signature_missing")


def test_a_signed_body_over_the_limit_is_413_and_stores_nothing(legal_api: LegalApi) -> None:
    pdf = base64.b64encode(b"%PDF" + b"\0" * (13 * 1024 * 1024)).decode()
    before = _count(legal_api, LegalRequest)
    with pytest.raises(ApiError) as caught:
        legal_api.client().submit(
            factories.request_document(**{"instrument.document_pdf_base64": pdf})
        )
    assert (caught.value.status, caught.value.code) == (413, "body_too_large")
    assert _count(legal_api, LegalRequest) == before


@pytest.mark.parametrize(
    "reporter", ["10.0.0.1", "fe80::1", "31612345678", "tg:31612345678", "r" * 128]
)
def test_reporter_ids_that_carry_personal_data_never_reach_the_audit_log(
    legal_api: LegalApi, reporter: str
) -> None:
    """The bot and the flagger registry hand the service their ids; the service refuses any
    that is, or is made of, a phone number or an IP address, or would overflow the actor."""
    from lawline.core.errors import InvalidInput
    from lawline.moderation.reports import submit_report

    runtime = legal_api.runtime
    with runtime.sessions() as session, pytest.raises(InvalidInput) as caught:
        submit_report(
            session,
            runtime.moderation,
            target="100005",
            category="drugs",
            text="",
            reporter_id=reporter,
            idempotency_key=None,
            via="api",
        )
    assert caught.value.code == "reporter_invalid"
    assert reporter not in caught.value.message
