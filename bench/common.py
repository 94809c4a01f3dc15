"""What every benchmark shares: figures with their baselines, the machine, servers and wrk."""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

HERE = Path(__file__).parent
DATA = HERE / "data"


@dataclass
class Figure:
    """One benchmark's headline figure beside the baseline measured in the same run.

    `higher_is_better` throughputs get ratio value/baseline; latencies baseline/value, so 1.0
    always means "as fast as the baseline". `goal` is the ratio the issue asks for.
    """

    value: float
    unit: str
    baseline: float | None
    baseline_label: str
    higher_is_better: bool
    goal: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.baseline or not self.value:
            return None
        if self.higher_is_better:
            return self.value / self.baseline
        return self.baseline / self.value

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "value": _round(self.value),
            "unit": self.unit,
            "baseline": _round(self.baseline) if self.baseline is not None else None,
            "baseline_is": self.baseline_label,
            "ratio": round(ratio, 3) if ratio is not None else None,
            "ratio_means": "value / baseline" if self.higher_is_better else "baseline / value",
            "goal": self.goal,
            **{key: _round(value) for key, value in self.details.items()},
        }


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4) if abs(value) < 10 else round(value, 1)
    return value


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def machine() -> dict[str, Any]:
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "sqlite": __import__("sqlite3").sqlite_version,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(argv: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run a server process on a loopback port until the block ends; yield its base URL."""
    log = open(DATA / f"server-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        argv, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early; see {log.name}")
            try:
                if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer within 120 s; see {log.name}")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit("bench: wrk is missing (Debian package `wrk`; `make bench` installs it as root)")
    return path


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int

    def as_details(self, prefix: str = "") -> dict[str, Any]:
        return {
            f"{prefix}requests_per_second": self.requests_per_second,
            f"{prefix}p50_ms": self.p50_ms,
            f"{prefix}p99_ms": self.p99_ms,
            f"{prefix}requests": self.requests,
            f"{prefix}non_2xx": self.non_2xx,
        }


def wrk(
    url: str,
    script: Path,
    *,
    seconds: int,
    connections: int = 32,
    threads: int = 2,
    env: dict[str, str] | None = None,
) -> Load:
    """Run wrk (a second process) with a Lua script whose done() prints one JSON line."""
    result = subprocess.run(
        [
            require_wrk(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    line = next((line for line in result.stdout.splitlines() if line.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{result.stdout}\n{result.stderr}")
    summary = json.loads(line)
    return Load(
        requests_per_second=summary["requests"] / (summary["duration_us"] / 1e6),
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        requests=summary["requests"],
        non_2xx=summary["status_errors"],
        socket_errors=summary["socket_errors"],
    )
