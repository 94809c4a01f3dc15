"""`lawline.client`: a small client for authorities, signing every request (RFC 9421).

    client = AuthorityClient("https://lawline.example", key_id, private_key)
    client.submit({...})              # the request document (docs/authority-api.md)
    client.fetch_package(request_id)  # age ciphertext; decrypt with `open_package`

Signatures cover @method, @target-uri and content-digest (RFC 9530), with `created`, a nonce
and alg="ed25519", made with the `http-message-signatures` library.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

import httpx2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import HTTPMessageSigner, HTTPSignatureKeyResolver, algorithms
from http_message_signatures.httpx2 import adapt_message

from lawline.core.clock import Clock, SystemClock
from lawline.disclosure.crypto import decrypt_with
from lawline.disclosure.package import PackageCheck, unpack, verify_package_dir

COVERED = ("@method", "@target-uri")  # content-digest is added by the signer with the body


class ApiError(Exception):
    """An error answer from lawline: `code`, `message` and, for failed checks, `reasons`."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(f"{status} {error.get('code')}: {error.get('message')}")
        self.status = status
        self.code = str(error.get("code"))
        self.message = str(error.get("message"))
        self.reasons: list[dict[str, Any]] = list(error.get("reasons", []))
        self.error = error


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        return self._key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


class AuthorityClient:
    def __init__(
        self,
        base_url: str,
        key_id: str,
        private_key: Ed25519PrivateKey,
        *,
        http: httpx2.Client | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key_id = key_id
        self._signer = HTTPMessageSigner(
            signature_algorithm=algorithms.ED25519, key_resolver=_OneKey(private_key)
        )
        self._http = http or httpx2.Client(timeout=30)
        self._clock = clock or SystemClock()

    def sign(self, request: httpx2.Request) -> httpx2.Request:
        self._signer.sign(
            adapt_message(request),
            key_id=self.key_id,
            created=self._clock.now(),
            nonce=secrets.token_urlsafe(16),
            label="lawline",
            covered_component_ids=COVERED,
            body=request.content,
        )
        return request

    def send(self, method: str, path: str, payload: Any | None = None) -> httpx2.Response:
        content = b"" if payload is None else json.dumps(payload, default=str).encode()
        headers = {"content-type": "application/json"} if payload is not None else {}
        request = self._http.build_request(
            method, self.base_url + path, content=content, headers=headers
        )
        response = self._http.send(self.sign(request))
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "http_error", "message": response.text[:200]}
            raise ApiError(response.status_code, error)
        return response

    def submit(self, document: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.send("POST", "/v1/authority/requests", document).json()
        return result

    def list(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.send("GET", "/v1/authority/requests").json()
        return result

    def get(self, request_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.send("GET", f"/v1/authority/requests/{request_id}").json()
        return result

    def answer(self, request_id: str, answer: str) -> dict[str, Any]:
        result: dict[str, Any] = self.send(
            "POST", f"/v1/authority/requests/{request_id}/answers", {"answer": answer}
        ).json()
        return result

    def extend(self, request_id: str, *, confirm_production: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = self.send(
            "POST",
            f"/v1/authority/requests/{request_id}/extension",
            {"confirm_production": confirm_production},
        ).json()
        return result

    def notices(self, request_id: str) -> builtins.list[dict[str, Any]]:
        """The Annex III notices the platform sent about a request."""
        result: builtins.list[dict[str, Any]] = self.send(
            "GET", f"/v1/authority/requests/{request_id}/notices"
        ).json()
        return result

    def report_validation(
        self,
        request_id: str,
        *,
        granted: bool,
        validated_by: str | None = None,
        validator_role: str | None = None,
    ) -> dict[str, Any]:
        """Report the ex-post validation of an emergency order (Reg. 2023/1543 Art. 4(5))."""
        payload = {
            "granted": granted,
            "validated_by": validated_by,
            "validator_role": validator_role,
        }
        result: dict[str, Any] = self.send(
            "POST", f"/v1/authority/requests/{request_id}/validation", payload
        ).json()
        return result

    def fetch_package(self, request_id: str) -> bytes:
        return self.send("GET", f"/v1/authority/requests/{request_id}/package").content

    def served_platform_key(self) -> bytes:
        """The key the server says it signs with: trust it only once (`PlatformKeyPins`)."""
        response = self._http.get(self.base_url + "/v1/keys/platform")
        response.raise_for_status()
        return decode_platform_key(response.json()["public_key"])


def decode_platform_key(text: str) -> bytes:
    """A raw Ed25519 public key from its base64 text (as `GET /v1/keys/platform` shows it)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise ValueError("the platform key is not base64") from None
    if len(key) != 32:
        raise ValueError("the platform key is not a 32-byte Ed25519 key")
    return key


class PlatformKeyPins:
    """Platform keys pinned per lawline URL, trusted on first use (TOFU) and never replaced
    silently: a package is verified against the pinned key, not against whatever key the same
    server serves today, so a server that swaps both package and key is caught."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            pins: dict[str, str] = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            raise ValueError(f"cannot read the pinned platform keys in {self.path}") from None
        return pins

    def get(self, base_url: str) -> bytes | None:
        pinned = self._read().get(base_url.rstrip("/"))
        return decode_platform_key(pinned) if pinned else None

    def pin(self, base_url: str, key: bytes) -> None:
        pins = self._read()
        pins[base_url.rstrip("/")] = base64.b64encode(key).decode()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(pins, out, indent=2, sort_keys=True)


def key_fingerprint(key: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(key).digest()).decode().rstrip("=")


def open_package(
    ciphertext: bytes, identity: str, directory: Path, platform_public_key: bytes
) -> PackageCheck:
    """Decrypt a package with the authority's age identity, unpack it and verify it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    unpack(decrypt_with(identity, ciphertext), directory)
    return verify_package_dir(directory, Ed25519PublicKey.from_public_bytes(platform_public_key))


def notice_lines(notice: dict[str, Any]) -> list[str]:
    """An Annex III notice as `lawline-authority notices` prints it."""
    form = notice["form"]
    reason = form["D_reason"]
    issuing = form["A_issuing_authority"]
    lines = [
        f"notice {notice['id']} {notice['issued_at']}: {reason['kind']} ({reason['article']})",
        f"  {reason['box']}",
        f"  explanation: {reason['explanation']}",
        f"  order {issuing['order_reference']} of {issuing['issued_on']} ({issuing['name']}, "
        f"{issuing['state']}); case {issuing['case_reference']}; data delivered: "
        f"{form['G_data_delivered']}",
    ]
    if form.get("E_clarification_requested"):
        lines.append(f"  please clarify: {form['E_clarification_requested']}")
    return lines
