"""Staff accounts under racing connections (threads, SQLite and PostgreSQL): two bootstraps make
one admin; one TOTP code sent twice at once logs in once; racing failures are all counted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest

from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.core.errors import Conflict, NotFound, Unauthorized
from lawline.staff import service
from lawline.staff.models import StaffMember
from lawline.staff.service import create_first_admin
from tests import factories
from tests.legal.conftest import NOW


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_racing_bootstraps_make_one_admin(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW)
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def bootstrap(username: str) -> None:
        barrier.wait()
        try:
            with transaction(runtime.sessions) as session:
                create_first_admin(
                    session,
                    username=username,
                    display_name=username,
                    password=factories.STAFF_PASSWORD,
                    clock=runtime.clock,
                )
            outcomes[username] = "created"
        except Unauthorized as refused:
            outcomes[username] = refused.code

    threads = [threading.Thread(target=bootstrap, args=(n,)) for n in ("ada", "eve")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["created", "login_required"]
    with runtime.sessions() as session:
        members = session.query(StaffMember).all()
        assert [(m.roles) for m in members] == [["admin"]]


def _race(count: int, call: Callable[[int], str]) -> list[str]:
    barrier = threading.Barrier(count)
    results = [""] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_one_code_sent_at_once_logs_in_once_and_every_failure_counts(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW)
    )
    with transaction(runtime.sessions) as session:
        factories.staff_member(session, "anna", "approver")
        secret = session.query(StaffMember).one().totp_secret
    code = pyotp.TOTP(secret).at(runtime.clock.now())

    def attempt(password: str) -> str:
        try:
            with transaction(runtime.sessions) as session:
                try:
                    service.log_in(
                        session, username="anna", password=password, totp=code, clock=runtime.clock
                    )
                except service.LoginFailed as failed:
                    session.commit()  # as the boundaries do: the failure counts
                    return failed.code
            return "ok"
        except (Unauthorized, service.LoginLocked) as refused:
            return refused.code

    assert sorted(_race(4, lambda i: attempt(factories.STAFF_PASSWORD))) == [
        "login_failed",
        "login_failed",
        "login_failed",
        "ok",
    ]
    # two more failures reach the lock-out (5); the attempts after it are refused uncounted
    wrong = sorted(_race(4, lambda i: attempt("not the password")))
    assert wrong == ["login_failed", "login_failed", "login_locked", "login_locked"]
    with runtime.sessions() as session:
        assert session.query(StaffMember).one().failed_logins == service.FAILURES_BEFORE_LOCK


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_racing_enrolments_of_one_username_make_one_member(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    """Eight admins enrol the same username at once: one member, the others `staff_exists`
    (the unique index answered an IntegrityError: a 500 on the enrolment page)."""
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW)
    )

    def enrol(i: int) -> str:
        try:
            with transaction(runtime.sessions) as session:
                service.create_staff(
                    session,
                    username="dora",
                    display_name=f"Dora {i}",
                    roles=["moderator"],
                    password=factories.STAFF_PASSWORD,
                    actor="staff:admin",
                    clock=runtime.clock,
                )
        except Conflict as refused:
            return refused.code
        return "created"

    results = _race(8, enrol)
    assert sorted(results) == ["created"] + ["staff_exists"] * 7
    with runtime.sessions() as session:
        assert session.query(StaffMember).filter_by(username="dora").count() == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_admins_disabling_each_other_at_once_leave_one_admin(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    """Each admin is active when its request starts; the first disable to commit ends the
    other's standing, so the other's disable is refused (it still ran on PostgreSQL: both
    admins disabled, nobody left to manage staff)."""
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW)
    )
    with transaction(runtime.sessions) as session:
        for name in ("ada", "eve"):
            factories.staff_member(session, name, "admin")
    other = {"ada": "eve", "eve": "ada"}
    names = sorted(other)

    def disable(i: int) -> str:
        me = names[i]
        try:
            with transaction(runtime.sessions) as session:
                by = service.get_staff(session, me)  # as the bearer token resolves it
                service.disable_staff(session, other[me], by=by, clock=runtime.clock)
        except (Unauthorized, NotFound) as refused:
            return refused.code
        return "disabled"

    results = _race(2, disable)
    assert results.count("disabled") == 1, results
    with runtime.sessions() as session:
        active = session.query(StaffMember).filter(StaffMember.disabled_at.is_(None)).count()
    assert active == 1
