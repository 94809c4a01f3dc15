"""Trusted flaggers (DSA Art. 22) and their API keys.

A flagger is known by what it holds, never by a name it sends: `POST /v1/reports` with
`Authorization: Bearer <key>` reports as the flagger the key belongs to. Only the key's SHA-256 is
stored; keys are issued and revoked by staff (audited) and a revoked key is refused at once.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from lawline.core.ids import new_id
from lawline.core.pii import find_personal_data
from lawline.moderation.models import TrustedFlagger, TrustedFlaggerKey

KEY_PREFIX = "llf_"


def _hash(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def register_trusted_flagger(
    session: Session, *, name: str, actor: str, clock: Clock
) -> TrustedFlagger:
    """Register an organisation; issue it a key with `issue_key`."""
    name = name.strip()
    if not 2 <= len(name) <= 200 or find_personal_data(name):
        raise InvalidInput("a flagger's name is 2-200 characters", code="flagger_name_invalid")
    flagger_id = new_id("tf")
    # the reporter id is derived from the registry id: no client can choose or claim it
    flagger = TrustedFlagger(
        id=flagger_id, name=name, reporter_id=flagger_id, created_at=clock.now()
    )
    session.add(flagger)
    session.flush()
    audit.append(
        session,
        "trusted_flagger.registered",
        actor=actor,
        subject=f"trusted_flagger:{flagger.id}",
        body={"name": name},
        clock=clock,
    )
    return flagger


def issue_key(
    session: Session, flagger_id: str, *, actor: str, clock: Clock
) -> tuple[TrustedFlaggerKey, str]:
    """A new API key for the flagger; the key itself is returned once and never stored."""
    if session.get(TrustedFlagger, flagger_id) is None:
        raise NotFound(f"no trusted flagger {flagger_id}", code="flagger_not_found")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = TrustedFlaggerKey(
        id=new_id("tfk"), flagger_id=flagger_id, key_hash=_hash(key), created_at=clock.now()
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        "trusted_flagger.key_issued",
        actor=actor,
        subject=f"trusted_flagger:{flagger_id}",
        body={"key_id": row.id},
        clock=clock,
    )
    return row, key


def revoke_key(session: Session, key_id: str, *, actor: str, clock: Clock) -> TrustedFlaggerKey:
    row = session.get(TrustedFlaggerKey, key_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no flagger key {key_id}", code="key_unknown")
    if row.revoked_at is not None:
        raise Conflict(f"flagger key {key_id} is revoked already", code="key_revoked")
    row.revoked_at = clock.now()
    audit.append(
        session,
        "trusted_flagger.key_revoked",
        actor=actor,
        subject=f"trusted_flagger:{row.flagger_id}",
        body={"key_id": key_id},
        clock=clock,
    )
    return row


def flagger_for_key(session: Session, key: str) -> TrustedFlagger:
    """The flagger holding `key`; 401 `api_key_invalid` for an unknown or revoked key."""
    row = session.execute(
        select(TrustedFlagger, TrustedFlaggerKey.revoked_at)
        .join(TrustedFlaggerKey, TrustedFlaggerKey.flagger_id == TrustedFlagger.id)
        .where(TrustedFlaggerKey.key_hash == _hash(key))
    ).first()
    if row is None or row[1] is not None:
        raise Unauthorized("unknown or revoked API key", code="api_key_invalid")
    return row[0]


def flaggers_with_keys(session: Session) -> list[tuple[TrustedFlagger, list[TrustedFlaggerKey]]]:
    flaggers = session.execute(select(TrustedFlagger).order_by(TrustedFlagger.name)).scalars()
    return [
        (
            f,
            list(
                session.execute(
                    select(TrustedFlaggerKey)
                    .where(TrustedFlaggerKey.flagger_id == f.id)
                    .order_by(TrustedFlaggerKey.created_at)
                ).scalars()
            ),
        )
        for f in flaggers
    ]


def key_state(key: TrustedFlaggerKey) -> str:
    return "revoked" if key.revoked_at is not None else "active"
