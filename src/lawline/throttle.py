"""Per-client throttles for the endpoints anyone can call (log-in, reports), with `limits`:
shared by the JSON API (`api`) and the pages (`web`), so it sits beside both, as `boundary` does.

The client is its address as the server sees it; the address stays in the throttle's memory and
is never logged or stored. This is a flood guard in front of the per-account rules (the log-in
lock-out, the per-reporter report limit), which live in the database and hold across processes.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from lawline.core.errors import ConfigurationError, TooManyRequests


class Throttle:
    def __init__(self, name: str, rate: str) -> None:
        try:
            self._item: RateLimitItem = parse(rate)
        except ValueError:
            raise ConfigurationError(f"not a rate limit for {name}: {rate!r}") from None
        self._name = name
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, request: Request) -> None:
        """Count one call of this client; refuse it (429 `rate_limited`) past the rate."""
        client = request.client.host if request.client else "unknown"
        if not self._limiter.hit(self._item, self._name, client):
            reset, _ = self._limiter.get_window_stats(self._item, self._name, client)
            wait = max(1, int(reset - time.time()))
            raise TooManyRequests(
                f"too many requests; at most {self._item} per client",
                code="rate_limited",
                retry_after_seconds=wait,
            )


def throttled(name: str, setting: str) -> Any:
    """A route dependency counting each call against the rate in `Settings.<setting>`. As a
    route dependency it runs before the body is read or validated, so a flood of bad requests
    is throttled too."""

    async def dependency(request: Request) -> None:  # memory only: no thread hop
        throttles: dict[str, Throttle] | None = getattr(request.app.state, "throttles", None)
        if throttles is None:
            throttles = request.app.state.throttles = {}
        if name not in throttles:
            rate = getattr(request.app.state.runtime.settings, setting)
            throttles[name] = Throttle(name, rate)
        throttles[name].hit(request)

    return Depends(dependency)
