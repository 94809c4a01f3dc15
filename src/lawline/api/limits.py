"""Per-endpoint request body limits, enforced while the body streams in.

The check sits in an ASGI middleware, outside every router, so no handler, no JSON parser and no
signature verification ever holds more than the limit in memory: a declared `Content-Length`
over it is refused before a byte is read, and a chunked body is counted as it arrives and cut
off at the limit. Both answer 413 `body_too_large`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
MIB = 1024 * KIB
DEFAULT_LIMIT = 64 * KIB


@dataclass(frozen=True)
class BodyLimit:
    method: str
    path: re.Pattern[str]
    limit: int


# The first match wins; anything else gets DEFAULT_LIMIT. A legal request may carry its
# instrument as a base64 PDF (up to 14 MB of text), nothing else comes near that.
LIMITS: tuple[BodyLimit, ...] = (
    BodyLimit("POST", re.compile(r"^/v1/authority/requests$"), 16 * MIB),
    BodyLimit("POST", re.compile(r"^/v1/reports$"), 16 * KIB),
    BodyLimit("POST", re.compile(r"^/v1/staff/login$"), 4 * KIB),
    BodyLimit("POST", re.compile(r"^/v1/bots/"), 256 * KIB),
)


def limit_for(method: str, path: str) -> int:
    for rule in LIMITS:
        if rule.method == method and rule.path.match(path):
            return rule.limit
    return DEFAULT_LIMIT


class _TooLarge(Exception):
    pass


def _too_large_body(limit: int) -> bytes:
    error = {"code": "body_too_large", "message": f"the request body exceeds {limit} bytes"}
    return json.dumps({"error": error}).encode()


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            # Once the body was cut off, whatever the app makes of the truncated read (a parse
            # error, a handler's 500) is replaced by the 413.
            if exceeded:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = _too_large_body(limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
