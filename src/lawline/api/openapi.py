"""`/openapi.json` as the API really answers.

FastAPI documents its own 422 body (`HTTPValidationError`) and only the statuses a route
declares. Lawline answers every error as `{"error": {"code", "message"}}` (`api.errors`), so
this replaces the 422 body and adds, per operation, the statuses that cross-cutting parts can
answer: 401/403 where a security scheme applies, 404 where a path names a record, 413 where a
body is accepted (with its limit from `api.limits`), 422 for invalid input, 500, and 503 `busy`
where the operation writes (a lost race, `core.db.lost_race`). Statuses a
route answers for its own reasons (409, 429, ...) it declares with `errors(...)`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from lawline.api.errors import ErrorBody
from lawline.api.limits import limit_for

SWAGGER_ASSETS = "/static/vendor/swagger-ui"
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_DESCRIPTIONS = {
    400: "body_malformed: the body is not JSON in UTF-8",
    401: "not authenticated: the reason code says why (signature_missing, key_unknown, "
    "signature_expired, signature_replayed, target_uri_mismatch, token_missing, ...)",
    403: "forbidden: authenticated, but not allowed this action",
    404: "the record does not exist or is not yours (code names the record)",
    409: "conflict: not allowed in the record's current state",
    413: "body_too_large",
    422: "invalid_input (with `fields`: which field and which rule, never the value) or a "
    "domain reason code",
    429: "rate_limited",
    500: "internal_error",
    503: "busy: the change lost a race the database broke (another change to the same records "
    "went first); nothing was stored: send it again after Retry-After",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error statuses it answers for reasons of its own."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS.get(status, "error")}
        for status in statuses
    }


def _error_response(status: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or _DESCRIPTIONS.get(status, "error"),
        "content": {"application/json": {"schema": _ERROR_REF}},
    }


def _complete(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    wanted: dict[int, str | None] = {500: None}
    if operation.get("parameters") or "requestBody" in operation:
        wanted[422] = None
    if operation.get("security"):
        wanted[401] = None
        if path.startswith("/v1/staff/"):
            wanted[403] = None
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        wanted[404] = None
    if "requestBody" in operation:
        wanted[400] = None
    if method != "get" or operation.get("security"):
        wanted[503] = None  # it writes: a change, or the audit entry of a staff read
    if "requestBody" in operation or method in ("post", "put", "patch"):
        wanted[413] = f"body_too_large: the body exceeds {limit_for(method.upper(), path)} bytes"
    for status, description in wanted.items():
        key = str(status)
        if key not in responses:
            responses[key] = _error_response(status, description)
    for key, response in responses.items():
        if key[0] in "45":
            # Replaces FastAPI's own 422 body (HTTPValidationError), which lawline never sends.
            response["content"] = {"application/json": {"schema": _ERROR_REF}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {})
        schemas: dict[str, Any] = components.setdefault("schemas", {})
        body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(body.pop("$defs", {}))
        schemas["ErrorBody"] = body
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                _complete(path, method, operation)
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI from the vendored swagger-ui-dist files (web/static/vendor/swagger-ui): the
        # machines lawline runs on may have no internet, and a CDN would see every visit.
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_ASSETS}/favicon-32x32.png",
        )
