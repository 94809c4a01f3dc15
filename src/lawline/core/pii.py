"""Personal data as a type.

Phone numbers and IP addresses travel inside `Personal` wrappers whose `str`, `repr` and format
are redacted, so a log line, an exception or a traceback can never show them by accident.
Reading the value is the explicit call `reveal()`; front ends that show it to staff go through a
service function that writes the read to the audit log first.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Generic, TypeVar

import phonenumbers

T = TypeVar("T")


class Personal(Generic[T]):
    __slots__ = ("_value",)
    kind: str = "personal data"

    def __init__(self, value: T) -> None:
        self._value = value

    def reveal(self) -> T:
        return self._value

    def __repr__(self) -> str:
        return f"<{self.kind} redacted>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Personal)
            and type(other) is type(self)
            and other._value == self._value
        )

    def __hash__(self) -> int:
        return hash((type(self), self._value))

    def __reduce__(self) -> Any:
        raise TypeError("personal data is not pickled")


class PhoneNumber(Personal[str]):
    """An E.164 phone number (`+31612345678`)."""

    kind = "phone number"

    @classmethod
    def parse(cls, text: str, region: str | None = None) -> PhoneNumber:
        """Normalise `text` to E.164 with `phonenumbers`; raise ValueError (without the value)."""
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            raise ValueError("not a phone number") from None
        if not phonenumbers.is_valid_number(parsed):
            raise ValueError("not a valid phone number")
        return cls(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))

    @property
    def region(self) -> str | None:
        code: str | None = phonenumbers.region_code_for_number(phonenumbers.parse(self._value))
        return code


class IPAddress(Personal[ipaddress.IPv4Address | ipaddress.IPv6Address]):
    kind = "ip address"

    @classmethod
    def parse(cls, text: str | bytes) -> IPAddress:
        try:
            return cls(ipaddress.ip_address(text))
        except ValueError:
            raise ValueError("not an IP address") from None


# Patterns used to refuse or mask personal data that escaped its wrapper (defence in depth).
_E164 = re.compile(r"(?<![\w+])\+[1-9]\d{7,14}(?!\d)")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})(?![\w:])|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}"
)


def find_personal_data(text: str) -> list[str]:
    """Return the kinds of personal data found in `text` (never the values themselves)."""
    kinds: list[str] = []
    if _E164.search(text):
        kinds.append("phone number")
    for match in _IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        kinds.append("ip address")
        break
    else:
        for match in _IPV6.finditer(text):
            try:
                ipaddress.IPv6Address(match.group())
            except ValueError:
                continue
            kinds.append("ip address")
            break
    return kinds


def mask_personal_data(text: str) -> str:
    text = _E164.sub("<phone number redacted>", text)

    def _mask_ip(match: re.Match[str]) -> str:
        try:
            ipaddress.ip_address(match.group())
        except ValueError:
            return match.group()
        return "<ip address redacted>"

    text = _IPV4.sub(_mask_ip, text)
    return _IPV6.sub(_mask_ip, text)
