"""The API skeleton through real HTTP against the ASGI app: health, OpenAPI, error shape, audit."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.audit import merkle
from lawline.audit.schemas import InclusionProof, SignedTreeHead
from lawline.core.db import transaction
from lawline.core.settings import Settings
from lawline.runtime import Runtime
from tests.factories import audit_entries


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    runtime = Runtime(Settings(data_dir=tmp_path, database_url=None))
    runtime.upgrade_database()
    yield runtime
    runtime.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as client:
        yield client


def test_health_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "sqlite"


def test_openapi_describes_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/healthz",
        "/v1/audit/head",
        "/v1/audit/proofs/inclusion",
        "/v1/audit/proofs/consistency",
        "/v1/audit/heads/{size}",
    } <= set(spec["paths"])


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/no/such/route", 404, "not_found"),
        ("post", "/healthz", 405, "method_not_allowed"),
        ("get", "/v1/audit/head", 404, "tree_head_not_found"),
        ("get", "/v1/audit/proofs/inclusion?seq=-1&tree_size=1", 422, "invalid_input"),
        ("get", "/v1/audit/proofs/inclusion?seq=5&tree_size=2", 422, "proof_out_of_range"),
    ],
)
def test_every_error_has_the_json_shape(
    client: TestClient, method: str, path: str, status: int, code: str
) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]


def test_a_third_party_checks_an_entry_with_the_public_endpoints(
    client: TestClient, runtime: Runtime
) -> None:
    with transaction(runtime.sessions) as session:
        audit_entries(session, 6)
    head = SignedTreeHead.model_validate(client.get("/v1/audit/head").json())
    assert head.size == 6
    assert head.verify_signature(runtime.signing_key.public)
    proof = InclusionProof.model_validate(
        client.get("/v1/audit/proofs/inclusion", params={"seq": 3, "tree_size": 6}).json()
    )
    assert proof.verify(head, runtime.signing_key.public)
    # recompute the leaf from the entry as published, not from the proof's claim
    with runtime.sessions() as session:
        from lawline.audit.schemas import entry_bytes
        from lawline.audit.service import get_entry

        e = get_entry(session, 3)
        leaf = merkle.leaf_hash(entry_bytes(e.seq, e.entry_type, e.actor, e.subject, e.at, e.body))
    assert base64.b64encode(leaf).decode() == proof.leaf_hash
    with transaction(runtime.sessions) as session:
        audit_entries(session, 3)
    consistency = client.get(
        "/v1/audit/proofs/consistency", params={"old_size": 6, "new_size": 9}
    ).json()
    new_head = SignedTreeHead.model_validate(client.get("/v1/audit/heads/9").json())
    from lawline.audit.schemas import ConsistencyProof

    assert ConsistencyProof.model_validate(consistency).verify(
        head, new_head, runtime.signing_key.public
    )


def test_private_answers_are_never_cached_public_ones_may_be(client: TestClient) -> None:
    # staff, authority and reporter answers carry case data and tokens; errors included
    for method, path in (
        ("post", "/v1/staff/login"),
        ("get", "/v1/staff/requests"),
        ("get", "/v1/authority/requests"),
        ("get", "/v1/reports/rep_01m0000000000000000000000a"),
        ("post", "/v1/reports"),
    ):
        response = client.request(method, path, json={})
        assert response.status_code >= 400  # nobody is logged in or signed here
        assert response.headers.get("cache-control") == "no-store", path
    for path in ("/healthz", "/v1/audit/head", "/v1/keys/platform"):
        assert client.get(path).headers.get("cache-control") != "no-store", path
