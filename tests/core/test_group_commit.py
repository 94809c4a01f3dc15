"""Group commit (lawline.core.group_commit): works queued while a transaction runs share the
next one, each in its own savepoint. One work's error reaches only its caller; the others are
stored, under one signed tree head; the audit log still verifies and the counters are exact."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.audit.models import AuditEntry, TreeHead
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.core.errors import Conflict, TooManyRequests
from lawline.core.group_commit import GroupWriter
from lawline.moderation.models import Report, Reporter
from lawline.moderation.reports import submit_report
from lawline.platform.embedded import EmbeddedPlatform
from lawline.runtime import Runtime
from lawline.tally import figures as names
from lawline.tally.models import Counter
from tests import factories
from tests.legal.conftest import NOW

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


class Boom(Exception):
    """A work that fails after it has written (its report, its audit entry)."""


def _runtime(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> tuple[Runtime, GroupWriter, str]:
    """A runtime, its group writer (SQLite's; on PostgreSQL, where the API does not batch, one
    made for the test), and a channel to report."""
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW), report_rate_limit=2
    )
    writer = runtime.writer
    if writer is None:
        writer = GroupWriter(runtime.sessions, threads=1)
        request.addfinalizer(writer.close)
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["drugs"][0])
    assert channel is not None
    return runtime, writer, f"t.me/{channel.name}"


def _report(
    runtime: Runtime, target: str, reporter: str, n: int, key: str | None = None
) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        submitted = submit_report(
            session,
            runtime.moderation,
            target=target,
            category="drugs",
            text=f"seen {n}",
            reporter_id=reporter,
            idempotency_key=key,
            via="api",
        )
        return submitted.report.id

    return work


def _one_batch(
    writer: GroupWriter, works: dict[str, Callable[[Session], Any]]
) -> dict[str, Future[Any]]:
    """Submit `works` while the writer thread is busy, so the next batch takes them all."""
    started, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        started.set()
        release.wait()

    held = writer.submit(hold)
    assert started.wait(60)
    futures = {name: writer.submit(work) for name, work in works.items()}
    release.set()
    held.result()
    return futures


def _heads(runtime: Runtime) -> list[tuple[int, int]]:
    with runtime.sessions() as session:
        return [(h.id, h.size) for h in session.scalars(select(TreeHead).order_by(TreeHead.id))]


def test_one_failing_work_fails_alone_and_the_batch_has_one_head(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, writer, target = _runtime(request, backend, tmp_path, platform_file)
    # a committed report first: a key to replay and a reporter at its limit's edge
    with transaction(runtime.sessions) as session:
        _report(runtime, target, "anon:keyed", 0, key="key-1")(session)
    heads_before = _heads(runtime)

    def fails_after_writing(session: Session) -> str:
        _report(runtime, target, "anon:failing", 9)(session)
        raise Boom("after the report and its audit entry")

    futures = _one_batch(
        writer,
        {
            "a": _report(runtime, target, "anon:first", 1),
            "b1": _report(runtime, target, "anon:busy", 2),
            "b2": _report(runtime, target, "anon:busy", 3),
            "b3": _report(runtime, target, "anon:busy", 4),  # the limit is 2
            "failing": fails_after_writing,
            "reused": _report(runtime, target, "anon:keyed", 5, key="key-1"),  # other body
            "last": _report(runtime, target, "anon:last", 6),
        },
    )

    with pytest.raises(TooManyRequests):
        futures["b3"].result()
    with pytest.raises(Boom):
        futures["failing"].result()
    with pytest.raises(Conflict) as reused:
        futures["reused"].result()
    assert reused.value.code == "idempotency_key_reused"
    stored = {name: futures[name].result() for name in ("a", "b1", "b2", "last")}

    with runtime.sessions() as session:
        reports = session.execute(select(Report.id, Report.reporter_id)).all()
        assert {r.id for r in reports} >= set(stored.values())
        assert sorted(r.reporter_id for r in reports) == [
            "anon:busy",
            "anon:busy",
            "anon:first",
            "anon:keyed",
            "anon:last",
        ]
        assert session.get(Reporter, "anon:failing") is None
        assert session.get(Reporter, "anon:busy").reports == 2  # type: ignore[union-attr]
        counted = session.scalar(select(func.sum(Counter.n)).where(Counter.figure == names.REPORTS))
        assert counted == 5
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        received = [e.body["report"] for e in entries if e.entry_type == "report.received"]
        assert received[1:] == [stored["a"], stored["b1"], stored["b2"], stored["last"]]
        assert audit.verify_log(session, runtime.signing_key.public).ok
    # one transaction: one new signed head, covering the whole log
    heads_after = _heads(runtime)
    assert heads_after[: len(heads_before)] == heads_before
    assert [size for _, size in heads_after[len(heads_before) :]] == [len(entries)]


def test_a_lone_work_and_its_error_behave_as_in_a_transaction_of_its_own(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, writer, target = _runtime(request, backend, tmp_path, platform_file)
    stored = writer.submit(_report(runtime, target, "anon:alone", 1)).result()

    def fails(session: Session) -> None:
        _report(runtime, target, "anon:alone", 2)(session)
        raise Boom("rolled back")

    with pytest.raises(Boom):
        writer.submit(fails).result()
    with runtime.sessions() as session:
        assert session.scalars(select(Report.id)).all() == [stored]
        assert audit.verify_log(session, runtime.signing_key.public).ok
    assert [size for _, size in _heads(runtime)] == [1]


def test_a_work_whose_caller_gave_up_before_it_started_is_not_run(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, writer, target = _runtime(request, backend, tmp_path, platform_file)
    started, release = threading.Event(), threading.Event()
    held = writer.submit(lambda session: (started.set(), release.wait()))
    assert started.wait(60)
    gone = writer.submit(_report(runtime, target, "anon:gone", 1))
    kept = writer.submit(_report(runtime, target, "anon:kept", 2))
    assert gone.cancel()  # what asyncio does to the future of a cancelled request
    release.set()
    held.result()
    stored = kept.result()
    with runtime.sessions() as session:
        assert session.execute(select(Report.id, Report.reporter_id)).all() == [
            (stored, "anon:kept")
        ]


def test_a_savepoint_neither_signs_nor_forgets_the_transactions_appends(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime, _, _ = _runtime(request, backend, tmp_path, platform_file)
    with transaction(runtime.sessions) as session:
        audit.append(session, "test.first", actor="system:test", subject="test:1")
        with session.begin_nested():
            pass  # released: no head for a transaction that has not committed
        audit.append(session, "test.second", actor="system:test", subject="test:1")

        def undone() -> None:
            with session.begin_nested():
                audit.append(session, "test.undone", actor="system:test", subject="test:2")
                raise Boom("rolled back to the savepoint")

        with pytest.raises(Boom):
            undone()
    assert [size for _, size in _heads(runtime)] == [2]
    with runtime.sessions() as session:
        assert audit.verify_log(session, runtime.signing_key.public).ok


def test_a_batch_that_would_wait_for_a_lock_commits_and_runs_the_work_alone(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    """PostgreSQL: a batch that holds locks never waits for another transaction's lock (a lock
    order nobody else follows); the waiting work runs again in a transaction of its own."""
    if backend != "postgresql":
        pytest.skip("SQLite has no row locks: writers queue on one lock")
    runtime, writer, target = _runtime(request, backend, tmp_path, platform_file)
    with transaction(runtime.sessions) as session:
        _report(runtime, target, "anon:locked", 0)(session)
    other = runtime.engine.connect()
    locker = other.begin()
    other.execute(text("SELECT 1 FROM reporters WHERE id = 'anon:locked' FOR UPDATE"))
    try:
        futures = _one_batch(
            writer,
            {
                "free": _report(runtime, target, "anon:free", 1),
                "locked": _report(runtime, target, "anon:locked", 2),
            },
        )
        free = futures["free"].result()  # the batch committed without the waiting work
        assert not futures["locked"].done()
    finally:
        locker.rollback()
        other.close()
    locked = futures["locked"].result()
    with runtime.sessions() as session:
        assert set(session.scalars(select(Report.id))) >= {free, locked}
        assert audit.verify_log(session, runtime.signing_key.public).ok
