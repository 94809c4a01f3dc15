"""What moderation adds to the quarterly transparency figures (platform-wide: a report has no
country), counted in the transaction of the change (lawline.tally). The rules are those of
`lawline.transparency.recount`, which recounts them from the views to check these counters:
reports by their time and category, from trusted flaggers, on cases triaged automatically;
decisions by their time, action and ground, channels delisted, automated detection, and the
time from a case's first report to its decision (for the median); appeals filed and decided
by their times, and reversals.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.moderation.models import Appeal, Case, Decision, Report
from lawline.tally import figures as names
from lawline.tally.service import count, duration


def report_received(session: Session, report: Report, case: Case, *, was_triaged: bool) -> None:
    """Count a new report. A report counts as triaged automatically when its case carries a
    model's (or a hash bank's) suggestion; when this report is the one that brought the
    suggestion to an older case, that case's earlier reports become automated too, each in
    its own quarter."""
    count(session, names.REPORTS, at=report.created_at, scope=names.PLATFORM, key=report.category)
    if report.trusted_flagger_id is not None:
        count(session, names.REPORTS_TRUSTED, at=report.created_at, scope=names.PLATFORM)
    if case.triage_model is None:
        return
    if was_triaged:
        count(session, names.REPORTS_AUTOMATED, at=report.created_at, scope=names.PLATFORM)
        return
    # one case's reports, this one included: a handful of rows
    for created_at in session.scalars(select(Report.created_at).where(Report.case_id == case.id)):
        count(session, names.REPORTS_AUTOMATED, at=created_at, scope=names.PLATFORM)


def case_decided(session: Session, case: Case, decision: Decision) -> None:
    at = decision.decided_at
    count(session, names.DECISIONS, at=at, scope=names.PLATFORM, key=decision.action)
    ground = decision.statement.get("ground")
    if ground is not None:
        count(session, names.DECISIONS_BY_GROUND, at=at, scope=names.PLATFORM, key=str(ground))
    if decision.action == "delist" and case.target_kind == "channel":
        count(session, names.CHANNELS_DELISTED, at=at, scope=names.PLATFORM)
    if decision.statement.get("automated_detection"):
        count(session, names.AUTOMATED_DETECTION, at=at, scope=names.PLATFORM)
    seconds = (at - case.first_report_at).total_seconds()
    duration(session, names.TIME_TO_DECISION, at=at, scopes=(names.PLATFORM,), seconds=seconds)


def appeal_filed(session: Session, appeal: Appeal) -> None:
    count(session, names.APPEALS_RECEIVED, at=appeal.filed_at, scope=names.PLATFORM)


def appeal_decided(session: Session, appeal: Appeal) -> None:
    assert appeal.decided_at is not None
    count(session, names.APPEALS_DECIDED, at=appeal.decided_at, scope=names.PLATFORM)
    if appeal.status == "reversed":
        count(session, names.APPEALS_REVERSED, at=appeal.decided_at, scope=names.PLATFORM)
