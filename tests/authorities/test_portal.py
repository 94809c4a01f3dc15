"""Portal log-in by signed challenge, on both databases: what is accepted and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit.models import AuditEntry
from lawline.authorities import portal
from lawline.authorities.service import AuthorityKeys, revoke_key
from lawline.core.clock import FixedClock
from lawline.core.errors import Unauthorized
from lawline.core.keys import SigningKey
from tests import factories

HERE = "https://lawline.example"


def _setup(db: Session) -> tuple[AuthorityKeys, Ed25519PrivateKey, FixedClock]:
    _, keys = factories.authority(db)
    private = serialization.load_pem_private_key(keys.private_pem.encode(), None)
    assert isinstance(private, Ed25519PrivateKey)
    return keys, private, FixedClock(datetime(2026, 11, 20, 9, tzinfo=UTC))


def _sign_in(
    db: Session, key: SigningKey, clock: FixedClock, challenge: str, key_id: str, signature: str
) -> portal.PortalLogin:
    return portal.sign_in(
        db,
        challenge=challenge,
        key_id=key_id,
        signature=signature,
        platform_key=key,
        audience=HERE,
        clock=clock,
    )


def test_a_signed_challenge_opens_a_session_once(db: Session, signing_key: SigningKey) -> None:
    keys, private, clock = _setup(db)
    challenge = portal.issue_challenge(signing_key, clock, HERE)
    signature = portal.sign_challenge(private, challenge)
    login = _sign_in(db, signing_key, clock, challenge, keys.key_id, signature)
    assert portal.authority_for_session(db, login.token, clock).id == login.authority.id
    entry = db.execute(
        select(AuditEntry).where(AuditEntry.entry_type == "authority.portal_login")
    ).scalar_one()
    assert entry.body == {"key_id": keys.key_id}
    with pytest.raises(Unauthorized) as replayed:
        _sign_in(db, signing_key, clock, challenge, keys.key_id, signature)
    assert replayed.value.code == "challenge_replayed"
    portal.sign_out(db, login.token, clock)
    with pytest.raises(Unauthorized) as ended:
        portal.authority_for_session(db, login.token, clock)
    assert ended.value.code == "session_invalid"


def test_every_refusal_has_its_reason(db: Session, signing_key: SigningKey) -> None:
    keys, private, clock = _setup(db)
    key_id = keys.key_id

    def refused(challenge: str, signature: str | None = None, who: str = key_id) -> str:
        signature = signature or portal.sign_challenge(private, challenge)
        with pytest.raises(Unauthorized) as caught:
            _sign_in(db, signing_key, clock, challenge, who, signature)
        return caught.value.code

    fresh = portal.issue_challenge(signing_key, clock, HERE)
    elsewhere = portal.issue_challenge(signing_key, clock, "https://phish.example")
    parts = fresh.split(".")
    later = ".".join([parts[0], str(int(parts[1]) + 1), *parts[2:]])
    assert refused("not a challenge") == "challenge_invalid"
    assert refused(elsewhere) == "challenge_invalid"  # issued for another address
    assert refused(later) == "challenge_invalid"  # the issue time was changed
    assert refused(fresh, portal.sign_challenge(private, fresh + "x")) == "signature_invalid"
    assert refused(fresh, who="no-such-key") == "key_unknown"
    old = portal.issue_challenge(signing_key, clock, HERE)
    clock.advance(timedelta(minutes=6))
    assert refused(old) == "challenge_expired"
    revoke_key(db, key_id, actor="staff:admin")
    assert refused(portal.issue_challenge(signing_key, clock, HERE)) == "key_unknown"
