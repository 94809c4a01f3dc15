from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lawline.core.db import Base


class DisclosurePackage(Base):
    __tablename__ = "disclosure_packages"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), unique=True)
    ciphertext: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    ciphertext_sha256: Mapped[str] = mapped_column(String(64))
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)  # file names and hashes only
    accounts: Mapped[int] = mapped_column(Integer)
    ip_events: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(index=True)
    delete_after: Mapped[datetime] = mapped_column(index=True)
    fetched_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]


class PreservationHold(Base):
    """A frozen copy of one account's requested data, encrypted to the platform's age key."""

    __tablename__ = "preservation_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
