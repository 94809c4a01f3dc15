"""RFC 9421 HTTP Message Signatures on authority requests.

Every call under `/v1/authority/` must carry a signature by a registered, unrevoked Ed25519 key
(`keyid` = the key id lawline assigned) covering at least `@method`, `@target-uri` and
`content-digest` (RFC 9530), with a `created` time within five minutes of ours. A signature is
accepted once: any replay within the window is refused. Verification is done by the
`http-message-signatures` library, so any standard-conforming signer is accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import http_sf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)
from http_message_signatures.digests import ContentDigest
from http_message_signatures.exceptions import HTTPMessageSignaturesException
from sqlalchemy import Connection, Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from lawline.authorities.models import Authority, AuthorityKey, SeenSignature
from lawline.core.clock import Clock
from lawline.core.errors import Unauthorized

REQUIRED_COMPONENTS = ("@method", "@target-uri", "content-digest")
WINDOW = timedelta(minutes=5)


class SignatureRefused(Unauthorized):
    """A refused signature; `code` names the reason (see docs/reason-codes.md)."""


class SignedMessage:
    """The parts of an HTTP request the verifier reads (the library's message interface)."""

    def __init__(self, method: str, url: str, headers: Sequence[tuple[str, str]]) -> None:
        self.method = method.upper()
        self.url = url
        self.headers = _Headers(headers)


class _Headers:
    def __init__(self, items: Sequence[tuple[str, str]]) -> None:
        self._items = [(k.lower(), v) for k, v in items]

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __contains__(self, name: object) -> bool:
        return any(k == str(name).lower() for k, _ in self._items)

    def get(self, name: str, default: str | None = None) -> str | None:
        values = [v for k, v in self._items if k == name.lower()]
        return ", ".join(values) if values else default

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Any:
        return iter(k for k, _ in self._items)


@dataclass(frozen=True)
class VerifiedCaller:
    authority_id: str
    key_id: str


class _OurClockVerifier(HTTPMessageVerifier):
    # The library checks `created` against the wall clock; lawline checks it against its own
    # clock (see `_check_created`), which tests and the demo can set.
    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        return None


class _KeyResolver(HTTPSignatureKeyResolver):
    def __init__(self, public_key: bytes) -> None:
        self._key = Ed25519PublicKey.from_public_bytes(public_key)

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        return self._key


def _signature_input(message: SignedMessage) -> tuple[str, list[str], dict[str, Any], bytes]:
    """(label, covered components, parameters, signature bytes) of the single signature."""
    raw_input = message.headers.get("signature-input")
    raw_signature = message.headers.get("signature")
    if not raw_input or not raw_signature:
        raise SignatureRefused("the request is not signed (RFC 9421)", code="signature_missing")
    try:
        inputs: Any = http_sf.parse(raw_input.encode(), tltype="dictionary")
        signatures: Any = http_sf.parse(raw_signature.encode(), tltype="dictionary")
    except Exception:  # http_sf raises ValueError subclasses on malformed fields
        raise SignatureRefused(
            "malformed Signature-Input or Signature field", code="signature_invalid"
        ) from None
    if len(inputs) != 1 or set(inputs) != set(signatures):
        raise SignatureRefused(
            "send exactly one signature, with matching labels", code="signature_invalid"
        )
    label: str = next(iter(inputs))
    (members, params), (value, _) = inputs[label], signatures[label]
    if not isinstance(members, list) or not isinstance(value, bytes | bytearray):
        raise SignatureRefused("malformed signature", code="signature_invalid")
    return label, [m[0] for m in members], dict(params), bytes(value)


def _check_created(params: dict[str, Any], clock: Clock) -> None:
    created = params.get("created")
    if not isinstance(created, int) or isinstance(created, bool):
        raise SignatureRefused(
            "the signature needs a `created` parameter", code="signature_incomplete"
        )
    now = clock.now().timestamp()
    if abs(now - created) > WINDOW.total_seconds():
        raise SignatureRefused(
            "the signature was created more than 5 minutes from now", code="signature_expired"
        )
    expires = params.get("expires")
    if isinstance(expires, int) and expires < now:
        raise SignatureRefused("the signature has expired", code="signature_expired")


def verify_request(
    sessions: sessionmaker[Session],
    message: SignedMessage,
    body: bytes,
    clock: Clock,
    *,
    received_url: str | None = None,
) -> VerifiedCaller:
    """Authenticate an authority request or raise `SignatureRefused` with a reason code:
    `check_signature` and `remember_signature` in one transaction of its own, committed before
    the request's work starts (the API runs the two steps apart: see `api.authority`).

    `message.url` is this deployment's URL for the request; `received_url`, the URL built from
    what the client sent (Host header), only names the reason when a signature made for another
    deployment is refused (`target_uri_mismatch`).
    """
    with sessions() as session:
        caller, signature = check_signature(session, message, body, clock, received_url)
        remember_signature(session, signature, caller.key_id, clock)
        session.commit()
        return caller


def check_signature(
    session: Session,
    message: SignedMessage,
    body: bytes,
    clock: Clock,
    received_url: str | None = None,
) -> tuple[VerifiedCaller, bytes]:
    """Who signed the request, and the signature bytes to remember; reads only. The key and its
    authority are read on every request (never cached): a revocation or a rotation's retirement
    committed before it is refused at once."""
    return _verify(session.connection(), message, body, clock, received_url)


def remember_signature(session: Session, signature: bytes, key_id: str, clock: Clock) -> None:
    """Record an accepted signature in the caller's transaction, which must commit before the
    request's work starts: the signature is then remembered even when the request fails later,
    so it can never be replayed. A signature remembered already is refused
    (`signature_replayed`); of two racing copies exactly one is recorded (the primary key).
    One statement that inserts nothing on a conflict, so no error and no rollback is needed
    (the group writer runs it in a savepoint it shares with other requests' work)."""
    now = clock.now()
    session.execute(_FORGET, {"before": now - 2 * WINDOW})
    statement = _SEEN[session.get_bind().dialect.name]
    inserted = session.execute(
        statement,
        {"signature_hash": hashlib.sha256(signature).digest(), "key_id": key_id, "seen_at": now},
    )
    if inserted.first() is None:
        raise SignatureRefused("this signature was used before", code="signature_replayed")


# The signing key and the state of its authority in one statement (Core: no objects are needed).
_KEY = (
    select(
        AuthorityKey.authority_id,
        AuthorityKey.public_key,
        AuthorityKey.revoked_at,
        AuthorityKey.retires_at,
        Authority.revoked_at.label("authority_revoked_at"),
    )
    .join(Authority, Authority.id == AuthorityKey.authority_id)
    .where(AuthorityKey.key_id == bindparam("key_id"))
)


def _verify(
    connection: Connection,
    message: SignedMessage,
    body: bytes,
    clock: Clock,
    received_url: str | None,
) -> tuple[VerifiedCaller, bytes]:
    _, covered, params, signature = _signature_input(message)
    key_id = params.get("keyid")
    if not isinstance(key_id, str):
        raise SignatureRefused("the signature names no keyid", code="key_unknown")
    key = connection.execute(_KEY, {"key_id": key_id}).one_or_none()
    if key is None:
        raise SignatureRefused("unknown signing key", code="key_unknown")
    if key.revoked_at is not None or key.authority_revoked_at is not None:
        raise SignatureRefused("this signing key is revoked", code="key_revoked")
    if key.retires_at is not None and key.retires_at <= clock.now():
        # replaced by a newer key and past the rotation's grace period
        raise SignatureRefused("this signing key was replaced and has retired", code="key_revoked")
    alg = params.get("alg")
    if alg is not None and alg != "ed25519":
        raise SignatureRefused("only ed25519 signatures are accepted", code="signature_invalid")
    missing = [c for c in REQUIRED_COMPONENTS if c not in covered]
    if missing:
        raise SignatureRefused(
            f"the signature must cover {', '.join(REQUIRED_COMPONENTS)}; "
            f"missing {', '.join(missing)}",
            code="signature_incomplete",
        )
    _check_created(params, clock)
    digest = message.headers.get("content-digest")
    try:
        ContentDigest.verify(digest or "", body)
    except Exception:  # the library raises on absent, malformed or mismatching digests
        raise SignatureRefused(
            "Content-Digest does not match the body", code="digest_mismatch"
        ) from None
    # The body is not given to the library again: the Content-Digest field was just checked
    # against it, and `REQUIRED_COMPONENTS` makes the signature cover that very field.
    if not signature_verifies(message, key.public_key, REQUIRED_COMPONENTS):
        if received_url and received_url != message.url:
            elsewhere = SignedMessage(message.method, received_url, message.headers.items())
            if signature_verifies(elsewhere, key.public_key, REQUIRED_COMPONENTS):
                raise SignatureRefused(
                    "the signature covers another deployment's URL; sign this one's "
                    "public URL as @target-uri",
                    code="target_uri_mismatch",
                )
        raise SignatureRefused("the signature does not verify", code="signature_invalid")
    return VerifiedCaller(key.authority_id, key_id), signature


def signature_verifies(
    message: SignedMessage,
    public_key: bytes,
    require_components: Sequence[str] = (),
    body: bytes | None = None,
) -> bool:
    """The cryptographic check alone (RFC 9421 section 3.2), by the library; times are checked
    by the caller against lawline's clock."""
    verifier = _OurClockVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=_KeyResolver(public_key)
    )
    try:
        verifier.verify(message, max_age=None, require_components=require_components, body=body)
    except (InvalidSignature, HTTPMessageSignaturesException):
        return False
    return True


# Signatures older than twice the window can no longer pass `_check_created`: forgotten.
_FORGET = delete(SeenSignature).where(SeenSignature.seen_at < bindparam("before"))
_SEEN_TABLE = cast(Table, SeenSignature.__table__)
_SEEN = {
    name: insert(_SEEN_TABLE).on_conflict_do_nothing().returning(_SEEN_TABLE.c.key_id)
    for name, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}
