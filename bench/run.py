"""`make bench`: speed and memory figures, printed and written to bench/results.json.

Benchmarks, not tests: they report numbers and ratios and never fail on timing.
Set BENCH_ACCOUNTS to change the platform size (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lawline.platform.embedded import EmbeddedPlatform
from lawline.platform.generate import generate

HERE = Path(__file__).parent
UNTIL = datetime(2026, 11, 1, tzinfo=UTC)


def bench_platform(accounts: int) -> dict[str, object]:
    path = HERE / "data" / f"platform-{accounts}.sqlite"
    started = time.perf_counter()
    last = [started]

    def progress(n: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 15:
            print(f"  ... {time.perf_counter() - started:6.0f} s", file=sys.stderr)
            last[0] = now

    stats = generate(path, accounts, seed=2024, until=UNTIL, progress=progress)
    generate_s = time.perf_counter() - started
    size_mb = path.stat().st_size / 1e6
    platform_ = EmbeddedPlatform(path)
    rng = random.Random(1)
    first = 100_000
    samples = []
    found = 0
    for _ in range(2_000):
        account = str(first + rng.randrange(accounts))
        start = UNTIL - timedelta(days=rng.randrange(30, 365))
        t0 = time.perf_counter()
        events = platform_.ip_events(account, start, start + timedelta(days=30))
        samples.append((time.perf_counter() - t0) * 1000)
        found += len(events)
    platform_.close()
    samples.sort()
    return {
        "accounts": stats.accounts,
        "ip_events": stats.ip_events,
        "generate_seconds": round(generate_s, 1),
        "accounts_per_second": round(stats.accounts / generate_s),
        "file_mb": round(size_mb),
        "month_lookup_ms_p50": round(statistics.median(samples), 3),
        "month_lookup_ms_p99": round(samples[int(len(samples) * 0.99)], 3),
        "month_lookup_events_mean": round(found / len(samples), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def bench_triage() -> dict[str, object]:
    from lawline.moderation.triage import DATA, load_corpus
    from lawline.moderation.triage_store import shipped_rows
    from lawline.moderation.triage_train import fit

    started = time.perf_counter()
    model, pipeline = fit(shipped_rows())
    train_s = time.perf_counter() - started
    texts = [r["text"] for r in load_corpus(DATA / "heldout.jsonl")] * 20
    t0 = time.perf_counter()
    for text in texts:
        model.score(text)
    fast_us = (time.perf_counter() - t0) / len(texts) * 1e6
    t0 = time.perf_counter()
    for text in texts[:500]:
        pipeline.predict_proba([text])
    pipeline_us = (time.perf_counter() - t0) / 500 * 1e6
    return {
        "train_seconds": round(train_s, 2),
        "score_one_text_us": round(fast_us, 1),
        "pipeline_one_text_us": round(pipeline_us, 1),
        "speedup": round(pipeline_us / fast_us, 1),
    }


def main() -> None:
    accounts = int(os.environ.get("BENCH_ACCOUNTS", "1000000"))
    results: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    results["triage"] = bench_triage()
    for key, value in results["triage"].items():  # type: ignore[union-attr]
        print(f"triage.{key}: {value}")
    print(f"platform: generating {accounts:,} accounts ...", file=sys.stderr)
    results["platform"] = bench_platform(accounts)
    for key, value in results["platform"].items():  # type: ignore[union-attr]
        print(f"platform.{key}: {value}")
    out = HERE / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
