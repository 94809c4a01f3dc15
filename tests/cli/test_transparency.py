"""`lawline transparency` as a real process on a seeded SQLite system: report in three formats,
the ledger, the EU export, and verification passing, failing (exit 1) and refusing bad input
(exit 2)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import lawline
from tests.transparency.seed import seeded_runtime


@pytest.fixture(scope="module")
def data_dir(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("transparency-cli")
    runtime = seeded_runtime(request, platform_file, tmp, "sqlite")
    return tmp / "data", base64.b64encode(runtime.signing_key.public_bytes).decode()


def test_report_ledger_and_verify(data_dir: tuple[Path, str], tmp_path: Path) -> None:
    directory, key = data_dir
    report, ledger = tmp_path / "report.json", tmp_path / "ledger.jsonl"
    made = lawline(
        "transparency", "report", "2024-Q4", "--country", "NL", "--out", str(report),
        data_dir=directory,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert json.loads(report.read_text())["figures"]["legal_requests"]["received"]["total"] == 7
    assert (
        lawline("transparency", "ledger", "--out", str(ledger), data_dir=directory).returncode == 0
    )
    assert len(ledger.read_text().splitlines()) == 7

    ok = lawline("transparency", "verify", str(report), str(ledger), "--key", key)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 2024-Q4 (NL) matches the ledger: 4 disclosures, 4 accounts")

    tampered = json.loads(report.read_text())
    tampered["figures"]["legal_requests"]["fulfilled"]["accounts_affected"] = 3
    copy = tmp_path / "tampered.json"
    copy.write_text(json.dumps(tampered))
    failed = lawline("transparency", "verify", str(copy), str(ledger), "--key", key)
    assert failed.returncode == 1
    assert "FAILED: 2024-Q4 (NL) does not match the ledger" in failed.stderr
    assert "fulfilled accounts_affected is 3 in the report but the ledger gives 4" in failed.stderr

    missing = lawline("transparency", "verify", str(tmp_path / "nope.json"), str(ledger))
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: cannot read")
    bad_key = lawline("transparency", "verify", str(report), str(ledger), "--key", "xyz")
    assert (bad_key.returncode, bad_key.stderr.strip()) == (
        2,
        "error: the key is base64 of a 32-byte Ed25519 public key",
    )


def test_csv_html_and_eu_templates(data_dir: tuple[Path, str], tmp_path: Path) -> None:
    directory, _ = data_dir
    out = tmp_path / "q4.csv"
    as_csv = lawline(
        "transparency", "report", "2024-Q4", "--format", "csv", "--out", str(out),
        data_dir=directory,
    )  # fmt: skip
    assert as_csv.returncode == 0, as_csv.stderr
    assert b"\r\n2024-Q4,,legal_requests,fulfilled.total,,5\r\n" in out.read_bytes()
    html = lawline(
        "transparency", "report", "2024-Q4", "--country", "NL", "--format", "html",
        data_dir=directory,
    )  # fmt: skip
    assert html.returncode == 0, html.stderr
    assert "<style>" in html.stdout  # opens anywhere: the stylesheet is inside
    assert html.stdout.count("<svg") == 2
    assert "Transparency report 2024-Q4: Netherlands" in html.stdout
    eu = lawline("transparency", "eu-templates", "2024-Q4", data_dir=directory)
    assert eu.returncode == 0, eu.stderr
    assert eu.stdout.startswith("section,table,member_state,")
    bad = lawline("transparency", "report", "2024-Q9", data_dir=directory)
    assert (bad.returncode, bad.stderr.strip()) == (
        2,
        "error: a quarter is written like 2024-Q4 (year 2000 to 2100)",
    )


def test_the_authority_checks_its_disclosure_is_counted(
    data_dir: tuple[Path, str], tmp_path: Path
) -> None:
    directory, _ = data_dir
    receipts = json.loads((directory.parent / "receipts.json").read_text())
    receipt, report, ledger = tmp_path / "ledger.json", tmp_path / "r.json", tmp_path / "l.jsonl"
    receipt.write_text(json.dumps(receipts["r4"]))  # an NL emergency disclosed in 2024-Q4
    lawline(
        "transparency", "report", "2024-Q4", "--country", "NL", "--out", str(report),
        data_dir=directory,
    )  # fmt: skip
    lawline("transparency", "ledger", "--out", str(ledger), data_dir=directory)
    ok = authority("verify-count", str(receipt), str(report), str(ledger))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == (
        "OK: your disclosure (ledger entry 4, 2024-Q4, NL) is counted in the 2024-Q4 report"
    )
    # the platform publishes a ledger without that entry
    lines = ledger.read_text().splitlines(keepends=True)
    hidden = tmp_path / "hidden.jsonl"
    hidden.write_text("".join(lines[:4] + lines[5:]))
    failed = authority("verify-count", str(receipt), str(report), str(hidden))
    assert failed.returncode == 1
    assert "FAILED: your disclosure (ledger entry 4, 2024-Q4, NL) is not accounted for" in (
        failed.stderr
    )
    assert "the published ledger does not hold your entry at position 4" in failed.stderr


def authority(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from lawline.cli.authority import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
