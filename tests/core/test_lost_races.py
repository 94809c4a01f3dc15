"""A race PostgreSQL breaks (a real deadlock between two connections) stores nothing and is
answered as such: `transaction()` raises `Busy`, a request's session answers 503 `busy` with
Retry-After over HTTP, and the hot-write boundary (`write_in_thread`) runs the work again."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from lawline.api.errors import install_error_handlers
from lawline.boundary import SessionDep, write_in_thread
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.core.errors import Busy
from lawline.runtime import Runtime
from tests import factories
from tests.moderation.test_report_races import NOW, _race


@pytest.fixture
def runtime(request: pytest.FixtureRequest, tmp_path: Path, platform_file: Path) -> Runtime:
    runtime: Runtime = factories.runtime_on(
        request, "postgresql", tmp_path / "data", platform_file, FixedClock(NOW)
    )
    with transaction(runtime.sessions) as session:
        session.execute(text("CREATE TABLE race_rows (id integer PRIMARY KEY, n integer)"))
        session.execute(text("INSERT INTO race_rows VALUES (1, 0), (2, 0)"))
    return runtime


class CrossedLocks:
    """Two works that lock rows 1 and 2 in opposite orders, meeting in the middle on their first
    run: PostgreSQL finds the cycle and rolls one of them back (deadlock_detected)."""

    def __init__(self) -> None:
        self.middle = threading.Barrier(2, timeout=10)
        self.runs = [0, 0]

    def work(self, session: Session, which: int) -> str:
        self.runs[which] += 1
        first, second = (1, 2) if which == 0 else (2, 1)
        bump = text("UPDATE race_rows SET n = n + 1 WHERE id = :id")
        session.execute(bump, {"id": first})
        if self.runs[which] == 1:
            self.middle.wait()
        session.execute(bump, {"id": second})
        return f"work {which} stored"


def _counts(runtime: Runtime) -> list[int]:
    with runtime.sessions() as session:
        return list(session.scalars(text("SELECT n FROM race_rows ORDER BY id")))


def _app(runtime: Runtime) -> FastAPI:
    """An app with lawline's error answers and request boundary, for one test endpoint."""
    app = FastAPI()
    install_error_handlers(app)
    app.state.runtime = runtime
    return app


def _both(app: FastAPI) -> list[Any]:
    """`POST /bump/0` and `POST /bump/1` at once."""
    with TestClient(app) as http:
        return _race(2, lambda i: http.post(f"/bump/{i}"))


def test_a_broken_deadlock_leaves_as_busy_and_stores_nothing_of_the_loser(
    runtime: Runtime,
) -> None:
    crossed = CrossedLocks()

    def run(which: int) -> Any:
        try:
            with transaction(runtime.sessions) as session:
                return crossed.work(session, which)
        except Busy as exc:
            return exc

    outcomes = _race(2, run)
    lost = [o for o in outcomes if isinstance(o, Busy)]
    assert len(lost) == 1
    assert (lost[0].status, lost[0].code, lost[0].details) == (
        503,
        "busy",
        {"retry_after_seconds": 1},
    )
    assert "UPDATE" not in lost[0].message
    assert _counts(runtime) == [1, 1]  # the winner's two updates, none of the loser's


def test_a_request_that_loses_a_deadlock_is_answered_503_busy(runtime: Runtime) -> None:
    crossed = CrossedLocks()
    app = _app(runtime)

    @app.post("/bump/{which}")
    def bump(which: int, session: SessionDep) -> dict[str, str]:
        return {"done": crossed.work(session, which)}

    answers = _both(app)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 503]
    refused = next(a for a in answers if a.status_code == 503)
    assert refused.json()["error"]["code"] == "busy"
    assert refused.headers["Retry-After"] == "1"
    assert _counts(runtime) == [1, 1]


def test_the_hot_write_boundary_runs_a_work_that_lost_a_deadlock_again(runtime: Runtime) -> None:
    crossed = CrossedLocks()
    app = _app(runtime)

    @app.post("/bump/{which}")
    async def bump(which: int) -> dict[str, str]:
        return {"done": await write_in_thread(runtime, crossed.work, which)}

    answers = _both(app)
    assert [a.status_code for a in answers] == [200, 200]
    assert sorted(crossed.runs) == [1, 2]  # the loser ran once more, alone
    assert _counts(runtime) == [2, 2]
