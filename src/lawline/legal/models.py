from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lawline.core.db import Base


class LegalRequest(Base):
    __tablename__ = "legal_requests"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    authority_id: Mapped[str] = mapped_column(ForeignKey("authorities.id"), index=True)
    request_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    regime: Mapped[str] = mapped_column(String(40))
    binding: Mapped[bool]
    instrument_kind: Mapped[str] = mapped_column(String(40))
    issuing_body: Mapped[str] = mapped_column(String(200))
    issuer_role: Mapped[str] = mapped_column(String(40))
    validated_by: Mapped[str | None] = mapped_column(String(200))
    validator_role: Mapped[str | None] = mapped_column(String(40))
    instrument_reference: Mapped[str] = mapped_column(String(200), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    epoc: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    offense: Mapped[str] = mapped_column(String(40))
    categories: Mapped[list[str]] = mapped_column(JSON)
    range_start: Mapped[datetime | None]
    range_end: Mapped[datetime | None]
    gag_until: Mapped[date | None] = mapped_column(Date)
    case_reference: Mapped[str] = mapped_column(String(200))
    emergency_reason: Mapped[str | None] = mapped_column(Text)
    preservation_request_id: Mapped[str | None] = mapped_column(
        ForeignKey("legal_requests.id"), index=True
    )
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # failed checks at intake
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # shown to reviewers
    entered_by: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(index=True)
    paused_since: Mapped[datetime | None]
    review_round: Mapped[int] = mapped_column(Integer, default=1)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    refusal_ground: Mapped[str | None] = mapped_column(String(60))
    hold_until: Mapped[datetime | None]
    extensions_used: Mapped[int] = mapped_column(Integer, default=0)
    production_confirmed: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(index=True)
    # Reg. 2023/1543: how IP data is asked (Art. 3(10) identification, or traffic data)
    ip_purpose: Mapped[str | None] = mapped_column(String(20))
    # Art. 4(5): an emergency order issued before validation; validation due by then
    validation_due_at: Mapped[datetime | None] = mapped_column(index=True)
    validation_state: Mapped[str | None] = mapped_column(String(20))  # pending|validated|...
    # Art. 8: the enforcing state notified, and what its authority answered
    enforcing_state: Mapped[str | None] = mapped_column(String(2))
    enforcing_notified: Mapped[bool] = mapped_column(default=False)
    release_at: Mapped[datetime | None]  # Art. 10(2): delivery not before (unless confirmed)
    enforcing_answer: Mapped[str | None] = mapped_column(String(60))  # confirmed | a ground
    enforcing_answered_at: Mapped[datetime | None]
    # Art. 13: the issuing authority informs the person unless it asks the platform to
    inform_user: Mapped[bool] = mapped_column(default=False)
    # 18 U.S.C. 2705(b): a court's order not to notify, its reference and its end
    nondisclosure_reference: Mapped[str | None] = mapped_column(String(200))


class IssuerNotice(Base):
    """What lawline tells an issuing authority when it cannot comply in full or in time
    (Reg. 2023/1543 Art. 10(5)-(8), 11(4)-(5); the Annex III form's fields)."""

    __tablename__ = "legal_issuer_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    explanation: Mapped[str] = mapped_column(Text)
    clarification: Mapped[str | None] = mapped_column(Text)
    preserved_until: Mapped[datetime | None]
    form: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Annex III fields as sent
    issued_by: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[datetime]


class RequestTarget(Base):
    """A target as the authority named it. A phone number is never stored: only its kind, a
    masked form to show, and the account it resolved to."""

    __tablename__ = "legal_request_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    position: Mapped[int]
    ref_kind: Mapped[str] = mapped_column(String(20))
    ref_display: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[str | None] = mapped_column(String(64), index=True)


class Review(Base):
    __tablename__ = "legal_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    staff: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(20))  # approve | reject | ask
    review_round: Mapped[int]
    reason: Mapped[str | None] = mapped_column(Text)
    acknowledged_warnings: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime]


class InfoExchange(Base):
    __tablename__ = "legal_info_exchanges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str] = mapped_column(String(128))
    asked_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]


class Callback(Base):
    __tablename__ = "legal_callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("authority_contacts.id"))
    staff: Mapped[str] = mapped_column(String(128))
    confirmed: Mapped[bool]
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class UserNotification(Base):
    """When the affected user may be told of a disclosure (after any non-disclosure order)."""

    __tablename__ = "legal_user_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
