"""The transparency benchmark's data on PostgreSQL: its own database (`lawline_bench` on the
local server; nothing else is touched), migrated by lawline, loaded with COPY from the same
generated SQLite file, then counted by lawline's own backfill (`lawline.tally.backfill`)."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

URL = os.environ.get(
    "LAWLINE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/lawline_bench"
)
# the tables bench.transparency._fill writes; the migrations' own rows (states) stay as made
TABLES = (
    "authorities",
    "legal_requests",
    "legal_request_targets",
    "disclosure_packages",
    "preservation_holds",
    "moderation_cases",
    "moderation_decisions",
    "moderation_appeals",
    "moderation_reports",
)


def _plain(url: str, database: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(_plain(URL, "postgres"), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _recreate_database() -> None:
    """Drop and create the benchmark's own database (never any other)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(URL).database
    if not (name or "").startswith("lawline_bench"):
        raise SystemExit("the benchmark only drops a database of its own (lawline_bench...)")
    with psycopg.connect(_plain(URL, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def load(source: Path, stamp: Path) -> float | None:
    """Make the PostgreSQL copy of `source` unless `stamp` says it exists; seconds taken."""
    if stamp.exists():
        return None
    import psycopg

    from lawline import migrations
    from lawline.core.db import make_engine
    from lawline.tally.backfill import rebuild

    started = time.perf_counter()
    _recreate_database()
    engine = make_engine(URL)
    migrations.upgrade(engine)
    engine.dispose()
    lite = sqlite3.connect(source)
    with psycopg.connect(_plain(URL)) as pg:
        pg.execute("SET timezone = 'UTC'")
        for table in TABLES:
            rows = lite.execute(f"SELECT * FROM {table}")
            columns = ", ".join(d[0] for d in rows.description)
            with pg.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                while batch := rows.fetchmany(50_000):
                    for row in batch:
                        copy.write_row(row)
            print(f"  copied {table}", file=sys.stderr)
        pg.commit()
    lite.close()
    with psycopg.connect(_plain(URL), autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    engine = make_engine(URL)
    with engine.begin() as connection:  # lawline's own counting of the loaded rows
        rebuild(connection)
    engine.dispose()
    stamp.write_text(f"{source.name}\n")
    return time.perf_counter() - started
