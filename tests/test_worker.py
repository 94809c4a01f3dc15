"""Effects after commit, end to end on SQLite and PostgreSQL: a worker killed half-way, an API
killed between commit and response, a decision whose commit fails, several workers at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass

import pyotp
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lawline.audit.models import AuditEntry
from lawline.core.db import transaction
from lawline.core.errors import Conflict
from lawline.moderation import decisions
from lawline.moderation.models import Case, Decision, Report
from lawline.moderation.reports import submit_report
from lawline.outbox import service as outbox
from lawline.outbox.models import Intent
from lawline.platform.embedded import EmbeddedPlatform
from lawline.search import service as search
from lawline.staff.service import create_staff, get_staff
from lawline.worker import worker_for
from tests.conftest import Live
from tests.factories import STAFF_PASSWORD

REPORTER_ACCOUNT = "100010"
FACTS = "Promises guaranteed returns on crypto deposits."

KILL_WORKER_AFTER_HANDING_OVER_A_NOTICE = """
import os, signal
from lawline.runtime import Runtime
from lawline.worker import worker_for

runtime = Runtime()
platform = runtime.platform
hand_over = platform.notify_user

def hand_over_then_die(*args, **kwargs):
    hand_over(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # handed to the platform, not yet recorded as done

platform.notify_user = hand_over_then_die
worker_for(runtime).drain()
"""

KILL_API_AFTER_COMMIT = """
import os, signal, sys
from fastapi.testclient import TestClient
from sqlalchemy import event
from lawline.api.app import create_app
from lawline.outbox.service import OUTBOX_WRITTEN
from lawline.runtime import Runtime

runtime = Runtime()

def die_once_committed(session):
    if session.info.get(OUTBOX_WRITTEN):
        os.kill(os.getpid(), signal.SIGKILL)  # committed; the response is never sent

event.listen(runtime.sessions, "after_commit", die_once_committed, insert=True)
username, password, code, case_id, facts = sys.argv[1:]
client = TestClient(create_app(runtime))
token = client.post(
    "/v1/staff/login", json={"username": username, "password": password, "totp": code}
).json()["token"]
client.post(
    f"/v1/staff/cases/{case_id}/decision",
    json={"action": "remove", "category": "scam", "facts": facts},
    headers={"Authorization": f"Bearer {token}"},
)
print("the response was sent")
"""


@dataclass
class Scene:
    case_id: int
    channel_id: str
    channel_name: str
    word: str
    owner: str
    totp_secret: str


def _scene(live: Live) -> Scene:
    runtime = live.runtime
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["scam"][0])
    assert channel is not None
    with transaction(runtime.sessions) as session:
        search.reindex(session, platform, runtime.clock)
        _, secret = create_staff(
            session,
            username="mo",
            display_name="Mo",
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
            reporter_id="tg-reporter-1",
            idempotency_key=None,
            via="bot",
            notify_account_id=REPORTER_ACCOUNT,
        ).case
        case_id = case.id
    return Scene(
        case_id, channel.id, channel.name, channel.title.split()[0], channel.owner_id, secret
    )


def _decide(live: Live, scene: Scene) -> str:
    with transaction(live.runtime.sessions) as session:
        return decisions.decide(
            session,
            live.runtime.moderation,
            scene.case_id,
            staff=get_staff(session, "mo"),
            action="remove",
            category="scam",
            facts=FACTS,
        ).id


def _platform(live: Live) -> EmbeddedPlatform:
    platform = live.runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    return platform


def _in_search(live: Live, scene: Scene) -> bool:
    with live.runtime.sessions() as session:
        return scene.channel_name in [h.name for h in search.search(session, scene.word, 100)]


def _run(live: Live, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env={**os.environ, **live.env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _assert_every_effect_applied_once(live: Live, scene: Scene) -> None:
    platform = _platform(live)
    channel = platform.channel(scene.channel_id)
    assert channel is not None
    assert (channel.listed, channel.removed) == (False, True)
    with live.runtime.sessions() as session:
        intents = session.execute(select(Intent)).scalars().all()
        assert {i.status for i in intents} == {"done"}
        applied = Counter(
            e.body["key"]
            for e in session.execute(
                select(AuditEntry).where(AuditEntry.entry_type == "effect.applied")
            ).scalars()
        )
        assert applied == Counter({i.key: 1 for i in intents})
        report = session.execute(select(Report)).scalar_one()
        assert report.notified_at is not None
    statements = platform.notices(scene.owner)
    assert len(statements) == 1
    assert FACTS in statements[0][1]
    outcomes = platform.notices(REPORTER_ACCOUNT)
    assert [m for _, m in outcomes] == [
        f"Your report about case {scene.case_id} was decided: it was removed."
    ]


def test_a_worker_killed_half_way_leaves_every_effect_applied_once_after_restart(
    live: Live,
) -> None:
    scene = _scene(live)
    _decide(live, scene)
    # committed, not yet applied: lawline's search has changed, the platform has not
    assert not _in_search(live, scene)
    assert _platform(live).channel(scene.channel_id).listed  # type: ignore[union-attr]
    died = _run(live, "-c", KILL_WORKER_AFTER_HANDING_OVER_A_NOTICE)
    assert died.returncode == -9, died.stderr
    assert len(_platform(live).notices(scene.owner)) == 1  # handed over before it died ...
    with live.runtime.sessions() as session:
        assert outbox.counts(session)["pending"] >= 1  # ... but not recorded as done
    restarted = _run(live, "-m", "lawline", "worker", "run", "--once")
    assert restarted.returncode == 0, restarted.stderr
    _assert_every_effect_applied_once(live, scene)


def test_an_api_killed_between_commit_and_response_loses_no_effect(live: Live) -> None:
    scene = _scene(live)
    code = pyotp.TOTP(scene.totp_secret).now()
    died = _run(
        live, "-c", KILL_API_AFTER_COMMIT, "mo", STAFF_PASSWORD, code, str(scene.case_id), FACTS
    )
    assert died.returncode == -9, died.stderr
    assert "the response was sent" not in died.stdout
    with live.runtime.sessions() as session:
        assert session.get(Case, scene.case_id).status == "decided"  # type: ignore[union-attr]
    assert not _in_search(live, scene)
    assert _platform(live).channel(scene.channel_id).listed  # type: ignore[union-attr]
    worker_for(live.runtime).run_once()
    _assert_every_effect_applied_once(live, scene)
    # the moderator retries, not knowing it went through: told it is decided, nothing doubled
    with pytest.raises(Conflict) as again:
        _decide(live, scene)
    assert again.value.code == "case_decided"
    worker_for(live.runtime).run_once()
    _assert_every_effect_applied_once(live, scene)


def _fail_the_next_commit(live: Live) -> None:
    if live.backend == "sqlite":
        # The database turns read-only as the transaction commits: the signed tree head that
        # every audited commit writes can no longer be stored, and COMMIT never happens.
        def read_only(session: Session) -> None:
            session.execute(text("PRAGMA query_only = 1"))

        event.listen(live.runtime.sessions, "before_commit", read_only, insert=True, once=True)
        return
    with live.runtime.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE CONSTRAINT TRIGGER refuse_decisions AFTER INSERT ON moderation_decisions"
                " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()"
            )
        )


def test_a_decision_whose_commit_fails_changes_neither_platform_nor_search(live: Live) -> None:
    scene = _scene(live)
    _fail_the_next_commit(live)
    with pytest.raises(DBAPIError):
        _decide(live, scene)
    live.runtime.engine.dispose()  # no pooled connection keeps the read-only switch
    worker_for(live.runtime).run_once()
    with live.runtime.sessions() as session:
        assert session.execute(select(Decision)).first() is None
        assert session.get(Case, scene.case_id).status == "open"  # type: ignore[union-attr]
        assert session.execute(select(Intent)).first() is None
        made = select(AuditEntry).where(AuditEntry.entry_type == "decision.made")
        assert session.execute(made).first() is None
    channel = _platform(live).channel(scene.channel_id)
    assert channel is not None
    assert (channel.listed, channel.removed) == (True, False)
    assert _in_search(live, scene)
    assert _platform(live).notices(scene.owner) == []


def test_several_workers_share_the_work_and_apply_each_intent_once(live: Live) -> None:
    runtime = live.runtime
    applied: list[str] = []
    lock = threading.Lock()
    with transaction(runtime.sessions) as session:
        for n in range(40):
            outbox.enqueue(
                session,
                key=f"k{n}",
                kind="test.count",
                lane=f"lane:{n % 7}",
                subject="test:workers",
                payload={},
                clock=runtime.clock,
            )

    def count(_session: Session, intent: Intent) -> str:
        with lock:
            applied.append(intent.key)
        return "applied"

    workers = [worker_for(runtime) for _ in range(4)]
    for worker in workers:
        worker.handle("test.count", count)
    threads = [threading.Thread(target=w.drain) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(applied) == sorted(f"k{n}" for n in range(40))
    with runtime.sessions() as session:
        assert outbox.counts(session) == {"pending": 0, "failing": 0, "done": 40}
