"""Where one report's time goes: pyinstrument over `POST /v1/reports` through the ASGI app.

The slowest path of `make bench` is report intake. This drives the real app in-process (the
same routing, middleware, dependencies, service and commit as `lawline serve`, on a fresh SQLite
database) with one client, so the profile shows lawline's own work without the event loop
waiting on a load generator, and prints pyinstrument's call tree.

    python -m bench.profile_intake [REPORTS]     # default 500, after 50 to warm up
"""

from __future__ import annotations

import os
import sys

from bench.common import DATA
from bench.http_load import prepare_lawline


def main() -> None:
    from fastapi.testclient import TestClient
    from pyinstrument import Profiler

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
    with TestClient(create_app(runtime)) as client:

        def report(n: int) -> None:
            response = client.post(
                "/v1/reports",
                json={"target": targets[n % len(targets)], "category": "spam", "text": f"r {n}"},
                headers={"X-Client-Key": f"profile-{n}"},
            )
            assert response.status_code == 201, response.text

        for n in range(50):
            report(n)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for n in range(50, 50 + reports):
            report(n)
        profiler.stop()
    seconds = profiler.last_session.duration if profiler.last_session else 0.0
    print(f"{reports} reports in {seconds:.2f} s: {seconds / reports * 1000:.2f} ms each")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
