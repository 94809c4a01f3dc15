"""One JSON error shape for every 4xx and 5xx: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from lawline.core.errors import LawlineError
from lawline.core.pii import mask_personal_data

log = logging.getLogger("lawline.api")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


class ErrorDetail(BaseModel):
    """A stable reason `code`, a `message` for people, and details some codes add (`fields`
    for invalid_input, `reasons` for checks_failed, `retry_after_seconds`, ...)."""

    model_config = ConfigDict(extra="allow")
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer of the API."""

    error: ErrorDetail


def _masked(value: Any) -> Any:
    """Personal data never leaves in an error, whatever put it in the message."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


# What FastAPI raises (as a 400) for a body it cannot decode at all, such as invalid UTF-8.
_FASTAPI_BODY_ERROR = "There was an error parsing the body"


def error_response(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    body = {"code": code, "message": message, **extra}
    return JSONResponse({"error": _masked(body)}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LawlineError)
    async def _domain(_request: Request, exc: LawlineError) -> JSONResponse:
        retry = exc.details.get("retry_after_seconds")
        headers = {"Retry-After": str(retry)} if isinstance(retry, int) else None
        return JSONResponse(
            {"error": _masked(exc.to_dict())}, status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Name the fields and the rule, never echo the input (it may be personal data).
        fields = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("type")}
            for err in exc.errors()
        ]
        return error_response(422, "invalid_input", "the request is not valid", fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 400 and message == _FASTAPI_BODY_ERROR:
            code, message = "body_malformed", "the body is not JSON in UTF-8"
        return error_response(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error: %s", type(exc).__name__)
        return error_response(500, "internal_error", "internal error")
