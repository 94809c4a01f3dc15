"""Do the transparency counters make a hot row on report intake? 8 threads x N reports through
`submit_report` with real commits on PostgreSQL (and SQLite), with the counters and with the
counting switched off, reports/s for each. Not part of `make bench` (no baseline of its own):

    python -m bench.counter_contention [--reports 50]
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

TEST_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _runtime(backend: str, directory: Path) -> tuple[Any, Any]:
    from lawline.core.clock import FixedClock
    from lawline.core.db import make_engine
    from lawline.core.settings import Settings
    from lawline.platform.generate import generate
    from lawline.runtime import Runtime

    generate(directory / "platform.sqlite", 400, seed=7, until=datetime(2026, 11, 1, tzinfo=UTC))
    url, drop = None, None
    if backend == "postgresql":
        schema = f"bench_{secrets.token_hex(5)}"
        admin = make_engine(TEST_PG)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{TEST_PG}?options=-csearch_path%3D{schema}"

        def drop() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    runtime = Runtime(
        Settings(data_dir=directory, database_url=url, platform="embedded",
                 report_rate_limit=1_000_000),
        clock=FixedClock(datetime(2026, 11, 20, 9, tzinfo=UTC)),
    )  # fmt: skip
    runtime.upgrade_database()
    return runtime, drop


def _run(runtime: Any, per_thread: int, tag: str) -> float:
    from lawline.core.db import transaction
    from lawline.moderation.reports import submit_report

    targets = [c.name for c in runtime.platform.channels(limit=3)]
    barrier = threading.Barrier(8)

    def reporter(i: int) -> None:
        barrier.wait()
        for j in range(per_thread):
            with transaction(runtime.sessions) as session:
                submit_report(
                    session, runtime.moderation, target=f"t.me/{targets[j % 3]}",
                    category="drugs", text="", reporter_id=f"user-{tag}{i:03d}",
                    idempotency_key=None, via="api",
                )  # fmt: skip

    threads = [threading.Thread(target=reporter, args=(i,)) for i in range(8)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 8 * per_thread / (time.perf_counter() - t0)


def main() -> None:
    from lawline.moderation import figures

    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=50, help="reports per thread")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql"):
        with tempfile.TemporaryDirectory() as tmp:
            runtime, drop = _runtime(backend, Path(tmp))
            try:
                _run(runtime, 5, "w")  # warm up: triage model, connections
                counted = _run(runtime, args.reports, "a")
                real = figures.count
                figures.count = lambda *a, **k: None  # type: ignore[assignment]
                try:
                    uncounted = _run(runtime, args.reports, "b")
                finally:
                    figures.count = real  # type: ignore[assignment]
                counted_again = _run(runtime, args.reports, "c")
            finally:
                runtime.close()
                if drop:
                    drop()
        print(
            f"{backend}: with counters {counted:.1f} and {counted_again:.1f} reports/s, "
            f"without {uncounted:.1f} reports/s (8 threads x {args.reports})"
        )


if __name__ == "__main__":
    main()
