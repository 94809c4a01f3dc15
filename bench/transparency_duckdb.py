"""The transparency benchmark's baseline: the rows of the four views loaded into DuckDB, and the
report's counts, groups and median written for it."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

VIEWS = (
    "transparency_legal_requests",
    "transparency_reports",
    "transparency_decisions",
    "transparency_appeals",
)


def duckdb_tables(database: Path, workdir: Path) -> Any:
    import duckdb

    duck = duckdb.connect()
    source = sqlite3.connect(database)
    for view in VIEWS:
        path = workdir / f"{view}.csv"
        cursor = source.execute(f"SELECT * FROM {view}")
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([d[0] for d in cursor.description])
            while batch := cursor.fetchmany(100_000):
                writer.writerows(batch)
        duck.execute(
            f"CREATE TABLE {view} AS SELECT * FROM read_csv('{path}', header = true,"
            " timestampformat = '%Y-%m-%d %H:%M:%S.%f')"
        )
    source.close()
    return duck


def duckdb_figures(duck: Any, start: str, end: str) -> None:
    """The report's counts, groups and median, written for DuckDB."""
    inq = f"BETWEEN TIMESTAMP '{start}' AND TIMESTAMP '{end}' - INTERVAL 1 MICROSECOND"
    lr = "transparency_legal_requests"
    queries = [
        f"""SELECT count(*) FILTER (WHERE received_at {inq}),
                   count(*) FILTER (WHERE disclosed_at {inq}),
                   count(*) FILTER (WHERE disclosed_at {inq}
                                    AND accounts_disclosed >= targets_named),
                   coalesce(sum(accounts_disclosed) FILTER (WHERE disclosed_at {inq}), 0),
                   count(*) FILTER (WHERE disclosed_at {inq} AND accounts_disclosed > 0),
                   count(*) FILTER (WHERE rejected_at {inq}),
                   count(*) FILTER (WHERE received_at {inq} AND request_type = 'preservation'),
                   count(*) FILTER (WHERE preserved_at {inq}),
                   count(*) FILTER (WHERE received_at {inq} AND request_type = 'emergency')
            FROM {lr}""",
        f"SELECT request_type, count(*) FROM {lr} WHERE received_at {inq} GROUP BY 1",
        f"SELECT instrument_kind, count(*) FROM {lr} WHERE received_at {inq} GROUP BY 1",
        f"SELECT request_type, count(*) FROM {lr} WHERE disclosed_at {inq} GROUP BY 1",
        f"SELECT reason_code, count(*) FROM {lr} WHERE rejected_at {inq} GROUP BY 1",
        f"""SELECT country, count(*) FILTER (WHERE received_at {inq}),
                   count(*) FILTER (WHERE disclosed_at {inq}) FROM {lr} GROUP BY 1""",
        f"""SELECT count(*) FILTER (WHERE created_at {inq}),
                   count(*) FILTER (WHERE created_at {inq} AND trusted = 1),
                   count(*) FILTER (WHERE created_at {inq} AND automated = 1)
            FROM transparency_reports""",
        f"SELECT category, count(*) FROM transparency_reports WHERE created_at {inq} GROUP BY 1",
        f"""SELECT count(*), count(*) FILTER (WHERE action = 'delist'),
                   median(epoch(decided_at) - epoch(first_report_at))
            FROM transparency_decisions WHERE decided_at {inq}""",
        f"SELECT action, count(*) FROM transparency_decisions WHERE decided_at {inq} GROUP BY 1",
        f"""SELECT count(*) FILTER (WHERE filed_at {inq}), count(*) FILTER (WHERE decided_at {inq}),
                   count(*) FILTER (WHERE decided_at {inq} AND status = 'reversed')
            FROM transparency_appeals""",
    ]
    for query in queries:
        duck.execute(query).fetchall()
