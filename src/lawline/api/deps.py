"""The request dependencies, under the name the API's routers import them by (see
`lawline.boundary`, shared with the pages)."""

from lawline.boundary import (
    ReadSessionDep,
    RuntimeDep,
    SessionDep,
    get_read_session,
    get_runtime,
    get_session,
    read_in_thread,
    write_in_thread,
)

__all__ = [
    "ReadSessionDep",
    "RuntimeDep",
    "SessionDep",
    "get_read_session",
    "get_runtime",
    "get_session",
    "read_in_thread",
    "write_in_thread",
]
