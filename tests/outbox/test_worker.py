"""The outbox worker on both databases: idempotent enqueueing, retries with back-off, order
within a lane, completion recorded and audited, scheduled jobs run once per period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lawline.audit.models import AuditEntry
from lawline.core.clock import FixedClock
from lawline.outbox import service as outbox
from lawline.outbox.models import Intent
from lawline.outbox.worker import Job, Worker

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class Recorder:
    """A handler that records what it applied and fails while told to."""

    def __init__(self) -> None:
        self.applied: list[str] = []
        self.failures = 0

    def __call__(self, _session: Session, intent: Intent) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the platform is away")
        self.applied.append(intent.key)
        return "applied"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def worker(sessions: sessionmaker[Session], clock: FixedClock) -> tuple[Worker, Recorder]:
    recorder = Recorder()
    worker = Worker(sessions, clock)
    worker.handle("test.effect", recorder)
    return worker, recorder


def _enqueue(db: Session, clock: FixedClock, key: str, lane: str = "lane:1") -> Intent | None:
    intent = outbox.enqueue(
        db,
        key=key,
        kind="test.effect",
        lane=lane,
        subject="case:1",
        payload={"n": key},
        clock=clock,
    )
    db.commit()
    return intent


def _applied_entries(db: Session) -> int:
    return db.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.entry_type == "effect.applied")
    ).scalar_one()


def test_an_intent_is_enqueued_once_and_applied_once(
    db: Session, clock: FixedClock, worker: tuple[Worker, Recorder]
) -> None:
    run, recorder = worker
    assert _enqueue(db, clock, "a") is not None
    assert _enqueue(db, clock, "a") is None  # the same key again: nothing new
    assert run.drain() == 1
    assert run.drain() == 0
    assert recorder.applied == ["a"]
    assert _applied_entries(db) == 1
    assert outbox.counts(db) == {"pending": 0, "failing": 0, "done": 1}


def test_a_failure_is_retried_with_growing_back_off(
    db: Session, clock: FixedClock, worker: tuple[Worker, Recorder]
) -> None:
    run, recorder = worker
    recorder.failures = 2
    _enqueue(db, clock, "a")
    assert run.drain() == 1  # tried, failed
    intent = db.execute(select(Intent)).scalar_one()
    db.refresh(intent)
    assert (intent.attempts, intent.last_error) == (1, "ConnectionError")
    assert intent.available_at == START + timedelta(seconds=5)
    assert outbox.counts(db)["failing"] == 1
    assert run.drain() == 0  # not before its time
    clock.advance(timedelta(seconds=5))
    assert run.drain() == 1  # second failure: the wait doubles
    db.refresh(intent)
    assert intent.available_at == clock.now() + timedelta(seconds=10)
    clock.advance(timedelta(seconds=10))
    assert run.drain() == 1
    db.refresh(intent)
    assert (intent.status, intent.outcome, recorder.applied) == ("done", "applied", ["a"])
    assert _applied_entries(db) == 1
    assert outbox.retry_delay(30) == timedelta(hours=1)


def test_a_lane_is_applied_in_order_even_past_a_failure(
    db: Session, clock: FixedClock, worker: tuple[Worker, Recorder]
) -> None:
    run, recorder = worker
    recorder.failures = 1
    _enqueue(db, clock, "delist")
    _enqueue(db, clock, "relist")
    _enqueue(db, clock, "other", lane="lane:2")
    run.drain()
    # the delisting failed: its reversal waits behind it, another lane goes ahead
    assert recorder.applied == ["other"]
    clock.advance(timedelta(minutes=1))
    run.drain()
    assert recorder.applied == ["other", "delist", "relist"]


def test_an_unknown_kind_stays_pending(db: Session, clock: FixedClock) -> None:
    worker = Worker(sessionmaker(bind=db.get_bind()), clock)
    outbox.enqueue(
        db, key="x", kind="from.a.newer.version", lane="l", subject="s", payload={}, clock=clock
    )
    db.flush()
    worker.drain()
    intent = db.execute(select(Intent)).scalar_one()
    db.refresh(intent)
    assert (intent.status, intent.last_error) == ("pending", "LookupError")


def test_a_job_runs_once_per_period(
    db: Session, clock: FixedClock, worker: tuple[Worker, Recorder]
) -> None:
    run, _ = worker
    runs: list[datetime] = []

    def sweep(_session: Session) -> dict[str, int]:
        runs.append(clock.now())
        return {"swept": len(runs)}

    run.schedule(Job("sweep", timedelta(minutes=1), sweep))
    assert run.run_jobs() == {"sweep": {"swept": 1}}
    assert run.run_jobs() == {}
    clock.advance(timedelta(seconds=59))
    assert run.run_jobs() == {}
    clock.advance(timedelta(seconds=1))
    assert run.run_jobs() == {"sweep": {"swept": 2}}
    assert runs == [START, START + timedelta(minutes=1)]


class CountingFactory:
    """A session factory that counts the sessions opened through it."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.opened = 0

    def __call__(self) -> Session:
        self.opened += 1
        return self.factory()


def test_an_idle_worker_opens_no_write_transaction(
    db: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    # On SQLite a write transaction holds the one writer lock: a worker polling every second
    # must ask a read-only session whether anything is due before it takes one.
    writes = CountingFactory(sessions)
    recorder = Recorder()
    job_runs: list[int] = []
    idle = Worker(writes, clock, read_sessions=sessions)  # type: ignore[arg-type]
    idle.handle("test.effect", recorder)
    idle.schedule(Job("test.job", timedelta(hours=1), lambda _s: job_runs.append(1) or {"n": 1}))
    idle.run_once()  # the job has never run: due, so it runs in a write transaction
    assert job_runs == [1]
    writes.opened = 0
    for _ in range(5):
        assert idle.run_once() == 0
    assert writes.opened == 0  # nothing due, no job due: only reads
    assert _enqueue(db, clock, "z") is not None
    assert idle.run_once() == 1
    assert recorder.applied == ["z"]
    assert writes.opened >= 1
    clock.advance(timedelta(hours=1))
    idle.run_once()
    assert job_runs == [1, 1]

    # without read sessions the same idle round takes write transactions
    polling = CountingFactory(sessions)
    blind = Worker(polling, clock)  # type: ignore[arg-type]
    blind.handle("test.effect", recorder)
    blind.run_once()
    assert polling.opened >= 1
