"""Where one report's time goes: pyinstrument over report intake.

Two profiles on a fresh SQLite database (the demo platform of `make bench`):
1. the service path the endpoint runs in its one worker-thread hop (`submit_report` for a new
   reporter, then the commit with its signed tree head), in this thread, so every frame shows;
2. `POST /v1/reports` through the ASGI app (routing, middleware, validation), whose service part
   runs in another thread and is therefore only the waiting `lock.acquire` here.

    python -m bench.profile_intake [REPORTS]     # default 500, after 50 to warm up
"""

from __future__ import annotations

import sys

from bench.profiling import profile, profile_runtime, profile_settings


def main() -> None:
    from fastapi.testclient import TestClient

    reports = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    profile_settings("profile")
    runtime = profile_runtime()
    from lawline.api.app import create_app
    from lawline.platform.embedded import EmbeddedPlatform

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

    profile("the service path, in this thread", service, reports, "reports")

    with TestClient(create_app(runtime)) as client:

        def http(n: int) -> None:
            response = client.post(
                "/v1/reports",
                json={"target": targets[n % len(targets)], "category": "spam", "text": f"r {n}"},
                headers={"X-Client-Key": f"profile-{n}"},
            )
            assert response.status_code == 201, response.text

        profile("POST /v1/reports through the ASGI app", http, reports, "reports")


if __name__ == "__main__":
    main()
