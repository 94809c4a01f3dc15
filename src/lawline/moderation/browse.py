"""Reads for the moderation console: filtered, paged case and appeal lists; a case's context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.moderation.models import Appeal, Case, Decision, Report, TrustedFlagger
from lawline.moderation.queries import QueuedCase, flagger_accuracy, rank
from lawline.staff.models import StaffMember

PAGE_SIZE = 25
T = TypeVar("T")


@dataclass(frozen=True)
class CaseFilter:
    status: str = "open"  # open | decided
    category: str | None = None  # triage suggestion or a reported category
    assigned: str | None = None  # an actor, "nobody", or None for anyone
    overdue: bool = False
    page: int = 1


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    pages: int


def _paged(items: list[T], page: int) -> Page[T]:
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return Page(items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], len(items), page, pages)


def cases(session: Session, now: datetime, f: CaseFilter) -> Page[QueuedCase]:
    """Open cases in queue order (the one ranking the API and CLI use); decided ones newest
    first. Ranking depends on the time now, so it runs over the filtered cases in Python."""
    query = select(Case).where(Case.status == ("decided" if f.status == "decided" else "open"))
    if f.assigned == "nobody":
        query = query.where(Case.assigned_to.is_(None))
    elif f.assigned:
        query = query.where(Case.assigned_to == f.assigned)
    if f.overdue:
        query = query.where(Case.deadline_at < now)
    found = [
        rank(c, now)
        for c in session.execute(query).scalars()
        if not f.category or f.category == c.triage_category or f.category in c.categories
    ]
    if f.status == "decided":
        found.sort(key=lambda q: q.case.last_report_at, reverse=True)
    else:
        found.sort(key=lambda q: (-q.priority, q.case.first_report_at))
    return _paged(found, f.page)


def reports_of(session: Session, case_id: int) -> list[Report]:
    return list(
        session.execute(
            select(Report).where(Report.case_id == case_id).order_by(Report.created_at)
        ).scalars()
    )


def decisions_on_case(session: Session, case_id: int) -> list[Decision]:
    return list(session.execute(select(Decision).where(Decision.case_id == case_id)).scalars())


def prior_decisions_on_owner(session: Session, case: Case) -> list[tuple[Decision, Case]]:
    """Earlier decisions on other targets of the same owning account, newest first."""
    if case.account_id is None:
        return []
    return [
        (d, c)
        for d, c in session.execute(
            select(Decision, Case)
            .join(Case, Case.id == Decision.case_id)
            .where(Case.account_id == case.account_id, Case.id != case.id)
            .order_by(Decision.decided_at.desc())
        ).all()
    ]


def moderators(session: Session) -> list[str]:
    """Usernames of active staff who may take a case."""
    members = session.execute(
        select(StaffMember).where(StaffMember.disabled_at.is_(None)).order_by(StaffMember.username)
    ).scalars()
    return [m.username for m in members if "moderator" in m.roles]


@dataclass(frozen=True)
class AppealRow:
    appeal: Appeal
    decision: Decision
    case: Case


def appeals(session: Session, status: str | None, page: int) -> Page[AppealRow]:
    query = (
        select(Appeal, Decision, Case)
        .join(Decision, Decision.id == Appeal.decision_id)
        .join(Case, Case.id == Decision.case_id)
        .order_by(Appeal.filed_at.desc())
    )
    if status:
        query = query.where(Appeal.status == status)
    rows = [AppealRow(a, d, c) for a, d, c in session.execute(query).all()]
    return _paged(rows, page)


def appeal(session: Session, appeal_id: str) -> AppealRow | None:
    row = session.execute(
        select(Appeal, Decision, Case)
        .join(Decision, Decision.id == Appeal.decision_id)
        .join(Case, Case.id == Decision.case_id)
        .where(Appeal.id == appeal_id)
    ).first()
    return AppealRow(*row) if row else None


@dataclass(frozen=True)
class FlaggerRow:
    flagger: TrustedFlagger
    notices: int
    upheld: int
    decided: int

    @property
    def accuracy(self) -> float | None:
        return self.upheld / self.decided if self.decided else None


def flaggers(session: Session) -> list[FlaggerRow]:
    accuracy = flagger_accuracy(session)
    counts = dict(
        session.execute(
            select(Report.trusted_flagger_id, func.count())
            .where(Report.trusted_flagger_id.is_not(None))
            .group_by(Report.trusted_flagger_id)
        ).all()
    )
    return [
        FlaggerRow(f, counts.get(f.id, 0), *accuracy.get(f.name, (0, 0)))
        for f in session.execute(select(TrustedFlagger).order_by(TrustedFlagger.name)).scalars()
    ]
