"""An overdue Art. 4(5) validation (Reg. 2023/1543) tells the legal team: the sweep that marks
and audits it writes an outbox notice to the team's platform account in the same transaction,
and the worker delivers it after commit. Once per order, even with two sweeps racing on real
connections (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lawline.audit.models import AuditEntry
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.legal.models import LegalRequest
from lawline.legal.validation import mark_overdue_validations
from lawline.outbox import service as outbox
from lawline.outbox.models import Intent
from lawline.runtime import Runtime
from lawline.worker import worker_for
from tests import factories
from tests.legal.conftest import NOW

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
TEAM = "100003"  # the legal team's group on the platform


def _emergencies(runtime: Runtime, due: list[timedelta]) -> list[str]:
    with transaction(runtime.sessions) as session:
        authority, _ = factories.authority(session, country="NL")
        return [
            factories.legal_request_row(
                session,
                authority.id,
                received_at=NOW - timedelta(hours=49),
                request_type="emergency",
                instrument_kind="epoc",
                status="disclosed",
                validation_state="pending",
                validation_due_at=NOW + offset,
            ).id
            for offset in due
        ]


def test_two_racing_sweeps_alert_the_legal_team_once_per_overdue_order(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW),
        legal_alerts_account=TEAM,
    )  # fmt: skip
    late = _emergencies(runtime, [timedelta(hours=-1), timedelta(seconds=-1), timedelta(0)])
    [not_yet] = _emergencies(runtime, [timedelta(hours=1)])
    barrier = threading.Barrier(2)
    marked: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        barrier.wait()
        try:
            with transaction(runtime.sessions) as session:
                marked.append(mark_overdue_validations(session, runtime.legal))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(marked) == 3  # however the two sweeps split them, each order once
    with transaction(runtime.sessions) as session:
        assert mark_overdue_validations(session, runtime.legal) == 0  # a later sweep: nothing
    with runtime.sessions() as session:
        intents = session.scalars(select(Intent).where(Intent.kind == outbox.NOTICE)).all()
        assert sorted(i.key for i in intents) == sorted(f"validation-overdue:{r}" for r in late)
        assert {i.payload["account_id"] for i in intents} == {TEAM}
        overdue = session.scalars(
            select(AuditEntry.subject).where(AuditEntry.entry_type == "request.validation_overdue")
        ).all()
        assert sorted(overdue) == sorted(f"request:{r}" for r in late)
    assert runtime.platform.notices(TEAM) == []  # nothing leaves before the worker runs
    assert worker_for(runtime).drain() == 3
    told = runtime.platform.notices(TEAM)
    assert sorted(key for key, _ in told) == sorted(f"validation-overdue:{r}" for r in late)
    for request_id in late:
        [message] = [m for key, m in told if key.endswith(request_id)]
        assert f"emergency order {request_id}" in message
        assert "Art. 4(5)" in message
    assert not any(not_yet in key for key, _ in told)


def test_without_a_team_account_the_order_is_marked_and_nothing_is_queued(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW)
    )
    [late] = _emergencies(runtime, [timedelta(hours=-1)])
    with transaction(runtime.sessions) as session:
        assert mark_overdue_validations(session, runtime.legal) == 1
    with runtime.sessions() as session:
        assert session.scalars(select(Intent.key)).all() == []
        assert session.get_one(LegalRequest, late).validation_state == "overdue"
