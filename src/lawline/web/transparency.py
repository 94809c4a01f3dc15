"""The public transparency page: a quarter's figures with charts, for one country or all."""

from __future__ import annotations

from typing import Annotated, Any

import pycountry
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from lawline.boundary import Plain, ReadSessionDep, RuntimeDep
from lawline.runtime import Runtime
from lawline.transparency import aggregate, render, service
from lawline.web.render import TEMPLATE_DIR, page, templates

STATIC_DIR = TEMPLATE_DIR.parent / "static"

router = APIRouter(include_in_schema=False)


def country_name(code: str | None) -> str:
    if code is None:
        return "all countries"
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


@router.get("/transparency", response_class=HTMLResponse)
def latest(
    request: Request,
    session: ReadSessionDep,
    runtime: RuntimeDep,
    country: Annotated[str | None, Query(max_length=2), Plain] = None,
) -> HTMLResponse:
    quarter = service.latest_quarter(runtime.clock.now())
    return report_page(request, str(quarter), session, runtime, country)


@router.get("/transparency/{quarter}", response_class=HTMLResponse)
def report_page(
    request: Request,
    quarter: str,
    session: ReadSessionDep,
    runtime: RuntimeDep,
    country: Annotated[str | None, Query(max_length=2), Plain] = None,
) -> HTMLResponse:
    context = report_context(session, runtime, quarter, country)
    return page(request, "transparency/report.html", context)


def report_context(
    session: Session, runtime: Runtime, quarter: str, country: str | None
) -> dict[str, Any]:
    """Everything the page shows; the CLI renders the same for `--format html`."""
    now = runtime.clock.now()
    report = service.report(session, quarter, country, key=runtime.signing_key, now=now)
    period = service.parse_quarter(quarter, now)
    code = report["country"]
    place = country_name(code)
    figures = report["figures"]
    points = aggregate.trend(session, period, 8, code)
    return {
        "report": report,
        "figures": figures,
        "legal": figures["legal_requests"],
        "moderation": figures["moderation"],
        "place": place,
        "countries": [(c, country_name(c)) for c in figures["by_country"]],
        "previous": str(period.previous()),
        "next": str(period.next()) if period.next().start <= now else None,
        "suffix": f"?country={code}" if code else "",
        "country_chart": Markup(  # noqa: S704 - built from numbers and escaped codes
            render.bars_by_country(
                figures["by_country"], f"Requests received and fulfilled by country, {period}"
            )
        ),
        "trend_chart": Markup(  # noqa: S704 - built from numbers and escaped labels
            render.trend_columns(points, f"Requests from {place} per quarter")
        ),
        "points": points,
        "ledger_head": report["ledger"]["head"],
        "hours": lambda s: "—" if s is None else f"{s / 3600:.1f} h",
        "percent": lambda v: "—" if v is None else f"{v * 100:.0f} %",
    }


def standalone_html(session: Session, runtime: Runtime, quarter: str, country: str | None) -> str:
    """The page as one file that opens anywhere: the stylesheet inlined, no request needed."""
    context = report_context(session, runtime, quarter, country)
    html = templates.env.get_template("transparency/report.html").render(
        {**context, "csrf_token": None, "viewer": None}
    )
    css = (STATIC_DIR / "lawline.css").read_text()
    link = '<link rel="stylesheet" href="/static/lawline.css">'
    return html.replace(link, f"<style>{css}</style>")
