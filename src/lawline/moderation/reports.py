"""Reports: a notice about a public channel, post or account (DSA Art. 16), merged into the open
case for its target, triaged on arrival. Trusted flaggers (Art. 22) go first; reporters who keep
sending manifestly unfounded notices are warned, then suspended (Art. 23)."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy import case as case_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import Conflict, Forbidden, InvalidInput, TooManyRequests
from lawline.core.ids import new_id
from lawline.core.pii import find_personal_data, is_phone_digits
from lawline.core.settings import Settings
from lawline.hashes.service import match_media, record_match
from lawline.moderation import figures
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.context import ModerationContext
from lawline.moderation.models import Case, Report, Reporter, TrustedFlagger
from lawline.moderation.targets import Target, resolve_target
from lawline.platform.protocol import Media, Platform

MAX_TEXT = 2000
# `reporter:<id>` must fit the audit log's actor column (128).
_REPORTER = re.compile(r"^[A-Za-z0-9_.:-]{4,100}$")


@dataclass(frozen=True)
class Submitted:
    report: Report
    case: Case
    replayed: bool  # the same idempotency key was seen: nothing new was stored
    # the one-time receipt (shown once, stored only as its SHA-256); None on a replay
    receipt: str | None = None


def _check_input(category: str, text: str, reporter_id: str) -> None:
    if category not in CATEGORIES:
        raise InvalidInput(
            f"unknown category; use one of {', '.join(CATEGORIES)}", code="category_unknown"
        )
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"the text has more than {MAX_TEXT} characters", code="text_too_long")
    if not _REPORTER.match(reporter_id):
        raise InvalidInput(
            "the reporter id is 4-100 letters, digits or _.:-", code="reporter_invalid"
        )
    if find_personal_data(reporter_id) or is_phone_digits(reporter_id):
        raise InvalidInput(
            "the reporter id must not be or contain a phone number or an IP address",
            code="reporter_invalid",
        )


def _count_reporter(session: Session, reporter_id: str) -> datetime | None:
    """Count one more report for the reporter, creating its row if new, and return its
    suspension (None if not suspended). The row stays locked for this transaction.

    Every report of one reporter passes this lock first, so its rate limit, idempotency keys and
    standing hold with racing connections (PostgreSQL); two first reports never collide on the
    row. One Core statement: `INSERT ... ON CONFLICT DO UPDATE` locks an existing row as
    `SELECT ... FOR UPDATE` would (waiting for a transaction that holds it) and counts the report
    in the same step. A report refused later takes the count back with its transaction (or
    savepoint); a replayed idempotency key takes it back itself (`_uncount_reporter`).
    """
    statement = _REPORTER_UPSERT[session.get_bind().dialect.name]
    suspended: datetime | None = session.execute(statement, {"id": reporter_id}).scalar_one()
    return suspended


def _reporter_upsert(insert: Any) -> Any:
    table = cast(Table, Reporter.__table__)
    statement = insert(table).values(id=bindparam("id"), reports=1, unfounded=0)
    return statement.on_conflict_do_update(
        index_elements=["id"], set_={"reports": table.c.reports + 1}
    ).returning(table.c.suspended_until)


_REPORTER_UPSERT = {
    "postgresql": _reporter_upsert(postgresql_insert),
    "sqlite": _reporter_upsert(sqlite_insert),
}
_REPORTS = cast(Table, Report.__table__)
_UNCOUNT_REPORTER = (
    update(cast(Table, Reporter.__table__))
    .where(Reporter.id == bindparam("reporter"))
    .values(reports=Reporter.reports - 1)
)
# The reporter's trusted-flagger id and its reports in the rate window, in one round trip.
_FLAGGER_AND_RECENT = select(
    select(TrustedFlagger.id)
    .where(TrustedFlagger.reporter_id == bindparam("reporter"))
    .scalar_subquery(),
    select(func.count())
    .select_from(Report)
    .where(Report.reporter_id == bindparam("reporter"), Report.created_at >= bindparam("since"))
    .scalar_subquery(),
)
# Distinct reporters of a case so far, and whether this reporter is one of them.
_CASE_REPORTERS = select(
    func.count(func.distinct(Report.reporter_id)),
    func.coalesce(func.max(case_((Report.reporter_id == bindparam("reporter"), 1), else_=0)), 0),
).where(Report.case_id == bindparam("case"))
_OPEN_CASE = select(Case).where(Case.open_key == bindparam("key")).with_for_update()
_COUNTED_ON_CASE = (
    "categories",
    "reports",
    "last_report_at",
    "trusted",
    "deadline_at",
    "reporters",
)
_CASE_UPDATE = (
    update(cast(Table, Case.__table__))
    .where(Case.id == bindparam("case"))
    .values({name: bindparam(f"new_{name}") for name in _COUNTED_ON_CASE})
)
_EARLIER = select(Report).where(
    Report.reporter_id == bindparam("reporter"), Report.idempotency_key == bindparam("key")
)


def _check_standing(suspended_until: datetime | None, now: datetime) -> None:
    if suspended_until is not None and suspended_until > now:
        raise Forbidden(
            "reporting is suspended until "
            f"{suspended_until:%Y-%m-%d} after repeated manifestly unfounded notices",
            code="reporter_suspended",
            suspended_until=suspended_until.isoformat(),
        )


def new_receipt() -> str:
    """256 random bits the reporter keeps to prove, later, that it filed the report."""
    return "llr_" + secrets.token_urlsafe(32)


def receipt_hash(receipt: str) -> bytes:
    # 256 random bits: a slow hash adds nothing (as for the flaggers' API keys)
    return hashlib.sha256(receipt.encode()).digest()


def request_fingerprint(target: str, category: str, text: str) -> str:
    """What an idempotency key is bound to: any change of the request changes it."""
    canonical = json.dumps({"target": target, "category": category, "text": text}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _flagger_within_rate(
    session: Session, reporter_id: str, now: datetime, settings: Settings
) -> str | None:
    """The reporter's trusted-flagger id (None for anyone else), once its rate is checked:
    trusted flaggers may send ten times as many reports in the window."""
    since = now - timedelta(seconds=settings.report_rate_window_seconds)
    flagger_id, recent = session.execute(
        _FLAGGER_AND_RECENT, {"reporter": reporter_id, "since": since}
    ).one()
    limit = settings.report_rate_limit * (10 if flagger_id is not None else 1)
    if recent >= limit:
        raise TooManyRequests(
            f"at most {limit} reports per {settings.report_rate_window_seconds // 60} minutes",
            code="rate_limited",
            retry_after_seconds=settings.report_rate_window_seconds,
        )
    return cast(str | None, flagger_id)


def _open_case(session: Session, target: Target, now: datetime, hours: int) -> Case:
    case = session.execute(_OPEN_CASE, {"key": target.key}).scalar_one_or_none()
    if case is not None:
        return case
    case = Case(
        target_key=target.key,
        target_kind=target.kind,
        channel_id=target.channel_id,
        post_id=target.post_id,
        account_id=target.account_id,
        status="open",
        open_key=target.key,
        categories={},
        reporters=0,
        reports=0,
        trusted=False,
        first_report_at=now,
        last_report_at=now,
        deadline_at=now + timedelta(hours=hours),
    )
    try:
        with session.begin_nested():
            session.add(case)
    except IntegrityError:  # another transaction opened it first
        return session.execute(_OPEN_CASE, {"key": target.key}).scalar_one()
    return case


def _update_case(session: Session, case: Case, values: dict[str, Any]) -> None:
    """Write `values` to the locked case row with one Core UPDATE and show them on the loaded
    object as committed state (the unit of work has nothing left to flush for it)."""
    session.execute(_CASE_UPDATE, {"case": case.id, **{f"new_{k}": v for k, v in values.items()}})
    for name, value in values.items():
        set_committed_value(case, name, value)


def target_text(platform: Platform, case: Case) -> str:
    """The public text of a case's target: what triage reads and moderators see first."""
    if case.channel_id is None:
        return ""
    channel = platform.channel(case.channel_id)
    if channel is None:
        return ""
    parts = [channel.title, channel.description]
    if case.post_id is not None:
        post = platform.post(case.channel_id, case.post_id)
        parts.append(post.text if post else "")
    else:
        parts += [p.text for p in platform.recent_posts(channel.id, limit=10)]
    return "\n".join(p for p in parts if p)


def target_media(platform: Platform, case: Case) -> list[Media]:
    """The images of a case's target: the post's, or those of the channel's newest posts."""
    if case.channel_id is None:
        return []
    if case.post_id is not None:
        return platform.post_media(case.channel_id, case.post_id)
    return [
        m
        for p in platform.recent_posts(case.channel_id, limit=10)
        for m in platform.post_media(case.channel_id, p.id)
    ]


def _match_known_media(session: Session, platform: Platform, case: Case, clock: Clock) -> None:
    """A match with a hash bank of known media outranks any text suggestion: the case goes to
    the top of the queue, its suggestion names the bank. Only hashes are kept, never media."""
    matches = match_media(session, target_media(platform, case))
    if not matches:
        return
    best = matches[0]
    case.media_match = best.bank.name
    case.triage_category = best.bank.category
    case.triage_score = 1.0
    case.triage_model = f"hash-bank:{best.bank.name}"
    session.flush()
    for match in matches:
        record_match(session, case.id, match, actor="system:hashes", clock=clock)


def submit_report(
    session: Session,
    ctx: ModerationContext,
    *,
    target: str,
    category: str,
    text: str,
    reporter_id: str,
    idempotency_key: str | None,
    via: str,
    notify_account_id: str | None = None,
) -> Submitted:
    """File a report. `notify_account_id` is the reporter's platform account when the front end
    knows it for sure (the bot's Telegram user): the outcome is then pushed to it."""
    platform, settings, clock = ctx.platform, ctx.settings, ctx.clock
    now = clock.now()
    _check_input(category, text, reporter_id)
    suspended_until = _count_reporter(session, reporter_id)
    fingerprint = request_fingerprint(target, category, text)
    if idempotency_key is not None:
        earlier = session.execute(
            _EARLIER, {"reporter": reporter_id, "key": idempotency_key}
        ).scalar_one_or_none()
        if earlier is not None:
            if earlier.request_sha256 != fingerprint:
                raise Conflict(
                    "this idempotency key was used for a different request",
                    code="idempotency_key_reused",
                )
            session.execute(_UNCOUNT_REPORTER, {"reporter": reporter_id})  # nothing new was filed
            case = session.get(Case, earlier.case_id)
            assert case is not None
            return Submitted(earlier, case, replayed=True)
    _check_standing(suspended_until, now)
    flagger_id = _flagger_within_rate(session, reporter_id, now, settings)
    resolved = resolve_target(platform, target)
    hours = settings.case_deadline_hours.get(category, CATEGORIES[category].deadline_hours)
    case = _open_case(session, resolved, now, hours)
    # Before the report is stored: the case row is locked, so the count stays exact.
    reporters, reported_before = session.execute(
        _CASE_REPORTERS, {"reporter": reporter_id, "case": case.id}
    ).one()
    receipt = new_receipt()
    row = {
        "id": new_id("rep"),
        "case_id": case.id,
        "reporter_id": reporter_id,
        "idempotency_key": idempotency_key,
        "request_sha256": fingerprint if idempotency_key is not None else None,
        "category": category,
        "text": text,
        "channel": via,
        "trusted_flagger_id": flagger_id,
        "created_at": now,
        "outcome": None,
        "notify_account_id": notify_account_id,
        "notified_at": None,
        "receipt_sha256": receipt_hash(receipt),
    }
    session.execute(insert(_REPORTS), row)
    # the stored row, in the session as if loaded (no SELECT), for the caller's answer
    report = Report(**row)
    make_transient_to_detached(report)
    session.add(report)
    counts = dict(case.categories)
    counts[category] = counts.get(category, 0) + 1
    _update_case(
        session,
        case,
        {
            "categories": counts,
            "reports": case.reports + 1,
            "last_report_at": now,
            "trusted": case.trusted or flagger_id is not None,
            "deadline_at": min(case.deadline_at, case.first_report_at + timedelta(hours=hours)),
            "reporters": reporters + (0 if reported_before else 1),
        },
    )
    was_triaged = case.triage_model is not None
    if case.triage_model is None:
        content = target_text(platform, case)
        triage = ctx.triage() if content else None
        if triage is not None:
            suggestion = triage.score(content)
            case.triage_category = suggestion.category
            case.triage_score = round(suggestion.score, 4)
            case.triage_model = suggestion.model
    if case.reports == 1:
        _match_known_media(session, platform, case, clock)
    audit.append(
        session,
        "report.received",
        actor=f"reporter:{reporter_id}",
        subject=f"case:{case.id}",
        body={
            "report": report.id,
            "category": category,
            "via": via,
            "trusted_flagger": flagger_id,
        },
        clock=clock,
    )
    figures.report_received(session, report, case, was_triaged=was_triaged)
    return Submitted(report, case, replayed=False, receipt=receipt)
