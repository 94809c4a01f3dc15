"""Full verification of the audit log, fast: every leaf recomputed, every signed head checked.

The log is cut into aligned chunks of `CHUNK` entries (a power of two, so each full chunk is one
perfect subtree of the RFC 6962 tree). `check_chunk` reads one chunk's rows with the raw DBAPI
cursor, rebuilds each entry's canonical bytes from the stored text, hashes them, compares with
the stored leaf hash, and builds the chunk's levels; it hands back only the compact range at the
sizes the caller asks about (the signed heads inside the chunk and the chunk's end). The chunks
are independent, so they can run in worker processes (`run_workers`), each with a connection of
its own; the caller folds the compact ranges in order, so the result is exactly that of one pass.

A worker is `python -m lawline.audit.verify`: it reads its job (where the database is, which
chunks) as JSON on stdin and writes one JSON line per chunk, in order. It imports only the
standard library (and the database driver), so it starts in milliseconds, and it never imports
the caller's main module the way multiprocessing's spawn would.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses for str
from typing import Any

CHUNK = 1 << 16

GAP = "sequence gap"
MISMATCH = "stored entry does not match its leaf hash"

_SQL = {
    # SQLite hands back the stored text as written: the canonical JSON and the ISO time.
    "sqlite": (
        "SELECT seq, entry_type, actor, subject, at, body, leaf_hash FROM audit_entries "
        "WHERE seq >= ? AND seq < ? ORDER BY seq"
    ),
    # PostgreSQL's json type keeps the text as written, too (lawline writes it canonical).
    "postgresql": (
        "SELECT seq, entry_type, actor, subject, at, body::text, leaf_hash FROM audit_entries "
        "WHERE seq >= %s AND seq < %s ORDER BY seq"
    ),
}
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


@dataclass(frozen=True)
class ChunkResult:
    start: int
    count: int  # entries verified in order before the first problem (or the whole chunk)
    problem: tuple[int, str] | None  # (seq, problem) of the first bad entry
    # The compact range of the chunk's first m leaves, for each m asked for (largest first).
    ranges: dict[int, list[bytes]]


@dataclass(frozen=True)
class Source:
    """Where a worker process reads the log: a backend name and what it needs to connect."""

    backend: str  # "sqlite" or "postgresql"
    target: str  # SQLite file path, or a libpq connection string
    search_path: str | None = None


def _at_text(at: Any) -> str:
    if isinstance(at, str) and len(at) == 26 and at[10] == " ":
        return f"{at[:10]}T{at[11:]}+00:00"  # SQLite's stored form of a UTC instant
    return _parse_at(at).isoformat(timespec="microseconds")


def _parse_at(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _semantic(row: Sequence[Any]) -> bytes:
    """The entry bytes from parsed values, for stored text that is not written canonically."""
    seq, entry_type, actor, subject, at, body = row[:6]
    parsed = json.loads(body) if isinstance(body, str) else body
    document = {
        "seq": seq,
        "type": entry_type,
        "actor": actor,
        "subject": subject,
        "at": _parse_at(at).isoformat(timespec="microseconds"),
        "body": parsed,
    }
    return _canonical(document).encode()


def check_rows(
    rows: Iterator[Sequence[Any]], start: int, end: int, sizes: Sequence[int]
) -> ChunkResult:
    """Verify the rows of seq `start`..`end`-1 (ordered by seq); `sizes` are absolute tree sizes
    in (start, end] whose compact range (of this chunk's part) the caller needs."""
    sha = hashlib.sha256
    quote = encode_basestring
    leaves: list[bytes] = []
    append = leaves.append
    expected = start
    problem: tuple[int, str] | None = None
    for row in rows:
        seq, entry_type, actor, subject, at, body, stored = row
        if seq != expected:
            problem = (expected, GAP)
            break
        if type(at) is str and len(at) == 26:
            at_text = f"{at[:10]}T{at[11:]}+00:00"
        else:
            at_text = _at_text(at)
        if type(body) is not str:
            body = _canonical(body)
        digest = sha(
            b'\x00{"actor":'
            + (
                f'{quote(actor)},"at":"{at_text}","body":{body},"seq":{seq},'
                f'"subject":{quote(subject)},"type":{quote(entry_type)}}}'
            ).encode()
        ).digest()
        if digest != stored:
            digest = sha(b"\x00" + _semantic(row)).digest()
            if digest != bytes(stored):
                problem = (seq, MISMATCH)
                break
        append(digest)
        expected += 1
    if problem is None and expected < end:
        problem = (expected, GAP)  # rows ran out before the end of the chunk
    levels = _levels(leaves)
    ranges = {m: _compact_range(levels, m - start) for m in sizes if m - start <= len(leaves)}
    if problem is None:
        ranges[end] = _compact_range(levels, len(leaves))
    return ChunkResult(start, len(leaves), problem, ranges)


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    sha = hashlib.sha256
    levels = [leaves]
    current = leaves
    while len(current) > 1:
        current = [
            sha(b"\x01" + current[i] + current[i + 1]).digest()
            for i in range(0, len(current) - 1, 2)
        ]
        levels.append(current)
    return levels


def _compact_range(levels: list[list[bytes]], m: int) -> list[bytes]:
    """The perfect subtrees covering the first m leaves, largest first."""
    result: list[bytes] = []
    offset = 0
    for height in range(m.bit_length() - 1, -1, -1):
        if m >> height & 1:
            result.append(levels[height][offset >> height])
            offset += 1 << height
    return result


def check_chunk_on(
    dbapi_connection: Any, backend: str, start: int, end: int, sizes: Sequence[int]
) -> ChunkResult:
    """Check one chunk on a connection the caller holds (inside its transaction)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(_SQL[backend], (start, end))
        return check_rows(_fetch(cursor), start, end, sizes)
    finally:
        cursor.close()


def _fetch(cursor: Any) -> Iterator[Sequence[Any]]:
    while True:
        rows = cursor.fetchmany(8192)
        if not rows:
            return
        yield from rows


def _connect(source: Source) -> Any:
    if source.backend == "sqlite":
        import sqlite3

        return sqlite3.connect(f"file:{source.target}?mode=ro", uri=True)
    import psycopg

    connection = psycopg.connect(source.target, autocommit=True)
    if source.search_path:
        connection.execute("SELECT set_config('search_path', %s, false)", (source.search_path,))
    return connection


def run_workers(
    source: Source, jobs: Sequence[tuple[int, int, Sequence[int]]], workers: int
) -> Generator[ChunkResult]:
    """The results of `jobs` in order, computed by `workers` processes (chunk i by worker
    i mod workers). Stopping the iteration early ends the workers."""
    count = min(workers, len(jobs))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "lawline.audit.verify"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(count)
    ]
    try:
        for k, process in enumerate(processes):
            job = {
                "source": [source.backend, source.target, source.search_path],
                "chunks": [[a, b, list(sizes)] for a, b, sizes in jobs[k::count]],
            }
            assert process.stdin is not None
            process.stdin.write(json.dumps(job).encode())
            process.stdin.close()
        for i in range(len(jobs)):
            stdout = processes[i % count].stdout
            assert stdout is not None
            line = stdout.readline()
            if not line:
                raise RuntimeError("an audit verification worker ended without an answer")
            yield _decode(line)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _encode(result: ChunkResult) -> bytes:
    document = {
        "start": result.start,
        "count": result.count,
        "problem": result.problem,
        "ranges": [[m, [h.hex() for h in hashes]] for m, hashes in result.ranges.items()],
    }
    return json.dumps(document).encode() + b"\n"


def _decode(line: bytes) -> ChunkResult:
    document = json.loads(line)
    problem = document["problem"]
    return ChunkResult(
        document["start"],
        document["count"],
        None if problem is None else (int(problem[0]), str(problem[1])),
        {int(m): [bytes.fromhex(h) for h in hashes] for m, hashes in document["ranges"]},
    )


def _worker_main() -> None:
    job = json.loads(sys.stdin.buffer.read())
    source = Source(*job["source"])
    connection = _connect(source)
    try:
        for start, end, sizes in job["chunks"]:
            cursor = connection.cursor()
            cursor.execute(_SQL[source.backend], (start, end))
            result = check_rows(_fetch(cursor), start, end, sizes)
            cursor.close()
            sys.stdout.buffer.write(_encode(result))
            sys.stdout.buffer.flush()
            if result.problem is not None:
                return
    finally:
        connection.close()


def chunks(total: int, chunk: int = CHUNK) -> list[tuple[int, int]]:
    return [(a, min(a + chunk, total)) for a in range(0, total, chunk)]


if __name__ == "__main__":
    _worker_main()
