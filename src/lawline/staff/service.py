"""Staff accounts and authentication. Actors are written `staff:<username>` in the audit log."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock, SystemClock
from lawline.core.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthorized
from lawline.core.ids import new_id
from lawline.core.pii import find_personal_data
from lawline.staff.models import StaffMember, StaffToken
from lawline.staff.permissions import Action, Role, allowed, require

TOKEN_LIFETIME = timedelta(hours=8)
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(days=1)
_USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")
_hasher = PasswordHasher()

__all__ = ["Action", "Role", "Staff", "allowed", "require"]


@dataclass(frozen=True)
class Staff:
    """An authenticated staff member, as front ends pass it to services."""

    id: str
    username: str
    roles: frozenset[str]

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"

    def require(self, action: Action) -> None:
        require(self, action)


class LoginFailed(Unauthorized):
    """A refused log-in. The attempt is counted in the session: the boundary commits before it
    answers, so a failure still counts towards the lock-out."""


class LoginLocked(TooManyRequests):
    """Too many failed log-ins; the attempt is refused until the lock ends (audited)."""


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
    _check_username(username)
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
    try:
        # a savepoint: the unique username decides between racing enrolments (on PostgreSQL
        # the check above sees neither's uncommitted row), answered as the check answers
        with session.begin_nested():
            session.add(member)
    except IntegrityError:
        raise Conflict(f"staff member {username} exists", code="staff_exists") from None
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


def _check_username(username: str) -> None:
    # a name that could be a phone number or an address would put personal data in the audit log
    if not _USERNAME.match(username) or find_personal_data(username):
        raise InvalidInput(
            "a username is 2-64 lower-case letters, digits or _.- starting with a letter",
            code="username_invalid",
        )


def _member(session: Session, username: str, *, lock: bool = False) -> StaffMember | None:
    query = select(StaffMember).where(StaffMember.username == username)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def _accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to (one step of clock drift either way), if it is newer than
    the last accepted one; None otherwise."""
    # An authenticator shows ASCII digits. Fullwidth or Arabic-Indic digits pass a `\d` pattern
    # but made compare_digest raise TypeError: a 500 that also left the failure uncounted.
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None


def _record_failure(session: Session, member: StaffMember, now: datetime, clock: Clock) -> None:
    member.failed_logins += 1
    over = member.failed_logins - FAILURES_BEFORE_LOCK
    if over >= 0:
        lock = min(FIRST_LOCK * 2**over, LONGEST_LOCK)
        member.locked_until = now + lock
        audit.append(
            session,
            "staff.login_locked",
            actor="system:login",
            subject=f"staff:{member.username}",
            body={"failures": member.failed_logins, "locked_seconds": int(lock.total_seconds())},
            clock=clock,
        )


def log_in(
    session: Session,
    *,
    username: str,
    password: str,
    totp: str,
    clock: Clock | None = None,
    lifetime: timedelta = TOKEN_LIFETIME,
) -> str:
    """Check password and TOTP code; return a bearer token valid for `lifetime`.

    A TOTP code is accepted once (its time step is stored); after five failures in a row the
    account locks for a minute, doubling with each further failure up to a day.
    """
    clock = clock or SystemClock()
    now = clock.now()
    # the row lock makes the failure count and the used TOTP step hold under racing log-ins
    member = _member(session, username, lock=True)
    failure = LoginFailed("wrong username, password or code", code="login_failed")
    if member is None or member.disabled_at is not None:
        _hasher.hash(password)  # same work either way: no user enumeration by timing
        raise failure
    if member.locked_until is not None and member.locked_until > now:
        wait = int((member.locked_until - now).total_seconds()) + 1
        raise LoginLocked(
            f"too many failed log-ins; try again in {wait} seconds",
            code="login_locked",
            retry_after_seconds=wait,
        )
    try:
        _hasher.verify(member.password_hash, password)
        password_ok = True
    except (VerificationError, InvalidHashError):
        password_ok = False
    step = _accepted_step(member.totp_secret, totp, now, member.last_totp_step)
    if not password_ok or step is None:
        _record_failure(session, member, now, clock)
        raise failure
    member.last_totp_step = step
    member.failed_logins = 0
    member.locked_until = None
    token = secrets.token_urlsafe(32)
    session.add(
        StaffToken(
            token_hash=_token_hash(token),
            staff_id=member.id,
            created_at=now,
            expires_at=now + lifetime,
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


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def staff_for_token(session: Session, token: str, clock: Clock | None = None) -> Staff:
    now = (clock or SystemClock()).now()
    row = session.execute(
        select(StaffMember, StaffToken.expires_at)
        .join(StaffToken, StaffToken.staff_id == StaffMember.id)
        .where(StaffToken.token_hash == _token_hash(token))
    ).first()
    if row is None or row[1] <= now or row[0].disabled_at is not None:
        raise Unauthorized("log in again", code="token_invalid")
    return _as_staff(row[0])


def log_out(session: Session, token: str, clock: Clock | None = None) -> None:
    """End the session of `token` (a no-op for an unknown or expired one)."""
    row = session.execute(
        select(StaffToken, StaffMember.username)
        .join(StaffMember, StaffToken.staff_id == StaffMember.id)
        .where(StaffToken.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return
    session.delete(row[0])
    audit.append(
        session,
        "staff.logged_out",
        actor=f"staff:{row[1]}",
        subject=f"staff:{row[1]}",
        clock=clock,
    )


def has_staff(session: Session) -> bool:
    """Whether any staff member exists: until one does, the first admin may be added unlogged."""
    return session.execute(select(func.count()).select_from(StaffMember)).scalar_one() > 0


def create_first_admin(
    session: Session, *, username: str, display_name: str, password: str, clock: Clock | None = None
) -> tuple[Staff, str]:
    """The bootstrap: the first staff member, an admin, added without a log-in, only while no
    staff member exists. On PostgreSQL the table is locked first, so of two racing bootstraps
    one succeeds and the other is told to log in (SQLite writers are serialised already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE staff_members IN SHARE ROW EXCLUSIVE MODE"))
    if has_staff(session):
        raise Unauthorized("log in first: `lawline login USERNAME`", code="login_required")
    return create_staff(
        session,
        username=username,
        display_name=display_name,
        roles=[Role.ADMIN.value],
        password=password,
        actor="system:bootstrap",
        clock=clock,
    )


@dataclass(frozen=True)
class StaffListing:
    username: str
    display_name: str
    roles: list[str]
    created_at: datetime
    disabled: bool
    locked_until: datetime | None


def list_staff(session: Session, *, by: Staff) -> list[StaffListing]:
    require(by, Action.STAFF_MANAGE)
    members = session.execute(select(StaffMember).order_by(StaffMember.username)).scalars()
    return [
        StaffListing(
            m.username,
            m.display_name,
            list(m.roles),
            m.created_at,
            m.disabled_at is not None,
            m.locked_until,
        )
        for m in members
    ]


def acting(session: Session, staff: Staff, action: Action) -> None:
    """`staff` may do `action` now: the permission, then the member's row read again under a
    shared lock (PostgreSQL `FOR SHARE`; SQLite's writers are serial already). The token was
    checked when the request began, unlocked: an approval or a decision racing the member's
    disabling, or the loss of the role, would otherwise be recorded for someone who no longer
    may act. A disabling waits for the action's commit, or the action sees it and is refused
    (`token_invalid`, as for a disabled member's token)."""
    require(staff, action)
    member = session.scalars(
        select(StaffMember)
        .where(StaffMember.id == staff.id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if member is None or member.disabled_at is not None:
        raise Unauthorized("log in again", code="token_invalid")
    require(_as_staff(member), action)


def _existing_as(session: Session, username: str, by: Staff) -> StaffMember:
    """The member `username`, locked together with the acting admin's own row, in id order (no
    deadlock), and the admin checked again under the lock: an admin another admin disabled a
    moment ago acts no more (two admins disabling each other at once left no admin)."""
    rows = session.scalars(
        select(StaffMember)
        .where(or_(StaffMember.id == by.id, StaffMember.username == username))
        .order_by(StaffMember.id)
        .with_for_update()
        .execution_options(populate_existing=True)  # the token check read the admin unlocked
    ).all()
    actor = next((m for m in rows if m.id == by.id), None)
    if actor is None or actor.disabled_at is not None:
        raise Unauthorized("log in again", code="token_invalid")
    member = next((m for m in rows if m.username == username), None)
    if member is None:
        raise NotFound(f"no staff member {username}", code="staff_not_found")
    return member


def disable_staff(
    session: Session, username: str, *, by: Staff, clock: Clock | None = None
) -> None:
    """Disable an account and end its sessions at once."""
    require(by, Action.STAFF_MANAGE)
    member = _existing_as(session, username, by)
    if member.disabled_at is not None:
        raise Conflict(f"{username} is already disabled", code="staff_disabled")
    if member.id == by.id:
        raise Conflict("disable your own account from another admin's", code="staff_self")
    member.disabled_at = (clock or SystemClock()).now()
    session.execute(delete(StaffToken).where(StaffToken.staff_id == member.id))
    audit.append(
        session, "staff.disabled", actor=by.actor, subject=f"staff:{username}", clock=clock
    )


def reset_staff(
    session: Session, username: str, *, password: str, by: Staff, clock: Clock | None = None
) -> str:
    """New password and TOTP secret (returned, to enrol again); clears a lock, re-enables the
    account and ends its sessions."""
    require(by, Action.STAFF_MANAGE)
    if len(password) < 12:
        raise InvalidInput("passwords have at least 12 characters", code="password_too_short")
    member = _existing_as(session, username, by)
    secret = pyotp.random_base32()
    member.password_hash = _hasher.hash(password)
    member.totp_secret = secret
    member.last_totp_step = None
    member.failed_logins = 0
    member.locked_until = None
    member.disabled_at = None
    session.execute(delete(StaffToken).where(StaffToken.staff_id == member.id))
    audit.append(session, "staff.reset", actor=by.actor, subject=f"staff:{username}", clock=clock)
    return secret
