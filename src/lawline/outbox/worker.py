"""The worker: applies committed intents and runs the scheduled jobs.

Each intent is claimed, applied and marked done in one transaction, so a worker that dies half
way leaves the intent pending (its lock goes with its connection) and the next worker applies it
again. Effects are therefore written to be idempotent: platform flags are set, not toggled, and
notices carry the intent's key, which the platform uses to drop a duplicate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import LawlineError
from lawline.outbox.models import Intent, JobRun
from lawline.outbox.service import DONE, claim_next, due_intents, retry_delay

log = logging.getLogger("lawline.worker")
ACTOR = "system:worker"

# A handler applies one intent inside the worker's transaction and returns a short outcome
# ("applied", "target_missing", ...). Raising means: not applied, try again later.
Handler = Callable[[Session, Intent], str]


@dataclass(frozen=True)
class Job:
    """A scheduled job: runs at most once per `every`, on one worker at a time."""

    name: str
    every: timedelta
    run: Callable[[Session], Mapping[str, int]]


def _describe(exc: BaseException) -> str:
    # Never the exception's text: a driver or platform message may quote personal data.
    if isinstance(exc, LawlineError):
        return f"{type(exc).__name__}: {exc.code}"
    return type(exc).__name__


class Worker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        wakeup: threading.Event | None = None,
        read_sessions: sessionmaker[Session] | None = None,
    ) -> None:
        self.sessions = sessions
        # Where given, an idle round asks these read-only sessions whether anything is due
        # before it takes a write transaction: on SQLite a write transaction holds the one
        # writer lock, which an idle worker polling every second would take from requests.
        self.read_sessions = read_sessions
        self.clock = clock
        self.handlers: dict[str, Handler] = {}
        self.jobs: list[Job] = []
        self.wakeup = wakeup or threading.Event()  # set after a commit that wrote intents
        self._stopping = threading.Event()

    def handle(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def schedule(self, job: Job) -> None:
        self.jobs.append(job)

    def _nothing_due(self) -> bool:
        if self.read_sessions is None:
            return False
        with self.read_sessions() as session:
            return session.execute(due_intents(self.clock.now())).first() is None

    def _job_not_due(self, job: Job) -> bool:
        if self.read_sessions is None:
            return False
        with self.read_sessions() as session:
            last = session.execute(
                select(JobRun.last_run_at).where(JobRun.name == job.name)
            ).first()
        return last is not None and last[0] is not None and last[0] + job.every > self.clock.now()

    def apply_next(self) -> Intent | None:
        """Claim and apply one due intent; None when there is nothing to do."""
        if self._nothing_due():
            return None
        with self.sessions() as session:
            intent = claim_next(session, self.clock.now())
            if intent is None:
                session.rollback()
                return None
            handler = self.handlers.get(intent.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for {intent.kind}")
                with session.begin_nested():
                    outcome = handler(session, intent)
            except Exception as exc:  # any failure: keep the intent, retry later
                intent.attempts += 1
                intent.last_error = _describe(exc)
                intent.available_at = self.clock.now() + retry_delay(intent.attempts)
                log.warning(
                    "intent %s (%s) failed, attempt %d: %s",
                    intent.id,
                    intent.kind,
                    intent.attempts,
                    intent.last_error,
                )
                session.commit()
                return intent
            intent.status, intent.done_at, intent.outcome = DONE, self.clock.now(), outcome
            audit.append(
                session,
                "effect.applied",
                actor=ACTOR,
                subject=intent.subject,
                body={
                    "intent": intent.id,
                    "kind": intent.kind,
                    "key": intent.key,
                    "outcome": outcome,
                    "attempts": intent.attempts + 1,
                },
                clock=self.clock,
            )
            session.commit()
            return intent

    def drain(self, limit: int = 1000) -> int:
        """Apply due intents until none is left (or `limit`); returns how many were tried."""
        tried = 0
        while tried < limit and self.apply_next() is not None:
            tried += 1
        return tried

    def run_jobs(self) -> dict[str, Mapping[str, int]]:
        """Run each job that is due and that no other worker is running now."""
        results: dict[str, Mapping[str, int]] = {}
        for job in self.jobs:
            if self._job_not_due(job):
                continue
            with self.sessions() as session:
                _ensure_job_row(session, job.name)
                row = session.execute(
                    select(JobRun).where(JobRun.name == job.name).with_for_update(skip_locked=True)
                ).scalar_one_or_none()
                now = self.clock.now()
                if row is None or (row.last_run_at and row.last_run_at + job.every > now):
                    session.rollback()
                    continue
                try:
                    result = dict(job.run(session))
                except Exception as exc:
                    session.rollback()
                    log.warning("job %s failed: %s", job.name, _describe(exc))
                    continue
                row.last_run_at, row.last_result = now, result
                session.commit()
                results[job.name] = result
        return results

    def run_once(self) -> int:
        """One round: due jobs, then every due intent."""
        self.run_jobs()
        return self.drain()

    def run(self, poll_seconds: float = 1.0) -> None:
        """Work until `stop()`; when idle, sleep `poll_seconds` unless a commit wakes it."""
        while not self._stopping.is_set():
            try:
                worked = self.run_once()
            except Exception as exc:  # the database is away: wait and try again
                log.error("worker round failed: %s", _describe(exc))
                worked = 0
            if not worked:
                self.wakeup.wait(poll_seconds)
                self.wakeup.clear()

    def start(self, poll_seconds: float = 1.0) -> threading.Thread:
        """Run in a daemon thread (what `lawline serve` does)."""
        self._stopping.clear()
        thread = threading.Thread(
            target=self.run, args=(poll_seconds,), name="lawline-worker", daemon=True
        )
        thread.start()
        return thread

    def stop(self) -> None:
        self._stopping.set()
        self.wakeup.set()


def _ensure_job_row(session: Session, name: str) -> None:
    if session.get(JobRun, name) is not None:
        return
    try:
        with session.begin_nested():
            session.add(JobRun(name=name, last_run_at=None, last_result=None))
    except IntegrityError:  # another worker made it first
        pass
