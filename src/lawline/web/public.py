"""Public pages: the front page and channel search with a "report this" link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from lawline.api.deps import SessionDep
from lawline.search import service as search_service
from lawline.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return page(request, "home.html")


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    hits = search_service.search(session, q, 50) if q.strip() else []
    return page(request, "public/search.html", {"q": q, "hits": hits})
