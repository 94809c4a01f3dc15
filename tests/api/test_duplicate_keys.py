"""A JSON object with a key given twice is refused (422 invalid_input, `duplicate_key`) on
every endpoint that takes a body, signed or not, and nothing is stored; the same document
without the repetition passes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from lawline.legal.models import LegalRequest
from lawline.moderation.models import Report
from tests import factories
from tests.legal.conftest import LegalApi

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def _count(api: LegalApi, model: object) -> int:
    with api.runtime.sessions() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _twice(document: dict[str, object], key: str, first: object) -> bytes:
    """`document` as JSON with `key` written twice, `first` before the document's value."""
    text = json.dumps(document)
    return text.replace("{", "{" + json.dumps(key) + ": " + json.dumps(first) + ", ", 1).encode()


def test_a_signed_request_with_a_repeated_key_is_refused(legal_api: LegalApi) -> None:
    document = factories.request_document()
    body = _twice(document, "type", "preservation")
    client = legal_api.client()
    request = legal_api.http.build_request(
        "POST",
        "http://testserver/v1/authority/requests",
        content=body,
        headers={"content-type": "application/json"},
    )
    response = legal_api.http.send(client.sign(request))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["fields"] == [{"field": "body", "problem": "duplicate_key"}]
    assert _count(legal_api, LegalRequest) == 0
    assert client.submit(document)["status"] == "in_review"


def test_reports_and_staff_bodies_with_a_repeated_key_are_refused(legal_api: LegalApi) -> None:
    report = {"target": "100005", "category": "drugs", "text": "seen"}
    for path, body, headers in (
        ("/v1/reports", _twice(report, "category", "scam"), {}),
        (
            "/v1/staff/login",
            b'{"username": "anna", "username": "bert", "password": "x", "totp": "123456"}',
            {},
        ),
        (
            "/v1/reports",
            b'{"target": "100005", "category": "drugs", "nested": {"a": 1, "a": 2}}',
            {},
        ),
    ):
        response = legal_api.http.post(
            path, content=body, headers={"Content-Type": "application/json", **headers}
        )
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["fields"] == [{"field": "body", "problem": "duplicate_key"}]
    assert _count(legal_api, Report) == 0
    assert legal_api.http.post("/v1/reports", json=report).status_code == 201
