"""Where one report's time goes: pyinstrument over report intake.

Two profiles on a fresh SQLite database (the demo platform of `make bench`):
1. the service path the endpoint runs in its one worker-thread hop (`submit_report` for a new
   reporter, then the commit with its signed tree head), in this thread, so every frame shows;
2. `POST /v1/reports` through the ASGI app (routing, middleware, validation), whose service part
   runs in another thread and is therefore only the waiting `lock.acquire` here.

    python -m bench.profile_intake [REPORTS]     # default 500, after 50 to warm up
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from bench.common import DATA
from bench.http_load import prepare_lawline


def main() -> None:
    from fastapi.testclient import TestClient

    reports = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    env = prepare_lawline(DATA / "profile", accounts=2_000)
    os.environ.update(env)
    from lawline.api.app import create_app
    from lawline.core.settings import Settings
    from lawline.platform.embedded import EmbeddedPlatform
    from lawline.runtime import Runtime

    runtime = Runtime(Settings())
    platform = EmbeddedPlatform(runtime.settings.resolved_platform_path)
    targets = [f"t.me/{c.name}" for c in platform.channels()][:200]

    from lawline.core.db import transaction
    from lawline.moderation.reports import submit_report

    def service(n: int) -> None:
        with transaction(runtime.sessions) as session:
            submit_report(
                session,
                runtime.moderation,
                target=targets[n % len(targets)],
                category="spam",
                text=f"s {n}",
                reporter_id=f"anon:profile-{n}",
                idempotency_key=None,
                via="api",
            )

    _profile("the service path, in this thread", service, reports)

    with TestClient(create_app(runtime)) as client:

        def http(n: int) -> None:
            response = client.post(
                "/v1/reports",
                json={"target": targets[n % len(targets)], "category": "spam", "text": f"r {n}"},
                headers={"X-Client-Key": f"profile-{n}"},
            )
            assert response.status_code == 201, response.text

        _profile("POST /v1/reports through the ASGI app", http, reports)


def _profile(title: str, call: Callable[[int], None], reports: int) -> None:
    from pyinstrument import Profiler

    base = 10_000 * (1 + len(title))
    for n in range(50):
        call(base + n)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for n in range(50, 50 + reports):
        call(base + n)
    profiler.stop()
    seconds = profiler.last_session.duration if profiler.last_session else 0.0
    print(
        f"== {title}: {reports} reports in {seconds:.2f} s, {seconds / reports * 1000:.2f} ms each"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
