"""The baseline: the same JSON parsed by the same Pydantic models, nothing verified or stored.

What FastAPI + uvicorn can answer on this machine for these bodies; lawline's endpoints are
measured against it (bench/http_load.py).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi import FastAPI

from lawline.legal.schemas import RequestIn
from lawline.moderation.schemas import ReportIn

app = FastAPI()


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/reports", status_code=201)
def post_report(payload: ReportIn) -> dict[str, object]:
    return {
        "id": secrets.token_urlsafe(12),
        "case_id": 1,
        "category": payload.category,
        "status": "received",
        "outcome": None,
        "created_at": datetime.now(UTC).isoformat(),
    }


@app.post("/v1/authority/requests", status_code=201)
def post_request(payload: RequestIn) -> dict[str, object]:
    return {"id": secrets.token_urlsafe(12), "status": "in_review", "type": payload.type}
