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


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
