"""Authority portal log-in: the authority signs a challenge with its registered Ed25519 key.

No password exists to phish or reuse. lawline issues a challenge that it signs itself (so no
server state is needed until log-in), bound to the installation's address and valid for five
minutes; the authority signs `lawline/portal-login/v1\\n<challenge>` with its key (the
`lawline-authority portal-login` command does it) and pastes key id and signature. A signature
is accepted once. The session token is kept only as its SHA-256 hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.authorities.models import Authority, AuthorityKey, AuthoritySession, SeenSignature
from lawline.core.clock import Clock
from lawline.core.errors import Unauthorized
from lawline.core.keys import SigningKey

CHALLENGE_LIFETIME = timedelta(minutes=5)
SESSION_LIFETIME = timedelta(hours=8)
_VERSION = "lawline-portal-v1"
CONTEXT = b"lawline/portal-login/v1\n"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def message_to_sign(challenge: str) -> bytes:
    """What the authority's key signs: a fixed context, so the signature means nothing else."""
    return CONTEXT + challenge.encode()


def issue_challenge(key: SigningKey, clock: Clock, audience: str) -> str:
    """`lawline-portal-v1.<issued>.<nonce>.<platform signature>`, bound to `audience` (the
    installation's public address), which the platform signature covers."""
    issued = int(clock.now().timestamp())
    nonce = _b64(secrets.token_bytes(18))
    body = f"{_VERSION}.{issued}.{nonce}"
    mark = key.sign(f"{body}.{audience}".encode())
    return f"{body}.{_b64(mark)}"


def sign_challenge(private_key: object, challenge: str) -> str:
    """The authority's side (used by `lawline-authority portal-login`)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    assert isinstance(private_key, Ed25519PrivateKey)
    return _b64(private_key.sign(message_to_sign(challenge.strip())))


def _refused(message: str, code: str) -> Unauthorized:
    return Unauthorized(message, code=code)


def _check_challenge(challenge: str, key: SigningKey, clock: Clock, audience: str) -> None:
    parts = challenge.split(".")
    if len(parts) != 4 or parts[0] != _VERSION or not parts[1].isdigit():
        raise _refused("this is not a log-in challenge from lawline", "challenge_invalid")
    body = ".".join(parts[:3])
    try:
        key.public.verify(_unb64(parts[3]), f"{body}.{audience}".encode())
    except (InvalidSignature, ValueError, binascii.Error):
        raise _refused("this challenge was not issued here", "challenge_invalid") from None
    issued = datetime.fromtimestamp(int(parts[1]), tz=UTC)
    now = clock.now()
    if not now - CHALLENGE_LIFETIME <= issued <= now + timedelta(minutes=1):
        raise _refused("the challenge expired; take a new one", "challenge_expired")


@dataclass(frozen=True)
class PortalLogin:
    token: str
    authority: Authority


def sign_in(
    session: Session,
    *,
    challenge: str,
    key_id: str,
    signature: str,
    platform_key: SigningKey,
    audience: str,
    clock: Clock,
) -> PortalLogin:
    challenge = challenge.strip()
    _check_challenge(challenge, platform_key, clock, audience)
    registered = session.get(AuthorityKey, key_id.strip())
    authority = session.get(Authority, registered.authority_id) if registered else None
    if registered is None or registered.revoked_at is not None or authority is None:
        raise _refused("no active key with this id", "key_unknown")
    if authority.revoked_at is not None:
        raise _refused("this authority's registration is revoked", "authority_revoked")
    try:
        raw = _unb64(signature.strip())
        Ed25519PublicKey.from_public_bytes(registered.public_key).verify(
            raw, message_to_sign(challenge)
        )
    except (InvalidSignature, ValueError, binascii.Error):
        raise _refused("the signature does not verify with this key", "signature_invalid") from None
    now = clock.now()
    try:
        with session.begin_nested():
            session.add(
                SeenSignature(
                    signature_hash=hashlib.sha256(raw).digest(),
                    key_id=registered.key_id,
                    seen_at=now,
                )
            )
    except IntegrityError:
        raise _refused("this signed challenge was used before", "challenge_replayed") from None
    token = secrets.token_urlsafe(32)
    session.add(
        AuthoritySession(
            token_hash=hashlib.sha256(token.encode()).digest(),
            authority_id=authority.id,
            key_id=registered.key_id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    audit.append(
        session,
        "authority.portal_login",
        actor=f"authority:{authority.id}",
        subject=f"authority:{authority.id}",
        body={"key_id": registered.key_id},
        clock=clock,
    )
    return PortalLogin(token, authority)


def authority_for_session(session: Session, token: str, clock: Clock) -> Authority:
    row = session.execute(
        select(AuthoritySession, Authority)
        .join(Authority, Authority.id == AuthoritySession.authority_id)
        .where(AuthoritySession.token_hash == hashlib.sha256(token.encode()).digest())
    ).first()
    if row is None:
        raise _refused("sign in again", "session_invalid")
    portal_session, authority = row
    if (
        portal_session.ended_at is not None
        or portal_session.expires_at <= clock.now()
        or authority.revoked_at is not None
    ):
        raise _refused("sign in again", "session_invalid")
    return authority


def sign_out(session: Session, token: str, clock: Clock) -> None:
    portal_session = session.get(AuthoritySession, hashlib.sha256(token.encode()).digest())
    if portal_session is not None and portal_session.ended_at is None:
        portal_session.ended_at = clock.now()
        audit.append(
            session,
            "authority.portal_logout",
            actor=f"authority:{portal_session.authority_id}",
            subject=f"authority:{portal_session.authority_id}",
            clock=clock,
        )
