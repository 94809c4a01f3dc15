"""Identifiers: time-ordered, URL-safe, with a prefix naming what they identify (`req_…`)."""

from __future__ import annotations

import secrets
import time

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    """A 26-character ULID-style id (48-bit millisecond time, 80 random bits) with a prefix.

    Ids sort by creation time, which keeps indexes append-mostly and listings stable.
    """
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"
