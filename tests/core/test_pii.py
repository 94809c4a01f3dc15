"""Personal data wrappers never print their value; the detectors find escaped values."""

from __future__ import annotations

import logging
import pickle

import pytest

from lawline.core.pii import (
    IPAddress,
    PhoneNumber,
    find_personal_data,
    is_phone_digits,
    mask_personal_data,
)
from lawline.logs import PersonalDataFilter
from lawline.platform.protocol import AccountRef


def test_wrappers_redact_in_every_rendering() -> None:
    phone = PhoneNumber.parse("06 12345678", "NL")
    ip = IPAddress.parse("2a02:1810:4d02:b400::1")
    assert phone.reveal() == "+31612345678"
    logged = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (phone,), None).getMessage()
    for text in (str(phone), repr(phone), f"{phone}", f"{phone!r}", logged, repr([phone])):
        assert "612345678" not in text
    assert "2a02" not in f"{ip} {ip!r} {[ip]}"
    assert phone.region == "NL"
    assert phone == PhoneNumber("+31612345678")
    with pytest.raises(TypeError):
        pickle.dumps(phone)


def test_parse_errors_never_contain_the_value() -> None:
    for bad in ("+3161234", "call me maybe", "+999 123"):
        with pytest.raises(ValueError) as caught:
            PhoneNumber.parse(bad)
        assert bad not in str(caught.value)
    with pytest.raises(ValueError) as caught_ip:
        IPAddress.parse("300.1.2.3")
    assert "300.1.2.3" not in str(caught_ip.value)
    with pytest.raises(Exception) as caught_ref:
        AccountRef.parse("+31 6 1234")
    assert "1234" not in str(caught_ref.value)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("reach me at +31612345678", ["phone number"]),
        ("call +31 6 12345678 tonight", ["phone number"]),  # spaced international forms
        ("office +1 (202) 555-0143", ["phone number"]),
        ("+33 6 12-34-56-78", ["phone number"]),
        ("account 101666, 12345678 events", []),  # no + : ids and counts, not numbers
        ("login from 81.2.69.160 today", ["ip address"]),
        ("v6 2001:db8:85a3::8a2e:370:7334 seen", ["ip address"]),
        ("case 2024-0042, 3 reports, version 1.2.3", []),
        ("999.1.1.1 is no address", []),
    ],
)
def test_find_personal_data(text: str, kinds: list[str]) -> None:
    assert find_personal_data(text) == kinds


def test_the_log_filter_masks_what_slipped_through() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "client %s from %s", None, None)
    record.args = ("+31612345678", "81.2.69.160:51234")
    assert PersonalDataFilter().filter(record)
    message = record.getMessage()
    assert "+31612345678" not in message
    assert "81.2.69.160" not in message
    assert message == "client <phone number redacted> from <ip address redacted>:51234"
    assert mask_personal_data("nothing here") == "nothing here"


@pytest.mark.parametrize(
    "text",
    [
        "call 06 12345678 now",  # Dutch national format
        "ring (202) 555-0143",  # US national format
        "030 1234567 is the office",  # German national format
        "no request +7 912 345-67-89",
        "GET /v1/search?q=%2B31612345678 HTTP/1.1",
    ],
)
def test_national_and_encoded_phone_numbers_are_found_and_masked(text: str) -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s", (text,), None)
    assert PersonalDataFilter().filter(record)
    masked = record.getMessage()
    assert "<phone number redacted>" in masked
    assert not any(run in masked for run in ("12345678", "555-0143", "1234567", "345-67-89"))
    if "%2B" not in text:
        assert find_personal_data(text, national=True) == ["phone number"]


@pytest.mark.parametrize(
    ("identifier", "personal"),
    [
        ("31612345678", True),
        ("tg:31612345678", True),
        ("+31 6-1234 5678", True),
        ("user-7f3a", False),
        ("web:5f0123456789ab0123456789abcdef01", False),
        ("tf-offlimits", False),
        ("100005", False),
    ],
)
def test_identifiers_made_of_a_phone_numbers_digits(identifier: str, personal: bool) -> None:
    assert is_phone_digits(identifier) is personal


def test_error_messages_never_carry_personal_data() -> None:
    from lawline.core.errors import NotFound

    error = NotFound("no request +79123456789 or 06 12345678 from 10.0.0.1")
    for text in (error.message, str(error), repr(error)):
        assert "9123456789" not in text
        assert "12345678" not in text
        assert "10.0.0.1" not in text
