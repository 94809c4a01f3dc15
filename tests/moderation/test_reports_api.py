"""Reports through real HTTP: every bad input is a 4xx with its code, a burst is limited, the
idempotency key holds, and a 2xx means the report is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.core.clock import FixedClock
from lawline.core.settings import Settings
from lawline.moderation.models import Report
from lawline.platform.embedded import EmbeddedPlatform
from lawline.runtime import Runtime
from tests.legal.conftest import NOW


@pytest.fixture
def api(platform_file: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Runtime]]:
    (tmp_path / "platform.sqlite").write_bytes(platform_file.read_bytes())
    runtime = Runtime(
        Settings(data_dir=tmp_path, database_url=None, report_rate_limit=5), clock=FixedClock(NOW)
    )
    runtime.upgrade_database()
    with TestClient(create_app(runtime)) as client:
        yield client, runtime
    runtime.close()


def a_channel(runtime: Runtime) -> str:
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["drugs"][0])
    assert channel is not None
    return channel.name


def test_a_report_is_acknowledged_once_stored(api: tuple[TestClient, Runtime]) -> None:
    client, runtime = api
    name = a_channel(runtime)
    response = client.post(
        "/v1/reports",
        json={
            "target": f"https://t.me/{name}",
            "category": "drugs",
            "text": "sells cocaine",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "received"
    with runtime.sessions() as fresh:  # a different session sees it: it is committed
        stored = fresh.get(Report, body["id"])
        assert stored is not None
        assert stored.text == "sells cocaine"
    assert client.get(f"/v1/reports/{body['id']}").json()["case_id"] == body["case_id"]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"category": "piracy"}, 422, "category_unknown"),
        ({"text": "x" * 2001}, 422, "text_too_long"),
        ({"target": "t.me/"}, 422, "target_malformed"),
        ({"target": "https://example.com/channel"}, 422, "target_malformed"),
        ({"target": "t.me/no_such_channel_here"}, 422, "target_not_found"),
        ({"target": "999999999"}, 422, "target_not_found"),
        ({"category": None}, 422, "invalid_input"),
    ],
)
def test_bad_input_is_a_4xx_with_a_reason_code(
    api: tuple[TestClient, Runtime], payload: dict, status: int, code: str
) -> None:
    client, runtime = api
    body = {
        "target": f"t.me/{a_channel(runtime)}",
        "category": "drugs",
        "text": "",
        **payload,
    }
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post("/v1/reports", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    with runtime.sessions() as session:
        assert session.query(Report).count() == 0  # nothing half-written


def test_a_post_and_an_account_can_be_reported(api: tuple[TestClient, Runtime]) -> None:
    client, runtime = api
    name = a_channel(runtime)
    post = client.post(
        "/v1/reports",
        json={"target": f"t.me/{name}/1", "category": "drugs"},
    )
    account = client.post("/v1/reports", json={"target": "100001", "category": "scam"})
    assert post.status_code == account.status_code == 201
    assert post.json()["case_id"] != account.json()["case_id"]
    missing = client.post(
        "/v1/reports",
        json={"target": f"t.me/{name}/999", "category": "drugs"},
    )
    assert missing.json()["error"]["code"] == "target_not_found"


def test_a_burst_from_one_reporter_is_limited_whatever_id_it_claims(
    api: tuple[TestClient, Runtime],
) -> None:
    client, runtime = api
    name = a_channel(runtime)
    codes = [
        client.post(
            "/v1/reports",
            # a fresh self-chosen id each time: it no longer decides who reports
            json={"target": f"t.me/{name}", "category": "drugs", "reporter_id": f"user-{n:04d}"},
            headers={"X-Client-Key": "app-install-1"},
        ).status_code
        for n in range(8)
    ]
    assert codes == [201] * 5 + [429] * 3
    other = client.post(
        "/v1/reports",
        json={"target": f"t.me/{name}", "category": "drugs"},
        headers={"X-Client-Key": "app-install-2"},
    )
    assert other.status_code == 201
    with runtime.sessions() as session:
        reporters = {r.reporter_id for r in session.query(Report)}
    assert len(reporters) == 2
    assert all(r.startswith("api-") and "testclient" not in r for r in reporters)


def test_the_idempotency_key_makes_a_retry_safe(api: tuple[TestClient, Runtime]) -> None:
    client, runtime = api
    body = {"target": f"t.me/{a_channel(runtime)}", "category": "drugs"}
    first = client.post("/v1/reports", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/reports", json=body, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = client.post(
        "/v1/reports", json={**body, "category": "weapons"}, headers={"Idempotency-Key": "k-1"}
    )
    assert (changed.status_code, changed.json()["error"]["code"]) == (409, "idempotency_key_reused")
    # any change of the request under a used key is refused, the target too
    other_target = client.post(
        "/v1/reports", json={**body, "target": "100001"}, headers={"Idempotency-Key": "k-1"}
    )
    assert other_target.status_code == 409
    assert other_target.json()["error"]["code"] == "idempotency_key_reused"
    with runtime.sessions() as session:
        assert session.query(Report).count() == 1
