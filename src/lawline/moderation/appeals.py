"""Appeals (DSA Art. 20): the owner appeals within six months; a different moderator decides,
never automatically, and writes the answer. A reversal undoes exactly what the decision did (the
same row of the actions table, read backwards), restores the channel to search, voids the
violation and tells the appellant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from lawline.core.ids import new_id
from lawline.core.pii import refuse_personal_data
from lawline.moderation import effects, figures, redress
from lawline.moderation.context import ModerationContext
from lawline.moderation.models import Appeal, Case, Decision
from lawline.moderation.restrictions import lift_restriction, lock_objects_of
from lawline.moderation.workflow import AppealStatus, move_appeal
from lawline.staff.service import Action, Staff, acting

APPEAL_WINDOW = redress.WINDOW  # the same six months as a notifier's complaint


def file_appeal(
    session: Session,
    decision_id: str,
    *,
    staff: Staff,
    appellant_account_id: str,
    grounds: str,
    clock: Clock,
) -> Appeal:
    """File an owner's appeal as the platform's support relays it: the staff member who relays
    it is the audit entry's actor (proven by their log-in), the owner is named in its body."""
    acting(session, staff, Action.MODERATION_APPEAL_FILE)
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
    stated = redress.checked_grounds(
        redress.APPEAL, decision, filed=filed, grounds=grounds, now=clock.now()
    )
    appeal = Appeal(
        id=new_id("apl"),
        decision_id=decision_id,
        appellant_account_id=appellant_account_id,
        grounds=stated,
        filed_at=clock.now(),
        status=AppealStatus.OPEN.value,
    )
    session.add(appeal)
    session.flush()
    audit.append(
        session,
        "appeal.filed",
        actor=staff.actor,
        subject=f"decision:{decision_id}",
        body={"appeal": appeal.id, "appellant": f"account:{appellant_account_id}"},
        clock=clock,
    )
    figures.appeal_filed(session, appeal)
    return appeal


def _lock(session: Session, model: type[Appeal] | type[Decision], key: str) -> object | None:
    return session.execute(
        select(model)
        .where(model.id == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def decide_appeal(
    session: Session,
    ctx: ModerationContext,
    appeal_id: str,
    *,
    staff: Staff,
    reverse: bool,
    answer: str,
) -> Appeal:
    acting(session, staff, Action.MODERATION_APPEAL_DECIDE)
    appeal = _lock(session, Appeal, appeal_id)
    if not isinstance(appeal, Appeal):
        raise NotFound(f"no appeal {appeal_id}", code="appeal_not_found")
    # The locks of the target's channel and account first, then the decision (the order every
    # path that applies or lifts a restriction takes, `restrictions`): two appeals against one
    # decision wait for each other, and the second sees the first's reversal, so a reversal
    # (and its voiding) happens once; a decision being taken on the same object commits before
    # this reads what is in force, or after this has lifted.
    unlocked = session.get(Decision, appeal.decision_id)
    assert unlocked is not None
    case = lock_objects_of(session, unlocked.case_id)
    decision = _lock(session, Decision, appeal.decision_id)
    assert isinstance(decision, Decision)
    if appeal.status != AppealStatus.OPEN.value:
        raise Conflict("the appeal is decided already", code="appeal_decided")
    if decision.moderator == staff.actor:
        raise Forbidden("a different moderator decides the appeal", code="same_moderator")
    if len(answer.strip()) < 10:
        raise InvalidInput("write the answer the appellant receives", code="answer_missing")
    refuse_personal_data(answer)
    if reverse and decision.reversed_at is not None:
        raise Conflict("the decision was reversed already", code="decision_reversed")
    clock = ctx.clock
    now = clock.now()
    kept: list[str] = []
    if reverse:
        kept = lift_restriction(
            session,
            case,
            decision,
            reason=f"appeal {appeal.id} upheld",
            actor=staff.actor,
            clock=clock,
        )
    move_appeal(appeal, AppealStatus.REVERSED if reverse else AppealStatus.UPHELD)
    appeal.decided_by, appeal.answer, appeal.decided_at = staff.actor, answer.strip(), now
    if not reverse:
        outcome = "rejected: the decision stands"
    elif kept:
        # the owner learns why something stays restricted, and by which decision to appeal
        outcome = (
            "reversed: what only this decision imposed is lifted; decision "
            f"{', '.join(kept)}, taken separately, still restricts the same content or account"
        )
    else:
        outcome = "reversed: the restriction is lifted"
    effects.enqueue_notice(
        session,
        key=f"{appeal.id}:answer",
        account_id=appeal.appellant_account_id,
        message=f"Your appeal against decision {decision.id} was {outcome}. {appeal.answer}",
        subject=f"decision:{decision.id}",
        clock=clock,
    )
    audit.append(
        session,
        "appeal.decided",
        actor=staff.actor,
        subject=f"decision:{decision.id}",
        body={"appeal": appeal.id, "outcome": appeal.status, "still_in_force": kept},
        clock=clock,
    )
    figures.appeal_decided(session, appeal)
    return appeal
