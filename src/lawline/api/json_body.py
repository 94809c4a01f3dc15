"""JSON bodies with a key given twice are refused before any router reads them.

`{"type": "preservation", "type": "disclosure"}` means what the parser that reads it decides:
Python keeps the last value, other parsers the first or an error. A signed legal request or a
report must mean one thing to the authority that signed it and to lawline, so such a body is
422 `invalid_input` (problem `duplicate_key`), never silently resolved. Bodies are already
bounded by `api.limits` (this middleware sits inside it), so holding one to check it is safe.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lawline.api.errors import error_response


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey
        result[key] = value
    return result


def has_duplicate_keys(body: bytes) -> bool:
    """True when `body` is JSON with a repeated key in some object; a body that is not JSON is
    left to the router (it answers `body_malformed` or `invalid_input` itself)."""
    try:
        json.loads(body, object_pairs_hook=_no_duplicates)
    except _DuplicateKey:
        return True
    except (ValueError, RecursionError):
        return False
    return False


class DuplicateKeyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body.lstrip()[:1] in (b"{", b"[") and has_duplicate_keys(body):
            response = error_response(
                422,
                "invalid_input",
                "a key appears twice in one JSON object",
                fields=[{"field": "body", "problem": "duplicate_key"}],
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
