"""`lawline hashes` on the command line: import needs a moderator, a bad list exits 2 with one
line, and a case's matches are shown to moderators only (never the media)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lawline.core.db import transaction
from lawline.core.settings import Settings
from lawline.hashes.signals import pdq_hex
from lawline.platform import images
from lawline.runtime import Runtime
from tests import factories


class Cli:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def invoke(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lawline", *args],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "LAWLINE_DATA_DIR": str(self.data_dir)},
            check=False,
        )


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    runtime = Runtime(Settings(data_dir=tmp_path, database_url=None))
    runtime.upgrade_database()
    with transaction(runtime.sessions) as session:
        factories.staff_member(session, "mo", "moderator")
        factories.staff_member(session, "lea", "legal_reviewer")
    runtime.close()
    return Cli(tmp_path)


def test_import_lists_and_guards_the_banks(cli: Cli, tmp_path: Path) -> None:
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "signal_type,signal_value\n"
        + "".join(f"pdq,{pdq_hex(images.known_image(i))[0]}\n" for i in range(3))
    )
    refused = cli.invoke(
        *["hashes", "import", str(bank), "--bank", "b", "--category", "csam", "--as", "lea"],
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == "error: lea needs the role moderator"
    ok = cli.invoke(
        *["hashes", "import", str(bank), "--bank", "b", "--category", "csam", "--as", "mo"],
    )
    assert ok.returncode == 0, ok.stdout
    assert "3 added, 0 already present" in ok.stdout
    listed = cli.invoke("hashes", "banks")
    assert "csam" in listed.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("not-a-hash\n")
    broken = cli.invoke(
        *["hashes", "import", str(bad), "--bank", "b", "--category", "csam", "--as", "mo"],
    )
    assert broken.returncode == 2
    assert broken.stderr.startswith("error: ")
    assert "line(s) 1" in broken.stderr
    matches = cli.invoke("hashes", "matches", "1", "--as", "lea")
    assert matches.returncode == 2
    assert "needs the role moderator" in matches.stderr


def test_hash_prints_pdq_and_md5_of_an_image(cli: Cli, tmp_path: Path) -> None:
    image = tmp_path / "known.png"
    image.write_bytes(images.known_image(0))
    result = cli.invoke("hashes", "hash", str(image))
    assert result.returncode == 0, result.stdout
    assert pdq_hex(images.known_image(0))[0] in result.stdout
    text = tmp_path / "note.txt"
    text.write_text("hello")
    assert cli.invoke("hashes", "hash", str(text)).returncode == 2
