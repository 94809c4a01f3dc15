"""What disclosure is told to do, as plain data: legal review builds these orders, disclosure
carries them out. Disclosure knows nothing of requests, reviews or staff; that keeps the arrow one
way (legal -> disclosure) and leaves one place that decides who approved and what was asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Approver:
    """An approver as the authority sees it: a pseudonym (stable per staff member, not
    reversible without the platform's key) and the roles the member holds, never a name."""

    pseudonym: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PackageOrder:
    request_id: str
    recipient: str  # the authority's age recipient (age1...)
    authority: str  # the authority's name, written into request.json
    case_reference: str
    instrument: str
    instrument_reference: str
    offense: str
    account_ids: tuple[str, ...]
    categories: tuple[str, ...]
    range_start: datetime | None
    range_end: datetime | None
    approvers: tuple[Approver, ...]
    preservation_request_id: str | None = None  # its holds are served instead of fresh reads


@dataclass(frozen=True)
class HoldOrder:
    request_id: str
    account_ids: tuple[str, ...]
    categories: tuple[str, ...]
    range_start: datetime | None
    range_end: datetime | None
    hold_until: datetime
