from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawline.core.db import Base


class HashBank(Base):
    """A list of hashes of known media of one category, with its own PDQ distance threshold."""

    __tablename__ = "hash_banks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    pdq_threshold: Mapped[int] = mapped_column(Integer)  # largest Hamming distance that matches
    created_at: Mapped[datetime]


class BankedHash(Base):
    __tablename__ = "banked_hashes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("hash_banks.id"), index=True)
    signal_type: Mapped[str] = mapped_column(String(10))  # pdq | md5
    value: Mapped[str] = mapped_column(String(64), index=True)  # lower-case hex
    added_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("bank_id", "signal_type", "value"),)


class MediaMatch(Base):
    """A reported item's media matched a banked hash. Only the hashes and the distance are kept:
    lawline never stores the media itself."""

    __tablename__ = "media_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("hash_banks.id"))
    banked_hash_id: Mapped[int] = mapped_column(ForeignKey("banked_hashes.id"))
    signal_type: Mapped[str] = mapped_column(String(10))
    distance: Mapped[int] = mapped_column(Integer)
    media_ref: Mapped[str] = mapped_column(String(100))  # channel/post/media ids, no content
    matched_at: Mapped[datetime]
