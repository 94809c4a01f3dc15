"""Rotating an authority's signing key: the old key keeps working for the grace period (default
7 days), then it is refused without anyone revoking it; --revoke ends it at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from lawline.authorities.service import generate_authority_keys, keys_of, rotate_key
from lawline.client import ApiError, AuthorityClient
from lawline.core.db import transaction
from lawline.core.settings import Settings
from tests.legal.conftest import LegalApi

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def _rotate(api: LegalApi, grace: timedelta | None) -> AuthorityClient:
    authority, _ = api.authorities["nl"]
    new = generate_authority_keys()
    with transaction(api.runtime.sessions) as session:
        rotate_key(
            session, authority.id, new.public_pem, grace=grace, actor="staff:admin", clock=api.clock
        )
    private = serialization.load_pem_private_key(new.private_pem.encode(), None)
    return AuthorityClient(
        "http://testserver",
        new.key_id,
        private,
        http=api.http,
        clock=api.clock,  # type: ignore[arg-type]
    )


def test_the_old_key_retires_after_the_grace_period(legal_api: LegalApi) -> None:
    old = legal_api.client("nl")
    assert Settings().key_rotation_grace_days == 7
    new = _rotate(legal_api, timedelta(days=Settings().key_rotation_grace_days))
    legal_api.clock.advance(timedelta(days=6, hours=23))
    assert old.list() == []  # both keys work during the grace period
    assert new.list() == []
    legal_api.clock.advance(timedelta(hours=1))
    with pytest.raises(ApiError) as caught:
        old.list()
    assert (caught.value.status, caught.value.code) == (401, "key_revoked")
    assert new.list() == []
    authority, _ = legal_api.authorities["nl"]
    with legal_api.runtime.sessions() as session:
        retiring = [k for k in keys_of(session, authority.id) if k.key_id == old.key_id]
        assert retiring[0].revoked_at is None  # refused by the date alone, nobody revoked it


def test_rotating_with_revoke_ends_the_old_key_at_once(legal_api: LegalApi) -> None:
    old = legal_api.client("nl")
    new = _rotate(legal_api, None)
    with pytest.raises(ApiError) as caught:
        old.list()
    assert caught.value.code == "key_revoked"
    assert new.list() == []
