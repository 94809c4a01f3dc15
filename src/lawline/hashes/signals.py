"""The two signal types: PDQ (Meta's perceptual hash, through the `pdqhash` bindings of its
reference implementation) and MD5 (exact copies). Hashes travel as lower-case hex, PDQ as the
64 hex digits ThreatExchange and Hasher-Matcher-Actioner use."""

from __future__ import annotations

import hashlib
import io
import re

import numpy as np

PDQ_HEX = re.compile(r"^[0-9a-f]{64}$")
MD5_HEX = re.compile(r"^[0-9a-f]{32}$")
PDQ_MIN_QUALITY = 20  # flatter images hash unreliably; their PDQ is not matched


class MediaUnreadable(ValueError):
    pass


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def pdq_hex(data: bytes) -> tuple[str, int]:
    """The PDQ hash of an image file's bytes and the hash's quality (0-100)."""
    import pdqhash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            pixels = np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise MediaUnreadable("not a readable image") from exc
    bits, quality = pdqhash.compute(pixels)
    value = int("".join("1" if b else "0" for b in bits), 2)
    return f"{value:064x}", int(quality)


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def signal_type_of(value: str) -> str | None:
    if PDQ_HEX.match(value):
        return "pdq"
    if MD5_HEX.match(value):
        return "md5"
    return None
