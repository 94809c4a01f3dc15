"""The worker as lawline runs it: the outbox worker with every handler and scheduled job.

Handlers that know domains are registered here, above the domains, so the outbox itself stays
ground level. `lawline worker` runs this; `lawline serve` runs one in a thread beside the API.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from lawline.core.clock import Clock
from lawline.core.errors import InvalidInput
from lawline.legal import retention, user_notices
from lawline.legal.context import LegalContext
from lawline.legal.models import UserNotification
from lawline.moderation import effects as moderation_effects
from lawline.outbox import service as outbox
from lawline.outbox.models import Intent
from lawline.outbox.worker import Job, Worker
from lawline.platform.protocol import Platform
from lawline.runtime import Runtime

NOTICES_EVERY = timedelta(minutes=1)
SWEEP_EVERY = timedelta(minutes=15)

# the Platform methods an intent may call: the idempotent actions, nothing else
PLATFORM_ACTIONS = frozenset(
    {"set_channel_listed", "set_channel_removed", "set_post_removed", "set_account_banned"}
)


def _applied(done: bool) -> str:
    return "applied" if done else "target_missing"


def apply_platform_action(platform: Platform, intent: Intent) -> str:
    method = str(intent.payload["method"])
    if method not in PLATFORM_ACTIONS:
        raise InvalidInput("not a platform action", code="intent_invalid")
    args: dict[str, Any] = dict(intent.payload["args"])
    return _applied(bool(getattr(platform, method)(**args)))


def deliver_notice(platform: Platform, intent: Intent) -> str:
    payload = intent.payload
    return _applied(
        platform.notify_user(str(payload["account_id"]), str(payload["message"]), key=intent.key)
    )


def worker_for(runtime: Runtime) -> Worker:
    """The worker of a running lawline, woken by its commits."""
    return build_worker(
        runtime.sessions,
        platform=runtime.platform,
        clock=runtime.clock,
        legal=runtime.legal,
        wakeup=runtime.outbox_wakeup,
        read_sessions=runtime.read_sessions,
    )


def build_worker(
    sessions: sessionmaker[Session],
    *,
    platform: Platform,
    clock: Clock,
    legal: LegalContext | None = None,
    wakeup: threading.Event | None = None,
    read_sessions: sessionmaker[Session] | None = None,
) -> Worker:
    """A worker with every handler; the retention sweep is scheduled when `legal` is given."""
    worker = Worker(sessions, clock, wakeup=wakeup, read_sessions=read_sessions)

    def platform_action(_session: Session, intent: Intent) -> str:
        return apply_platform_action(platform, intent)

    def notice(_session: Session, intent: Intent) -> str:
        return deliver_notice(platform, intent)

    def reporter_outcome(session: Session, intent: Intent) -> str:
        outcome = deliver_notice(platform, intent)
        moderation_effects.mark_reporter_told(session, str(intent.payload["report_id"]), clock)
        return outcome

    def user_notice(session: Session, intent: Intent) -> str:
        notification = session.get(UserNotification, int(intent.payload["notification_id"]))
        if notification is None or notification.sent_at is not None:
            return "already_sent"
        message = user_notices.notice_text(session, notification)
        outcome = _applied(platform.notify_user(notification.account_id, message, key=intent.key))
        user_notices.mark_sent(session, notification.id, clock)
        return outcome

    worker.handle(moderation_effects.PLATFORM_ACTION, platform_action)
    worker.handle(outbox.NOTICE, notice)  # moderation statements, staff alerts
    worker.handle(moderation_effects.REPORTER_OUTCOME, reporter_outcome)
    worker.handle(user_notices.USER_NOTICE, user_notice)
    # the jobs nobody has to remember to put in cron
    worker.schedule(
        Job("legal.user_notices", NOTICES_EVERY, lambda s: user_notices.queue_due_notices(s, clock))
    )
    if legal is not None:
        ctx = legal
        worker.schedule(
            Job("legal.retention_sweep", SWEEP_EVERY, lambda s: retention.sweep(s, ctx))
        )
    return worker
