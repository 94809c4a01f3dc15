"""Racing submissions of one order, through signed HTTP on real connections: the duplicate
check holds, so one order is never open twice (two reviews, two disclosures, two counts)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from lawline.client import ApiError
from lawline.legal.models import LegalRequest
from tests import factories
from tests.legal.conftest import LegalApi

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)

RACERS = 6


def test_racing_submissions_of_one_order_open_it_once(legal_api: LegalApi) -> None:
    document = factories.request_document()
    clients = [legal_api.client() for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    outcomes: list[Any] = [None] * RACERS

    def submit(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = clients[i].submit(document)["status"]
        except ApiError as refused:
            reasons = {r["code"] for r in refused.error.get("reasons", [])}
            outcomes[i] = (refused.code, tuple(sorted(reasons)))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Counter(map(str, outcomes)) == {
        "in_review": 1,
        str(("checks_failed", ("duplicate",))): RACERS - 1,
    }
    with legal_api.runtime.sessions() as session:
        statuses = Counter(
            session.execute(
                select(LegalRequest.status).where(
                    LegalRequest.instrument_reference == document["instrument"]["reference"]
                )
            ).scalars()
        )
    assert statuses == {"in_review": 1, "rejected": RACERS - 1}


def test_one_signed_request_sent_six_times_at_once_is_accepted_once(legal_api: LegalApi) -> None:
    """The very same bytes and signature headers, captured once and replayed by six racing
    connections: exactly one is stored, every other copy is `401 signature_replayed`."""
    client = legal_api.client()
    document = factories.request_document()
    signed = client.sign(
        legal_api.http.build_request(
            "POST",
            "http://testserver/v1/authority/requests",
            content=json.dumps(document).encode(),
            headers={"content-type": "application/json"},
        )
    )
    barrier = threading.Barrier(RACERS)
    answers: list[Any] = [None] * RACERS

    def replay(i: int) -> None:
        barrier.wait()
        answers[i] = legal_api.http.post(
            str(signed.url), content=signed.content, headers=dict(signed.headers)
        )

    threads = [threading.Thread(target=replay, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    outcomes = Counter(
        (a.status_code, a.json()["status"] if a.status_code < 400 else a.json()["error"]["code"])
        for a in answers
    )
    assert outcomes == {(201, "in_review"): 1, (401, "signature_replayed"): RACERS - 1}
    with legal_api.runtime.sessions() as session:
        stored = session.scalars(
            select(LegalRequest.id).where(
                LegalRequest.instrument_reference == document["instrument"]["reference"]
            )
        ).all()
    assert len(stored) == 1
