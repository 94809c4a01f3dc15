"""What an authority submits and what it reads back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from lawline.core.fields import InputModel, MaskedText, RecordId
from lawline.legal.offenses import OFFENSES
from lawline.legal.terms import INSTRUMENT_KINDS, IssuerRole, RequestType

OffenseId = Literal[tuple(OFFENSES)]  # type: ignore[valid-type]


class InstrumentIn(InputModel):
    kind: str = Field(
        max_length=40,
        description=", ".join(INSTRUMENT_KINDS),
    )
    issuing_body: str = Field(min_length=2, max_length=200)
    issuer_role: IssuerRole | None = Field(
        default=None,
        description="ignored: the issuer's role is the one in lawline's registry for the "
        "signing authority; a different value here is refused (issuer_role_mismatch)",
    )
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
    enforcing_state_notified: bool = Field(
        default=False, description="Art. 8(1): the EPOC was sent to the enforcing authority too"
    )
    notification_exception: bool = Field(
        default=False,
        description="Art. 8(2): the offence is in the issuing state and the person lives there",
    )
    inform_user_by_platform: bool = Field(
        default=False,
        description="Art. 13(1) leaves informing the person to the issuing authority; set to "
        "ask the platform to inform the user itself",
    )
    offense_max_penalty_years: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="the maximum custodial sentence in the issuing state (Annex I section F), "
        "used where lawline has no penalty table for that state",
    )


class NondisclosureIn(InputModel):
    """A court's order not to notify anyone of the process (18 U.S.C. 2705(b))."""

    reference: str = Field(min_length=1, max_length=200)
    expires_on: date


class RequestIn(InputModel):
    type: RequestType
    instrument: InstrumentIn
    offense: OffenseId  # type: ignore[valid-type]
    targets: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=50
    )
    categories: list[Annotated[str, Field(max_length=40)]] = Field(min_length=1, max_length=10)
    range: RangeIn | None = None
    ip_purpose: Literal["identification", "traffic"] = Field(
        default="traffic",
        description="traffic.ip requested for the sole purpose of identifying the user "
        "(Reg. 2023/1543 Art. 3(10)) or as traffic data",
    )
    offense_committed_online: bool = Field(
        default=False, description="the offence was committed through an electronic network"
    )
    gag_until: date | None = Field(
        default=None,
        description="the date until which the user may not be told; for US process it needs "
        "`nondisclosure_order` (18 U.S.C. 2705(b)) and is taken from it",
    )
    nondisclosure_order: NondisclosureIn | None = None
    case_reference: str = Field(min_length=1, max_length=200)
    emergency_reason: str | None = Field(default=None, max_length=4000)
    epoc: EpocIn | None = None
    preservation_request_id: RecordId | None = None


class Reason(BaseModel):
    code: str
    message: MaskedText
    target: int | None = None  # the target's position in the request, from 1
    rule: str | None = None  # the policy rule (docs/policies.md)
    basis: str | None = None  # `law` or `platform`
    ground: str | None = None  # for a binding order: the listed ground it refuses on


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
    range_start: datetime | None = None
    range_end: datetime | None = Field(
        default=None, description="the end lawline uses: never after the time of receipt"
    )
    adjustments: list[Reason] = Field(
        default_factory=list, description="changes lawline made to the request (range_clamped)"
    )
    received_at: datetime
    deadline_at: datetime | None
    reasons: list[Reason]
    questions: list[dict[str, Any]]
    decision_reason: str | None
    refusal_ground: str | None
    hold_until: datetime | None
    package_available: bool
    validation_state: str | None = None
    validation_due_at: datetime | None = None
    release_at: datetime | None = Field(
        default=None, description="Art. 10(2): the package is delivered from this time"
    )
    enforcing_answer: str | None = None


AUTHORITY_VISIBLE_WARNINGS = ("range_clamped", "nondisclosure_not_ordered")


class AnswerIn(InputModel):
    answer: str = Field(min_length=1, max_length=10_000)


class ExtensionIn(InputModel):
    confirm_production: bool = False


class ValidationIn(InputModel):
    """The ex-post validation of an emergency order (Reg. 2023/1543 Art. 4(5))."""

    granted: bool
    validated_by: str | None = Field(default=None, max_length=200)
    validator_role: IssuerRole | None = None


class NoticeOut(BaseModel):
    """An Annex III notice: why the order is not executed in full or in time."""

    id: int
    request_id: str
    kind: str
    issued_at: datetime
    form: dict[str, Any]


class NoticeIn(InputModel):
    kind: Literal[
        "manifest_error", "de_facto_impossibility", "immunities_or_press_freedom", "partial_or_late"
    ]
    explanation: str = Field(min_length=1, max_length=4000)
    clarification: str | None = Field(default=None, max_length=4000)


class EnforcingAnswerIn(InputModel):
    confirmed: bool = False
    ground: str | None = Field(default=None, max_length=60)
