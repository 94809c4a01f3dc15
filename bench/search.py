"""Public search over a million channels: query latency through the API against raw FTS5.

The index is laid down in bulk (channel titles and descriptions drawn from a mixed-language
vocabulary) in lawline's own tables of a migrated SQLite database; `lawline serve` answers
`GET /v1/search` over one keep-alive connection, one query at a time, and the baseline runs the
very statement the service runs (`search.service.SQLITE_STATEMENT`: FTS5 MATCH, ORDER BY rank,
the listed filter, LIMIT 20) with sqlite3 on the same file, each query both ways back to back.
The delisting figure is the time from a committed delisting until the next search request no
longer returns the channel.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path

import httpx2

from bench.common import DATA, Figure, free_port, percentile, server
from bench.http_load import lawline_server, prepare_lawline
from lawline.search import service as search_service

WORDS = [
    "news",
    "crypto",
    "music",
    "football",
    "recipes",
    "travel",
    "photo",
    "games",
    "movies",
    "books",
    "science",
    "history",
    "nieuws",
    "voetbal",
    "muziek",
    "reizen",
    "koken",
    "fotografie",
    "spellen",
    "boeken",
    "geschiedenis",
    "wetenschap",
    "actualites",
    "musique",
    "cuisine",
    "voyages",
    "cinema",
    "livres",
    "histoire",
    "jeux",
    "sport",
    "politique",
    "nachrichten",
    "musik",
    "kochen",
    "reisen",
    "filme",
    "bucher",
    "geschichte",
    "spiele",
    "technik",
    "garten",
    "novosti",
    "muzyka",
    "kino",
    "igry",
    "knigi",
    "istoriya",
    "puteshestviya",
    "sport",
    "tekhnika",
    "priroda",
    "deals",
    "market",
    "jobs",
    "city",
    "local",
    "students",
    "language",
    "learning",
    "coding",
    "design",
    "art",
    "family",
]
QUERIES = 2_000  # 200 in --quick


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4))).title()


def _fill(database: Path, channels: int) -> None:
    rng = random.Random(5)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA synchronous=OFF")
    batch: list[tuple[object, ...]] = []
    fts: list[tuple[object, ...]] = []
    for n in range(channels):
        channel_id = str(10_000_000 + n)
        title = _title(rng)
        description = f"{_title(rng)} {_title(rng)}".lower()
        name = f"{title.replace(' ', '_').lower()}_{n}"
        batch.append(
            (
                channel_id,
                name,
                "channel",
                title,
                description,
                "en",
                rng.randint(0, 100_000),
                1,
                "2026-11-01 00:00:00.000000",
            )
        )
        fts.append((channel_id, name, title, description))
        if len(batch) == 50_000:
            _flush(connection, batch, fts)
    _flush(connection, batch, fts)
    connection.commit()
    connection.execute("INSERT INTO search_channels_fts(search_channels_fts) VALUES ('optimize')")
    connection.commit()
    connection.close()


def _flush(
    connection: sqlite3.Connection, batch: list[tuple[object, ...]], fts: list[tuple[object, ...]]
) -> None:
    connection.executemany(
        "INSERT INTO search_channels (channel_id, name, kind, title, description, language,"
        " subscribers, listed, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch,
    )
    connection.executemany(
        "INSERT INTO search_channels_fts (channel_id, name, title, description)"
        " VALUES (?, ?, ?, ?)",
        fts,
    )
    batch.clear()
    fts.clear()


def _queries(count: int) -> list[str]:
    rng = random.Random(9)
    return [
        " ".join(rng.choice(WORDS)[: rng.randint(4, 8)] for _ in range(rng.randint(1, 2)))
        for _ in range(count)
    ]


def search_query(quick: bool) -> Figure:
    channels = 100_000 if quick else 1_000_000
    workdir = DATA / "search"
    cached = DATA / f"search-{channels}.sqlite"
    if not cached.exists():
        env = prepare_lawline(workdir, accounts=100)
        database = workdir / "lawline.sqlite"
        _fill(database, channels)
        shutil.copy(database, cached)
    else:
        env = prepare_lawline(workdir, accounts=100)
        shutil.copy(cached, workdir / "lawline.sqlite")
    database = workdir / "lawline.sqlite"
    queries = _queries(QUERIES // 10 if quick else QUERIES)

    # The baseline is the very statement `search.service.search` runs on SQLite (same MATCH
    # text, same rank, same listed filter, same LIMIT), through sqlite3 on the same file. Each
    # query is timed both ways back to back, so a load that comes and goes hits both alike.
    raw = sqlite3.connect(database)
    raw_ms: list[float] = []
    api_ms: list[float] = []
    port = free_port()
    env = {**env, "LAWLINE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with server(lawline_server(port), port, env) as base, httpx2.Client(base_url=base) as http:
        for q in queries[:50]:  # warm-up, both ways
            http.get("/v1/search", params={"q": q})
            _raw_search(raw, q)
        for q in queries:
            t0 = time.perf_counter()
            _raw_search(raw, q)
            raw_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            response = http.get("/v1/search", params={"q": q})
            api_ms.append((time.perf_counter() - t0) * 1000)
            response.raise_for_status()
        delist_ms = _delisting(http, raw)
    raw.close()
    return Figure(
        value=percentile(api_ms, 0.5),
        unit="ms (p50)",
        baseline=percentile(raw_ms, 0.5),
        baseline_label="the same statement (FTS5 MATCH, rank, listed filter) with sqlite3",
        higher_is_better=False,
        goal="p50 within 1.5 x raw FTS5 (ratio >= 0.67)",
        details={
            "channels": channels,
            "p99_ms": percentile(api_ms, 0.99),
            "baseline_p99_ms": percentile(raw_ms, 0.99),
            "delisting_commit_until_absent_ms": delist_ms,
        },
    )


def _raw_search(raw: sqlite3.Connection, q: str) -> list[tuple[object, ...]]:
    match = search_service.fts5_query(search_service.query_words(q))
    return raw.execute(search_service.SQLITE_STATEMENT, {"q": match, "n": 20}).fetchall()


def _delisting(http: httpx2.Client, raw: sqlite3.Connection) -> float:
    """Commit a delisting (the UPDATE `search.service.set_listed` makes in the decision's
    transaction), then search until the channel is gone: lawline filters on its own committed
    state, so the very next request should already miss it."""
    name = raw.execute("SELECT name FROM search_channels WHERE listed LIMIT 1").fetchone()[0]
    words = name.split("_")
    query = f"{words[0]} {words[-1]}"
    assert any(
        h["channel"] == f"t.me/{name}"
        for h in http.get("/v1/search", params={"q": query, "limit": 100}).json()
    )
    t0 = time.perf_counter()
    with raw:
        raw.execute("UPDATE search_channels SET listed = 0 WHERE name = ?", (name,))
    for _ in range(1_000):
        hits = http.get("/v1/search", params={"q": query, "limit": 100}).json()
        if all(h["channel"] != f"t.me/{name}" for h in hits):
            return (time.perf_counter() - t0) * 1000
    return float("nan")
