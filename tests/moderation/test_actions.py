"""Every action on every kind of target, applied by the worker and reversed on appeal; the
actions table drives apply, undo, the statement's restriction fields and the outcome texts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from lawline.core.errors import Conflict, InvalidInput
from lawline.moderation import appeals, decisions, queries
from lawline.moderation.actions import ACTIONS, RULES, TARGET_KINDS
from lawline.moderation.models import Case, Report
from lawline.moderation.reports import submit_report
from lawline.search import service as search
from tests.moderation.conftest import World

# What each action must do, written out by hand (not derived from the table under test).
EXPECTED: dict[tuple[str, str], dict[str, bool]] = {
    ("delist", "channel"): {"delisted": True},
    ("delist", "post"): {"delisted": True},
    ("remove", "channel"): {"delisted": True, "channel_removed": True},
    ("remove", "post"): {"post_removed": True},
    ("ban", "channel"): {"delisted": True, "channel_removed": True, "banned": True},
    ("ban", "post"): {"post_removed": True, "banned": True},
    ("ban", "account"): {"banned": True},
}


@dataclass(frozen=True)
class State:
    delisted: bool
    channel_removed: bool
    post_removed: bool
    banned: bool
    in_search: bool


def _target(world: World, kind: str) -> tuple[str, str, str, int | None]:
    """(report text, owner account, channel id, post id) for a fresh target of this kind."""
    channel = world.platform.channel(world.platform.channels_by_theme()["scam"][0])
    assert channel is not None
    if kind == "account":
        return channel.owner_id, channel.owner_id, channel.id, None
    if kind == "post":
        post = world.platform.recent_posts(channel.id, limit=1)[0]
        return f"t.me/{channel.name}/{post.id}", channel.owner_id, channel.id, post.id
    return f"t.me/{channel.name}", channel.owner_id, channel.id, None


def _state(world: World, channel_id: str, post_id: int | None, owner: str) -> State:
    channel = world.platform.channel(channel_id)
    account = world.platform.channel_owner(channel_id)
    assert channel is not None
    assert account is not None
    assert account.id == owner
    post = world.platform.post(channel_id, post_id) if post_id is not None else None
    word = channel.title.split()[0]
    return State(
        delisted=not channel.listed,
        channel_removed=channel.removed,
        post_removed=bool(post and post.removed),
        banned=account.banned,
        in_search=channel.name in [h.name for h in search.search(world.session, word, 100)],
    )


def _report(world: World, target: str, account: str | None = None) -> Case:
    return submit_report(
        world.session,
        world.ctx,
        target=target,
        category="scam",
        text="",
        reporter_id="user-0001",
        idempotency_key=None,
        via="bot" if account else "api",
        notify_account_id=account,
    ).case


def _decide(world: World, case: Case, action: str) -> str:
    return decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action=action,
        category="scam",
        facts="Promises guaranteed returns on crypto deposits.",
    ).id


def _appeal(world: World, decision_id: str, owner: str, *, reverse: bool) -> str:
    """The owner appeals the decision and another moderator decides the appeal; its id."""
    appeal = appeals.file_appeal(
        world.session,
        decision_id,
        staff=world.mo,
        appellant_account_id=owner,
        grounds="The channel is a parody of scams.",
        clock=world.clock,
    )
    appeals.decide_appeal(
        world.session,
        world.ctx,
        appeal.id,
        staff=world.max,
        reverse=reverse,
        answer="On review it is satire; restored." if reverse else "On review it stands.",
    )
    return appeal.id


def test_the_table_covers_every_pair_it_should() -> None:
    applicable = {pair for pair in RULES if RULES[pair].flags}
    assert applicable == set(EXPECTED)
    assert {(a, k) for a in ACTIONS for k in TARGET_KINDS} - set(RULES) == {
        ("delist", "account"),
        ("remove", "account"),
    }


@pytest.mark.parametrize(("action", "kind"), sorted(EXPECTED))
def test_an_action_applies_after_commit_and_its_reversal_restores_everything(
    world: World, action: str, kind: str
) -> None:
    search.reindex(world.session, world.platform, world.clock)
    text, owner, channel_id, post_id = _target(world, kind)
    before = _state(world, channel_id, post_id, owner)
    assert before == State(False, False, False, False, True)
    decision_id = _decide(world, _report(world, text), action)
    expected = EXPECTED[(action, kind)]
    hidden = expected.get("delisted", False)
    # lawline's own search changes with the decision; the platform only once the worker runs
    assert _state(world, channel_id, post_id, owner) == State(
        False, False, False, False, not hidden
    )
    world.apply_effects()
    assert _state(world, channel_id, post_id, owner) == State(
        expected.get("delisted", False),
        expected.get("channel_removed", False),
        expected.get("post_removed", False),
        expected.get("banned", False),
        not hidden,
    )
    _appeal(world, decision_id, owner, reverse=True)
    world.apply_effects()
    assert _state(world, channel_id, post_id, owner) == before


def test_a_reversed_delisting_of_a_post_relists_its_channel(world: World) -> None:
    """Bug 1: the post's delisting hid the whole channel, but the reversal only un-removed the
    post, leaving the channel out of search on the platform and in lawline."""
    search.reindex(world.session, world.platform, world.clock)
    text, owner, channel_id, post_id = _target(world, "post")
    decision_id = _decide(world, _report(world, text), "delist")
    world.apply_effects()
    assert _state(world, channel_id, post_id, owner).delisted
    _appeal(world, decision_id, owner, reverse=True)
    world.apply_effects()
    restored = _state(world, channel_id, post_id, owner)
    assert not restored.delisted
    assert restored.in_search


@pytest.mark.parametrize("action", ["delist", "remove"])
def test_an_action_that_does_not_apply_to_accounts_is_refused(world: World, action: str) -> None:
    text, *_ = _target(world, "account")
    case = _report(world, text)
    with pytest.raises(InvalidInput) as refused:
        _decide(world, case, action)
    assert refused.value.code == "action_not_applicable"
    assert queries.get_case(world.session, case.id).status == "open"


def test_a_decided_case_and_a_decided_appeal_refuse_another_decision(world: World) -> None:
    text, owner, *_ = _target(world, "channel")
    case = _report(world, text)
    decision_id = _decide(world, case, "remove")
    with pytest.raises(Conflict) as again:
        _decide(world, case, "ban")
    assert again.value.code == "case_decided"
    appeal_id = _appeal(world, decision_id, owner, reverse=False)
    with pytest.raises(Conflict) as decided:
        appeals.decide_appeal(
            world.session,
            world.ctx,
            appeal_id,
            staff=world.max,
            reverse=True,
            answer="Changed my mind.",
        )
    assert decided.value.code == "appeal_decided"


def test_owner_and_bot_reporter_receive_the_outcome_through_the_platform(world: World) -> None:
    text, owner, channel_id, _ = _target(world, "channel")
    reporter_account = "100010"
    case = _report(world, text, account=reporter_account)
    decision_id = _decide(world, case, "remove")
    report = world.session.execute(select(Report).where(Report.case_id == case.id)).scalar_one()
    assert report.notify_account_id is None  # erased once the outcome is queued
    assert world.platform.notices(owner) == []  # nothing leaves before the worker runs
    world.apply_effects()
    world.apply_effects()  # a second round delivers nothing twice
    channel = world.platform.channel(channel_id)
    assert channel is not None
    owner_notices = world.platform.notices(owner)
    assert [key for key, _ in owner_notices] == [f"{decision_id}:statement"]
    statement = owner_notices[0][1]
    assert f"Decision {decision_id} on your channel t.me/{channel.name}: it was removed." in (
        statement
    )
    assert "Promises guaranteed returns" in statement
    assert "appeal" in statement
    assert world.platform.notices(reporter_account) == [
        (
            f"{decision_id}:reporter:{report.id}",
            f"Your report about case {case.id} was decided: it was removed.",
        )
    ]
    world.session.refresh(report)
    assert report.notified_at == world.clock.now()
    assert queries.reporter_status(world.session, case.id, "user-0001") == (
        f"Case {case.id} was decided: it was removed."
    )


@pytest.mark.parametrize(("action", "kind"), sorted(EXPECTED))
def test_the_statement_restriction_fields_come_from_the_table(
    world: World, action: str, kind: str
) -> None:
    text, *_ = _target(world, kind)
    case = _report(world, text)
    decision = queries.get_decision(world.session, _decide(world, case, action))
    visibility = decision.statement["decision_visibility"]
    account = decision.statement["decision_account"]
    assert (visibility, account) == {
        ("delist", "channel"): (["DECISION_VISIBILITY_CONTENT_DEMOTED"], None),
        ("delist", "post"): (["DECISION_VISIBILITY_CONTENT_DEMOTED"], None),
        ("remove", "channel"): (["DECISION_VISIBILITY_CONTENT_REMOVED"], None),
        ("remove", "post"): (["DECISION_VISIBILITY_CONTENT_REMOVED"], None),
        ("ban", "channel"): (
            ["DECISION_VISIBILITY_CONTENT_REMOVED"],
            "DECISION_ACCOUNT_TERMINATED",
        ),
        ("ban", "post"): (["DECISION_VISIBILITY_CONTENT_REMOVED"], "DECISION_ACCOUNT_TERMINATED"),
        ("ban", "account"): (None, "DECISION_ACCOUNT_TERMINATED"),
    }[(action, kind)]
