"""`lawline hashes` on the command line: import needs a moderator, a bad list exits 2 with one
line, and a case's matches are shown to moderators only (never the media)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

from lawline.cli.support import store_session_token
from lawline.core.db import transaction
from lawline.core.settings import Settings
from lawline.hashes.signals import pdq_hex
from lawline.platform import images
from lawline.runtime import Runtime
from lawline.staff.service import create_staff, log_in
from tests import factories


class Cli:
    def __init__(self, data_dir: Path, settings: Settings, tokens: dict[str, str]) -> None:
        self.data_dir, self.settings, self.tokens = data_dir, settings, tokens

    def login(self, username: str) -> None:
        store_session_token(self.settings, self.tokens[username], username)

    def invoke(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lawline", *args],
            capture_output=True,
            text=True,
            env={
                "PATH": "/usr/bin:/bin",
                "COLUMNS": "200",
                "LAWLINE_DATA_DIR": str(self.data_dir),
                "LAWLINE_SESSION_FILE": str(self.settings.resolved_session_file),
            },
            check=False,
        )


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    settings = Settings(
        data_dir=tmp_path, database_url=None, session_file=tmp_path / "sessions.json"
    )
    runtime = Runtime(settings)
    runtime.upgrade_database()
    tokens = {}
    with transaction(runtime.sessions) as session:
        for username, role in (("mo", "moderator"), ("lea", "legal_reviewer")):
            _, secret = create_staff(
                session,
                username=username,
                display_name=username,
                roles=[role],
                password=factories.STAFF_PASSWORD,
                actor="staff:admin",
            )
            tokens[username] = log_in(
                session,
                username=username,
                password=factories.STAFF_PASSWORD,
                totp=pyotp.TOTP(secret).now(),
            )
    runtime.close()
    return Cli(tmp_path, settings, tokens)


def test_import_lists_and_guards_the_banks(cli: Cli, tmp_path: Path) -> None:
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "signal_type,signal_value\n"
        + "".join(f"pdq,{pdq_hex(images.known_image(i))[0]}\n" for i in range(3))
    )
    cli.login("lea")
    refused = cli.invoke("hashes", "import", str(bank), "--bank", "b", "--category", "csam")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: ")
    assert "may not import hash lists" in refused.stderr
    matches = cli.invoke("hashes", "matches", "1")
    assert matches.returncode == 2
    assert "may not see a case's known-media matches" in matches.stderr
    cli.login("mo")
    ok = cli.invoke("hashes", "import", str(bank), "--bank", "b", "--category", "csam")
    assert ok.returncode == 0, ok.stdout
    assert "3 added, 0 already present" in ok.stdout
    listed = cli.invoke("hashes", "banks")
    assert "csam" in listed.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("not-a-hash\n")
    broken = cli.invoke("hashes", "import", str(bad), "--bank", "b", "--category", "csam")
    assert broken.returncode == 2
    assert broken.stderr.startswith("error: ")
    assert "line(s) 1" in broken.stderr
    assert cli.invoke("hashes", "matches", "1").returncode == 0


def test_hash_prints_pdq_and_md5_of_an_image(cli: Cli, tmp_path: Path) -> None:
    image = tmp_path / "known.png"
    image.write_bytes(images.known_image(0))
    result = cli.invoke("hashes", "hash", str(image))
    assert result.returncode == 0, result.stdout
    assert pdq_hex(images.known_image(0))[0] in result.stdout
    text = tmp_path / "note.txt"
    text.write_text("hello")
    assert cli.invoke("hashes", "hash", str(text)).returncode == 2
