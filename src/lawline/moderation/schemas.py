"""Reports and moderation as the public and staff see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ReportIn(BaseModel):
    target: str = Field(
        max_length=300, description="t.me/<name>, t.me/<name>/<post>, @username or an account id"
    )
    category: str = Field(
        max_length=40,
        description="csam, terrorism, weapons, drugs, scam, "
        "doxxing, hate, illegal_goods, spam, other",
    )
    text: str = Field(default="", description="optional, at most 2000 characters")


class ReportOut(BaseModel):
    id: str
    case_id: int
    category: str
    status: str  # received | decided
    outcome: str | None
    created_at: datetime


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


class DecisionIn(BaseModel):
    action: str = Field(description="no_action, delist, remove or ban")
    category: str
    facts: str = Field(max_length=5000)
    manifestly_unfounded: bool = False
    territorial_scope: list[str] | None = None


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
