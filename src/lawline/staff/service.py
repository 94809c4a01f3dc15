"""Staff accounts and authentication. Actors are written `staff:<username>` in the audit log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock, SystemClock
from lawline.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from lawline.core.ids import new_id
from lawline.staff.models import StaffMember, StaffToken

TOKEN_LIFETIME = timedelta(hours=8)
_hasher = PasswordHasher()


class Role(StrEnum):
    INTAKE = "intake"
    LEGAL_REVIEWER = "legal_reviewer"
    APPROVER = "approver"
    MODERATOR = "moderator"
    ADMIN = "admin"


@dataclass(frozen=True)
class Staff:
    """An authenticated staff member, as front ends pass it to services."""

    id: str
    username: str
    roles: frozenset[str]

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"

    def require(self, *roles: Role) -> None:
        if not self.roles & {r.value for r in roles} and Role.ADMIN.value not in self.roles:
            wanted = " or ".join(r.value for r in roles)
            raise Forbidden(f"{self.username} needs the role {wanted}", code="role_required")


def _as_staff(member: StaffMember) -> Staff:
    return Staff(member.id, member.username, frozenset(member.roles))


def create_staff(
    session: Session,
    *,
    username: str,
    display_name: str,
    roles: list[str],
    password: str,
    actor: str,
    clock: Clock | None = None,
) -> tuple[Staff, str]:
    """Create a staff member; return it with the TOTP secret to enrol in an authenticator."""
    now = (clock or SystemClock()).now()
    unknown = sorted(set(roles) - {r.value for r in Role})
    if unknown or not roles:
        raise InvalidInput(f"unknown or missing roles: {unknown}", code="role_unknown")
    if len(password) < 12:
        raise InvalidInput("passwords have at least 12 characters", code="password_too_short")
    if session.execute(select(StaffMember).where(StaffMember.username == username)).first():
        raise Conflict(f"staff member {username} exists", code="staff_exists")
    secret = pyotp.random_base32()
    member = StaffMember(
        id=new_id("stf"),
        username=username,
        display_name=display_name,
        roles=sorted(roles),
        password_hash=_hasher.hash(password),
        totp_secret=secret,
        created_at=now,
    )
    session.add(member)
    session.flush()
    audit.append(
        session,
        "staff.created",
        actor=actor,
        subject=f"staff:{username}",
        body={"roles": sorted(roles)},
        clock=clock,
    )
    return _as_staff(member), secret


def get_staff(session: Session, username: str) -> Staff:
    member = session.execute(
        select(StaffMember).where(StaffMember.username == username)
    ).scalar_one_or_none()
    if member is None or member.disabled_at is not None:
        raise NotFound(f"no active staff member {username}", code="staff_not_found")
    return _as_staff(member)


def members(session: Session, usernames: Iterable[str]) -> list[Staff]:
    """Staff by username, disabled ones too: a past approval still has its approver."""
    return [
        _as_staff(m)
        for m in session.execute(
            select(StaffMember)
            .where(StaffMember.username.in_(sorted(set(usernames))))
            .order_by(StaffMember.username)
        ).scalars()
    ]


def log_in(
    session: Session, *, username: str, password: str, totp: str, clock: Clock | None = None
) -> str:
    """Check password and TOTP code; return a bearer token valid for eight hours."""
    clock = clock or SystemClock()
    member = session.execute(
        select(StaffMember).where(StaffMember.username == username)
    ).scalar_one_or_none()
    failure = Unauthorized("wrong username, password or code", code="login_failed")
    if member is None or member.disabled_at is not None:
        _hasher.hash(password)  # same work either way: no user enumeration by timing
        raise failure
    try:
        _hasher.verify(member.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise failure from None
    if not pyotp.TOTP(member.totp_secret).verify(totp, for_time=clock.now(), valid_window=1):
        raise failure
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        StaffToken(
            token_hash=hashlib.sha256(token.encode()).digest(),
            staff_id=member.id,
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
        )
    )
    audit.append(
        session,
        "staff.logged_in",
        actor=f"staff:{username}",
        subject=f"staff:{username}",
        clock=clock,
    )
    return token


def staff_for_token(session: Session, token: str, clock: Clock | None = None) -> Staff:
    now = (clock or SystemClock()).now()
    row = session.execute(
        select(StaffMember, StaffToken.expires_at)
        .join(StaffToken, StaffToken.staff_id == StaffMember.id)
        .where(StaffToken.token_hash == hashlib.sha256(token.encode()).digest())
    ).first()
    if row is None or row[1] <= now or row[0].disabled_at is not None:
        raise Unauthorized("log in again", code="token_invalid")
    return _as_staff(row[0])
