"""One account's month of IP events through the Platform protocol, against the raw indexed query.

The platform file is generated once per size and kept in bench/data (1M accounts and 50M events
take a few minutes); the raw baseline runs the same SELECT with sqlite3 on the same file, so the
ratio is what the protocol (parsing, PII wrappers, records) costs on top of the index.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import DATA, Figure, percentile

UNTIL = datetime(2026, 11, 1, tzinfo=UTC)
FIRST_ACCOUNT = 100_000
SAMPLES = 5_000


def platform_file(accounts: int) -> tuple[Path, dict[str, float]]:
    """The generated platform of this size, made now unless an earlier run left it."""
    from lawline.platform.generate import generate

    path = DATA / f"platform-{accounts}.sqlite"
    done = path.with_suffix(".done")
    if path.exists() and done.exists():
        return path, {}
    print(
        f"  generating a platform of {accounts:,} accounts (kept for later runs) ...",
        file=sys.stderr,
    )
    started = time.perf_counter()
    stats = generate(path, accounts, seed=2024, until=UNTIL)
    seconds = time.perf_counter() - started
    done.write_text("ok\n")
    return path, {
        "generate_seconds": seconds,
        "ip_events": stats.ip_events,
        "accounts_per_second": stats.accounts / seconds,
    }


def _queries(accounts: int) -> list[tuple[int, datetime, datetime]]:
    rng = random.Random(1)
    out = []
    for _ in range(SAMPLES):
        start = UNTIL - timedelta(days=rng.randrange(30, 365))
        out.append((FIRST_ACCOUNT + rng.randrange(accounts), start, start + timedelta(days=30)))
    return out


def ip_lookup(quick: bool) -> Figure:
    from lawline.platform.embedded import EmbeddedPlatform

    accounts = 100_000 if quick else 1_000_000
    path, generation = platform_file(accounts)
    queries = _queries(accounts)

    raw = sqlite3.connect(path)
    platform = EmbeddedPlatform(path)

    def raw_query(account: int, start: datetime, end: datetime) -> list[Any]:
        return raw.execute(
            "SELECT at, ip, port FROM ip_events WHERE account_id = ? AND at >= ? AND at < ?"
            " ORDER BY at, seq",
            (account, int(start.timestamp()), int(end.timestamp())),
        ).fetchall()

    # Both read the same pages: one untimed pass first, so neither pays for the disk; then
    # each query is timed both ways back to back, in alternating order.
    for account, start, end in queries:
        raw_query(account, start, end)
        platform.ip_events(str(account), start, end)
    raw_ms: list[float] = []
    ms: list[float] = []
    found = 0
    for number, (account, start, end) in enumerate(queries):
        for way in ("raw", "protocol") if number % 2 else ("protocol", "raw"):
            t0 = time.perf_counter()
            if way == "raw":
                raw_query(account, start, end)
                raw_ms.append((time.perf_counter() - t0) * 1000)
            else:
                events = platform.ip_events(str(account), start, end)
                ms.append((time.perf_counter() - t0) * 1000)
                found += len(events)
    raw.close()
    platform.close()
    return Figure(
        value=percentile(ms, 0.5),
        unit="ms (p50)",
        baseline=percentile(raw_ms, 0.5),
        baseline_label="the same indexed SELECT with sqlite3 on the same file",
        higher_is_better=False,
        goal="p50 within 3 x the raw query (ratio >= 0.33)",
        details={
            "accounts": accounts,
            "p99_ms": percentile(ms, 0.99),
            "baseline_p99_ms": percentile(raw_ms, 0.99),
            "events_per_lookup_mean": found / len(queries),
            "file_mb": path.stat().st_size / 1e6,
            **generation,
        },
    )
