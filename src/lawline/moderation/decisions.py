"""Moderators decide cases: `no_action`, `delist`, `remove` or `ban`, each with a statement of
reasons. The action is carried out on the platform and in lawline's search in the same step;
`remove` and `ban` record a violation for the owning account (what the legal checks rely on);
reporters learn the outcome; manifestly unfounded notices count against their reporter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, InvalidInput, NotFound
from lawline.core.ids import new_id
from lawline.core.settings import Settings
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.models import Case, Decision, Report, Reporter, TrustedFlagger
from lawline.moderation.statements import EEA_AND_EU, build_statement
from lawline.moderation.triage import UNCERTAIN
from lawline.moderation.violations import record_violation
from lawline.platform.protocol import Platform
from lawline.search import service as search
from lawline.staff.service import Action, Staff

ACTIONS = ("no_action", "delist", "remove", "ban")


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


def _lock_open_case(session: Session, case_id: int) -> Case:
    case = session.execute(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    if case.status != "open":
        raise Conflict(f"case {case_id} is decided already", code="case_decided")
    return case


def _apply(platform: Platform, session: Session, case: Case, action: str, clock: Clock) -> None:
    if action == "no_action":
        return
    if action in ("delist", "remove") and case.channel_id is None:
        raise InvalidInput(
            f"{action} applies to channels and posts; ban the account instead",
            code="action_not_applicable",
        )
    removes_channel = case.target_kind == "channel" and action in ("remove", "ban")
    if action == "delist" or removes_channel:
        assert case.channel_id is not None
        platform.set_channel_listed(case.channel_id, False)
        if removes_channel:
            platform.set_channel_removed(case.channel_id, True)
        search.set_listed(session, case.channel_id, False, clock)
    elif action == "remove" or (action == "ban" and case.target_kind == "post"):
        assert case.channel_id is not None
        assert case.post_id is not None
        platform.set_post_removed(case.channel_id, case.post_id, True)
    if action == "ban":
        if case.account_id is None:
            raise InvalidInput("this target has no owning account", code="action_not_applicable")
        platform.set_account_banned(case.account_id, True)


def decide(
    session: Session,
    platform: Platform,
    case_id: int,
    *,
    staff: Staff,
    action: str,
    category: str,
    facts: str,
    manifestly_unfounded: bool = False,
    territorial_scope: list[str] | None = None,
    settings: Settings,
    clock: Clock,
) -> Decision:
    staff.require(Action.MODERATION_DECIDE)
    if action not in ACTIONS:
        raise InvalidInput(f"action is one of {', '.join(ACTIONS)}", code="action_unknown")
    if category not in CATEGORIES:
        raise InvalidInput("unknown category", code="category_unknown")
    if len(facts.strip()) < 10:
        raise InvalidInput(
            "state the facts and circumstances (DSA Art. 17(3)(b))", code="facts_missing"
        )
    if manifestly_unfounded and action != "no_action":
        raise InvalidInput(
            "only a no_action decision finds notices manifestly unfounded",
            code="unfounded_with_action",
        )
    scope = territorial_scope or list(EEA_AND_EU)
    if set(scope) - set(EEA_AND_EU):
        raise InvalidInput("territorial scope lists EU/EEA country codes", code="scope_invalid")
    case = _lock_open_case(session, case_id)
    now = clock.now()
    channel = platform.channel(case.channel_id) if case.channel_id else None
    content_date = case.first_report_at.date()
    if case.post_id is not None and case.channel_id is not None:
        post = platform.post(case.channel_id, case.post_id)
        content_date = post.at.date() if post else content_date
    flagger_names = sorted(
        set(
            session.execute(
                select(TrustedFlagger.name)
                .join(Report, Report.trusted_flagger_id == TrustedFlagger.id)
                .where(Report.case_id == case.id)
            ).scalars()
        )
    )
    decision = Decision(
        id=new_id("dec"),
        case_id=case.id,
        action=action,
        category=category,
        moderator=staff.actor,
        decided_at=now,
        suggestion_category=case.triage_category,
        suggestion_score=case.triage_score,
        suggestion_model=case.triage_model,
        followed_suggestion=None
        if case.triage_category in (None, UNCERTAIN)
        else (
            (action == "no_action") == (case.triage_category == "none")
            and (action == "no_action" or case.triage_category == category)
        ),
        statement={},
    )
    decision.statement = build_statement(
        case,
        decision,
        facts=facts.strip(),
        territorial_scope=scope,
        language=channel.language if channel else None,
        content_date=content_date,
        source_identity=", ".join(flagger_names) or None,
    )
    _apply(platform, session, case, action, clock)
    session.add(decision)
    session.flush()
    if action in ("remove", "ban") and case.account_id is not None:
        violation = record_violation(
            session,
            account_id=case.account_id,
            category=category,
            decision_ref=decision.id,
            summary=facts[:500],
            actor=staff.actor,
            clock=clock,
        )
        decision.violation_id = violation.id
    case.status = "decided"
    case.open_key = None
    _tell_reporters(session, case, action, manifestly_unfounded, settings, clock)
    audit.append(
        session,
        "decision.made",
        actor=staff.actor,
        subject=f"case:{case.id}",
        body={
            "decision": decision.id,
            "action": action,
            "category": category,
            "suggestion": case.triage_category,
            "followed_suggestion": decision.followed_suggestion,
            "violation": decision.violation_id,
        },
        clock=clock,
    )
    return decision


def _tell_reporters(
    session: Session, case: Case, action: str, unfounded: bool, settings: Settings, clock: Clock
) -> None:
    now = clock.now()
    reports = session.execute(select(Report).where(Report.case_id == case.id)).scalars().all()
    for report in reports:
        report.outcome = action
        if not unfounded or report.trusted_flagger_id is not None:
            continue
        reporter = session.get(Reporter, report.reporter_id)
        if reporter is None:
            continue
        reporter.unfounded += 1
        share = reporter.unfounded / max(reporter.reports, 1)
        if share < settings.misuse_min_unfounded_share:
            continue
        if reporter.unfounded >= settings.misuse_suspend_after:
            reporter.suspended_until = now + timedelta(days=settings.misuse_suspension_days)
            audit.append(
                session,
                "reporter.suspended",
                actor="system:misuse",
                subject=f"reporter:{reporter.id}",
                body={
                    "until": reporter.suspended_until.isoformat(),
                    "unfounded": reporter.unfounded,
                },
                clock=clock,
            )
        elif reporter.unfounded >= settings.misuse_warn_after and reporter.warned_at is None:
            reporter.warned_at = now
            audit.append(
                session,
                "reporter.warned",
                actor="system:misuse",
                subject=f"reporter:{reporter.id}",
                body={"unfounded": reporter.unfounded},
                clock=clock,
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
