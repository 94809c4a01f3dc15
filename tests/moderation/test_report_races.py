"""Reports racing on real connections (threads through the ASGI app): one reporter's limit and
one idempotency key hold on PostgreSQL as on SQLite, and no race answers 500."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.core.clock import FixedClock
from lawline.moderation.models import Report, Reporter
from lawline.platform.embedded import EmbeddedPlatform
from lawline.runtime import Runtime
from tests import factories
from tests.legal.conftest import NOW

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


def _race(count: int, call: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _setup(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> tuple[Runtime, str]:
    runtime = factories.runtime_on(
        request,
        backend,
        tmp_path / "data",
        platform_file,
        FixedClock(NOW),
        report_rate_limit=5,
        report_client_rate="1000/minute",
    )
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    names = [c for c in platform.channels_by_theme()["drugs"][:1]]
    channel = platform.channel(names[0])
    assert channel is not None
    return runtime, channel.name


def test_eight_racing_reports_of_a_new_reporter_respect_the_limit(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with TestClient(create_app(runtime)) as http:
        statuses = _race(
            8,
            lambda i: (
                http.post(
                    "/v1/reports",
                    json={"target": f"t.me/{name}", "category": "drugs", "text": f"seen {i}"},
                    headers={"X-Client-Key": "one-install"},
                ).status_code
            ),
        )
    assert Counter(statuses) == {201: 5, 429: 3}
    with runtime.sessions() as session:
        assert session.query(Report).count() == 5
        assert session.query(Reporter).count() == 1
        assert session.query(Reporter).one().reports == 5


def test_eight_racing_replays_of_one_idempotency_key_answer_one_report(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    body = {"target": f"t.me/{name}", "category": "drugs", "text": "retried"}
    with TestClient(create_app(runtime)) as http:
        responses = _race(
            8,
            lambda i: http.post("/v1/reports", json=body, headers={"Idempotency-Key": "k-race"}),
        )
        changed = http.post(
            "/v1/reports", json={**body, "text": "edited"}, headers={"Idempotency-Key": "k-race"}
        )
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    with runtime.sessions() as session:
        assert session.query(Report).count() == 1


def test_a_burst_wider_than_the_worker_threads_is_answered(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    # 100 reports at once, more than AnyIO's 40 worker threads: a request that had stored its
    # report but still needed a thread to finish (response validation, then the commit) used
    # to wait behind requests that held every thread while waiting for its writer lock, and
    # the server stopped answering.
    runtime, name = _setup(request, backend, tmp_path, platform_file)
    with TestClient(create_app(runtime)) as http:
        statuses = _race(
            100,
            lambda i: (
                http.post(
                    "/v1/reports",
                    json={"target": f"t.me/{name}", "category": "drugs", "text": f"burst {i}"},
                    headers={"X-Client-Key": f"install-{i}"},
                ).status_code
            ),
        )
    assert Counter(statuses) == {201: 100}
    with runtime.sessions() as session:
        assert session.query(Report).count() == 100
