"""The authority registry: every change is staff's, audited, and takes effect at once."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

import pycountry
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import x25519
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.authorities.models import Authority, AuthorityKey, CallbackContact
from lawline.authorities.roles import ISSUER_ROLES
from lawline.core.clock import Clock, SystemClock
from lawline.core.errors import Conflict, InvalidInput, NotFound
from lawline.core.fields import plain_text
from lawline.core.ids import new_id
from lawline.core.keys import key_id_for, public_key_bytes

# An authority's kind is its issuer role: the competence checks read it from here, never from
# the request (the policy files name the same roles).
KINDS = ISSUER_ROLES


def parse_public_key(text: str) -> bytes:
    """An Ed25519 public key as PEM (SubjectPublicKeyInfo) or as base64/base64url of 32 bytes."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError:
            raise InvalidInput("not a PEM public key", code="key_malformed") from None
        if not isinstance(key, Ed25519PublicKey):
            raise InvalidInput("the signing key must be Ed25519", code="key_malformed")
        return public_key_bytes(key)
    try:
        raw = base64.urlsafe_b64decode(
            text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
        )
    except ValueError:
        raise InvalidInput("not a base64 Ed25519 key", code="key_malformed") from None
    if len(raw) != 32:
        raise InvalidInput("an Ed25519 public key has 32 bytes", code="key_malformed")
    return raw


def _check_recipient(recipient: str) -> str:
    try:
        x25519.Recipient.from_str(recipient.strip())
    except Exception:  # pyrage raises its own RecipientError
        raise InvalidInput(
            "not an age X25519 recipient (age1...)", code="recipient_malformed"
        ) from None
    return recipient.strip()


def _check_country(country: str) -> str:
    found = pycountry.countries.get(alpha_2=country.upper())
    if found is None:
        raise InvalidInput(f"unknown ISO 3166 country code {country!r}", code="country_unknown")
    return str(found.alpha_2)


def register_authority(
    session: Session,
    *,
    name: str,
    country: str,
    kind: str,
    signing_key: str,
    age_recipient: str,
    jurisdiction_notes: str = "",
    actor: str,
    clock: Clock | None = None,
) -> tuple[Authority, AuthorityKey]:
    now = (clock or SystemClock()).now()
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", code="authority_kind_unknown")
    authority = Authority(
        id=new_id("auth"),
        name=plain_text(name, field="name", max_length=200),
        country=_check_country(country),
        kind=kind,
        jurisdiction_notes=plain_text(
            jurisdiction_notes, field="notes", max_length=4000, required=False
        ),
        age_recipient=_check_recipient(age_recipient),
        created_at=now,
    )
    session.add(authority)
    session.flush()
    key = add_key(session, authority.id, signing_key, actor=actor, clock=clock)
    audit.append(
        session,
        "authority.registered",
        actor=actor,
        subject=f"authority:{authority.id}",
        body={"name": authority.name, "country": authority.country, "kind": kind},
        clock=clock,
    )
    return authority, key


def get_authority(session: Session, authority_id: str) -> Authority:
    authority = session.get(Authority, authority_id)
    if authority is None:
        raise NotFound(f"no authority {authority_id}", code="authority_not_found")
    return authority


def list_authorities(session: Session) -> list[Authority]:
    return list(session.execute(select(Authority).order_by(Authority.name)).scalars())


def keys_of(session: Session, authority_id: str) -> list[AuthorityKey]:
    return list(
        session.execute(
            select(AuthorityKey)
            .where(AuthorityKey.authority_id == authority_id)
            .order_by(AuthorityKey.created_at)
        ).scalars()
    )


def add_key(
    session: Session, authority_id: str, signing_key: str, *, actor: str, clock: Clock | None = None
) -> AuthorityKey:
    """Add a signing key (during rotation both keys are valid until the old one is revoked)."""
    get_authority(session, authority_id)
    raw = parse_public_key(signing_key)
    key_id = key_id_for(raw)
    if session.get(AuthorityKey, key_id) is not None:
        raise Conflict("this key is registered already", code="key_exists")
    key = AuthorityKey(
        key_id=key_id,
        authority_id=authority_id,
        public_key=raw,
        created_at=(clock or SystemClock()).now(),
    )
    session.add(key)
    session.flush()
    audit.append(
        session,
        "authority.key_added",
        actor=actor,
        subject=f"authority:{authority_id}",
        body={"key_id": key_id},
        clock=clock,
    )
    return key


@dataclass(frozen=True)
class Rotation:
    key: AuthorityKey
    old_key_ids: list[str]
    retires_at: datetime | None  # None: the old keys were revoked at once


def rotate_key(
    session: Session,
    authority_id: str,
    signing_key: str,
    *,
    grace: timedelta | None,
    actor: str,
    clock: Clock | None = None,
) -> Rotation:
    """Add a new signing key and retire the authority's other live keys: after `grace`, or at
    once (revoked) when `grace` is None. A retired key's signatures are refused."""
    now = (clock or SystemClock()).now()
    old = [
        k
        for k in keys_of(session, authority_id)
        if k.revoked_at is None and (k.retires_at is None or k.retires_at > now)
    ]
    key = add_key(session, authority_id, signing_key, actor=actor, clock=clock)
    retires_at = None if grace is None else now + grace
    for k in old:
        if retires_at is None:
            revoke_key(session, k.key_id, actor=actor, clock=clock)
            continue
        k.retires_at = retires_at
        audit.append(
            session,
            "authority.key_retiring",
            actor=actor,
            subject=f"authority:{authority_id}",
            body={"key_id": k.key_id, "retires_at": retires_at.isoformat()},
            clock=clock,
        )
    return Rotation(key, [k.key_id for k in old], retires_at)


def revoke_key(session: Session, key_id: str, *, actor: str, clock: Clock | None = None) -> None:
    key = session.get(AuthorityKey, key_id)
    if key is None:
        raise NotFound(f"no key {key_id}", code="key_unknown")
    if key.revoked_at is not None:
        raise Conflict(f"key {key_id} is revoked already", code="key_revoked")
    key.revoked_at = (clock or SystemClock()).now()
    audit.append(
        session,
        "authority.key_revoked",
        actor=actor,
        subject=f"authority:{key.authority_id}",
        body={"key_id": key_id},
        clock=clock,
    )


def revoke_authority(
    session: Session, authority_id: str, *, actor: str, clock: Clock | None = None
) -> None:
    authority = get_authority(session, authority_id)
    if authority.revoked_at is not None:
        raise Conflict("the authority is revoked already", code="authority_revoked")
    authority.revoked_at = (clock or SystemClock()).now()
    audit.append(
        session, "authority.revoked", actor=actor, subject=f"authority:{authority_id}", clock=clock
    )


def add_contact(
    session: Session,
    authority_id: str,
    *,
    name: str,
    role: str,
    telephone: str,
    email: str = "",
    actor: str,
    clock: Clock | None = None,
) -> CallbackContact:
    """Staff enter call-back contacts from an independent source (never from a request)."""
    get_authority(session, authority_id)
    contact = CallbackContact(
        authority_id=authority_id,
        name=plain_text(name, field="name", max_length=200),
        role=plain_text(role, field="role", max_length=200),
        telephone=plain_text(telephone, field="telephone", max_length=40),
        email=plain_text(email, field="email", max_length=200, required=False),
        created_at=(clock or SystemClock()).now(),
    )
    session.add(contact)
    session.flush()
    # the office number is not written to the log: only who was added
    audit.append(
        session,
        "authority.contact_added",
        actor=actor,
        subject=f"authority:{authority_id}",
        body={"contact_id": contact.id, "name": name, "role": role},
        clock=clock,
    )
    return contact


def contacts_of(session: Session, authority_id: str) -> list[CallbackContact]:
    return list(
        session.execute(
            select(CallbackContact).where(CallbackContact.authority_id == authority_id)
        ).scalars()
    )


@dataclass(frozen=True)
class AuthorityKeys:
    """What an authority generates for itself: keep `private_pem` and `age_identity` secret."""

    private_pem: str
    public_pem: str
    key_id: str
    age_identity: str
    age_recipient: str


def generate_authority_keys() -> AuthorityKeys:
    private = Ed25519PrivateKey.generate()
    identity = x25519.Identity.generate()
    public = private.public_key()
    return AuthorityKeys(
        private_pem=private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        public_pem=public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        key_id=key_id_for(public_key_bytes(public)),
        age_identity=str(identity),
        age_recipient=str(identity.to_public()),
    )
