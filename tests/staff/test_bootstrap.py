"""The first admin is added without a log-in, once: two racing bootstraps on real connections
(SQLite and PostgreSQL) give one admin and one `login_required`."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.core.errors import Unauthorized
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
