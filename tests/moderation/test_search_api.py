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
    with TestClient(create_app(runtime)) as client:
        yield client, runtime
    runtime.close()
    if database_url is not None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
        json={"target": f"t.me/{channel.name}", "category": "weapons", "reporter_id": "user-9"},
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
