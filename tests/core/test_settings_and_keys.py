"""Settings from LAWLINE_* variables and the platform signing key on disk."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from lawline.core.errors import ConfigurationError
from lawline.core.keys import load_or_create_signing_key
from lawline.core.settings import Settings, normalise_database_url


def test_defaults_put_everything_under_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LAWLINE_DATABASE_URL", "LAWLINE_SIGNING_KEY_FILE", "LAWLINE_PLATFORM_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LAWLINE_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve()}/lawline.sqlite"
    assert settings.resolved_signing_key_file == tmp_path / "platform_ed25519.pem"
    assert settings.resolved_platform_path == tmp_path / "platform.sqlite"


def test_a_libpq_url_selects_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAWLINE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert Settings().resolved_database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_bad_platform_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAWLINE_PLATFORM", "telegram-prod")
    with pytest.raises(ValueError, match="platform"):
        Settings()


def test_signing_key_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "platform.pem"
    first = load_or_create_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_or_create_signing_key(path)
    assert again.public_bytes == first.public_bytes
    assert len(first.key_id) == 16
    message = b"tree head"
    first.public.verify(again.sign(message), message)


def test_a_broken_key_file_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "platform.pem"
    path.write_text("not a key")
    with pytest.raises(ConfigurationError, match="not a PEM private key"):
        load_or_create_signing_key(path)
