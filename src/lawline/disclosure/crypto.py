"""age (X25519) encryption with pyrage: packages to authorities, preservation holds at rest."""

from __future__ import annotations

import os
from pathlib import Path

import pyrage
from pyrage import x25519

from lawline.core.errors import ConfigurationError, InvalidInput


def encrypt_to(recipient: str, data: bytes) -> bytes:
    try:
        return bytes(pyrage.encrypt(data, [x25519.Recipient.from_str(recipient)]))
    except pyrage.RecipientError:
        raise InvalidInput("not an age recipient", code="recipient_malformed") from None


def decrypt_with(identity: str, data: bytes) -> bytes:
    try:
        return bytes(pyrage.decrypt(data, [x25519.Identity.from_str(identity.strip())]))
    except pyrage.IdentityError:
        raise InvalidInput("not an age identity", code="identity_malformed") from None
    except pyrage.DecryptError:
        raise InvalidInput(
            "the data is not encrypted to this identity", code="decryption_failed"
        ) from None


def read_identity_file(path: Path) -> str:
    """An age identity file: comment lines (#) and one AGE-SECRET-KEY-1... line."""
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    keys = [ln for ln in lines if ln.startswith("AGE-SECRET-KEY-")]
    if len(keys) != 1:
        raise InvalidInput(f"{path} holds no single age identity", code="identity_malformed")
    return keys[0]


def load_or_create_identity(path: Path) -> str:
    """The platform's own age identity (holds preserved data at rest), mode 0600."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        identity = x25519.Identity.generate()
        text = f"# lawline platform identity\n# public key: {identity.to_public()}\n{identity}\n"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
    try:
        return read_identity_file(path)
    except InvalidInput as exc:
        raise ConfigurationError(exc.message) from None


def recipient_of(identity: str) -> str:
    return str(x25519.Identity.from_str(identity).to_public())
