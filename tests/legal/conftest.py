"""The authority API as an authority meets it: a running ASGI app on a real database, a real
generated platform, registered authorities with real keys, and `lawline.client` signing."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient
from sqlalchemy import text

from lawline.api.app import create_app
from lawline.client import AuthorityClient
from lawline.core.clock import Clock, FixedClock
from lawline.core.db import make_engine, transaction
from lawline.core.settings import Settings
from lawline.runtime import Runtime
from tests import factories

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass
class LegalApi:
    runtime: Runtime
    http: TestClient
    clock: FixedClock
    authorities: dict[str, tuple[Any, Any]]  # name -> (Authority, AuthorityKeys)
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, name: str = "nl", clock: Clock | None = None) -> AuthorityClient:
        _, keys = self.authorities[name]
        private = serialization.load_pem_private_key(keys.private_pem.encode(), None)
        return AuthorityClient(
            "http://testserver",
            keys.key_id,
            private,  # type: ignore[arg-type]
            http=self.http,
            clock=clock or self.clock,
        )

    def staff_token(self, username: str) -> str:
        """Log in once per test and reuse the token (a TOTP code is accepted only once)."""
        if username in self.tokens:
            return self.tokens[username]
        import pyotp

        from lawline.staff.models import StaffMember

        with self.runtime.sessions() as session:
            member = session.query(StaffMember).filter_by(username=username).one()
            code = pyotp.TOTP(member.totp_secret).at(self.clock.now())
        response = self.http.post(
            "/v1/staff/login",
            json={"username": username, "password": factories.STAFF_PASSWORD, "totp": code},
        )
        assert response.status_code == 200, response.text
        self.tokens[username] = str(response.json()["token"])
        return self.tokens[username]


@pytest.fixture
def legal_api(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path: Path
) -> Iterator[LegalApi]:
    """On SQLite, or on PostgreSQL where a module parametrizes it indirectly."""
    database_url = None
    if getattr(request, "param", "sqlite") == "postgresql":
        url, _ = request.getfixturevalue("postgres_schema_url")
        schema = f"api_{secrets.token_hex(5)}"
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{url}?options=-csearch_path%3D{schema}"

        def drop() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        request.addfinalizer(drop)  # noqa: PT021 - only the PostgreSQL variant has it
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "platform.sqlite").write_bytes(platform_file.read_bytes())
    clock = FixedClock(NOW)
    runtime = Runtime(
        Settings(data_dir=data_dir, database_url=database_url, platform="embedded"), clock=clock
    )
    runtime.upgrade_database()
    with transaction(runtime.sessions) as session:
        found = {
            "nl": factories.authority(session, country="NL"),
            "us": factories.authority(
                session, country="US", kind="police", name="FBI Field Office"
            ),
            "fr": factories.authority(session, country="FR", name="Parquet de Paris"),
            "nl-police": factories.authority(
                session, country="NL", kind="police", name="Politie Eenheid Rotterdam"
            ),
        }
        factories.staff_member(session, "anna", "approver")
        factories.staff_member(session, "bert", "approver")
        factories.staff_member(session, "carla", "legal_reviewer")
        factories.violation(session, "100005", "drugs")
        factories.violation(session, "100007", "weapons")
    with TestClient(create_app(runtime)) as http:
        yield LegalApi(runtime, http, clock, found)
    runtime.close()
