"""A live `lawline serve` on a loopback port, on a seeded database, for black-box tests.

The server is the real command in a subprocess (migrations, search index, uvicorn, logging);
the seed gives it a staff member who holds every role, a registered authority with fresh keys,
and violations, so authenticated endpoints are reached with real credentials.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pyotp
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from http_message_signatures import HTTPMessageSigner, HTTPSignatureKeyResolver, algorithms
from sqlalchemy import text

from lawline.core.db import make_engine, transaction
from lawline.core.settings import Settings
from lawline.runtime import Runtime
from tests import factories

ROLES = ("admin", "approver", "legal_reviewer", "moderator", "intake")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Key(HTTPSignatureKeyResolver):
    def __init__(self, key: Any) -> None:
        self._key = key

    def resolve_private_key(self, key_id: str) -> Any:
        return self._key


class LawlineAuth(requests.auth.AuthBase):
    """Signs authority calls (RFC 9421, as `lawline.client` does) and sends the staff token
    on staff calls, on the final prepared request, so what is signed is what is sent."""

    def __init__(self, key_id: str, private_pem: str, staff_token: str) -> None:
        private = serialization.load_pem_private_key(private_pem.encode(), None)
        self._signer = HTTPMessageSigner(
            signature_algorithm=algorithms.ED25519, key_resolver=_Key(private)
        )
        self._key_id = key_id
        self._token = staff_token

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        path = requests.utils.urlparse(prepared.url or "").path
        if path.startswith("/v1/authority/"):
            for name in ("Signature", "Signature-Input", "Content-Digest"):
                prepared.headers.pop(name, None)
            body = prepared.body or b""
            self._signer.sign(
                prepared,
                key_id=self._key_id,
                created=datetime.now(UTC),
                nonce=secrets.token_urlsafe(16),
                label="lawline",
                covered_component_ids=("@method", "@target-uri"),
                body=body.encode() if isinstance(body, str) else body,
            )
        elif path.startswith("/v1/staff/") and path != "/v1/staff/login":
            prepared.headers["Authorization"] = f"Bearer {self._token}"
        return prepared


@dataclass
class LiveServer:
    base_url: str
    backend: str
    auth: LawlineAuth
    process: subprocess.Popen[bytes]
    log: Path

    def session(self) -> requests.Session:
        session = requests.Session()
        session.auth = self.auth
        return session


def _database_url(request: pytest.FixtureRequest, backend: str) -> str | None:
    if backend == "sqlite":
        return None
    url, _ = request.getfixturevalue("postgres_schema_url")
    schema = f"live_{secrets.token_hex(5)}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    request.addfinalizer(drop)
    return f"{url}?options=-csearch_path%3D{schema}"


def _seed(settings: Settings) -> tuple[Any, str]:
    runtime = Runtime(settings)
    runtime.upgrade_database()
    with transaction(runtime.sessions) as session:
        _, keys = factories.authority(session, country="NL")
        factories.staff_member(session, "sam", *ROLES)
        factories.violation(session, "100005", "drugs")
        from lawline.staff.models import StaffMember

        secret = session.query(StaffMember).filter_by(username="sam").one().totp_secret
    runtime.close()
    return keys, secret


def start_live_server(
    request: pytest.FixtureRequest, backend: str, platform_file: Path, data_dir: Path
) -> Iterator[LiveServer]:
    (data_dir / "platform.sqlite").write_bytes(platform_file.read_bytes())
    database_url = _database_url(request, backend)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=data_dir, database_url=database_url, platform="embedded")
    keys, totp_secret = _seed(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWLINE_")}
    env.update(LAWLINE_DATA_DIR=str(data_dir), LAWLINE_PUBLIC_URL=base_url)
    if database_url:
        env["LAWLINE_DATABASE_URL"] = database_url
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "lawline", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(base_url, process, log)
        # The first report trains the triage model; do it here, not inside a timed request.
        warm = httpx2.post(
            f"{base_url}/v1/reports",
            json={"target": "100005", "category": "drugs"},
            timeout=300,
        )
        assert warm.status_code == 201, warm.text
        token = httpx2.post(
            f"{base_url}/v1/staff/login",
            json={
                "username": "sam",
                "password": factories.STAFF_PASSWORD,
                "totp": pyotp.TOTP(totp_secret).now(),
            },
        ).json()["token"]
        yield LiveServer(
            base_url, backend, LawlineAuth(keys.key_id, keys.private_pem, token), process, log
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"lawline serve exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx2.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"lawline serve did not come up: {log.read_text()}")
