"""What an authority submits and what it reads back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from lawline.core.fields import InputModel, MaskedText, RecordId
from lawline.legal.offenses import OFFENSES

IssuerRole = Literal["judge", "court", "investigating_judge", "prosecutor", "police", "other"]
OffenseId = Literal[tuple(OFFENSES)]  # type: ignore[valid-type]


class InstrumentIn(InputModel):
    kind: str = Field(
        max_length=40,
        description="subpoena, court_order, search_warrant, epoc, "
        "epoc_pr, mlat, emergency_declaration, preservation_letter",
    )
    issuing_body: str = Field(min_length=2, max_length=200)
    issuer_role: IssuerRole
    validated_by: str | None = Field(default=None, max_length=200)
    validator_role: IssuerRole | None = None
    reference: str = Field(min_length=1, max_length=200)
    issued_on: date
    expires_on: date | None = None
    document_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    document_pdf_base64: str | None = Field(default=None, max_length=14_000_000)


class RangeIn(InputModel):
    start: datetime
    end: datetime


class EpocIn(InputModel):
    """EPOC / EPOC-PR certificate fields (Regulation (EU) 2023/1543, Annexes I and II)."""

    enforcing_state: str | None = Field(default=None, min_length=2, max_length=2)
    enforcing_state_notified: bool = False


class RequestIn(InputModel):
    type: Literal["disclosure", "preservation", "emergency"]
    instrument: InstrumentIn
    offense: OffenseId  # type: ignore[valid-type]
    targets: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=50
    )
    categories: list[Annotated[str, Field(max_length=40)]] = Field(min_length=1, max_length=10)
    range: RangeIn | None = None
    gag_until: date | None = None
    case_reference: str = Field(min_length=1, max_length=200)
    emergency_reason: str | None = Field(default=None, max_length=4000)
    epoc: EpocIn | None = None
    preservation_request_id: RecordId | None = None


class Reason(BaseModel):
    code: str
    message: MaskedText
    target: int | None = None  # the target's position in the request, from 1


class RequestOut(BaseModel):
    id: str
    type: str
    status: str
    regime: str
    binding: bool
    instrument_kind: str
    instrument_reference: str
    case_reference: str
    offense: str
    categories: list[str]
    targets: list[str]
    received_at: datetime
    deadline_at: datetime | None
    reasons: list[Reason]
    questions: list[dict[str, Any]]
    decision_reason: str | None
    refusal_ground: str | None
    hold_until: datetime | None
    package_available: bool


class AnswerIn(InputModel):
    answer: str = Field(min_length=1, max_length=10_000)


class ExtensionIn(InputModel):
    confirm_production: bool = False
