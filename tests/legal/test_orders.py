"""What disclosure is ordered to do: the package names its approvers by role and a pseudonym that
stays the same for one person and that only the platform's key links back to a name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawline.client import open_package
from lawline.core.keys import SigningKey
from lawline.legal.orders import approver_pseudonym
from lawline.staff.service import get_staff
from tests.factories import request_document
from tests.legal.conftest import LegalApi

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def _approve(api: LegalApi, user: str, request_id: str) -> str:
    response = api.http.post(
        f"/v1/staff/requests/{request_id}/approve",
        json={},
        headers={"Authorization": f"Bearer {api.staff_token(user)}"},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def _package_files(api: LegalApi, request_id: str, directory: Path) -> dict[str, bytes]:
    _, keys = api.authorities["nl"]
    ciphertext = api.client().fetch_package(request_id)
    check = open_package(
        ciphertext, keys.age_identity, directory, api.runtime.signing_key.public_bytes
    )
    assert check.ok, check.problem
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_approvers_reach_the_authority_as_roles_and_stable_pseudonyms(
    legal_api: LegalApi, tmp_path: Path
) -> None:
    client = legal_api.client()
    approved_by = []
    for n, order in enumerate((("anna", "bert"), ("bert", "anna"))):
        created = client.submit(request_document(**{"instrument.reference": f"RTM-2026-10{n}"}))
        assert [_approve(legal_api, user, created["id"]) for user in order] == [
            "in_review",
            "disclosed",
        ]
        files = _package_files(legal_api, created["id"], tmp_path / str(n))
        for name, data in files.items():
            for word in (b"anna", b"bert", b"staff:"):
                assert word not in data, f"{word!r} in {name}"
        approved_by.append(json.loads(files["request.json"])["approved_by"])

    first, second = approved_by
    assert first == second  # the same two people, in whatever order they approved
    assert [a["roles"] for a in first] == [["approver"], ["approver"]]
    pseudonyms = [a["id"] for a in first]
    assert len(set(pseudonyms)) == 2  # the authority can see two distinct people approved

    with legal_api.runtime.sessions() as session:
        ids = [get_staff(session, u).id for u in ("anna", "bert")]
    key = legal_api.runtime.signing_key
    # the platform links a pseudonym back to its staff member; nobody without its key can
    assert sorted(pseudonyms) == sorted(approver_pseudonym(key, i) for i in ids)
    assert not any(i in p for i in ids for p in pseudonyms)
    other_key = SigningKey(Ed25519PrivateKey.generate())
    assert not set(pseudonyms) & {approver_pseudonym(other_key, i) for i in ids}
