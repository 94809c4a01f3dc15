"""Public transparency: the signed quarterly report (JSON, CSV), the EU template export, and the
disclosure ledger as JSON Lines. Anyone may read them; nothing here needs a log-in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from lawline.api.deps import ReadSessionDep, RuntimeDep
from lawline.transparency import render, service
from lawline.transparency.eu_templates import eu_csv

router = APIRouter(prefix="/v1/transparency", tags=["transparency"])

Country = Annotated[
    str | None,
    Query(max_length=2, description="ISO 3166-1 alpha-2 code of the issuing country, e.g. NL"),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "quarter_not_started"},
    422: {"description": "quarter_invalid or country_invalid"},
}


@router.get(
    "/ledger.jsonl",
    response_class=Response,
    responses={200: {"content": {"application/jsonl": {}}, "description": "one entry a line"}},
)
def ledger(session: ReadSessionDep) -> Response:
    """The public disclosure ledger, whole: the file `lawline transparency verify` reads."""
    return Response("".join(service.ledger_lines(session)), media_type="application/jsonl")


@router.get(
    "/{quarter}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "RFC 4180, UTF-8"}, **ERRORS},
)
def report_csv(
    quarter: str, session: ReadSessionDep, runtime: RuntimeDep, country: Country = None
) -> Response:
    report = service.report(
        session, quarter, country, key=runtime.signing_key, now=runtime.clock.now()
    )
    name = f"lawline-{report['quarter']}{'-' + report['country'] if report['country'] else ''}"
    return Response(
        render.to_csv(render.csv_rows(report)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get(
    "/{quarter}/eu-templates.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "RFC 4180, UTF-8"}, **ERRORS},
)
def report_eu(quarter: str, session: ReadSessionDep, runtime: RuntimeDep) -> Response:
    """The cells of the EU harmonised templates (Regulation 2024/2835) that lawline knows."""
    period = service.parse_quarter(quarter, runtime.clock.now())
    return Response(
        eu_csv(session, period),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="lawline-{period}-eu.csv"'},
    )


@router.get("/{quarter}", responses=ERRORS)
def report_json(
    quarter: str, session: ReadSessionDep, runtime: RuntimeDep, country: Country = None
) -> JSONResponse:
    """The signed report: figures, the ledger's head at the quarter's end, the consistency
    proof from the previous quarter, and the platform's signature."""
    return JSONResponse(
        service.report(session, quarter, country, key=runtime.signing_key, now=runtime.clock.now())
    )
