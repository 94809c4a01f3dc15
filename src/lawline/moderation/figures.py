"""What moderation adds to the quarterly transparency figures (platform-wide: a report has no
country), counted in the transaction of the change (lawline.tally). The rules are those of
`lawline.transparency.recount`, which recounts them from the views to check these counters:
reports by their time and category, from trusted flaggers, on cases triaged automatically;
decisions by their time, action and ground, channels delisted, automated detection, and the
time from a case's first report to its decision (for the median); appeals filed and decided
by their times, and reversals; notifiers' complaints count as appeals (both are DSA Art. 20
complaints), an upheld one as a reversal. For the EU templates, each report (a notice) counts
as acted on by its case's decision, by ground, with its time to that decision (for the median);
an upheld complaint supersedes the decision, which takes both back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.moderation.models import Appeal, Case, Complaint, Decision, Report
from lawline.tally import figures as names
from lawline.tally.service import (
    Increment,
    count,
    count_all,
    duration,
    durations,
    withdraw_durations,
)


def report_received(session: Session, report: Report, case: Case, *, was_triaged: bool) -> None:
    """Count a new report. A report counts as triaged automatically when its case carries a
    model's (or a hash bank's) suggestion; when this report is the one that brought the
    suggestion to an older case, that case's earlier reports become automated too, each in
    its own quarter."""
    at, everywhere = report.created_at, names.PLATFORM
    counted = [Increment(names.REPORTS, at, everywhere, report.category)]
    if report.trusted_flagger_id is not None:
        counted.append(Increment(names.REPORTS_TRUSTED, at, everywhere))
    if case.triage_model is not None and was_triaged:
        counted.append(Increment(names.REPORTS_AUTOMATED, at, everywhere))
    elif case.triage_model is not None:
        # one case's reports, this one included: a handful of rows
        earlier = session.scalars(select(Report.created_at).where(Report.case_id == case.id))
        counted += [Increment(names.REPORTS_AUTOMATED, t, everywhere) for t in earlier]
    count_all(session, counted)


def case_decided(session: Session, case: Case, decision: Decision) -> None:
    at, everywhere = decision.decided_at, names.PLATFORM
    counted = [Increment(names.DECISIONS, at, everywhere, decision.action)]
    ground = decision.statement.get("ground")
    ground_key = str(ground or "")
    if ground is not None:
        counted.append(Increment(names.DECISIONS_BY_GROUND, at, everywhere, str(ground)))
    if decision.action == "delist" and case.target_kind == "channel":
        counted.append(Increment(names.CHANNELS_DELISTED, at, everywhere))
    if decision.statement.get("automated_detection"):
        counted.append(Increment(names.AUTOMATED_DETECTION, at, everywhere))
    # the EU templates count notices: every report of the case takes this decision
    reported = _reported(session, case.id)
    if decision.action != "no_action":
        counted.append(Increment(names.NOTICES_ACTED_ON, at, everywhere, ground_key, len(reported)))
    count_all(session, counted)
    seconds = (at - case.first_report_at).total_seconds()
    duration(session, names.TIME_TO_DECISION, at=at, scopes=(everywhere,), seconds=seconds)
    durations(
        session,
        names.NOTICE_TIME_TO_ACTION,
        at=at,
        scopes=(everywhere,),
        seconds=[(at - t).total_seconds() for t in reported],
    )


def _reported(session: Session, case_id: int) -> list[datetime]:
    """When each report of the case was made. A decided case takes no new report (intake locks
    the open case, as deciding does), so this set is the same when the decision is superseded."""
    return list(session.scalars(select(Report.created_at).where(Report.case_id == case_id)))


def decision_superseded(session: Session, decision: Decision) -> None:
    """An upheld complaint found the decision wrong: its case's reports no longer count as acted
    on by it (they will with the new decision), in the quarter it was made."""
    at, everywhere = decision.decided_at, names.PLATFORM
    reported = _reported(session, decision.case_id)
    if decision.action != "no_action":
        key = str(decision.statement.get("ground") or "")
        count(session, names.NOTICES_ACTED_ON, at=at, scope=everywhere, key=key, n=-len(reported))
    withdraw_durations(
        session,
        names.NOTICE_TIME_TO_ACTION,
        at=at,
        scope=everywhere,
        seconds=[(at - t).total_seconds() for t in reported],
    )


def appeal_filed(session: Session, appeal: Appeal) -> None:
    count(session, names.APPEALS_RECEIVED, at=appeal.filed_at, scope=names.PLATFORM)


def appeal_decided(session: Session, appeal: Appeal) -> None:
    at = appeal.decided_at
    assert at is not None
    reversed_ = int(appeal.status == "reversed")
    count_all(
        session,
        [
            Increment(names.APPEALS_DECIDED, at, names.PLATFORM),
            Increment(names.APPEALS_REVERSED, at, names.PLATFORM, n=reversed_),
        ],
    )


def complaint_filed(session: Session, complaint: Complaint) -> None:
    count(session, names.APPEALS_RECEIVED, at=complaint.filed_at, scope=names.PLATFORM)


def complaint_decided(session: Session, complaint: Complaint) -> None:
    at = complaint.decided_at
    assert at is not None
    wrong = int(complaint.status == "upheld")  # the decision was wrong: a reversal
    count_all(
        session,
        [
            Increment(names.APPEALS_DECIDED, at, names.PLATFORM),
            Increment(names.APPEALS_REVERSED, at, names.PLATFORM, n=wrong),
        ],
    )
