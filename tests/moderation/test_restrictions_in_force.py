"""Two decisions restricting one platform object: lifting one (an appeal, a superseded decision)
leaves what the other, still in force, imposes. On SQLite and PostgreSQL (`world`), and with
an appeal racing a decision on the same channel over real PostgreSQL connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lawline.api.app import create_app
from lawline.audit.models import AuditEntry
from lawline.core.db import transaction
from lawline.moderation import complaints, decisions
from lawline.moderation.models import Case, Decision
from lawline.moderation.reports import submit_report
from lawline.moderation.violations import confirmed_violations
from lawline.outbox.models import Intent
from lawline.platform.embedded import EmbeddedPlatform
from lawline.search import service as search
from lawline.worker import build_worker
from tests.moderation.conftest import World
from tests.moderation.test_actions import _appeal
from tests.moderation.test_complaints import _decide as _decide_http
from tests.moderation.test_complaints import _staff
from tests.moderation.test_report_races import _race, _setup

FACTS = "Promises guaranteed returns on crypto deposits."


def _report(world: World, target: str, reporter: str = "user-0001") -> tuple[Case, str, str]:
    """(case, report id, receipt) of a fresh report about `target`."""
    done = submit_report(
        world.session,
        world.ctx,
        target=target,
        category="scam",
        text="",
        reporter_id=reporter,
        idempotency_key=None,
        via="api",
    )
    assert done.receipt is not None
    return done.case, done.report.id, done.receipt


def _decide(world: World, case: Case, action: str, staff_name: str = "mo") -> str:
    staff = world.mo if staff_name == "mo" else world.max
    return decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=staff,
        action=action,
        category="scam",
        facts=FACTS,
    ).id


def _reverse(world: World, decision_id: str, owner: str) -> str:
    """The owner's appeal, upheld by the other moderator; the answer the owner is sent."""
    appeal_id = _appeal(world, decision_id, owner, reverse=True)
    world.apply_effects()
    return next(text for key, text in world.platform.notices(owner) if key.startswith(appeal_id))


def _scam_channel(world: World) -> tuple[str, str, str, int]:
    """(name, id, owner, a post id) of a scam channel, with search indexed."""
    search.reindex(world.session, world.platform, world.clock)
    channel = world.platform.channel(world.platform.channels_by_theme()["scam"][0])
    assert channel is not None
    post = world.platform.recent_posts(channel.id, limit=1)[0]
    return channel.name, channel.id, channel.owner_id, post.id


def _in_search(world: World, name: str) -> bool:
    channel = world.platform.channel(name)
    assert channel is not None
    word = channel.title.split()[0]
    return name in [hit.name for hit in search.search(world.session, word, 100)]


def test_reversing_a_delisting_keeps_the_channel_out_while_a_newer_delisting_stands(
    world: World,
) -> None:
    name, channel_id, owner, post_id = _scam_channel(world)
    channel_case, *_ = _report(world, f"t.me/{name}")
    older = _decide(world, channel_case, "delist")
    post_case, *_ = _report(world, f"t.me/{name}/{post_id}", reporter="user-0002")
    newer = _decide(world, post_case, "delist")
    world.apply_effects()

    answer = _reverse(world, older, owner)
    channel = world.platform.channel(channel_id)
    assert channel is not None
    assert not channel.listed
    assert not _in_search(world, name)
    assert newer in answer
    assert "still restricts" in answer
    entry = world.session.scalars(
        select(AuditEntry).where(AuditEntry.entry_type == "appeal.decided")
    ).one()
    assert entry.body["still_in_force"] == [newer]

    # the newer decision reversed too: nothing restricts the channel any more
    assert "the restriction is lifted" in _reverse(world, newer, owner)
    channel = world.platform.channel(channel_id)
    assert channel is not None
    assert channel.listed
    assert _in_search(world, name)


def test_reversing_a_ban_for_a_channel_leaves_the_ban_of_the_account_itself(world: World) -> None:
    name, channel_id, owner, _ = _scam_channel(world)
    channel_case, *_ = _report(world, f"t.me/{name}")
    for_channel = _decide(world, channel_case, "ban")
    account_case, *_ = _report(world, owner, reporter="user-0002")
    for_account = _decide(world, account_case, "ban")
    world.apply_effects()
    assert len(confirmed_violations(world.session, owner)) == 2

    answer = _reverse(world, for_channel, owner)
    channel = world.platform.channel(channel_id)
    account = world.platform.channel_owner(channel_id)
    assert channel is not None
    assert account is not None
    assert (channel.removed, channel.listed, account.banned) == (False, True, True)
    assert _in_search(world, name)
    assert for_account in answer
    # the reversed decision's violation is voided; the one still in force keeps the account
    # eligible for disclosure
    standing = confirmed_violations(world.session, owner)
    assert [v.decision_ref for v in standing] == [for_account]


def test_a_superseded_removal_is_lifted_only_where_no_newer_decision_holds(world: World) -> None:
    name, channel_id, _owner, post_id = _scam_channel(world)
    channel_case, report_id, receipt = _report(world, f"t.me/{name}")
    removal = _decide(world, channel_case, "remove")
    post_case, *_ = _report(world, f"t.me/{name}/{post_id}", reporter="user-0002")
    _decide(world, post_case, "delist")
    world.apply_effects()

    complaint = complaints.file_complaint(
        world.session,
        report_id,
        receipt=receipt,
        proven_reporter_id=None,
        grounds="It was only a parody of scams; look again.",
        clock=world.clock,
    )
    complaints.decide_complaint(
        world.session,
        world.ctx,
        complaint.id,
        staff=world.max,
        upheld=True,
        answer="The removal went too far; decided anew.",
    )
    _decide(world, channel_case, "no_action", staff_name="max")
    world.apply_effects()
    channel = world.platform.channel(channel_id)
    assert channel is not None
    # the removal is undone; the delisting of the newer case about a post in it stands
    assert (channel.removed, channel.listed) == (False, False)
    assert not _in_search(world, name)
    lifted = world.session.get(Decision, removal)
    assert lifted is not None
    assert lifted.reversed_at is not None


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_appeal_racing_a_decision_on_the_same_channel_never_lifts_it(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    """The reversal of an older delisting and a new delisting of a post in the channel, sent at
    once, ten times over: whichever commits first, the channel ends delisted on the platform and
    absent from lawline's search."""
    runtime, _ = _setup(request, backend, tmp_path, platform_file)
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    with transaction(runtime.sessions) as session:
        search.reindex(session, platform, runtime.clock)
    with TestClient(create_app(runtime)) as http:
        mo, max_ = _staff(runtime, http, "mo", "max")
        channels = [
            channel
            for ids in platform.channels_by_theme().values()
            for channel in map(platform.channel, ids)
            if channel is not None and channel.listed and not channel.removed
        ][:10]
        assert len(channels) == 10
        for index, channel in enumerate(channels):
            post = platform.recent_posts(channel.id, limit=1)[0]
            first = http.post(
                "/v1/reports",
                json={"target": f"t.me/{channel.name}", "category": "drugs"},
                headers={"X-Client-Key": f"first-{index}"},
            )
            older = _decide_http(http, first.json()["case_id"], "delist", mo)
            appeal = http.post(
                "/v1/staff/appeals",
                json={
                    "decision_id": older,
                    "appellant_account_id": channel.owner_id,
                    "grounds": f"It is a harm-reduction forum ({index}).",
                },
                headers=mo,
            )
            assert appeal.status_code == 201, appeal.text
            second = http.post(
                "/v1/reports",
                json={"target": f"t.me/{channel.name}/{post.id}", "category": "drugs"},
                headers={"X-Client-Key": f"second-{index}"},
            )
            assert second.status_code == 201, second.text
            appeal_id, case_id = appeal.json()["id"], second.json()["case_id"]

            def send(i: int, appeal_id: str = appeal_id, case_id: int = case_id) -> Any:
                if i == 0:
                    return http.post(
                        f"/v1/staff/appeals/{appeal_id}/decision",
                        json={"reverse": True, "answer": "On review it is allowed."},
                        headers=max_,
                    )
                return http.post(
                    f"/v1/staff/cases/{case_id}/decision",
                    json={"action": "delist", "category": "drugs", "facts": "Sells drugs."},
                    headers=max_,
                )

            racing = _race(2, send)
            assert [r.status_code for r in racing] == [200, 201], [r.text for r in racing]
            build_worker(runtime.sessions, platform=platform, clock=runtime.clock).drain()
            after = platform.channel(channel.id)
            assert after is not None
            assert not after.listed, index
            with runtime.read_sessions() as session:
                word = channel.title.split()[0]
                hits = [h.name for h in search.search(session, word, 100)]
            assert channel.name not in hits, index


def test_a_case_decided_anew_with_the_same_ban_never_lifts_it_in_between(world: World) -> None:
    """The superseded ban and the new one set the same flags: no undo is queued for them, so
    the owner is never unbanned, nor the channel restored, between the two."""
    name, channel_id, owner, _ = _scam_channel(world)
    case, report_id, receipt = _report(world, f"t.me/{name}")
    first = _decide(world, case, "ban")
    world.apply_effects()
    complaint = complaints.file_complaint(
        world.session,
        report_id,
        receipt=receipt,
        proven_reporter_id=None,
        grounds="The ban named the wrong rule; look again.",
        clock=world.clock,
    )
    complaints.decide_complaint(
        world.session,
        world.ctx,
        complaint.id,
        staff=world.max,
        upheld=True,
        answer="The rule was wrong; decided anew.",
    )
    second = _decide(world, case, "remove", staff_name="max")
    keys = set(world.session.scalars(select(Intent.key)))
    # the ban alone is lifted; the removal and the delisting stay as they were
    assert {k for k in keys if k.startswith(f"{first}:undo")} == {f"{first}:undo:owner_banned"}
    assert not _in_search(world, name)
    world.apply_effects()
    channel = world.platform.channel(channel_id)
    account = world.platform.channel_owner(channel_id)
    assert channel is not None
    assert account is not None
    assert (channel.removed, channel.listed, account.banned) == (True, False, False)
    lifted = world.session.get(Decision, first)
    assert lifted is not None
    assert lifted.reversed_at is not None
    assert [v.decision_ref for v in confirmed_violations(world.session, owner)] == [second]
