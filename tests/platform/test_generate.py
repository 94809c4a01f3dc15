"""The synthetic platform generator: reproducible, realistic where it matters, atomic."""

from __future__ import annotations

import hashlib
import ipaddress
import sqlite3
from pathlib import Path

import phonenumbers
import pytest

from lawline.platform.generate import COUNTRIES, generate
from lawline.platform.synthetic import HARMFUL_THEMES
from tests.conftest import GENERATED_UNTIL


def _digest(path: Path) -> str:
    connection = sqlite3.connect(path)
    digest = hashlib.sha256()
    for table, order in (
        ("accounts", "id"),
        ("ip_events", "account_id, at, seq"),
        ("channels", "id"),
        ("posts", "channel_id, id"),
    ):
        for row in connection.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            digest.update(repr(row).encode())
    connection.close()
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_platform_and_another_seed_does_not(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    generate(a, 150, seed=11, until=GENERATED_UNTIL)
    generate(b, 150, seed=11, until=GENERATED_UNTIL)
    generate(c, 150, seed=12, until=GENERATED_UNTIL)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


def test_accounts_phones_and_ip_events_are_realistic(platform_file: Path) -> None:
    connection = sqlite3.connect(platform_file)
    accounts = connection.execute("SELECT id, phone, country FROM accounts").fetchall()
    assert len(accounts) == 400
    assert len({country for _, _, country in accounts}) >= 12
    assert {country for _, _, country in accounts} <= set(COUNTRIES)
    for _, phone, country in accounts:
        parsed = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number_for_region(parsed, country), country
        assert phonenumbers.number_type(parsed) in {
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        }
    per_account = connection.execute(
        "SELECT count(*) FROM ip_events GROUP BY account_id"
    ).fetchall()
    counts = [n for (n,) in per_account]
    assert len(counts) == 400
    assert min(counts) >= 30
    assert max(counts) <= 70
    assert 45 <= sum(counts) / len(counts) <= 55
    versions = {
        ipaddress.ip_address(ip).version for (ip,) in connection.execute("SELECT ip FROM ip_events")
    }
    assert versions == {4, 6}
    until = int(GENERATED_UNTIL.timestamp())
    lo, hi = connection.execute("SELECT min(at), max(at) FROM ip_events").fetchone()
    assert until - 366 * 86400 <= lo
    assert hi < until
    connection.close()


def test_channels_are_mostly_harmless_with_every_harmful_theme_present(platform_file: Path) -> None:
    connection = sqlite3.connect(platform_file)
    themes = [t for (t,) in connection.execute("SELECT theme FROM channels")]
    harmful = [t for t in themes if t in HARMFUL_THEMES]
    assert set(harmful) == set(HARMFUL_THEMES)
    assert len(harmful) < len(themes) / 2
    languages = {lang for (lang,) in connection.execute("SELECT DISTINCT language FROM channels")}
    assert len(languages) >= 4
    assert connection.execute("SELECT count(*) FROM posts").fetchone()[0] >= 4 * len(themes)
    connection.close()


def test_a_failed_generation_leaves_the_existing_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "platform.sqlite"
    generate(path, 50, seed=1, until=GENERATED_UNTIL)
    before = _digest(path)

    def broken(*_args: object, **_kwargs: object) -> tuple[int, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr("lawline.platform.generate._insert_channels", broken)
    with pytest.raises(RuntimeError):
        generate(path, 60, seed=2, until=GENERATED_UNTIL)
    assert _digest(path) == before


def test_too_small_a_platform_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 10"):
        generate(tmp_path / "p.sqlite", 5, until=GENERATED_UNTIL)
