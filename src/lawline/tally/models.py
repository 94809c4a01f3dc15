"""The counters and the durations behind the quarterly figures."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lawline.core.db import Base


class Counter(Base):
    """`n` things of `figure` (with `key`: a reason code, a category, `type/instrument`...)
    counted in `quarter` for `scope` (an issuing country, or `*` for platform-wide figures)."""

    __tablename__ = "tally_counters"

    quarter: Mapped[str] = mapped_column(String(7), primary_key=True)
    scope: Mapped[str] = mapped_column(String(2), primary_key=True)
    figure: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class Duration(Base):
    """One duration (seconds) of a median figure. The index orders each (quarter, figure,
    scope) by seconds, so the median is a count and a walk to the middle of one index range."""

    __tablename__ = "tally_durations"
    __table_args__ = (Index("ix_tally_durations_median", "quarter", "figure", "scope", "seconds"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quarter: Mapped[str] = mapped_column(String(7))
    scope: Mapped[str] = mapped_column(String(2))
    figure: Mapped[str] = mapped_column(String(40))
    seconds: Mapped[float] = mapped_column(Float)
