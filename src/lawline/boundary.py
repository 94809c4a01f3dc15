"""The HTTP request boundary shared by the JSON API (`api`) and the pages (`web`): the runtime
and a session committed when the request's work is done.

It sits beside both front ends, not inside `api`, so that `api` (whose app factory mounts the
pages) and `web` do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lawline.core.fields import ID_PATTERN, INT32_MAX
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
        except BaseException:
            session.rollback()
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

    return await run_in_threadpool(run)


# How many requests may hold a session at once, per process. Sync endpoints and dependencies
# run on AnyIO's worker threads (40); a request whose endpoint has returned still holds its
# transaction (on SQLite: the process's writer lock) until FastAPI has validated the response
# and run the commit, and validating needs a worker thread of its own. Without a bound, 40
# requests waiting for the writer lock (or for a pooled connection) took every thread, the
# holder never got one back, and the server stopped answering (seen under wrk: 0 requests/s
# after the first burst). Waiting for a slot here costs no thread; the sum stays within the
# engine's pool (5 + 10 connections) so a slot holder never waits for a connection behind a
# request that waits for a thread.
WRITE_SESSIONS = 10
READ_SESSIONS = 4

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[
    Session, Depends(get_session, scope="function", max_concurrency=WRITE_SESSIONS)
]
ReadSessionDep = Annotated[Session, Depends(get_read_session, max_concurrency=READ_SESSIONS)]
