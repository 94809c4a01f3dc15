"""Domain errors with stable, machine-readable reason codes.

Each error carries the HTTP status a front end should answer with; the API renders them once in
an exception handler and the CLI prints the message on one line and exits 2. Messages must never
contain personal data (phone numbers, IP addresses): they name records by id only, and
anything that still reads as a phone number or an IP address is masked on construction.
"""

from __future__ import annotations

from typing import Any, ClassVar

from lawline.core.pii import mask_personal_data


class LawlineError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        # Messages often name what the caller sent ("no request X"): whatever in it reads as a
        # phone number or an IP address is masked here, once, for the API, the CLI and logs.
        message = mask_personal_data(message)
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        body.update(self.details)
        return body


class InvalidInput(LawlineError):
    status = 422
    default_code = "invalid_input"


class NotFound(LawlineError):
    status = 404
    default_code = "not_found"


class Conflict(LawlineError):
    """The action is not allowed in the record's current state (an illegal transition)."""

    status = 409
    default_code = "conflict"


class Unauthorized(LawlineError):
    status = 401
    default_code = "unauthorized"


class Forbidden(LawlineError):
    status = 403
    default_code = "forbidden"


class TooManyRequests(LawlineError):
    status = 429
    default_code = "rate_limited"


class Busy(LawlineError):
    """The transaction lost a race the database broke (a PostgreSQL deadlock or serialisation
    failure) or SQLite's writer lock was not free in time: nothing of it was stored, and the
    same request again may succeed (`Retry-After`)."""

    status = 503
    default_code = "busy"


class ConfigurationError(LawlineError):
    """A bad settings value, policy file or platform mapping: a start-up error."""

    status = 500
    default_code = "configuration_error"


class PersonalDataLeak(LawlineError):
    """Raised when personal data is about to be written where it must never go (audit bodies,
    exports). Nothing is written; the caller's value is refused, so it is a 422."""

    status = 422
    default_code = "personal_data_refused"


class BodyTooLarge(LawlineError):
    status = 413
    default_code = "body_too_large"
