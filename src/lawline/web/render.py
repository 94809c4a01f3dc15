"""Rendering: one Jinja2 environment, the shared layout's context, and HTML error pages.

A page response carries security headers of its own (a strict Content-Security-Policy that
allows only lawline's own scripts and styles), so the JSON API and the OpenAPI page keep theirs.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from lawline import __version__
from lawline.core.errors import LawlineError

TEMPLATE_DIR = Path(__file__).parent / "templates"
CSRF_COOKIE = "lawline_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; "
        "base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def time_left(deadline: datetime | None, now: datetime) -> str:
    """`3 d 4 h left`, `2 h 5 min overdue`: what a reviewer reads at a glance."""
    if deadline is None:
        return "no deadline"
    delta = deadline - now
    overdue = delta < timedelta(0)
    delta = abs(delta)
    days, rest = divmod(int(delta.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {minutes} min"
    else:
        text = f"{minutes} min"
    return f"{text} overdue" if overdue else f"{text} left"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda value: value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"
    env.globals["version"] = __version__
    return env


templates = Jinja2Templates(env=_environment())


def is_tls(request: Request) -> bool:
    """Behind a TLS proxy uvicorn's proxy headers make the scheme https."""
    return request.url.scheme == "https"


def csrf_token(request: Request) -> str:
    """The double-submit token: an HttpOnly SameSite=Strict cookie that every form repeats."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        request.state.csrf_token = token
    return token


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_tls(request),
    )


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    token = csrf_token(request)
    full = {
        "request": request,
        "csrf_token": token,
        "csrf_field": CSRF_FIELD,
        "viewer": getattr(request.state, "viewer", None),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    if request.cookies.get(CSRF_COOKIE) != token:
        set_cookie(response, request, CSRF_COOKIE, token, max_age=8 * 3600)
    return response


def _wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/v1/", "/openapi", "/docs", "/static/", "/healthz")):
        return False
    form = request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )
    return form or "text/html" in request.headers.get("accept", "")


Handler = Callable[[Request, Any], Awaitable[Response]]


def install_page_errors(app: FastAPI) -> None:
    """Pages answer errors with an HTML page (same status and reason code); the API keeps JSON."""

    def wrap(original: Handler) -> Handler:
        async def handler(request: Request, exc: Any) -> Response:
            if not _wants_page(request):
                return await original(request, exc)
            login_url = getattr(exc, "login_url", None)
            if login_url is not None and request.method == "GET":
                target = f"{login_url}?{urlencode({'next': exc.next_url})}"
                return RedirectResponse(target, status_code=303)
            if isinstance(exc, LawlineError):
                status, code, message = exc.status, exc.code, exc.message
            elif isinstance(exc, RequestValidationError):
                status, code, message = 422, "invalid_input", "the form is not valid"
            elif isinstance(exc, StarletteHTTPException):
                status, code = exc.status_code, "http_error"
                message = exc.detail if isinstance(exc.detail, str) else "error"
                if status == 404:
                    code = "not_found"
            else:
                status, code, message = 500, "internal_error", "internal error"
            context = {"status": status, "code": code, "message": message}
            return page(request, "error.html", context, status=status)

        return handler

    for key in (LawlineError, RequestValidationError, StarletteHTTPException, Exception):
        original = app.exception_handlers.get(key)
        if original is not None:
            app.exception_handlers[key] = wrap(original)  # type: ignore[arg-type]
