"""The HTTP request boundary shared by the JSON API (`api`) and the pages (`web`): the runtime
and a session committed when the request's work is done.

It sits beside both front ends, not inside `api`, so that `api` (whose app factory mounts the
pages) and `web` do not import each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from lawline.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
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
