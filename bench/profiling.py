"""What the `bench.profile_*` scripts share: a fresh data directory with its runtime, and a
pyinstrument run over a call repeated after a warm-up."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bench.common import DATA
from bench.http_load import prepare_lawline

if TYPE_CHECKING:
    from pyinstrument import Profiler

    from lawline.runtime import Runtime

WARM_UP = 50


def profile_settings(name: str, **env: str) -> dict[str, str]:
    """A fresh SQLite database and demo platform (as `make bench` makes them) under
    bench/data/`name`, made this process's settings (LAWLINE_...), with `env` over them."""
    settings = {**prepare_lawline(DATA / name, accounts=2_000), **env}
    os.environ.update(settings)
    return settings


def profile_runtime() -> Runtime:
    """The runtime of the settings `profile_settings` made."""
    from lawline.core.settings import Settings
    from lawline.runtime import Runtime

    return Runtime(Settings())


def profile(title: str, call: Callable[[int], None], count: int, unit: str) -> None:
    """`call(n)` for `WARM_UP` values of n, then `count` more under pyinstrument; prints the
    time per call and the call tree. Each title gets its own range of n."""
    from pyinstrument import Profiler

    base = 10_000 * (1 + len(title))
    for n in range(WARM_UP):
        call(base + n)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for n in range(WARM_UP, WARM_UP + count):
        call(base + n)
    profiler.stop()
    _print(profiler, title, count, unit)


async def profile_async(
    title: str, call: Callable[[int], Awaitable[None]], count: int, unit: str
) -> None:
    """As `profile`, for calls awaited one after another on this thread's event loop: the
    profile is of the whole thread (the loop's own work included), not of one task."""
    from pyinstrument import Profiler

    base = 10_000 * (1 + len(title))
    for n in range(WARM_UP):
        await call(base + n)
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    for n in range(WARM_UP, WARM_UP + count):
        await call(base + n)
    profiler.stop()
    _print(profiler, title, count, unit)


def _print(profiler: Profiler, title: str, count: int, unit: str) -> None:
    session = profiler.last_session
    seconds, cpu = (session.duration, session.cpu_time) if session else (0.0, 0.0)
    print(
        f"== {title}: {count} {unit} in {seconds:.2f} s, {seconds / count * 1000:.2f} ms each "
        f"({cpu / count * 1000:.2f} ms CPU: on a busy machine the CPU time is the measure)"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))
