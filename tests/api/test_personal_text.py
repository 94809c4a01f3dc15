"""Personal data written however a person writes it: `+31 6 1234 5678` (international with
spaces), `06-12345678` (national), a fullwidth plus, an IP address that ends a sentence
(`10.0.0.1.`) or names a file (`10.0.0.1.csv`).

Staff text for the record and for the authority (a rejection's reason, a question, an
approval's note, an Annex III notice) is refused with `personal_data_in_text` and nothing is
stored; the access log of a real `lawline serve` masks each form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import select

from lawline.legal.models import IssuerNotice, LegalRequest, Review
from tests import factories
from tests.api.live import LiveServer, start_live_server
from tests.legal.conftest import LegalApi

WRITTEN = ("+31 6 1234 5678", "06-12345678", "\uff0b31612345678", "from 10.0.0.1.")
DIGITS = ("1234 5678", "12345678", "31612345678", "10.0.0.1")


def _stored(api: LegalApi, request_id: str) -> tuple[str, int, int]:
    with api.runtime.sessions() as session:
        request = session.get(LegalRequest, request_id)
        assert request is not None
        reviews = session.execute(select(Review).where(Review.request_id == request_id)).all()
        notices = session.execute(
            select(IssuerNotice).where(IssuerNotice.request_id == request_id)
        ).all()
        return request.status, len(reviews), len(notices)


@pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("written", WRITTEN)
def test_staff_text_with_personal_data_is_refused_and_nothing_is_stored(
    legal_api: LegalApi, written: str
) -> None:
    request_id = legal_api.client().submit(factories.request_document())["id"]
    before = _stored(legal_api, request_id)
    assert before[0] == "in_review"
    reviewer = {"Authorization": f"Bearer {legal_api.staff_token('carla')}"}
    approver = {"Authorization": f"Bearer {legal_api.staff_token('anna')}"}
    base = f"/v1/staff/requests/{request_id}"
    for headers, path, body in (
        (reviewer, "/reject", {"reason": f"the number {written} is not the suspect's"}),
        (reviewer, "/ask", {"question": f"whose is {written}"}),
        (approver, "/approve", {"note": f"checked {written}", "acknowledge_warnings": True}),
        (approver, "/notices", {"kind": "partial_or_late", "explanation": f"see {written}"}),
    ):
        response = legal_api.http.post(base + path, headers=headers, json=body)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["code"] == "personal_data_in_text"
        assert not any(d in response.text for d in DIGITS), response.text
    assert _stored(legal_api, request_id) == before
    # text that names records by id passes
    asked = legal_api.http.post(
        base + "/ask", headers=reviewer, json={"question": "is ZAAK-42 the case of 2026-11-18?"}
    )
    assert asked.status_code == 200, asked.text


@pytest.fixture(scope="module")
def live(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    # The log filter runs in the server process whatever the database: SQLite shows it.
    yield from start_live_server(request, "sqlite", platform_file, tmp_path_factory.mktemp("live"))


def test_the_access_log_masks_personal_data_however_written(live: LiveServer) -> None:
    for path in (
        "/v1/transparency/10.0.0.1.csv",
        "/transparency/2026-Q4?country=10.0.0.1.",
        "/v1/search?q=%2B31%206%201234%205678",
        "/v1/search?q=%EF%BC%8B31612345678",
        "/v1/search?q=06-12345678",
    ):
        response = httpx2.get(live.base_url + path)
        assert response.status_code < 500, response.text
        assert not any(d in response.text for d in DIGITS), (path, response.text)
    log = live.log.read_text()
    assert "/v1/transparency/" in log
    assert not any(d in log for d in DIGITS), log


@pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)
def test_authority_text_with_personal_data_is_refused_and_nothing_is_stored(
    legal_api: LegalApi,
) -> None:
    # An authority names its targets in `targets`; a number or an address in its free text
    # would be read by staff outside the audited paths. Its own references may look like
    # national numbers (`2024-00123`), so only international numbers and addresses count there.
    from lawline.client import ApiError

    client = legal_api.client()
    with legal_api.runtime.sessions() as session:
        before = len(session.execute(select(LegalRequest.id)).all())
    for field, value in (
        ("case_reference", "ZAAK-42 re +31 6 1234 5678"),
        ("emergency_reason", "the suspect at 10.0.0.1. threatens an attack"),
    ):
        with pytest.raises(ApiError) as refused:
            client.submit(factories.request_document(**{field: value}))
        assert refused.value.status == 422
        assert refused.value.error["code"] == "personal_data_in_text"
        assert "1234" not in str(refused.value.error)
    with legal_api.runtime.sessions() as session:
        assert len(session.execute(select(LegalRequest.id)).all()) == before
    stored = client.submit(factories.request_document(case_reference="PARQUET-2024-00123"))
    assert stored["id"]  # a reference with digits is not a phone number
