"""The HTTP request boundary shared by the JSON API (`api`) and the pages (`web`): the runtime
and a session committed when the request's work is done.

It sits beside both front ends, not inside `api`, so that `api` (whose app factory mounts the
pages) and `web` do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lawline.runtime import Runtime

P = ParamSpec("P")
T = TypeVar("T")


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


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
