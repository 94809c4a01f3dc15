"""`lawline worker` as a real process: status and one round on a fresh database."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import lawline


def test_worker_status_and_one_round(tmp_path: Path, platform_file: Path) -> None:
    (tmp_path / "platform.sqlite").write_bytes(platform_file.read_bytes())
    refused = lawline("worker", "status", data_dir=tmp_path)
    assert refused.returncode == 2
    assert "lawline db upgrade" in refused.stderr
    assert lawline("db", "upgrade", data_dir=tmp_path).returncode == 0
    status = lawline("worker", "status", data_dir=tmp_path)
    assert status.returncode == 0, status.stderr
    assert status.stdout.strip() == "pending 0, failing 0, done 0"
    once = lawline("worker", "run", "--once", data_dir=tmp_path)
    assert once.returncode == 0, once.stderr
    assert once.stdout.strip() == "applied or retried 0 intents"
