from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawline.core.db import Base


class SearchChannel(Base):
    """One searchable channel. The full-text index beside it is backend-specific: an FTS5
    table on SQLite (`search_channels_fts`), a tsvector column with a GIN index on PostgreSQL
    (both made by migration 0003)."""

    __tablename__ = "search_channels"

    channel_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    subscribers: Mapped[int] = mapped_column(Integer)
    listed: Mapped[bool] = mapped_column(index=True)
    updated_at: Mapped[datetime]
