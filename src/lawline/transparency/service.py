"""What every front end (API, pages, CLI, bot) asks of transparency, validated in one place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pycountry
from sqlalchemy.orm import Session

from lawline.audit import ledger
from lawline.core.clock import FixedClock
from lawline.core.errors import InvalidInput, NotFound
from lawline.core.keys import SigningKey
from lawline.transparency import aggregate
from lawline.transparency.quarters import Quarter
from lawline.transparency.report import build_report


def parse_country(text: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code (`NL`), or None for every country."""
    if text is None or not text.strip():
        return None
    code = text.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInput(
            "a country is a two-letter ISO 3166 code like NL", code="country_invalid"
        )
    return code


def parse_quarter(text: str, now: datetime) -> Quarter:
    """A quarter that has begun (the current one gives a provisional report)."""
    quarter = Quarter.parse(text)
    if quarter.start > now:
        raise NotFound(f"{quarter} has not begun", code="quarter_not_started")
    return quarter


def latest_quarter(now: datetime) -> Quarter:
    """The most recent quarter that has ended: the one a report is final for."""
    return Quarter.of(now).previous()


def report(
    session: Session,
    quarter_text: str,
    country_text: str | None,
    *,
    key: SigningKey,
    now: datetime,
) -> dict[str, Any]:
    quarter = parse_quarter(quarter_text, now)
    country = parse_country(country_text)
    return build_report(session, quarter, country=country, key=key, clock=FixedClock(now))


def legal_summary(
    session: Session, quarter_text: str | None, country: str | None, now: datetime
) -> tuple[Quarter, dict[str, Any]]:
    """The legal-request figures of a quarter (default: the latest finished one), no signing."""
    quarter = latest_quarter(now) if quarter_text is None else parse_quarter(quarter_text, now)
    return quarter, aggregate.legal_figures(session, quarter, parse_country(country))


def ledger_lines(session: Session) -> Iterator[str]:
    """The public ledger as JSON Lines: one entry per line, in order, nothing private."""
    for entry in ledger.public_entries(session):
        yield json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n"
