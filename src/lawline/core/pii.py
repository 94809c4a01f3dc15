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
# Not inside a longer dotted run of digits ("1.2.3.4.5" is a version), but an address that
# ends a sentence ("from 10.0.0.1.") or names a file ("10.0.0.1.csv") is one.
_IPV4 = re.compile(r"(?<!\d)(?<!\d\.)(?:\d{1,3}\.){3}\d{1,3}(?!\d)(?!\.\d)")
# IPv6 candidates: runs of hex digits, colons and dots with at least two colons; each is
# checked by `ipaddress` (so "12:30:45" or a MAC-like token is left alone).
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?![\w:])")
# A phone number needs at least six digits, possibly separated; text without such a run (most
# log lines and messages) skips the slower matcher.
_DIGIT_RUN = re.compile(r"\d(?:[\s().\-/]*\d){5,}")
_REDACTED_PHONE = "<phone number redacted>"
_REDACTED_IP = "<ip address redacted>"

# Regions whose national formats ("06 12345678", "(202) 555-0143") are recognised without a
# country code: the countries of lawline's policies and the platform's largest markets. Regions
# whose plans accept most 8-digit strings (DK, LU, LV, IS) are left out: they would mask dates
# and case references ("2024-0042") everywhere.
NATIONAL_REGIONS: tuple[str, ...] = (
    *("NL", "BE", "FR", "DE", "GB", "US", "IT", "ES", "PL", "AT", "CH"),
    *("SE", "PT", "IE", "RU", "UA", "TR", "BR", "IN", "CA", "AU"),
)


def _phone_spans(text: str, *, national: bool = True) -> list[tuple[int, int]]:
    """Spans of `text` that `phonenumbers.PhoneNumberMatcher` accepts as a valid number, in
    international form however it is spaced (`+31 6 1234 5678`, `+1 (202) 555-0143`) and, with
    `national`, in the national form of any region in NATIONAL_REGIONS."""
    if not _DIGIT_RUN.search(text):
        return []
    spans: set[tuple[int, int]] = set()
    for region in (None, *NATIONAL_REGIONS) if national else (None,):
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        )
        spans.update((m.start, m.end) for m in matcher)
    return sorted(spans)


def _ip_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for pattern, parse in ((_IPV4, ipaddress.IPv4Address), (_IPV6, ipaddress.IPv6Address)):
        for match in pattern.finditer(text):
            candidate = match.group().rstrip(".")
            try:
                parse(candidate)
            except ValueError:
                continue
            spans.append((match.start(), match.start() + len(candidate)))
    return spans


def _ip_found(text: str) -> bool:
    return bool(_ip_spans(text))


def find_personal_data(text: str, *, national: bool = False) -> list[str]:
    """Return the kinds of personal data found in `text` (never the values themselves).

    Without `national`, only international numbers (+country code, however spaced) count: audit
    bodies carry account ids and counts that a national numbering plan could read as a number.
    Messages, reasons, logs and exports use `national=True` (see `mask_personal_data`)."""
    kinds: list[str] = []
    if _E164.search(text) or _phone_spans(text, national=national):
        kinds.append("phone number")
    if _ip_found(text):
        kinds.append("ip address")
    return kinds


def refuse_personal_data(*texts: str, national: bool = True) -> None:
    """Free text written for the record (a notice, a reason, a question, a decision's facts, an
    authority's case reference or answer) names people and records by id: a phone number or an
    IP address in it is refused with `personal_data_in_text` before anything is stored, so that
    no one later reads personal data outside the audited paths. Text that third parties write
    under their own numbering (an authority's references) is checked with `national=False`, so
    that a reference such as `2024-00123` is never taken for a number."""
    from lawline.core.errors import InvalidInput

    for text in texts:
        if find_personal_data(text, national=national):
            raise InvalidInput(
                "name people and records by id, never by a phone number or IP address",
                code="personal_data_in_text",
            )


def mask_personal_data(text: str) -> str:
    """`text` with every phone number (international or national) and IP address replaced."""

    # IPs first: their dotted digits would otherwise send every access-log line to the matcher.
    for start, end in reversed(_merge(sorted(_ip_spans(text)))):
        text = text[:start] + _REDACTED_IP + text[end:]
    for start, end in reversed(_merge(_phone_spans(text))):
        text = text[:start] + _REDACTED_PHONE + text[end:]
    return _E164.sub(_REDACTED_PHONE, text)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def is_phone_digits(identifier: str) -> bool:
    """True when `identifier`, less a short prefix such as `tg:`, has no letters and its digits
    make a valid number with or without the country code (`31612345678`, `tg:31612345678`,
    `+31 6-1234 5678`). Random ids (hex, base32) keep their letters and pass."""
    rest = re.sub(r"^[A-Za-z]{1,12}[:_-]", "", identifier)
    if any(c.isalpha() for c in rest):
        return False
    digits = "".join(c for c in rest if c.isascii() and c.isdigit())
    return 7 <= len(digits) <= 17 and _valid_phone_digits(digits)


def _valid_phone_digits(digits: str) -> bool:
    candidates = [("+" + digits, None)] + [(digits, region) for region in NATIONAL_REGIONS]
    for text, region in candidates:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return True
    return False
