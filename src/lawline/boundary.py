"""The HTTP request boundary shared by the JSON API (`api`) and the pages (`web`): the runtime
and a session committed when the request's work is done.

It sits beside both front ends, not inside `api`, so that `api` (whose app factory mounts the
pages) and `web` do not import each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from lawline.core.fields import ID_PATTERN, INT32_MAX
from lawline.runtime import Runtime

# Path parameters of the API and the pages: an id lawline made (`req_01j...`) and an `Integer`
# primary key. The pattern keeps NUL (PostgreSQL refuses it), phone numbers and IPs out of
# lookups and messages; the bound keeps a 20-digit number from overflowing PostgreSQL's
# `integer`. A value outside them is 422 `invalid_input` naming the parameter, never its value.
RecordIdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=40)]
IntIdPath = Annotated[int, Path(ge=1, le=INT32_MAX)]
PositionPath = Annotated[int, Path(ge=0, le=1000)]


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
