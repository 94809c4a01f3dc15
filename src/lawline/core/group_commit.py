"""Group commit: the hot writes that arrive while a transaction runs share the next one.

`GroupWriter.submit(work, ...)` queues `work(session)`; a writer thread takes everything queued
(up to `max_batch`), runs each work in a SAVEPOINT of one transaction and commits once. A work
that raises rolls back only its own savepoint and its caller gets its exception; the others
are stored. Every caller's future resolves after the batch's COMMIT (or its failure), so an
answer still means "stored" or "not stored", never "perhaps". The per-transaction costs (the
signed tree head, COMMIT and its fsync, on SQLite the writer lock) are paid once per batch.

Each work sees what a transaction of its own would see: the identity map is emptied after every
work (no object loaded by one caller is handed to the next, stale or not) and `session.info`
(the flags that `before_commit`/`after_commit` hooks read: audit appended, intents written) is
put back as it was when a work fails, so a rolled-back work leaves no flag behind. The batch's
hooks then run once, for the works that succeeded.

When the COMMIT itself fails, every caller of the batch gets that error: a commit that fails
on SQLite (disk full, I/O) or PostgreSQL (connection lost) would fail again at once for each
work alone, and re-running works whose outcome is unknown is not safe. The one exception is a
retryable conflict (below), after which each work is run again alone.

PostgreSQL: a batch holds the rows its earlier works locked (the audit log's state among them)
while a later work waits for a lock, which a transaction of one work never does: a lock order
no other writer follows, and so a deadlock where there was none (with a decision holding a
case row and waiting for the audit state, with another process's batch). So once a batch holds
locks it sets `lock_timeout` far below PostgreSQL's `deadlock_timeout`: a later work that has
to wait is rolled back to its savepoint, the batch commits what it has, and the work runs again
in a transaction of its own, as before group commit. A deadlock or serialisation failure met by
a work is retried the same way (at most `RETRIES` times), so neither becomes a 500 for its
caller. SQLite has no row locks: writers queue on one lock (`lawline.core.db`). The API batches
on SQLite only for now (`Runtime.writer` says why).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from lawline.core.db import RETRYABLE_SQLSTATES, sqlstate

MAX_BATCH = 32
RETRIES = 3
# Far below PostgreSQL's default deadlock_timeout (1 s): a batch gives up a wait long before
# another transaction waiting for it would look for a cycle.
BATCH_LOCK_TIMEOUT = "100ms"
_SHORT_LOCK_WAITS = text(f"SET LOCAL lock_timeout = '{BATCH_LOCK_TIMEOUT}'")
_LOCK_NOT_AVAILABLE = "55P03"


@dataclass
class _Work:
    run: Callable[[Session], Any]
    future: Future[Any] = field(default_factory=Future)
    result: Any = None
    error: BaseException | None = None
    done: bool = False  # ran to the end in its savepoint


class _Deferred(Exception):
    """A work must run again in a transaction of its own."""


class GroupWriter:
    """Writer threads running queued works in batches, one transaction per batch."""

    def __init__(
        self, factory: sessionmaker[Session], *, threads: int, max_batch: int = MAX_BATCH
    ) -> None:
        self._factory = factory
        self._threads_wanted = threads
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Work | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._closed = False
        bind = factory.kw.get("bind")
        self._postgresql = bind is not None and bind.dialect.name == "postgresql"

    def submit(self, run: Callable[[Session], Any]) -> Future[Any]:
        """Queue `run(session)`; the future holds its result once the batch has committed."""
        if not self._threads:
            self._start()
        if self._closed:
            raise RuntimeError("the group writer is closed")
        work = _Work(run)
        self._queue.put(work)
        return work.future

    def close(self) -> None:
        """Finish what is queued, then stop the writer threads."""
        with self._start_lock:
            self._closed = True
            threads, self._threads = self._threads, []
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()

    def _start(self) -> None:
        with self._start_lock:
            if self._threads or self._closed:
                return
            for n in range(self._threads_wanted):
                thread = threading.Thread(
                    target=self._loop, name=f"lawline-group-writer-{n}", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            # A caller that gave up (its request was cancelled) before its work started is not
            # run; a running work's future can no longer be cancelled, so its answer is kept.
            batch = [work for work in batch if work.future.set_running_or_notify_cancel()]
            try:
                alone = self._run_batch(batch) if len(batch) > 1 else batch
                for work in alone:
                    self._run_alone(work)
            except BaseException as exc:  # no caller may wait forever
                for work in batch:
                    if not work.future.done():
                        work.future.set_exception(exc)
            if stop:
                return

    def _run_batch(self, batch: list[_Work]) -> list[_Work]:
        """Run `batch` in one transaction; return the works to run again alone."""
        deferred: list[_Work] = []
        held = False  # a work succeeded: the transaction holds its locks
        with self._factory() as session:
            try:
                for work in batch:
                    if deferred:  # the batch stopped waiting: commit what it has
                        deferred.append(work)
                        continue
                    try:
                        self._run_in_savepoint(session, work, batch_holds_locks=held)
                    except _Deferred:
                        deferred.append(work)
                        continue
                    if work.done and not held:
                        held = True
                        if self._postgresql:
                            session.execute(_SHORT_LOCK_WAITS)
                session.commit()
            except BaseException as exc:
                session.rollback()
                retry = sqlstate(exc) in RETRYABLE_SQLSTATES
                for work in batch:
                    if work.error is not None:
                        work.future.set_exception(work.error)
                    elif work.done and not retry:
                        work.future.set_exception(exc)
                if retry:
                    return [w for w in batch if w.done] + deferred
                for work in deferred:  # never ran: nothing of theirs was tried
                    self._run_alone(work)
                return []
        for work in batch:
            if work.done:
                work.future.set_result(work.result)
            elif work.error is not None:
                work.future.set_exception(work.error)
        return deferred

    @staticmethod
    def _run_in_savepoint(session: Session, work: _Work, *, batch_holds_locks: bool) -> None:
        info = dict(session.info)
        try:
            with session.begin_nested():
                result = work.run(session)
        except Exception as exc:
            session.info.clear()
            session.info.update(info)
            session.expunge_all()
            state = sqlstate(exc)
            if state in RETRYABLE_SQLSTATES or (batch_holds_locks and state == _LOCK_NOT_AVAILABLE):
                raise _Deferred from exc
            work.error = exc
            return
        session.expunge_all()
        work.result, work.done = result, True

    def _run_alone(self, work: _Work) -> None:
        """`work` in a transaction of its own, as before group commit; a deadlock or
        serialisation failure is retried."""
        for attempt in range(RETRIES + 1):
            try:
                with self._factory() as session:
                    try:
                        result = work.run(session)
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
            except Exception as exc:
                if sqlstate(exc) in RETRYABLE_SQLSTATES and attempt < RETRIES:
                    continue
                work.future.set_exception(exc)
                return
            work.future.set_result(result)
            return
