"""Users are told of a disclosure about them through the platform, by the worker, once the gag
date has passed: the notification row is marked sent and audited, and never sent twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lawline.audit.models import AuditEntry
from lawline.legal.models import UserNotification
from lawline.platform.embedded import EmbeddedPlatform
from lawline.worker import worker_for
from tests.factories import request_document
from tests.legal.conftest import LegalApi
from tests.legal.test_workflow import staff_post

pytestmark = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


def _state(api: LegalApi) -> tuple[list[datetime | None], list[AuditEntry]]:
    with api.runtime.sessions() as session:
        sent = [n.sent_at for n in session.execute(select(UserNotification)).scalars()]
        entries = list(
            session.execute(
                select(AuditEntry).where(AuditEntry.entry_type == "user_notification.sent")
            ).scalars()
        )
    return sent, entries


def test_the_disclosure_notice_is_sent_after_the_gag_date_and_audited_once(
    legal_api: LegalApi,
) -> None:
    created = legal_api.client("nl").submit(request_document(gag_until="2027-01-31"))
    staff_post(legal_api, "anna", created["id"], "approve")
    assert staff_post(legal_api, "bert", created["id"], "approve")["status"] == "disclosed"
    platform = legal_api.runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    worker = worker_for(legal_api.runtime)
    worker.run_once()
    assert platform.notices("100005") == []  # the non-disclosure order still runs
    assert _state(legal_api) == ([None], [])
    legal_api.clock.advance(timedelta(days=73))  # 1 February: the gag of 31 January is over
    worker.run_once()
    legal_api.clock.advance(timedelta(minutes=5))
    worker.run_once()  # another round: nothing is sent twice
    notices = platform.notices("100005")
    assert len(notices) == 1
    key, message = notices[0]
    assert created["id"] in message
    assert "until 2027-01-31" in message
    assert "subscriber.phone, traffic.ip" in message
    sent, entries = _state(legal_api)
    assert sent == [legal_api.clock.now() - timedelta(minutes=5)]
    assert [(e.subject, e.body["account"]) for e in entries] == [
        (f"request:{created['id']}", "100005")
    ]
    assert key.startswith("user-notice:")
