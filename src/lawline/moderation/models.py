from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawline.core.db import Base


class Violation(Base):
    """A confirmed Terms-of-Service breach by an account: the precondition for disclosure."""

    __tablename__ = "violations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(40))
    decision_ref: Mapped[str] = mapped_column(String(64))  # the decision that confirmed it
    summary: Mapped[str] = mapped_column(Text, default="")
    confirmed_by: Mapped[str] = mapped_column(String(128))
    confirmed_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]
    voided_reason: Mapped[str | None] = mapped_column(Text)


class TrustedFlagger(Base):
    """An organisation awarded trusted-flagger status (DSA Art. 22): its notices go first."""

    __tablename__ = "trusted_flaggers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    reporter_id: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime]


class TrustedFlaggerKey(Base):
    """An API key of a trusted flagger; only its SHA-256 is stored (the key is 256 random bits,
    so a slow hash adds nothing)."""

    __tablename__ = "trusted_flagger_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    flagger_id: Mapped[str] = mapped_column(ForeignKey("trusted_flaggers.id"), index=True)
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Reporter(Base):
    """A pseudonymous reporter's standing (DSA Art. 23 misuse handling)."""

    __tablename__ = "reporters"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    unfounded: Mapped[int] = mapped_column(Integer, default=0)
    warned_at: Mapped[datetime | None]
    suspended_until: Mapped[datetime | None]


class Case(Base):
    """All open reports about one target."""

    __tablename__ = "moderation_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target_key: Mapped[str] = mapped_column(String(100), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))  # channel | post | account
    # indexed: restrictions in force are found, and locked, per channel and per account
    channel_id: Mapped[str | None] = mapped_column(String(64), index=True)
    post_id: Mapped[int | None] = mapped_column(Integer)
    account_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open | decided
    # an open case per target: the partial uniqueness is kept by `open_key` (NULL once decided)
    open_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    categories: Mapped[dict[str, int]] = mapped_column(JSON)  # category -> reports
    reporters: Mapped[int] = mapped_column(Integer, default=0)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    trusted: Mapped[bool] = mapped_column(default=False)
    first_report_at: Mapped[datetime]
    last_report_at: Mapped[datetime]
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    triage_category: Mapped[str | None] = mapped_column(String(40))
    triage_score: Mapped[float | None]
    triage_model: Mapped[str | None] = mapped_column(String(80))
    media_match: Mapped[str | None] = mapped_column(String(100))  # the hash bank matched
    assigned_to: Mapped[str | None] = mapped_column(String(128), index=True)  # staff actor


class Report(Base):
    __tablename__ = "moderation_reports"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    reporter_id: Mapped[str] = mapped_column(String(128), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the request a key was first used with: a changed request under it is refused
    request_sha256: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(20))  # api | bot
    trusted_flagger_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    # the platform account to push the outcome to (a bot reporter); erased once it is queued
    notify_account_id: Mapped[str | None] = mapped_column(String(64))
    notified_at: Mapped[datetime | None]
    # SHA-256 of the one-time receipt the reporter was shown: proof it filed this report when it
    # complains against the decision (DSA Art. 20); the receipt itself is never stored
    receipt_sha256: Mapped[bytes | None] = mapped_column(LargeBinary(32))

    __table_args__ = (UniqueConstraint("reporter_id", "idempotency_key"),)


class Decision(Base):
    __tablename__ = "moderation_decisions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # no_action | delist | remove | ban
    category: Mapped[str] = mapped_column(String(40))
    moderator: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime] = mapped_column(index=True)
    suggestion_category: Mapped[str | None] = mapped_column(String(40))
    suggestion_score: Mapped[float | None]
    suggestion_model: Mapped[str | None] = mapped_column(String(80))
    followed_suggestion: Mapped[bool | None]
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)  # statement of reasons (Art. 17)
    violation_id: Mapped[int | None] = mapped_column(Integer)
    reversed_at: Mapped[datetime | None]  # its restriction was lifted
    # a notifier's complaint showed it wrong: the case is back in the queue for a new decision
    superseded_at: Mapped[datetime | None]


class Appeal(Base):
    __tablename__ = "moderation_appeals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("moderation_decisions.id"), index=True)
    appellant_account_id: Mapped[str] = mapped_column(String(64))
    grounds: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))  # open | upheld | reversed
    decided_by: Mapped[str | None] = mapped_column(String(128))
    answer: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]


class Complaint(Base):
    """A notifier's complaint against the decision taken upon its notice (DSA Art. 20(1)):
    `upheld` means the decision was wrong and the case is decided anew, `rejected` that it
    stands. One per complainant per decision; apart from the owner's appeal."""

    __tablename__ = "moderation_complaints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("moderation_decisions.id"), index=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("moderation_reports.id"))
    complainant_id: Mapped[str] = mapped_column(String(128))  # the report's reporter_id
    grounds: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))  # open | upheld | rejected
    decided_by: Mapped[str | None] = mapped_column(String(128))
    answer: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    # the platform account to push the outcome to (filed through the report bot); erased once
    # the last notice is queued: the answer if rejected, the new decision if upheld
    notify_account_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("decision_id", "complainant_id"),)


class CaseNote(Base):
    """A moderator's internal note on a case; never part of the statement of reasons."""

    __tablename__ = "moderation_case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    author: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
