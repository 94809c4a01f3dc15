"""Appeals (DSA Art. 20): the owner appeals within six months; a different moderator decides,
never automatically, and writes the answer; a reversal restores the channel to search and voids
the violation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from lawline.core.ids import new_id
from lawline.moderation.models import Appeal, Case, Decision
from lawline.moderation.violations import void_violation
from lawline.platform.protocol import Platform
from lawline.search import service as search
from lawline.staff.service import Action, Staff

# DSA Art. 20(1): "for a period of at least six months": 184 days covers the longest six
# calendar months (1 July to 1 January), so no owner gets less than the Regulation gives.
APPEAL_WINDOW = timedelta(days=184)


def file_appeal(
    session: Session, decision_id: str, *, appellant_account_id: str, grounds: str, clock: Clock
) -> Appeal:
    # The decision's row lock orders racing appeals (SQLite writers are serial already), so the
    # check below sees an appeal another connection filed a moment ago.
    decision = session.get(Decision, decision_id, with_for_update=True)
    if decision is None:
        raise NotFound(f"no decision {decision_id}", code="decision_not_found")
    case = session.get(Case, decision.case_id)
    assert case is not None
    if case.account_id != appellant_account_id:
        raise Forbidden("only the owner of the target may appeal", code="not_the_owner")
    # One internal complaint per decision (DSA Art. 20): two would be decided apart and could
    # both reverse and uphold the same restriction.
    filed = session.scalar(select(Appeal.id).where(Appeal.decision_id == decision_id).limit(1))
    if filed is not None:
        raise Conflict("the decision is appealed already", code="appeal_exists", appeal=filed)
    if decision.action == "no_action":
        raise Conflict("nothing was restricted", code="nothing_to_appeal")
    if clock.now() > decision.decided_at + APPEAL_WINDOW:
        raise Conflict("the six-month appeal window has closed", code="appeal_window_closed")
    if len(grounds.strip()) < 10:
        raise InvalidInput("explain why the decision is wrong", code="grounds_missing")
    appeal = Appeal(
        id=new_id("apl"),
        decision_id=decision_id,
        appellant_account_id=appellant_account_id,
        grounds=grounds.strip(),
        filed_at=clock.now(),
        status="open",
    )
    session.add(appeal)
    session.flush()
    audit.append(
        session,
        "appeal.filed",
        actor=f"account:{appellant_account_id}",
        subject=f"decision:{decision_id}",
        body={"appeal": appeal.id},
        clock=clock,
    )
    return appeal


def decide_appeal(
    session: Session,
    platform: Platform,
    appeal_id: str,
    *,
    staff: Staff,
    reverse: bool,
    answer: str,
    clock: Clock,
) -> Appeal:
    staff.require(Action.MODERATION_APPEAL_DECIDE)
    appeal = session.get(Appeal, appeal_id, with_for_update=True)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}", code="appeal_not_found")
    if appeal.status != "open":
        raise Conflict("the appeal is decided already", code="appeal_decided")
    decision = session.get(Decision, appeal.decision_id)
    assert decision is not None
    if decision.moderator == staff.actor:
        raise Forbidden("a different moderator decides the appeal", code="same_moderator")
    if len(answer.strip()) < 10:
        raise InvalidInput("write the answer the appellant receives", code="answer_missing")
    case = session.get(Case, decision.case_id)
    assert case is not None
    now = clock.now()
    if reverse:
        if case.channel_id is not None and decision.action in ("delist", "remove", "ban"):
            if case.post_id is not None:
                platform.set_post_removed(case.channel_id, case.post_id, False)
            else:
                platform.set_channel_removed(case.channel_id, False)
                platform.set_channel_listed(case.channel_id, True)
                search.set_listed(session, case.channel_id, True, clock)
        if decision.action == "ban" and case.account_id is not None:
            platform.set_account_banned(case.account_id, False)
        if decision.violation_id is not None:
            void_violation(
                session,
                decision.violation_id,
                reason=f"appeal {appeal.id} upheld",
                actor=staff.actor,
                clock=clock,
            )
        decision.reversed_at = now
    appeal.status = "reversed" if reverse else "upheld"
    appeal.decided_by, appeal.answer, appeal.decided_at = staff.actor, answer.strip(), now
    audit.append(
        session,
        "appeal.decided",
        actor=staff.actor,
        subject=f"decision:{decision.id}",
        body={"appeal": appeal.id, "outcome": appeal.status},
        clock=clock,
    )
    return appeal
