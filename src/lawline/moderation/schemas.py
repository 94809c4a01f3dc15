"""Reports and moderation as the public and staff see them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from lawline.core.fields import InputModel
from lawline.moderation.categories import CATEGORIES


class ReportIn(InputModel):
    target: str = Field(
        max_length=300, description="t.me/<name>, t.me/<name>/<post>, @username or an account id"
    )
    category: str = Field(
        max_length=40,
        description=", ".join(CATEGORIES),
    )
    reporter_id: str | None = Field(
        default=None,
        max_length=128,
        description="ignored: the server derives who reports (client address and "
        "X-Client-Key, or a trusted flagger's API key); accepted for old clients",
    )
    # Bounded here so a huge text is refused before the service counts it (text_too_long).
    text: str = Field(
        default="", max_length=20_000, description="optional, at most 2000 characters"
    )


class ReportOut(BaseModel):
    id: str
    case_id: int
    category: str
    status: str  # received | decided
    outcome: str | None
    created_at: datetime


class ReportReceiptOut(ReportOut):
    receipt: str | None = Field(
        description="shown once, never again (null on an idempotent replay): keep it to "
        "complain against the decision (`POST /v1/reports/{id}/complaint`)"
    )


class CaseOut(BaseModel):
    id: int
    target: str
    kind: str
    status: str
    categories: dict[str, int]
    reports: int
    reporters: int
    trusted: bool
    first_report_at: datetime
    last_report_at: datetime
    deadline_at: datetime
    overdue: bool
    priority: float
    suggestion: dict[str, Any] | None


class DecisionIn(InputModel):
    action: str = Field(max_length=20, description="no_action, delist, remove or ban")
    category: str = Field(max_length=40)
    facts: str = Field(max_length=5000)
    manifestly_unfounded: bool = False
    territorial_scope: list[Annotated[str, Field(max_length=2)]] | None = Field(
        default=None, max_length=60
    )


class DecisionOut(BaseModel):
    id: str
    case_id: int
    action: str
    category: str
    moderator: str
    decided_at: datetime
    followed_suggestion: bool | None
    violation_id: int | None
    statement: dict[str, Any]


class SearchHit(BaseModel):
    channel: str
    kind: str
    title: str
    description: str
    language: str
    subscribers: int
