"""Reads of moderation state shared by the API, the report bot, the CLI and the pages: the queue,
one case, a report's outcome, flagger accuracy, statements to export; and the moderation
console's filtered, paged case and appeal lists and a case's context. Front ends call these
instead of querying models themselves: one module for moderation's reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.core.clock import Clock
from lawline.core.errors import NotFound
from lawline.moderation.actions import RULES
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.models import Appeal, Case, Decision, Report, TrustedFlagger
from lawline.moderation.triage import UNCERTAIN
from lawline.staff.models import StaffMember


@dataclass(frozen=True)
class QueuedCase:
    case: Case
    priority: float
    overdue: bool


def priority(case: Case, now_hours_old: float, overdue: bool) -> float:
    """Known media first (a hash-bank match), then overdue, trusted flaggers, severity, the
    triage score, reporters, age."""
    worst = max((CATEGORIES[c].severity for c in case.categories), default=1)
    no_label = (None, "none", UNCERTAIN)
    suggested = (case.triage_score or 0.0) if case.triage_category not in no_label else 0.0
    return (
        (100_000 if case.media_match else 0)
        + (10_000 if overdue else 0)
        + (1_000 if case.trusted else 0)
        + worst * 50
        + suggested * 40
        + min(case.reporters, 50) * 2
        + min(now_hours_old, 72)
    )


def rank(case: Case, now: datetime) -> QueuedCase:
    """A case's place in the queue now; a decided case is never overdue."""
    overdue = case.status == "open" and case.deadline_at < now
    hours_old = (now - case.first_report_at).total_seconds() / 3600
    return QueuedCase(case, priority(case, hours_old, overdue), overdue)


def queue(session: Session, clock: Clock, limit: int = 100) -> list[QueuedCase]:
    now = clock.now()
    open_cases = session.execute(select(Case).where(Case.status == "open")).scalars().all()
    items = [rank(c, now) for c in open_cases]
    items.sort(key=lambda q: (-q.priority, q.case.first_report_at))
    return items[:limit]


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    return case


def get_report(session: Session, report_id: str) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound("no such report", code="report_not_found")
    return report


def get_decision(session: Session, decision_id: str) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"no decision {decision_id}", code="decision_not_found")
    return decision


def get_appeal(session: Session, appeal_id: str) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}", code="appeal_not_found")
    return appeal


def outcome_text(action: str, target_kind: str) -> str:
    """What a reporter is told a decision did (from the actions table)."""
    return RULES[(action, target_kind)].outcome


def reporter_status(session: Session, case_id: int, reporter_id: str) -> str:
    """The answer to a reporter asking about a case: only about cases they reported."""
    case = session.get(Case, case_id)
    mine = session.execute(
        select(Report).where(Report.case_id == case_id, Report.reporter_id == reporter_id).limit(1)
    ).scalar_one_or_none()
    if case is None or mine is None:
        return f"I know of no report of yours in case {case_id}."
    if mine.outcome is None:
        return f"Case {case_id} is waiting for a moderator."
    return f"Case {case_id} was decided: {outcome_text(mine.outcome, case.target_kind)}."


def decisions_since(session: Session, start: datetime) -> list[Decision]:
    return list(
        session.execute(
            select(Decision).where(Decision.decided_at >= start).order_by(Decision.decided_at)
        ).scalars()
    )


def flagger_accuracy(session: Session) -> dict[str, tuple[int, int]]:
    """Per trusted flagger: (notices upheld by a restricting decision, notices decided)."""
    rows = session.execute(
        select(TrustedFlagger.name, Report.outcome)
        .join(Report, Report.trusted_flagger_id == TrustedFlagger.id)
        .where(Report.outcome.is_not(None))
    ).all()
    result: dict[str, tuple[int, int]] = {}
    for name, outcome in rows:
        upheld, decided = result.get(name, (0, 0))
        result[name] = (upheld + (outcome != "no_action"), decided + 1)
    return result


# The moderation console (web pages): filtered, paged lists and a case's context.

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
