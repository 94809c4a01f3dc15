"""Moderators decide cases: `no_action`, `delist`, `remove` or `ban`, each with a statement of
reasons. What the action does comes from the actions table: lawline's own search changes in the
decision's transaction (so the next request no longer finds the channel), and the platform
actions and notices are committed with it as intents the worker applies after commit. `remove`
and `ban` record a violation for the owning account (what the legal checks rely on); reporters
learn the outcome; manifestly unfounded notices count against their reporter."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.errors import Forbidden, InvalidInput
from lawline.core.ids import new_id
from lawline.core.pii import refuse_personal_data
from lawline.moderation import effects, figures
from lawline.moderation.actions import Rule, platform_calls, rule
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.context import ModerationContext
from lawline.moderation.models import Case, Decision, Report, Reporter, TrustedFlagger
from lawline.moderation.restrictions import lift_restriction, lock_objects_of, target_of
from lawline.moderation.statements import EEA_AND_EU, build_statement
from lawline.moderation.triage import UNCERTAIN
from lawline.moderation.violations import record_violation
from lawline.moderation.workflow import CaseStatus, move_case
from lawline.platform.protocol import Channel
from lawline.search import service as search
from lawline.staff.service import Action, Staff, acting


def _superseded(session: Session, case: Case, staff: Staff) -> list[Decision]:
    """The decisions an upheld complaint showed wrong: none of their moderators decides anew,
    and what they still restrict is lifted before the new decision applies its own."""
    earlier = session.scalars(
        select(Decision)
        .where(Decision.case_id == case.id, Decision.superseded_at.is_not(None))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    if any(d.moderator == staff.actor for d in earlier):
        raise Forbidden(
            "a moderator other than the one whose decision was found wrong decides anew",
            code="same_moderator",
        )
    return list(earlier)


def decide(
    session: Session,
    ctx: ModerationContext,
    case_id: int,
    *,
    staff: Staff,
    action: str,
    category: str,
    facts: str,
    manifestly_unfounded: bool = False,
    territorial_scope: list[str] | None = None,
) -> Decision:
    staff.require(Action.MODERATION_DECIDE)
    if category not in CATEGORIES:
        raise InvalidInput("unknown category", code="category_unknown")
    if len(facts.strip()) < 10:
        raise InvalidInput(
            "state the facts and circumstances (DSA Art. 17(3)(b))", code="facts_missing"
        )
    # the facts go to the owner, the notifiers and the DSA database: describe, never quote
    refuse_personal_data(facts)
    acting(session, staff, Action.MODERATION_DECIDE)  # under a lock, once the input holds
    if manifestly_unfounded and action != "no_action":
        raise InvalidInput(
            "only a no_action decision finds notices manifestly unfounded",
            code="unfounded_with_action",
        )
    scope = territorial_scope or list(EEA_AND_EU)
    if set(scope) - set(EEA_AND_EU):
        raise InvalidInput("territorial scope lists EU/EEA country codes", code="scope_invalid")
    case = lock_objects_of(session, case_id)
    superseded = _superseded(session, case, staff)
    restriction = rule(action, case.target_kind)
    calls = platform_calls(restriction, target_of(case))
    move_case(case, CaseStatus.DECIDED)
    clock, platform = ctx.clock, ctx.platform
    lifting = [d for d in superseded if d.reversed_at is None]
    for earlier in lifting:
        lift_restriction(
            session,
            case,
            earlier,
            reason="superseded",
            actor=staff.actor,
            clock=clock,
            besides=[d.id for d in lifting],
            replaced_by=calls,
        )
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
        decided_at=clock.now(),
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
    session.add(decision)
    session.flush()
    if restriction.records_violation and case.account_id is not None:
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
    if restriction.hides_from_search and case.channel_id is not None:
        search.set_listed(session, case.channel_id, False, clock)
    subject = f"case:{case.id}"
    effects.enqueue_calls(session, calls, key=f"{decision.id}:apply", subject=subject, clock=clock)
    if restriction.flags and case.account_id is not None:
        effects.enqueue_notice(
            session,
            key=f"{decision.id}:statement",
            account_id=case.account_id,
            message=statement_notice(decision, restriction, _display(case, channel)),
            subject=subject,
            clock=clock,
        )
    _tell_reporters(session, ctx, case, decision, restriction, manifestly_unfounded)
    effects.tell_complainants(
        session, case.id, decision, complainant_notice(case, decision, restriction), clock=clock
    )
    audit.append(
        session,
        "decision.made",
        actor=staff.actor,
        subject=subject,
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
    figures.case_decided(session, case, decision)
    return decision


def _display(case: Case, channel: Channel | None) -> str:
    if case.target_kind == "account" or channel is None:
        return "your account"
    if case.post_id is not None:
        return f"your post t.me/{channel.name}/{case.post_id}"
    return f"your channel t.me/{channel.name}"


def statement_notice(decision: Decision, restriction: Rule, display: str) -> str:
    """The statement of reasons as the owner receives it (DSA Art. 17)."""
    s = decision.statement
    ground = s["legal_ground"] if s["ground"] == "illegal" else s["terms_ground"]
    return (
        f"Decision {decision.id} on {display}: {restriction.owner_text}. "
        f"Ground: {ground}. Facts: {s['facts']} "
        f"This was decided by a person; software only ranked the reports. {s['redress']}"
    )


def complainant_notice(case: Case, decision: Decision, restriction: Rule) -> str:
    """The new decision with its statement of reasons, for a notifier whose complaint was upheld
    (DSA Art. 20(5)): the outcome, the ground and the facts; never the owner's identity."""
    s = decision.statement
    ground = s["legal_ground"] if s["ground"] == "illegal" else s["terms_ground"]
    return (
        f"case {case.id} was decided anew (decision {decision.id}): {restriction.outcome}. "
        f"Ground: {ground}. Facts: {s['facts']} This was decided by a person other than the "
        "one whose decision you complained against."
    )


def _tell_reporters(
    session: Session,
    ctx: ModerationContext,
    case: Case,
    decision: Decision,
    restriction: Rule,
    unfounded: bool,
) -> None:
    settings, clock = ctx.settings, ctx.clock
    now = clock.now()
    reports = session.execute(select(Report).where(Report.case_id == case.id)).scalars().all()
    for report in reports:
        report.outcome = decision.action
        if report.notify_account_id is not None:
            message = f"Your report about case {case.id} was decided: {restriction.outcome}."
            effects.enqueue_reporter_outcome(
                session,
                report,
                report.notify_account_id,
                message,
                key=f"{decision.id}:reporter:{report.id}",
                clock=clock,
            )
            report.notify_account_id = None  # kept only until the outcome is on its way
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
