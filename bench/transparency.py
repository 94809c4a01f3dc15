"""A quarter's transparency figures over a million legal requests and ten million reports.

The data set is written in bulk into lawline's own tables of a migrated SQLite database (eight
quarters, ten countries, every request type, about 40% disclosed and 20% rejected; reports merged
into a tenth as many cases, half of them decided), then counted by lawline's own backfill
(migration 0011's `lawline.tally.backfill`): the bench writes rows, never counters. The same
rows are loaded into a PostgreSQL database of their own with COPY (bench/transparency_pg.py).
`transparency.aggregate.figures` computes the quarter from the counters as the report does, on
both databases; the full recount from the views (`transparency.recount`, the audit path behind
`lawline transparency check`) is timed beside it and compared. The baseline loads the rows of
the same four views into DuckDB (a columnar engine) and runs the same counts, groups and median
there; only the queries are timed.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import DATA, Figure

COUNTRIES = ["NL", "FR", "BE", "DE", "ES", "IT", "PL", "US", "GB", "SE"]
TYPES = ["disclosure"] * 6 + ["preservation"] * 3 + ["emergency"]
INSTRUMENTS = ["court_order", "epoc", "epoc_pr", "subpoena", "search_warrant", "emergency"]
CATEGORIES = ["spam", "scam", "hate", "drugs", "weapons", "csam", "terrorism", "doxxing"]
ACTIONS = ["no_action", "delist", "remove", "ban"]
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=2 * 365)
QUARTER = "2024-Q4"


def _filler(column: Any) -> Any:
    """A value for a NOT NULL column the bench does not care about (schemas grow)."""
    name = type(column.type).__name__.lower()
    if "json" in name:
        return "[]" if column.name in {"reasons", "warnings", "categories"} else "{}"
    if "int" in name or "bool" in name:
        return 0
    if "date" in name:
        return "2024-01-01" if name == "date" else "2024-01-01 00:00:00.000000"
    if "binary" in name:
        return b"\x00" * 32
    return "x"


class _Table:
    """Bulk rows for one table: the given columns, every other NOT NULL column filled."""

    def __init__(self, connection: sqlite3.Connection, name: str, given: list[str]) -> None:
        from lawline.models import metadata

        table = metadata.tables[name]
        extra = [c for c in table.columns if not c.nullable and c.name not in given]
        self.fill = tuple(_filler(c) for c in extra)
        columns = [*given, *(c.name for c in extra)]
        self.sql = (
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        self.connection = connection
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> None:
        self.rows.append((*values, *self.fill))
        if len(self.rows) >= 100_000:
            self.flush()

    def flush(self) -> None:
        self.connection.executemany(self.sql, self.rows)
        self.rows.clear()


def _at(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.randrange(int(SPAN.total_seconds())))


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _fill(database: Path, requests: int, reports: int) -> None:
    rng = random.Random(11)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA foreign_keys=OFF")
    authorities = _Table(connection, "authorities", ["id", "name", "country", "kind", "created_at"])
    for i, country in enumerate(COUNTRIES):
        authorities.add(f"auth_{i}", f"Authority {country}", country, "prosecutor", _text(START))
    authorities.flush()
    legal = _Table(
        connection,
        "legal_requests",
        [
            "id",
            "authority_id",
            "request_type",
            "status",
            "instrument_kind",
            "offense",
            "received_at",
            "updated_at",
        ],
    )
    targets = _Table(
        connection,
        "legal_request_targets",
        ["id", "request_id", "position", "ref_kind", "ref_display"],
    )
    packages = _Table(
        connection,
        "disclosure_packages",
        ["id", "request_id", "accounts", "created_at", "delete_after"],
    )
    holds = _Table(
        connection, "preservation_holds", ["id", "request_id", "account_id", "created_at"]
    )
    target_id = hold_id = 0
    for n in range(requests):
        request_id = f"req_{n:09d}"
        received = _at(rng)
        kind = rng.choice(TYPES)
        roll = rng.random()
        status = "disclosed" if roll < 0.4 else "rejected" if roll < 0.6 else "in_review"
        if kind == "preservation":
            status = "preserved" if roll < 0.7 else "rejected"
        updated = received + timedelta(hours=rng.randrange(1, 400))
        legal.add(
            request_id,
            f"auth_{rng.randrange(len(COUNTRIES))}",
            kind,
            status,
            rng.choice(INSTRUMENTS),
            "drug_trafficking",
            _text(received),
            _text(updated),
        )
        named = 1 + (rng.random() < 0.2)
        for position in range(named):
            target_id += 1
            targets.add(target_id, request_id, position, "account", "account 1")
        if status == "disclosed":
            packages.add(
                f"pkg_{n:09d}",
                request_id,
                rng.randint(0, named),
                _text(updated),
                _text(updated + timedelta(days=90)),
            )
        if status == "preserved":
            hold_id += 1
            holds.add(hold_id, request_id, "1", _text(updated))
    for table in (legal, targets, packages, holds):
        table.flush()
    connection.commit()

    cases = _Table(
        connection,
        "moderation_cases",
        [
            "id",
            "target_key",
            "target_kind",
            "status",
            "first_report_at",
            "last_report_at",
            "deadline_at",
            "triage_model",
        ],
    )
    decisions = _Table(
        connection,
        "moderation_decisions",
        ["id", "case_id", "action", "category", "moderator", "decided_at"],
    )
    appeals = _Table(
        connection,
        "moderation_appeals",
        [
            "id",
            "decision_id",
            "appellant_account_id",
            "grounds",
            "filed_at",
            "status",
            "decided_at",
        ],
    )
    report_rows = _Table(
        connection,
        "moderation_reports",
        ["id", "case_id", "reporter_id", "category", "channel", "created_at"],
    )
    n_cases = max(1, reports // 10)
    first_report: list[datetime] = []
    for case in range(1, n_cases + 1):
        first = _at(rng)
        first_report.append(first)
        decided = rng.random() < 0.5
        cases.add(
            case,
            f"channel:{case}",
            "channel",
            "decided" if decided else "open",
            _text(first),
            _text(first + timedelta(hours=6)),
            _text(first + timedelta(hours=24)),
            "tfidf" if rng.random() < 0.8 else None,
        )
        if decided:
            decided_at = first + timedelta(minutes=rng.randrange(10, 5000))
            decisions.add(
                f"dec_{case}",
                case,
                rng.choice(ACTIONS),
                rng.choice(CATEGORIES),
                "staff:mo",
                _text(decided_at),
            )
            if rng.random() < 0.05:
                appeals.add(
                    f"app_{case}",
                    f"dec_{case}",
                    "1",
                    "appeal",
                    _text(decided_at + timedelta(days=2)),
                    rng.choice(["reversed", "upheld"]),
                    _text(decided_at + timedelta(days=4)),
                )
    for table in (cases, decisions, appeals):
        table.flush()
    connection.commit()
    for n in range(reports):
        case = 1 + rng.randrange(n_cases)
        at = first_report[case - 1] + timedelta(minutes=rng.randrange(0, 360))
        report_rows.add(
            f"rep_{n:010d}",
            case,
            f"r{rng.randrange(reports)}",
            rng.choice(CATEGORIES),
            "api",
            _text(at),
        )
        if n % 2_000_000 == 0 and n:
            print(f"  ... {n:,} reports", file=sys.stderr)
    report_rows.flush()
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


def _migrated(older: Path, cached: Path) -> None:
    """The data set written for an older schema, migrated to this one by lawline's migrations
    and counted again (as an upgraded deployment is), instead of writing it anew (half an hour);
    the older file is removed once the new one is complete."""
    from lawline import migrations
    from lawline.core.db import make_engine

    print(f"  migrating {older.name} to the current schema (kept for later runs)", file=sys.stderr)
    partial = cached.with_suffix(".partial")
    shutil.copy(older, partial)
    engine = make_engine(f"sqlite:///{partial}")
    migrations.upgrade(engine)
    engine.dispose()
    _counted(partial)
    partial.rename(cached)
    older.unlink()


def _counted(database: Path) -> None:
    """Count the generated rows with lawline's own backfill (migration 0011's), as an upgraded
    database is counted: the bench writes rows, never counters."""
    from lawline.core.db import make_engine
    from lawline.tally.backfill import rebuild

    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        rebuild(connection)
    engine.dispose()


def _measure(url: str, quarter: Any) -> dict[str, Any]:
    """Counters figure (warm), one country, and the full recount from the views, timed; the
    same on SQLite and PostgreSQL."""
    from lawline.core.db import make_engine, session_factory
    from lawline.transparency import aggregate, recount

    engine = make_engine(url)
    with session_factory(engine, read_only=True)() as session:
        aggregate.figures(session, quarter)  # warm the page cache, as for the baseline's load
        t0 = time.perf_counter()
        counted = aggregate.figures(session, quarter)
        seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        aggregate.figures(session, quarter, "NL")
        country = time.perf_counter() - t0
        t0 = time.perf_counter()
        recounted = recount.figures(session, quarter)
        recount_seconds = time.perf_counter() - t0
    engine.dispose()
    return {
        "seconds": seconds,
        "one_country_seconds": country,
        "recount_seconds": recount_seconds,
        "counters_equal_recount": counted == recounted,
        "received": counted["legal_requests"]["received"]["total"],
    }


def transparency_aggregate(quick: bool) -> Figure | None:
    try:
        import duckdb  # noqa: F401 - the baseline needs it
    except ImportError:
        return None
    from bench import transparency_pg
    from bench.transparency_duckdb import duckdb_figures, duckdb_tables
    from lawline import migrations
    from lawline.core.db import make_engine
    from lawline.transparency.quarters import Quarter

    requests, reports = (100_000, 1_000_000) if quick else (1_000_000, 10_000_000)
    workdir = DATA / "transparency"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{workdir / 'probe.sqlite'}")
    migrations.upgrade(engine)
    head = migrations.head_revision(engine)
    engine.dispose()
    cached = DATA / f"transparency-{requests}-{reports}-{head}.sqlite"
    older = sorted(DATA.glob(f"transparency-{requests}-{reports}-*.sqlite"))
    if not cached.exists() and older:
        _migrated(older[-1], cached)
    if not cached.exists():
        print(
            f"  writing {requests:,} requests and {reports:,} reports (kept for later runs)",
            file=sys.stderr,
        )
        partial = cached.with_suffix(".partial")
        shutil.move(workdir / "probe.sqlite", partial)
        _fill(partial, requests, reports)
        _counted(partial)
        partial.rename(cached)
    database = workdir / "lawline.sqlite"
    shutil.copy(cached, database)
    quarter = Quarter.parse(QUARTER)
    lite = _measure(f"sqlite:///{database}", quarter)
    pg: dict[str, Any] = {}
    if transparency_pg.reachable():
        stamp = DATA / "transparency-pg.loaded"
        if stamp.exists() and stamp.read_text() != f"{cached.name}\n":
            stamp.unlink()  # the database holds another size
        loaded = transparency_pg.load(cached, stamp)
        pg = _measure(transparency_pg.URL, quarter)
        if loaded is not None:
            pg["load_seconds"] = loaded
    duck = duckdb_tables(database, workdir)
    start = quarter.start.replace(tzinfo=None).isoformat(sep=" ")
    end = quarter.end.replace(tzinfo=None).isoformat(sep=" ")
    duckdb_figures(duck, start, end)
    t0 = time.perf_counter()
    duckdb_figures(duck, start, end)
    duck_s = time.perf_counter() - t0
    duck.close()
    details: dict[str, Any] = {
        "requests": requests,
        "reports": reports,
        "quarter": QUARTER,
        "requests_received_in_quarter": lite["received"],
        "sqlite_seconds": lite["seconds"],
        "sqlite_one_country_seconds": lite["one_country_seconds"],
        "sqlite_recount_seconds": lite["recount_seconds"],
        "sqlite_counters_equal_recount": lite["counters_equal_recount"],
    }
    if pg:
        details.update({f"postgresql_{key}": value for key, value in pg.items()})
    else:
        details["postgresql"] = "unreachable: measured on SQLite only"
    return Figure(
        value=max(lite["seconds"], pg.get("seconds", 0.0)),
        unit="s per quarter report from the counters (all countries; the slower database)",
        baseline=duck_s,
        baseline_label="the same counts, groups and median in DuckDB over the same view rows",
        higher_is_better=False,
        goal="within 2 x DuckDB (ratio >= 0.5)",
        details=details,
    )
