"""The HTTP request boundary shared by the JSON API (`api`) and the pages (`web`): the runtime
and a session committed when the request's work is done.

It sits beside both front ends, not inside `api`, so that `api` (whose app factory mounts the
pages) and `web` do not import each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Annotated, Concatenate, ParamSpec, TypeVar

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Path, Request
from pydantic import AfterValidator
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lawline.core.db import busy, lost_race, transaction
from lawline.core.errors import Busy
from lawline.core.fields import ID_PATTERN, INT32_MAX, check_text
from lawline.core.group_commit import RETRIES
from lawline.runtime import Runtime

P = ParamSpec("P")
T = TypeVar("T")

# Path parameters of the API and the pages: an id lawline made (`req_01j...`) and an `Integer`
# primary key. The pattern keeps NUL (PostgreSQL refuses it), phone numbers and IPs out of
# lookups and messages; the bound keeps a 20-digit number from overflowing PostgreSQL's
# `integer`. A value outside them is 422 `invalid_input` naming the parameter, never its value.
RecordIdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=40)]
IntIdPath = Annotated[int, Path(ge=1, le=INT32_MAX)]
PositionPath = Annotated[int, Path(ge=0, le=1000)]
# Every text field of a page's form: the API's bodies refuse NUL and other control characters
# through `InputModel`; a form field has no model, so it carries the same check here
# (`Annotated[str, Form(max_length=...), Plain]`). NUL reached PostgreSQL: a 500.
Plain = AfterValidator(check_text)


async def get_runtime(request: Request) -> Runtime:
    # async: an attribute read, so it runs on the event loop instead of taking a thread hop
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_session(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Iterator[Session]:
    """The request's one commit point: when the endpoint returns, before the response is sent
    (function scope), so a 2xx means the change and its intents are stored. Routers never
    commit themselves."""
    with runtime.sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if lost_race(exc):  # 503 `busy` with Retry-After, never a 500
                raise busy(exc) from exc
            raise


def get_read_session(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Iterator[Session]:
    """A session for endpoints that only read (public search, audit proofs)."""
    with runtime.read_sessions() as session:
        yield session


async def read_in_thread(
    runtime: Runtime,
    work: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`work(session, ...)` in a read-only session, in one worker-thread hop.

    For hot public reads (`/v1/search`): an ordinary endpoint with `ReadSessionDep` takes a hop
    to a worker thread to open the session, one to run, one to validate the response and one to
    close the session; under load each hop waits to be scheduled.
    """

    def run() -> T:
        with runtime.read_sessions() as session:
            return work(session, *args, **kwargs)

    async with _slots(_READ_SLOTS, READ_SESSIONS):
        return await run_in_threadpool(run)


async def write_in_thread(
    runtime: Runtime,
    work: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`work(session, ...)` in a transaction committed before this returns: the request's one
    commit point, as `SessionDep` is for ordinary endpoints (a 2xx still means stored; an
    exception means nothing of `work` was stored).

    For the hot writes (`POST /v1/reports`, signed submissions). On SQLite the work goes to the
    runtime's group writer (`lawline.core.group_commit`): works that arrive while a transaction
    runs share the next one, each in a savepoint of its own, so a batch pays for one COMMIT, one
    signed tree head and one turn of the writer lock; waiting for the batch costs no thread.
    On PostgreSQL (no group writer, see `Runtime.writer`) it runs in a transaction of its own
    in one worker-thread hop. Either way `work` builds its answer inside: the session may be
    shared with other works, and ORM objects it returns are detached.
    """

    writer = runtime.writer
    if writer is None:  # PostgreSQL: a transaction of its own, in one worker-thread hop

        def run_alone() -> T:
            # a race PostgreSQL broke (deadlock, serialisation) stored nothing: run it again,
            # as the group writer does, before answering 503 `busy`
            for attempt in range(RETRIES + 1):
                try:
                    with transaction(runtime.sessions) as session:
                        return work(session, *args, **kwargs)
                except Busy:
                    if attempt == RETRIES:
                        raise
            raise AssertionError("unreachable")

        async with _slots(_WRITE_SLOTS, WRITE_SESSIONS):
            return await run_in_threadpool(run_alone)

    def run(session: Session) -> T:
        return work(session, *args, **kwargs)

    async with _slots(_QUEUE_SLOTS, WRITE_QUEUE):
        try:
            return await asyncio.wrap_future(writer.submit(run))
        except Exception as exc:  # retried by the writer already
            if lost_race(exc):
                raise busy(exc) from exc
            raise


_WRITE_SLOTS: RunVar[anyio.Semaphore] = RunVar("lawline_write_slots")
_READ_SLOTS: RunVar[anyio.Semaphore] = RunVar("lawline_read_slots")
_QUEUE_SLOTS: RunVar[anyio.Semaphore] = RunVar("lawline_write_queue_slots")


def _slots(slots: RunVar[anyio.Semaphore], size: int) -> anyio.Semaphore:
    """The event loop's semaphore in `slots` (made on first use: one per loop, as FastAPI's)."""
    try:
        return slots.get()
    except LookupError:
        semaphore = anyio.Semaphore(size)
        slots.set(semaphore)
        return semaphore


# How many requests may hold a session at once, per process and per kind (the dependencies
# and the `*_in_thread` helpers each have their own bound). Sync endpoints and dependencies
# run on AnyIO's worker threads (40); a request whose endpoint has returned still holds its
# transaction (on SQLite: the process's writer lock) until FastAPI has validated the response
# and run the commit, and validating needs a worker thread of its own. Without a bound, 40
# requests waiting for the writer lock (or for a pooled connection) took every thread, the
# holder never got one back, and the server stopped answering (seen under wrk: 0 requests/s
# after the first burst). Waiting for a slot here costs no thread, and the four bounds together
# (2 x 8 + 2 x 4) leave 16 of the 40 threads to requests that never wait, among them the
# writer lock's holder.
WRITE_SESSIONS = 8
READ_SESSIONS = 4
# Hot writes waiting for the group writer hold no thread; the bound only keeps an overload
# from queueing without end (a batch takes at most `group_commit.MAX_BATCH`).
WRITE_QUEUE = 64

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[
    Session, Depends(get_session, scope="function", max_concurrency=WRITE_SESSIONS)
]
ReadSessionDep = Annotated[Session, Depends(get_read_session, max_concurrency=READ_SESSIONS)]
