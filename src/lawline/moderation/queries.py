"""Reads of moderation state shared by the API, the report bot, the CLI and the pages: the queue,
one case, a report's outcome, flagger accuracy, statements to export. Front ends call these
instead of querying models themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.core.clock import Clock
from lawline.core.errors import NotFound
from lawline.moderation.actions import RULES
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.models import Appeal, Case, Decision, Report, TrustedFlagger
from lawline.moderation.triage import UNCERTAIN


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
