from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawline.core.db import Base


class Intent(Base):
    """One effect to apply after commit. `key` makes enqueueing idempotent and is handed to the
    effect so it can refuse a duplicate; `lane` orders effects on one target (a delisting and
    its reversal are applied in the order they were decided, whichever worker takes them)."""

    __tablename__ = "outbox_intents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    lane: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(120))  # what the audit entry names
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))  # pending | done
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]  # not before: moved on by the back-off after a failure
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)  # an exception type and reason code
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (
        Index("ix_outbox_intents_pending", "status", "available_at"),
        Index("ix_outbox_intents_lane", "lane", "id"),
    )


class JobRun(Base):
    """When each scheduled job last ran; its row lock keeps two workers from running it at once."""

    __tablename__ = "outbox_jobs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_run_at: Mapped[datetime | None]
    last_result: Mapped[dict[str, Any] | None]
