"""An appeal reversed at the same moment by two moderators on two real connections: the
violation is voided once and the platform undo is queued once. A second appeal against the same
decision is refused (one internal complaint per decision), so two appeals cannot race either."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from lawline.audit.models import AuditEntry
from lawline.core.db import transaction
from lawline.core.errors import Conflict
from lawline.moderation import appeals, decisions
from lawline.moderation.models import Appeal, Violation
from lawline.moderation.reports import submit_report
from lawline.outbox.models import Intent
from lawline.platform.embedded import EmbeddedPlatform
from lawline.staff.service import create_staff, get_staff
from tests.conftest import Live
from tests.factories import STAFF_PASSWORD


def test_two_reversals_at_once_void_the_violation_once(live: Live) -> None:
    runtime = live.runtime
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["scam"][0])
    assert channel is not None
    with transaction(runtime.sessions) as session:
        for name in ("mo", "ana", "ben"):
            create_staff(
                session,
                username=name,
                display_name=name,
                roles=["moderator"],
                password=STAFF_PASSWORD,
                actor="staff:admin",
            )
        case = submit_report(
            session,
            runtime.moderation,
            target=f"t.me/{channel.name}",
            category="scam",
            text="",
            reporter_id="user-0001",
            idempotency_key=None,
            via="api",
        ).case
        decision = decisions.decide(
            session,
            runtime.moderation,
            case.id,
            staff=get_staff(session, "mo"),
            action="remove",
            category="scam",
            facts="Promises guaranteed returns on crypto deposits.",
        )
        appeal_id = appeals.file_appeal(
            session,
            decision.id,
            staff=get_staff(session, "mo"),
            appellant_account_id=channel.owner_id,
            grounds="It is a parody.",
            clock=runtime.clock,
        ).id
    with transaction(runtime.sessions) as session:
        try:
            appeals.file_appeal(
                session,
                decision.id,
                staff=get_staff(session, "mo"),
                appellant_account_id=channel.owner_id,
                grounds="A second appeal.",
                clock=runtime.clock,
            )
            second = "filed"
        except Conflict as exc:
            second = exc.code
    assert second == "appeal_exists"
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def reverse(moderator: str) -> None:
        with runtime.sessions() as session:
            staff = get_staff(session, moderator)
            session.rollback()  # both start their transaction at the barrier
            start.wait(timeout=30)
            try:
                appeals.decide_appeal(
                    session,
                    runtime.moderation,
                    appeal_id,
                    staff=staff,
                    reverse=True,
                    answer="On review the channel is satire.",
                )
                session.commit()
                outcomes[moderator] = "reversed"
            except Conflict as exc:
                session.rollback()
                outcomes[moderator] = exc.code

    threads = [threading.Thread(target=reverse, args=(who,)) for who in ("ana", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2
    assert list(outcomes.values()).count("reversed") == 1, outcomes
    with runtime.sessions() as session:
        voided = session.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entry_type == "violation.voided")
        ).scalar_one()
        assert voided == 1
        violation = session.execute(select(Violation)).scalar_one()
        assert violation.voided_at is not None
        undo = session.execute(
            select(Intent.key).where(Intent.key.like(f"{decision.id}:undo:%"))
        ).scalars()
        assert sorted(undo) == [
            f"{decision.id}:undo:channel_delisted",
            f"{decision.id}:undo:channel_removed",
        ]
        statuses = sorted(a.status for a in session.execute(select(Appeal)).scalars())
        assert statuses == ["reversed"]
