"""`Cache-Control: no-store` on every API answer that is not public.

Staff, authority and reporter answers carry case data, request details, tokens and receipts; a
shared or browser cache must never keep them. The public reads (transparency reports, the audit
log and its proofs, the platform key, search, health) may be cached as their own routes say.
The pages set the header themselves (`web/render.py`).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_PREFIXES = ("/v1/transparency", "/v1/audit", "/v1/keys", "/v1/search", "/healthz")


def is_private(path: str) -> bool:
    return path.startswith("/v1/") and not path.startswith(PUBLIC_PREFIXES)


class NoStoreMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_private(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"cache-control"
                ]
                headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_no_store)
