"""`lawline-authority` as an authority meets it: an unreachable server is one line and exit 2;
packages are checked against a pinned platform key, not the key the same server serves; the
unpacked files are readable by their owner only."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawline.cli.authority import _platform_key
from lawline.client import open_package
from tests.factories import request_document
from tests.legal.conftest import LegalApi


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # nothing listens once the socket is closed


def test_an_unreachable_server_is_one_line_and_exit_2(tmp_path: Path) -> None:
    key = tmp_path / "signing.pem"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWLINE_")}
    result = subprocess.run(
        [
            *(sys.executable, "-c", "from lawline.cli.authority import main; main()", "list"),
            *("--url", f"http://127.0.0.1:{_closed_port()}", "--key-id", "k1"),
            *("--key-file", str(key)),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: cannot reach the lawline server (ConnectError); check --url / LAWLINE_AUTHORITY_URL"
    ]


def _disclosed(legal_api: LegalApi) -> tuple[str, bytes]:
    client = legal_api.client()
    created = client.submit(request_document())
    for user in ("anna", "bert"):
        response = legal_api.http.post(
            f"/v1/staff/requests/{created['id']}/approve",
            json={},
            headers={"Authorization": f"Bearer {legal_api.staff_token(user)}"},
        )
        assert response.status_code == 200, response.text
    return created["id"], client.fetch_package(created["id"])


def test_the_platform_key_is_pinned_at_first_use_and_then_trusted_over_the_server(
    legal_api: LegalApi, tmp_path: Path
) -> None:
    client = legal_api.client()
    pins = tmp_path / "config" / "platform-keys.json"
    served = legal_api.runtime.signing_key.public_bytes
    assert _platform_key(client, None, pins) == served  # first use: pinned
    assert pins.stat().st_mode & 0o777 == 0o600
    assert json.loads(pins.read_text()) == {"http://testserver": base64.b64encode(served).decode()}

    # Later the server serves another key (a swapped server): the pin still decides.
    impostor = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    pins.write_text(json.dumps({"http://testserver": base64.b64encode(impostor).decode()}))
    assert _platform_key(client, None, pins) == impostor
    _, keys = legal_api.authorities["nl"]
    _, ciphertext = _disclosed(legal_api)
    check = open_package(ciphertext, keys.age_identity, tmp_path / "refused", impostor)
    assert not check.ok
    assert check.problem == "the manifest signature does not verify"

    # An explicit --platform-key (text or file) wins over any pin.
    given = base64.b64encode(served).decode()
    (tmp_path / "platform.key").write_text(given + "\n")
    assert _platform_key(client, given, pins) == served
    assert _platform_key(client, str(tmp_path / "platform.key"), pins) == served


def test_unpacked_package_files_are_readable_by_their_owner_only(
    legal_api: LegalApi, tmp_path: Path
) -> None:
    _, keys = legal_api.authorities["nl"]
    _, ciphertext = _disclosed(legal_api)
    old = os.umask(0o022)
    try:
        out = tmp_path / "pkg"
        check = open_package(
            ciphertext, keys.age_identity, out, legal_api.runtime.signing_key.public_bytes
        )
    finally:
        os.umask(old)
    assert check.ok, check.problem
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert modes
    assert set(modes.values()) == {0o600}, modes
    assert out.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])
def test_serve_off_loopback_needs_the_public_url(tmp_path: Path, host: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWLINE_")}
    env["LAWLINE_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "lawline", "serve", "--host", host, "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "LAWLINE_PUBLIC_URL" in lines[0]
    assert not (tmp_path / "lawline.sqlite").exists()  # refused before touching anything
