"""Writing intents (in the caller's transaction) and claiming them (in the worker's)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from lawline.core.clock import Clock
from lawline.outbox.models import Intent

PENDING, DONE = "pending", "done"
# A message to a platform account (`Platform.notify_user`, the intent's key as the platform's
# duplicate guard): a moderation statement to an owner, a staff alert to the team's account.
NOTICE = "platform.notice"
OUTBOX_WRITTEN = "lawline.outbox_written"  # session.info flag: wake a worker after commit
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(hours=1)


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    lane: str,
    subject: str,
    payload: Mapping[str, Any],
    clock: Clock,
) -> Intent | None:
    """Record an intent in the caller's transaction; None if one with this key exists already.

    Nothing happens outside the database until the transaction commits and a worker claims it,
    so a rollback leaves no effect behind.
    """
    if session.execute(select(Intent.id).where(Intent.key == key)).first() is not None:
        return None
    now = clock.now()
    intent = Intent(
        key=key,
        kind=kind,
        lane=lane,
        subject=subject,
        payload=dict(payload),
        status=PENDING,
        created_at=now,
        available_at=now,
        attempts=0,
    )
    session.add(intent)
    session.flush()
    session.info[OUTBOX_WRITTEN] = True
    return intent


def enqueue_notice(
    session: Session, *, key: str, account_id: str, message: str, subject: str, clock: Clock
) -> Intent | None:
    """A message to one platform account, after commit; one per key."""
    return enqueue(
        session,
        key=key,
        kind=NOTICE,
        lane=f"notice:{account_id}",
        subject=subject,
        payload={"account_id": account_id, "message": message},
        clock=clock,
    )


def due_intents(now: datetime) -> Select[Intent]:
    """Pending intents that are due and first in their lane, oldest first."""
    earlier = aliased(Intent)
    blocked = exists().where(
        earlier.lane == Intent.lane, earlier.status == PENDING, earlier.id < Intent.id
    )
    return (
        select(Intent)
        .where(Intent.status == PENDING, Intent.available_at <= now, ~blocked)
        .order_by(Intent.id)
    )


def claim_next(session: Session, now: datetime) -> Intent | None:
    """Lock the oldest intent that is due and first in its lane, skipping rows other workers
    hold (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's BEGIN IMMEDIATE admits one writer)."""
    return session.execute(
        due_intents(now).limit(1).with_for_update(skip_locked=True)
    ).scalar_one_or_none()


def retry_delay(attempts: int) -> timedelta:
    """Doubling back-off from five seconds, capped at an hour."""
    delay: timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 20))
    return min(delay, LONGEST_RETRY)


def counts(session: Session) -> dict[str, int]:
    """Intents by state: pending, failing (pending after at least one failed attempt), done."""
    result = {"pending": 0, "failing": 0, "done": 0}
    failed_before = Intent.attempts > literal_column("0")  # one expression, no parameter
    rows = session.execute(
        select(Intent.status, failed_before, func.count()).group_by(Intent.status, failed_before)
    ).all()
    for status, failed, count in rows:
        state = "done" if status == DONE else "failing" if failed else "pending"
        result[state] += count
    return result
