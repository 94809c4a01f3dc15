"""`make bench`: what lawline exists for, measured against a baseline in the same run.

Benchmarks, not tests: they print figures and ratios and never fail on timing. Each one
returns a `Figure` (value, unit, baseline, ratio, goal, details); all are printed as a table
and written to bench/results.json as
`{"machine": {...}, "benchmarks": {NAME: {"value", "unit", "baseline", "ratio", ...}}}`.

    python -m bench.run            # the full run (1M accounts, 1M requests, 10M reports, ...)
    python -m bench.run --quick    # about a minute of measuring on smaller data
    python -m bench.run --only ip_lookup --only audit_verify
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from bench.common import DATA, HERE, Figure, machine


def _benchmarks() -> dict[str, Callable[[bool], Figure | None]]:
    from bench import audit, http_load, ip_lookup, search, transparency, triage

    return {
        "report_intake": http_load.report_intake,
        "authority_submit": http_load.authority_submit,
        "ip_lookup": ip_lookup.ip_lookup,
        "transparency_aggregate": transparency.transparency_aggregate,
        "triage_default": triage.triage_default,
        "triage_embedding": triage.triage_embedding,
        "audit_verify": audit.audit_verify,
        "search_query": search.search_query,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller data, about a minute")
    parser.add_argument("--only", action="append", default=[], help="run only this benchmark")
    args = parser.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    console = Console(stderr=True)
    benchmarks = _benchmarks()
    unknown = set(args.only) - set(benchmarks)
    if unknown:
        parser.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    results: dict[str, dict[str, object]] = {}
    for name, run in benchmarks.items():
        if args.only and name not in args.only:
            continue
        console.print(f"[bold]{name}[/bold] ...")
        started = time.perf_counter()
        try:
            figure = run(args.quick)
        except Exception as exc:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        if figure is None:
            results[name] = {"skipped": "not installed (see the README)"}
            continue
        results[name] = {**figure.as_json(), "seconds": round(time.perf_counter() - started, 1)}
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": machine(),
        "benchmarks": results,
    }
    path = HERE / "results.json"
    if args.only and path.exists():  # keep the figures of benchmarks not run this time
        earlier = json.loads(path.read_text())
        out["benchmarks"] = {**earlier.get("benchmarks", {}), **results}
    path.write_text(json.dumps(out, indent=2) + "\n")
    _print(console, results)
    console.print(f"wrote {path}")
    return 0


def _print(console: Console, results: dict[str, dict[str, object]]) -> None:
    table = Table(title="lawline benchmarks")
    for column in ("benchmark", "value", "baseline", "ratio", "goal"):
        table.add_column(column)
    for name, r in results.items():
        if "value" not in r:
            table.add_row(name, str(r.get("error") or r.get("skipped")), "", "", "")
            continue
        table.add_row(
            name,
            f"{r['value']} {r['unit']}",
            f"{r['baseline']}",
            f"{r['ratio']}",
            str(r["goal"]),
        )
    Console().print(table)


if __name__ == "__main__":
    sys.exit(main())
