"""Report intake and signed authority submissions over real sockets, against a bare endpoint.

The server is `lawline serve` (uvicorn, one process) on a fresh SQLite database; the load is wrk
in a second process (2 threads, 32 connections), each request unique (reporter, body, nonce).
The baseline is `bench/bare_app.py` under the same uvicorn: it parses the same JSON with the
same Pydantic models and stores nothing, the framework's ceiling on this machine.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

from bench.common import DATA, Figure, Load, free_port, server, wrk

SUMMARY_LUA = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"status_errors":%d,' ..
    '"socket_errors":%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""

# Every request a new anonymous reporter: lawline tells them apart by the client address and the
# per-installation X-Client-Key (its limit is per reporter), a new body, a known channel.
REPORT_LUA = (
    """
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end
function init(args)
  n = 0
  run = os.getenv("BENCH_RUN")
  targets = {}
  for line in io.lines(os.getenv("BENCH_TARGETS")) do targets[#targets + 1] = line end
  categories = {"spam", "scam", "hate", "drugs", "weapons"}
end
function request()
  n = n + 1
  local body = string.format('{"target":"%s","category":"%s","text":"bench report %d"}',
    targets[(n * 7 + tid) % #targets + 1], categories[n % #categories + 1], n)
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Client-Key"] = string.format("bench-%s-%d-%d", run, tid, n),
  }
  return wrk.format("POST", "/v1/reports", headers, body)
end
"""
    + SUMMARY_LUA
)

# Pre-signed requests (a signature is good for one use within five minutes), read in turn.
SIGNED_LUA = (
    """
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end
function init(args)
  reqs = {}
  local f = io.open(os.getenv("BENCH_SIGNED") .. "." .. tid)
  for line in f:lines() do reqs[#reqs + 1] = line end
  f:close()
  n = 0
end
function request()
  n = n + 1
  local line = reqs[(n - 1) % #reqs + 1]
  local sep1 = string.find(line, "\\t", 1, true)
  local sep2 = string.find(line, "\\t", sep1 + 1, true)
  local sep3 = string.find(line, "\\t", sep2 + 1, true)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Content-Digest"] = string.sub(line, 1, sep1 - 1),
    ["Signature-Input"] = string.sub(line, sep1 + 1, sep2 - 1),
    ["Signature"] = string.sub(line, sep2 + 1, sep3 - 1),
  }
  return wrk.format("POST", "/v1/authority/requests", headers, string.sub(line, sep3 + 1))
end
"""
    + SUMMARY_LUA
)


def _script(name: str, text: str) -> Path:
    path = DATA / name
    path.write_text(text)
    return path


def _bare(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def measure_bare(path: str, script: Path, seconds: int, env: dict[str, str]) -> Load:
    port = free_port()
    with server(_bare(port), port) as base:
        wrk(f"{base}{path}", script, seconds=2, env=env)  # warm-up
        return wrk(f"{base}{path}", script, seconds=seconds, env=env)


# The PostgreSQL variant of report intake runs on a database of its own, made afresh each run.
POSTGRES_URL = os.environ.get(
    "LAWLINE_BENCH_INTAKE_POSTGRES_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/lawline_bench_intake",
)


def _fresh_postgres_database() -> str | None:
    """Drop and create `lawline_bench_intake` (never another database); None if unreachable."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    name = url.database or ""
    if not name.startswith("lawline_bench"):
        raise SystemExit("the benchmark only drops a database of its own (lawline_bench...)")
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return POSTGRES_URL


def prepare_lawline(
    workdir: Path, accounts: int, database_url: str | None = None
) -> dict[str, str]:
    """A fresh data directory with a generated platform, migrated database and keys."""
    from lawline.platform.generate import generate

    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    env = {
        "LAWLINE_DATA_DIR": str(workdir),
        "LAWLINE_PUBLIC_URL": "http://127.0.0.1",
        # Every wrk connection comes from 127.0.0.1: lift the per-address throttle (a
        # platform puts its report clients behind many addresses; the per-reporter limit holds).
        "LAWLINE_REPORT_CLIENT_RATE": "1000000/second",
    }
    if database_url is not None:
        env["LAWLINE_DATABASE_URL"] = database_url
    generate(workdir / "platform.sqlite", accounts, seed=7, until=datetime(2026, 11, 1, tzinfo=UTC))
    from lawline.core.settings import Settings
    from lawline.runtime import Runtime

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        runtime = Runtime(Settings())
        runtime.upgrade_database()
        runtime.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return env


def lawline_server(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "lawline",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def report_intake(quick: bool) -> Figure:
    seconds = 8 if quick else 30
    script = _script("report.lua", REPORT_LUA)
    env, targets, load_env = _intake_setup(DATA / "intake", {"BENCH_RUN": os.urandom(4).hex()})
    bare = measure_bare("/v1/reports", script, seconds, load_env)
    real = _intake_load(env, targets, script, load_env, seconds)
    details: dict[str, Any] = {**real.as_details(), **bare.as_details("baseline_")}
    details.update(_report_intake_postgres(seconds, script, load_env))
    return Figure(
        value=real.requests_per_second,
        unit="reports/s",
        baseline=bare.requests_per_second,
        baseline_label="bare FastAPI endpoint parsing the same JSON, storing nothing",
        higher_is_better=True,
        goal=">= 0.6 x baseline, p99 < 50 ms",
        details=details,
    )


def _report_intake_postgres(seconds: int, script: Path, load_env: dict[str, str]) -> dict[str, Any]:
    """The same load with PostgreSQL as lawline's database (a detail of the SQLite figure)."""
    database_url = _fresh_postgres_database()
    if database_url is None:
        return {"postgresql": "unreachable: measured on SQLite only"}
    env, targets, load_env = _intake_setup(DATA / "intake-pg", load_env, database_url)
    real = _intake_load(env, targets, script, load_env, seconds, "warm-pg")
    return real.as_details("postgresql_")


def _intake_setup(
    workdir: Path, load_env: dict[str, str], database_url: str | None = None
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """A fresh data directory (and database), its channels as the reports' targets, and the
    load's environment pointing wrk's script at them."""
    env = prepare_lawline(workdir, accounts=2_000, database_url=database_url)
    targets = _channel_targets(workdir / "platform.sqlite")
    targets_file = workdir / "targets.txt"
    targets_file.write_text("\n".join(targets) + "\n")
    return env, targets, {**load_env, "BENCH_TARGETS": str(targets_file)}


def _intake_load(
    env: dict[str, str],
    targets: list[str],
    script: Path,
    load_env: dict[str, str],
    seconds: int,
    warm_run: str = "warm",
) -> Load:
    """wrk against `lawline serve`, after one report that loads (or, on a new data directory,
    trains) the triage model and a short warm-up."""
    port = free_port()
    env = {**env, "LAWLINE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with server(lawline_server(port), port, env) as base:
        httpx2.post(
            f"{base}/v1/reports",
            json={"target": targets[0], "category": "spam", "text": "warm-up"},
            headers={"X-Client-Key": "bench-warm-up"},
            timeout=300,
        ).raise_for_status()
        wrk(f"{base}/v1/reports", script, seconds=2, env={**load_env, "BENCH_RUN": warm_run})
        return wrk(f"{base}/v1/reports", script, seconds=seconds, env=load_env)


def _channel_targets(platform_file: Path) -> list[str]:
    from lawline.platform.embedded import EmbeddedPlatform

    platform = EmbeddedPlatform(platform_file)
    try:
        channels = platform.channels(limit=500)
    finally:
        platform.close()
    return [f"https://t.me/{channel.name}" for channel in channels if channel.listed]


def authority_submit(quick: bool) -> Figure:
    from bench.signed import register_authority_with_violators, write_signed_requests

    seconds = 6 if quick else 20
    workdir = DATA / "submit"
    env = prepare_lawline(workdir, accounts=2_000)
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    env = {**env, "LAWLINE_PUBLIC_URL": public_url}
    authority = register_authority_with_violators(env)
    script = _script("signed.lua", SIGNED_LUA)
    # Enough unique signatures that no request is sent twice at the rate measured.
    per_thread = 3_000 if quick else 10_000
    signed = workdir / "signed.tsv"
    bare_port = free_port()
    write_signed_requests(authority, f"http://127.0.0.1:{bare_port}", signed, per_thread)
    with server(_bare(bare_port), bare_port) as base:
        bare = wrk(
            f"{base}/v1/authority/requests",
            script,
            seconds=seconds,
            env={"BENCH_SIGNED": str(signed)},
        )
    write_signed_requests(authority, public_url, signed, per_thread)
    with server(lawline_server(port), port, env) as base:
        real = wrk(
            f"{base}/v1/authority/requests",
            script,
            seconds=seconds,
            env={"BENCH_SIGNED": str(signed)},
        )
    details: dict[str, Any] = {**real.as_details(), **bare.as_details("baseline_")}
    details["signed_requests_available"] = per_thread * 2
    return Figure(
        value=real.requests_per_second,
        unit="requests/s",
        baseline=bare.requests_per_second,
        baseline_label="bare FastAPI endpoint parsing the same JSON, storing nothing",
        higher_is_better=True,
        goal=">= 0.4 x baseline",
        details=details,
    )


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
