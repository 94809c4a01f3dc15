"""Notifiers' complaints (DSA Art. 20(1)): whoever filed a report on a case may complain against
the decision taken upon it, whatever the action (`no_action` included), within the six months
owners have for appeals. The notifier proves it filed the report with the one-time receipt it
was shown, or by what it holds and the server checks (a trusted flagger's API key, the Telegram
user the report bot's webhook vouches for); it never names itself. A different moderator
decides with a written answer: `upheld` means the decision was wrong, it is marked superseded
and the case goes back to the queue for a new decision by someone else; `rejected` means it
stands. A complainant with a chat (the report bot) is sent the answer, and after an upheld
complaint the new decision, through the outbox. The owner's appeal
(lawline.moderation.appeals) is separate and unchanged."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from lawline.core.ids import new_id
from lawline.core.pii import refuse_personal_data
from lawline.moderation import effects, figures, redress
from lawline.moderation.context import ModerationContext
from lawline.moderation.models import Case, Complaint, Decision, Report
from lawline.moderation.reports import receipt_hash
from lawline.moderation.restrictions import lock_objects_of
from lawline.moderation.workflow import CaseStatus, ComplaintStatus, move_case, move_complaint
from lawline.staff.service import Action, Staff, acting


def _proven_report(
    session: Session, report_id: str, *, receipt: str | None, proven_reporter_id: str | None
) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report {report_id}", code="report_not_found")
    if proven_reporter_id is not None:
        if report.reporter_id != proven_reporter_id:
            raise Forbidden("the report is another reporter's", code="not_the_reporter")
        return report
    if not receipt:
        raise Forbidden("send the receipt the report was filed with", code="receipt_missing")
    expected = report.receipt_sha256
    if expected is None or not hmac.compare_digest(expected, receipt_hash(receipt)):
        raise Forbidden("the receipt does not belong to this report", code="receipt_invalid")
    return report


def file_complaint(
    session: Session,
    report_id: str,
    *,
    receipt: str | None,
    proven_reporter_id: str | None,
    grounds: str,
    clock: Clock,
    notify_account_id: str | None = None,
) -> Complaint:
    """File the notifier's complaint against the current decision on its report's case.

    `proven_reporter_id` is the reporter as the server knows it from something it holds (a
    trusted flagger's key, the bot's Telegram user); without it the receipt is the proof.
    `notify_account_id` is the complainant's platform account when the front end has a chat
    with it (the report bot): the answer is pushed there."""
    report = _proven_report(
        session, report_id, receipt=receipt, proven_reporter_id=proven_reporter_id
    )
    current = session.scalar(
        select(Decision.id)
        .where(Decision.case_id == report.case_id, Decision.superseded_at.is_(None))
        .order_by(Decision.decided_at.desc())
        .limit(1)
    )
    if current is None:
        raise Conflict("the case is not decided yet", code="case_not_decided")
    # The decision's row lock orders racing complaints (and appeals) against it.
    decision = session.get(Decision, current, with_for_update=True, populate_existing=True)
    assert decision is not None
    filed = session.scalar(
        select(Complaint.id).where(
            Complaint.decision_id == decision.id, Complaint.complainant_id == report.reporter_id
        )
    )
    stated = redress.checked_grounds(
        redress.COMPLAINT, decision, filed=filed, grounds=grounds, now=clock.now()
    )
    complaint = Complaint(
        id=new_id("cpl"),
        decision_id=decision.id,
        report_id=report.id,
        complainant_id=report.reporter_id,
        grounds=stated,
        filed_at=clock.now(),
        status=ComplaintStatus.OPEN.value,
        notify_account_id=notify_account_id,
    )
    session.add(complaint)
    session.flush()
    audit.append(
        session,
        "complaint.filed",
        actor=f"reporter:{report.reporter_id}",
        subject=f"decision:{decision.id}",
        body={"complaint": complaint.id, "report": report.id},
        clock=clock,
    )
    figures.complaint_filed(session, complaint)
    return complaint


def open_complaints(session: Session, limit: int) -> list[Complaint]:
    """The complaints waiting for an answer, oldest first (DSA Art. 20(4): timely)."""
    return list(
        session.scalars(
            select(Complaint)
            .where(Complaint.status == ComplaintStatus.OPEN.value)
            .order_by(Complaint.filed_at, Complaint.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class ComplaintView:
    """A complaint with the decision it is against and that decision's case, for the pages."""

    complaint: Complaint
    decision: Decision
    case: Case


def complaint_views(
    session: Session, *, complaint_id: str | None = None, limit: int = 100
) -> list[ComplaintView]:
    """The open complaints, oldest first, or the one complaint `complaint_id` whatever its
    status."""
    query = (
        select(Complaint, Decision, Case)
        .join(Decision, Decision.id == Complaint.decision_id)
        .join(Case, Case.id == Decision.case_id)
    )
    if complaint_id is None:
        query = query.where(Complaint.status == ComplaintStatus.OPEN.value)
    else:
        query = query.where(Complaint.id == complaint_id)
    rows = session.execute(query.order_by(Complaint.filed_at, Complaint.id).limit(limit)).all()
    return [ComplaintView(c, d, k) for c, d, k in rows]


def _newer_case_open(case_id: int | None) -> Conflict:
    return Conflict(
        "a newer case about the same target is open: decide it first",
        code="newer_case_open",
        case=case_id,
    )


def _refuse_if_newer_case_open(session: Session, case: Case) -> None:
    """One open case per target (`open_key` is unique). While a newer case about the target
    waits, the complaint cannot be upheld: reopening would make a second open case, and the two
    would be decided apart, each undoing what the other applies. The moderator decides the
    newer case (the fresh look at the target) and then answers the complaint."""
    newer = session.scalar(select(Case.id).where(Case.open_key == case.target_key))
    if newer is not None and newer != case.id:
        raise _newer_case_open(newer)


def _reopen(session: Session, case: Case) -> None:
    """Back to the queue, taking new reports about the target again."""
    move_case(case, CaseStatus.OPEN)
    session.flush()
    try:
        with session.begin_nested():
            case.open_key = case.target_key
    except IntegrityError:  # a report opened a new case since the check: refused as well
        newer = session.scalar(select(Case.id).where(Case.open_key == case.target_key))
        raise _newer_case_open(newer) from None


def _tell_complainant(
    session: Session, complaint: Complaint, decision: Decision, *, anew: bool, clock: Clock
) -> None:
    """The reasoned answer (DSA Art. 20(5)) to a complainant with a chat. When the case waits
    for a new decision (`anew`) the account is kept until that decision is queued to it
    (`effects.tell_complainants`); otherwise the answer is all it is told and the account goes."""
    if complaint.notify_account_id is None:
        return
    if anew:
        outcome = "upheld: another moderator decides the case anew, and you will be told"
    elif complaint.status == ComplaintStatus.UPHELD.value:
        outcome = "upheld: the case was decided anew already"
    else:
        outcome = "rejected: the decision stands"
    effects.enqueue_notice(
        session,
        key=f"{complaint.id}:answer",
        account_id=complaint.notify_account_id,
        message=(
            f"Your complaint {complaint.id} against decision {decision.id} was {outcome}. "
            f"{complaint.answer}"
        ),
        subject=f"decision:{decision.id}",
        clock=clock,
    )
    if not anew:
        complaint.notify_account_id = None  # kept only until the last notice is on its way


def decide_complaint(
    session: Session,
    ctx: ModerationContext,
    complaint_id: str,
    *,
    staff: Staff,
    upheld: bool,
    answer: str,
) -> Complaint:
    acting(session, staff, Action.MODERATION_APPEAL_DECIDE)
    complaint = session.get(Complaint, complaint_id, with_for_update=True, populate_existing=True)
    if complaint is None:
        raise NotFound(f"no complaint {complaint_id}", code="complaint_not_found")
    # the locks of the target's objects, then the decision: the order of `restrictions`
    unlocked = session.get(Decision, complaint.decision_id)
    assert unlocked is not None
    case = lock_objects_of(session, unlocked.case_id)
    decision = session.get(
        Decision, complaint.decision_id, with_for_update=True, populate_existing=True
    )
    assert decision is not None
    if complaint.status != ComplaintStatus.OPEN.value:
        raise Conflict("the complaint is decided already", code="complaint_decided")
    if decision.moderator == staff.actor:
        raise Forbidden("a different moderator decides the complaint", code="same_moderator")
    if len(answer.strip()) < 10:
        raise InvalidInput("write the answer the complainant receives", code="answer_missing")
    refuse_personal_data(answer)
    clock = ctx.clock
    now = clock.now()
    reopened = False
    superseding = upheld and decision.superseded_at is None
    if superseding:
        if case.status == CaseStatus.DECIDED.value:
            _refuse_if_newer_case_open(session, case)
            _reopen(session, case)
            reopened = True
        decision.superseded_at = now
    move_complaint(complaint, ComplaintStatus.UPHELD if upheld else ComplaintStatus.REJECTED)
    complaint.decided_by, complaint.answer, complaint.decided_at = staff.actor, answer.strip(), now
    anew = upheld and case.status == CaseStatus.OPEN.value
    _tell_complainant(session, complaint, decision, anew=anew, clock=clock)
    audit.append(
        session,
        "complaint.decided",
        actor=staff.actor,
        subject=f"decision:{decision.id}",
        body={"complaint": complaint.id, "outcome": complaint.status, "reopened": reopened},
        clock=clock,
    )
    figures.complaint_decided(session, complaint)
    if superseding:  # counted after the audit entry, as every count is
        figures.decision_superseded(session, decision)
    return complaint
