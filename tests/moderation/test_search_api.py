"""A delisted channel is absent from `GET /v1/search` in the very next request, on SQLite and
PostgreSQL, through the public and staff APIs."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from lawline.api.app import create_app
from lawline.core.clock import FixedClock
from lawline.core.db import make_engine, transaction
from lawline.core.settings import Settings
from lawline.platform.embedded import EmbeddedPlatform
from lawline.runtime import Runtime
from lawline.search.service import reindex
from lawline.staff.models import StaffMember
from tests import factories
from tests.legal.conftest import NOW


@pytest.fixture(params=["sqlite", "postgresql"])
def api(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path: Path
) -> Iterator[tuple[TestClient, Runtime]]:
    database_url = None
    if request.param == "postgresql":
        url, _ = request.getfixturevalue("postgres_schema_url")
        schema = f"search_{secrets.token_hex(5)}"
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{url}?options=-csearch_path%3D{schema}"
    (tmp_path / "platform.sqlite").write_bytes(platform_file.read_bytes())
    runtime = Runtime(Settings(data_dir=tmp_path, database_url=database_url), clock=FixedClock(NOW))
    runtime.upgrade_database()
    with transaction(runtime.sessions) as session:
        reindex(session, runtime.platform, runtime.clock)
        factories.staff_member(session, "mo", "moderator")
        factories.staff_member(session, "max", "moderator")
    with TestClient(create_app(runtime)) as client:
        yield client, runtime
    runtime.close()
    if database_url is not None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _token(client: TestClient, runtime: Runtime, username: str) -> str:
    with runtime.sessions() as session:
        secret = session.query(StaffMember).filter_by(username=username).one().totp_secret
    return str(
        client.post(
            "/v1/staff/login",
            json={
                "username": username,
                "password": factories.STAFF_PASSWORD,
                "totp": pyotp.TOTP(secret).at(NOW),
            },
        ).json()["token"]
    )


def test_a_delisted_channel_is_gone_in_the_very_next_search(
    api: tuple[TestClient, Runtime],
) -> None:
    client, runtime = api
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["weapons"][0])
    assert channel is not None
    query = channel.title.split()[0]
    hits = client.get("/v1/search", params={"q": query}).json()
    assert f"t.me/{channel.name}" in [h["channel"] for h in hits]

    report = client.post(
        "/v1/reports",
        json={"target": f"t.me/{channel.name}", "category": "weapons"},
    )
    case_id = report.json()["case_id"]
    with runtime.sessions() as session:
        secret = session.query(StaffMember).filter_by(username="mo").one().totp_secret
    token = client.post(
        "/v1/staff/login",
        json={
            "username": "mo",
            "password": factories.STAFF_PASSWORD,
            "totp": pyotp.TOTP(secret).at(NOW),
        },
    ).json()["token"]
    queue = client.get("/v1/staff/cases", headers={"Authorization": f"Bearer {token}"}).json()
    assert queue[0]["id"] == case_id
    assert queue[0]["suggestion"]["category"] == "weapons"
    decided = client.post(
        f"/v1/staff/cases/{case_id}/decision",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "action": "delist",
            "category": "weapons",
            "facts": "Offers pistols without a licence.",
        },
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["followed_suggestion"] is True

    after = client.get("/v1/search", params={"q": query}).json()
    assert f"t.me/{channel.name}" not in [h["channel"] for h in after]
    outcome = client.get(f"/v1/reports/{report.json()['id']}").json()
    assert (outcome["status"], outcome["outcome"]) == ("decided", "delist")


@pytest.mark.parametrize(("query", "code"), [("", "query_empty"), ("???", "query_empty")])
def test_bad_queries_are_4xx(api: tuple[TestClient, Runtime], query: str, code: str) -> None:
    client, _ = api
    response = client.get("/v1/search", params={"q": query})
    assert (response.status_code, response.json()["error"]["code"]) == (422, code)


def test_an_appeal_reversed_by_another_moderator_restores_the_channel_to_search(
    api: tuple[TestClient, Runtime],
) -> None:
    client, runtime = api
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["scam"][0])
    assert channel is not None
    query = channel.title.split()[0]
    case_id = client.post(
        "/v1/reports",
        json={"target": f"t.me/{channel.name}", "category": "scam"},
    ).json()["case_id"]
    mo, other = _token(client, runtime, "mo"), _token(client, runtime, "max")
    decision = client.post(
        f"/v1/staff/cases/{case_id}/decision",
        headers={"Authorization": f"Bearer {mo}"},
        json={"action": "delist", "category": "scam", "facts": "Promises guaranteed returns."},
    ).json()
    assert f"t.me/{channel.name}" not in [
        h["channel"] for h in client.get("/v1/search", params={"q": query}).json()
    ]
    appeal = client.post(
        "/v1/staff/appeals",
        headers={"Authorization": f"Bearer {mo}"},
        json={
            "decision_id": decision["id"],
            "appellant_account_id": channel.owner_id,
            "grounds": "This is a channel warning against such scams.",
        },
    )
    assert appeal.status_code == 201, appeal.text
    same = client.post(
        f"/v1/staff/appeals/{appeal.json()['id']}/decision",
        headers={"Authorization": f"Bearer {mo}"},
        json={"reverse": True, "answer": "Reversed after a second look."},
    )
    assert (same.status_code, same.json()["error"]["code"]) == (403, "same_moderator")
    done = client.post(
        f"/v1/staff/appeals/{appeal.json()['id']}/decision",
        headers={"Authorization": f"Bearer {other}"},
        json={
            "reverse": True,
            "answer": "On review the channel warns about scams; it is back in search.",
        },
    )
    assert done.json()["status"] == "reversed"
    assert f"t.me/{channel.name}" in [
        h["channel"] for h in client.get("/v1/search", params={"q": query}).json()
    ]
