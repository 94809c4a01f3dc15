"""Server-rendered pages (Jinja2 + htmx) mounted beside the JSON API.

Pages are a front end like the API and the CLI: they parse a form, call one service or query
function and render the result. No rule of the domain lives here.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from lawline.web import complaints, legal, moderation, portal, public, staff_auth, transparency
from lawline.web.render import install_page_errors

STATIC_DIR = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    """Add the pages, their static assets and HTML error pages to the app."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(public.router)
    app.include_router(transparency.router)
    app.include_router(staff_auth.router)
    app.include_router(legal.router)
    app.include_router(moderation.router)
    app.include_router(complaints.router)
    app.include_router(portal.router)
    install_page_errors(app)
