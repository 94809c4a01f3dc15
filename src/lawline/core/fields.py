"""Validated input types shared by every request schema.

Odd input is refused where it enters, as a class, not example by example: `InputModel` checks
every field of every request schema (strings without NUL or other control characters, aware
datetimes that convert to UTC within lawline's years, dates in those years, integers that fit
the database's columns), and `RecordId` keeps ids that are not lawline's (a phone number, an IP
address) out of lookups and messages. A refusal is a pydantic error whose type is a stable
reason code (`control_character`, `datetime_naive`, `datetime_out_of_range`, ...); the API
answers it as 422 `invalid_input` naming the field and the code, never the value."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from lawline.core.pii import mask_personal_data

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
INT32_MAX = 2**31 - 1  # `Integer` columns on PostgreSQL
INT64_MAX = 2**63 - 1  # `BigInteger` columns
_ALLOWED_CONTROL = frozenset("\n\r\t")


def _refuse(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def check_text(value: str) -> str:
    """Refuse NUL (PostgreSQL cannot store it), other control characters and lone surrogates
    (not encodable as UTF-8)."""
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in _ALLOWED_CONTROL) or category == "Cs":
            raise _refuse("control_character", "control characters are not allowed")
    return value


def plain_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """The same rule as `check_text` for values that arrive outside a request schema (command
    options, service arguments): stripped, bounded, without control characters; refused with
    an `InvalidInput` naming the field, never the value."""
    from lawline.core.errors import InvalidInput

    value = value.strip()
    try:
        check_text(value)
    except PydanticCustomError:
        raise InvalidInput(
            f"{field}: control characters are not allowed", code="control_character"
        ) from None
    if required and not value:
        raise InvalidInput(f"{field} is empty", code="text_missing")
    if len(value) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters", code="text_too_long")
    return value


def check_instant(value: datetime) -> datetime:
    """An aware datetime, as UTC, within lawline's years (year 1 at +14:00 is year 0 in UTC)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise _refuse("datetime_naive", "give a time zone offset (Z or +hh:mm)")
    try:
        converted = value.astimezone(UTC)
    except OverflowError:
        raise _refuse("datetime_out_of_range", "the time is out of range") from None
    if not EARLIEST_YEAR <= converted.year < LATEST_YEAR:
        raise _refuse(
            "datetime_out_of_range", f"give a time between {EARLIEST_YEAR} and {LATEST_YEAR}"
        )
    return converted


def check_day(value: date) -> date:
    if not EARLIEST_YEAR <= value.year < LATEST_YEAR:
        raise _refuse("date_out_of_range", f"give a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def check_int(value: int) -> int:
    if not -INT32_MAX <= value <= INT32_MAX:
        raise _refuse("integer_out_of_range", "the number is out of range")
    return value


def _check_storable(value: Any) -> Any:
    """Apply the checks above to a value and to everything inside lists and mappings."""
    if isinstance(value, str):
        return check_text(value)
    if isinstance(value, bool | BaseModel):
        return value  # a nested InputModel checked its own fields
    if isinstance(value, datetime):
        return check_instant(value)
    if isinstance(value, date):
        return check_day(value)
    if isinstance(value, int):
        return check_int(value)
    if isinstance(value, list | tuple):
        return type(value)(_check_storable(v) for v in value)
    if isinstance(value, Mapping):
        return {_check_storable(k): _check_storable(v) for k, v in value.items()}
    return value


class InputModel(BaseModel):
    """Base of every request body: unknown fields refused, every value storable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _check_storable(value)


# An id lawline made (`req_01j...`), as clients send it back: a prefix, so a phone number or
# an IP address never passes for one.
ID_PATTERN = r"^[a-z]{2,8}_[0-9A-Za-z]{1,32}$"
RecordId = Annotated[str, Field(pattern=ID_PATTERN, max_length=40)]

# Text lawline writes for people (reasons, messages) from values a client chose: any phone
# number or IP address in it is masked, so a stored reason never repeats one.
MaskedText = Annotated[str, AfterValidator(mask_personal_data)]
