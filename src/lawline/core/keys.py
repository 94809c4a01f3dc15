"""The platform's Ed25519 signing key: it signs audit tree heads, packages and reports."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lawline.core.errors import ConfigurationError


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def public_bytes(self) -> bytes:
        return public_key_bytes(self.public)

    @property
    def key_id(self) -> str:
        """A short, stable name for the public key: base64url of its SHA-256, 16 chars."""
        return key_id_for(self.public_bytes)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def derive_secret(self, purpose: str) -> bytes:
        """A 32-byte secret for one purpose (HKDF-SHA256 over the private key), so keyed
        pseudonyms need no second secret to store, and no purpose can compute another's."""
        raw = self.private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
            raw
        )


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_for(public: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(public).digest()).decode()[:16]


def load_or_create_signing_key(path: Path) -> SigningKey:
    """Load the PEM key at `path`, or create it there (mode 0600, never overwriting one)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"signing key file {path} is not a PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"signing key file {path} does not hold an Ed25519 key")
    return SigningKey(key)
