"""Staff log-in on SQLite and PostgreSQL: a TOTP code works once, failures lock the account with
a growing back-off (audited), log-out ends the session, admins list, disable and reset staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit.models import AuditEntry
from lawline.core.clock import FixedClock
from lawline.core.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from lawline.staff import service
from lawline.staff.models import StaffMember
from tests import factories

NOW = datetime(2026, 11, 20, 9, 0, 10, tzinfo=UTC)


def _secret(db: Session, username: str) -> str:
    return db.execute(
        select(StaffMember.totp_secret).where(StaffMember.username == username)
    ).scalar_one()


def _log_in(
    db: Session,
    clock: FixedClock,
    username: str,
    *,
    code: str | None = None,
    password: str = factories.STAFF_PASSWORD,
) -> str:
    return service.log_in(
        db,
        username=username,
        password=password,
        totp=code or pyotp.TOTP(_secret(db, username)).at(clock.now()),
        clock=clock,
    )


def _audit_types(db: Session, subject: str) -> list[str]:
    return list(
        db.execute(
            select(AuditEntry.entry_type)
            .where(AuditEntry.subject == subject)
            .order_by(AuditEntry.seq)
        ).scalars()
    )


def test_a_totp_code_is_accepted_only_once(db: Session) -> None:
    clock = FixedClock(NOW)
    factories.staff_member(db, "anna", "approver")
    code = pyotp.TOTP(_secret(db, "anna")).at(clock.now())
    assert _log_in(db, clock, "anna", code=code)
    with pytest.raises(Unauthorized) as refused:
        _log_in(db, clock, "anna", code=code)
    assert refused.value.code == "login_failed"
    # nor an older one still inside the drift window
    older = pyotp.TOTP(_secret(db, "anna")).at(clock.now() - timedelta(seconds=30))
    with pytest.raises(Unauthorized):
        _log_in(db, clock, "anna", code=older)
    clock.advance(timedelta(seconds=30))
    assert _log_in(db, clock, "anna")  # the next step's code works


def test_repeated_failures_lock_with_backoff_and_the_lock_is_audited(db: Session) -> None:
    clock = FixedClock(NOW)
    factories.staff_member(db, "bert", "approver")
    for _ in range(service.FAILURES_BEFORE_LOCK):
        with pytest.raises(service.LoginFailed):
            _log_in(db, clock, "bert", password="wrong password here")
    # locked: even the right password and a fresh code are refused, with the wait
    clock.advance(timedelta(seconds=30))
    with pytest.raises(service.LoginLocked) as locked:
        _log_in(db, clock, "bert")
    assert locked.value.code == "login_locked"
    assert 0 < locked.value.details["retry_after_seconds"] <= 31
    clock.advance(timedelta(seconds=31))
    with pytest.raises(service.LoginFailed):  # one more failure: locked twice as long
        _log_in(db, clock, "bert", password="wrong password again")
    member = db.execute(select(StaffMember).where(StaffMember.username == "bert")).scalar_one()
    assert member.locked_until == clock.now() + timedelta(minutes=2)
    assert _audit_types(db, "staff:bert").count("staff.login_locked") == 2
    clock.advance(timedelta(minutes=2))
    assert _log_in(db, clock, "bert")
    assert member.failed_logins == 0
    assert member.locked_until is None


def test_log_out_ends_the_session(db: Session) -> None:
    clock = FixedClock(NOW)
    factories.staff_member(db, "carla", "legal_reviewer")
    token = _log_in(db, clock, "carla")
    assert service.staff_for_token(db, token, clock).username == "carla"
    service.log_out(db, token, clock)
    with pytest.raises(Unauthorized):
        service.staff_for_token(db, token, clock)
    assert _audit_types(db, "staff:carla")[-2:] == ["staff.logged_in", "staff.logged_out"]


def test_admins_list_disable_and_reset_staff_and_nobody_else_may(db: Session) -> None:
    clock = FixedClock(NOW)
    admin = factories.staff_member(db, "root", "admin")
    approver = factories.staff_member(db, "dana", "approver")
    token = _log_in(db, clock, "dana")
    with pytest.raises(Forbidden):
        service.list_staff(db, by=approver)
    with pytest.raises(Forbidden):
        service.disable_staff(db, "root", by=approver, clock=clock)
    assert [m.username for m in service.list_staff(db, by=admin)] == ["dana", "root"]

    service.disable_staff(db, "dana", by=admin, clock=clock)
    with pytest.raises(Unauthorized):  # its sessions ended at once
        service.staff_for_token(db, token, clock)
    clock.advance(timedelta(seconds=30))
    with pytest.raises(Unauthorized):
        _log_in(db, clock, "dana")
    with pytest.raises(Conflict):
        service.disable_staff(db, "dana", by=admin, clock=clock)

    secret = service.reset_staff(db, "dana", password="a new password 2026", by=admin, clock=clock)
    assert secret != _secret(db, "root")
    clock.advance(timedelta(seconds=30))
    assert service.log_in(
        db,
        username="dana",
        password="a new password 2026",
        totp=pyotp.TOTP(secret).at(clock.now()),
        clock=clock,
    )
    assert _audit_types(db, "staff:dana")[-3:] == [
        "staff.disabled",
        "staff.reset",
        "staff.logged_in",
    ]


@pytest.mark.parametrize("username", ["+31612345678", "10.0.0.1", "31612345678", "a b", "X"])
def test_usernames_that_could_be_personal_data_or_odd_are_refused(
    db: Session, username: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        factories.staff_member(db, username, "approver")
    assert refused.value.code == "username_invalid"
