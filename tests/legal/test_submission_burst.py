"""Signed submissions arriving together are all answered: the signature check (which writes the
seen signature, and so may wait for SQLite's writer lock) never runs on the event loop, whose
turn the lock's holder needs to finish its own request."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from lawline.client import ApiError
from tests import factories
from tests.legal.conftest import LegalApi

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def test_sixty_signed_submissions_at_once_are_all_stored(legal_api: LegalApi) -> None:
    client = legal_api.client("nl")
    count = 60
    barrier = threading.Barrier(count)
    statuses: list[int | str] = ["not answered"] * count

    def submit(i: int) -> None:
        document = factories.request_document(
            case_reference=f"ZAAK-BURST-{i}", **{"instrument.reference": f"RTM-2026-B{i}"}
        )
        barrier.wait()
        try:
            statuses[i] = client.send("POST", "/v1/authority/requests", document).status_code
        except ApiError as error:
            statuses[i] = error.status

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(statuses) == {201: count}
    assert len(client.list()) == count
