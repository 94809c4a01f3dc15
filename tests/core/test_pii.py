"""Personal data wrappers never print their value; the detectors find escaped values."""

from __future__ import annotations

import logging
import pickle

import pytest

from lawline.core.pii import IPAddress, PhoneNumber, find_personal_data, mask_personal_data
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
