"""Signed authority requests for the submission benchmark: a registered authority, violators,
and files of pre-signed requests (one line each: digest, signature input, signature, body)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawline.authorities.service import generate_authority_keys, register_authority
from lawline.client import AuthorityClient
from lawline.core.db import transaction
from lawline.core.settings import Settings
from lawline.moderation.violations import record_violation
from lawline.runtime import Runtime


@dataclass
class Authority:
    key_id: str
    private_key: Ed25519PrivateKey
    violators: list[str]


def register_authority_with_violators(env: dict[str, str], violators: int = 500) -> Authority:
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        runtime = Runtime(Settings())
        keys = generate_authority_keys()
        with transaction(runtime.sessions) as session:
            register_authority(
                session,
                name="Bench prosecutor",
                country="NL",
                kind="investigating_judge",
                signing_key=keys.public_pem,
                age_recipient=keys.age_recipient,
                actor="staff:bench",
            )
            accounts = [str(100_000 + i) for i in range(violators)]
            for account in accounts:
                record_violation(
                    session,
                    account_id=account,
                    category="drugs",
                    decision_ref=f"bench-{account}",
                    summary="benchmark violation",
                    actor="staff:bench",
                )
        runtime.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    private = serialization.load_pem_private_key(keys.private_pem.encode(), None)
    assert isinstance(private, Ed25519PrivateKey)
    return Authority(keys.key_id, private, accounts)


def document(target: str, reference: str, today: date) -> dict[str, object]:
    end = today - timedelta(days=1)
    return {
        "type": "disclosure",
        "instrument": {
            "kind": "court_order",
            "issuing_body": "Rechtbank Amsterdam, rechter-commissaris",
            "reference": reference,
            "issued_on": str(today - timedelta(days=2)),
            "expires_on": str(today + timedelta(days=90)),
            "document_sha256": secrets.token_hex(32),
        },
        "offense": "drug_trafficking",
        "targets": [target],
        "categories": ["subscriber.phone", "traffic.ip"],
        "range": {"start": f"{end - timedelta(days=60)}T00:00:00Z", "end": f"{end}T00:00:00Z"},
        "case_reference": reference,
    }


def write_signed_requests(
    authority: Authority, base_url: str, path: Path, per_thread: int, threads: int = 2
) -> None:
    """`path`.1, `path`.2, ...: one file per wrk thread, every request unique and signed now."""
    client = AuthorityClient(base_url, authority.key_id, authority.private_key)
    http = httpx2.Client()
    today = datetime.now(UTC).date()
    run = secrets.token_hex(3)
    for thread in range(1, threads + 1):
        lines = []
        for n in range(per_thread):
            target = authority.violators[(n * threads + thread) % len(authority.violators)]
            body = json.dumps(document(target, f"BENCH-{run}-{thread}-{n}", today)).encode()
            request = http.build_request(
                "POST",
                base_url + "/v1/authority/requests",
                content=body,
                headers={"content-type": "application/json"},
            )
            client.sign(request)
            lines.append(
                "\t".join(
                    [
                        request.headers["content-digest"],
                        request.headers["signature-input"],
                        request.headers["signature"],
                        body.decode(),
                    ]
                )
            )
        Path(f"{path}.{thread}").write_text("\n".join(lines) + "\n")
    http.close()
