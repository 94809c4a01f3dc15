"""Cases, decisions, search delisting, appeals and misuse on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lawline.audit.models import AuditEntry
from lawline.core.errors import Conflict, Forbidden, LawlineError
from lawline.moderation import appeals, decisions, queries
from lawline.moderation.flaggers import register_trusted_flagger
from lawline.moderation.models import Case, Report
from lawline.moderation.reports import submit_report
from lawline.moderation.violations import confirmed_violations
from lawline.platform.embedded import EmbeddedPlatform
from lawline.platform.generate import generate
from lawline.search import service as search
from tests.conftest import GENERATED_UNTIL
from tests.moderation.conftest import World


def report(
    world: World, target: str, category: str = "drugs", reporter: str = "user-0001", **extra: object
) -> object:
    return submit_report(
        world.session,
        world.ctx,
        target=target,
        category=category,
        text=str(extra.get("text", "")),
        reporter_id=reporter,
        idempotency_key=None,
        via="api",
    )


@pytest.fixture(scope="session")
def larger_platform_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("larger") / "platform.sqlite"
    generate(path, 1200, seed=8, until=GENERATED_UNTIL)
    return path


def test_ten_thousand_reports_about_a_thousand_targets_make_a_thousand_cases(
    world: World, larger_platform_file: Path
) -> None:
    world.platform = EmbeddedPlatform(larger_platform_file)  # read only here: no copy needed
    rng = random.Random(5)
    names = [c.name for c in world.platform.channels(limit=500)]
    posts = [
        f"t.me/{c.name}/{p.id}"
        for c in world.platform.channels(limit=500)
        for p in world.platform.recent_posts(c.id, limit=20)
    ]
    accounts = [str(100_000 + i) for i in range(1200)]
    targets = ([f"t.me/{n}" for n in names] + posts + accounts)[:1000]
    assert len(set(targets)) == 1000
    expected: dict[str, set[str]] = {t: set() for t in targets}
    for i in range(10_000):
        target = targets[i % 1000]
        reporter = f"user-{rng.randrange(3000):04d}"
        expected[target].add(reporter)
        report(world, target, rng.choice(["drugs", "scam", "spam"]), reporter)
    session = world.session
    assert session.execute(select(func.count()).select_from(Case)).scalar_one() == 1000
    assert session.execute(select(func.count()).select_from(Report)).scalar_one() == 10_000
    cases = session.execute(select(Case)).scalars().all()
    assert {c.reports for c in cases} == {10}
    assert sum(c.reporters for c in cases) == sum(len(r) for r in expected.values())
    assert all(sum(c.categories.values()) == 10 for c in cases)
    world.platform.close()
    world.platform.close()


def test_delisting_takes_the_channel_out_of_search_at_once(world: World) -> None:
    search.reindex(world.session, world.platform, world.clock)
    name = world.channel_named("drugs")
    channel = world.platform.channel(name)
    assert channel is not None
    word = channel.title.split()[0]
    assert name in [h.name for h in search.search(world.session, word)]
    submitted = report(world, f"t.me/{name}")
    case = submitted.case  # type: ignore[attr-defined]
    assert case.triage_category == "drugs"
    decision = decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action="delist",
        category="drugs",
        facts="The channel advertises cocaine deliveries.",
    )
    assert decision.followed_suggestion is True
    assert name not in [h.name for h in search.search(world.session, word)]
    # the platform changes only when the worker applies the committed intent
    assert world.platform.channel(name).listed is True  # type: ignore[union-attr]
    assert world.apply_effects() == 2  # the delisting and the statement for the owner
    assert world.platform.channel(name).listed is False  # type: ignore[union-attr]
    assert decision.violation_id is None  # delisting records no violation
    assert decision.statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DEMOTED"]


def test_search_is_multilingual_and_prefix_based(world: World) -> None:
    search.reindex(world.session, world.platform, world.clock)
    cyrillic = [c for c in world.platform.channels(limit=500) if c.language in ("ru", "uk")]
    assert cyrillic
    word = cyrillic[0].title.split()[0]
    assert cyrillic[0].name in [h.name for h in search.search(world.session, word.lower(), 100)]
    assert search.search(world.session, "zzzqqqxxx") == []
    with pytest.raises(LawlineError) as caught:
        search.search(world.session, "   ")
    assert caught.value.code == "query_empty"


def test_remove_and_ban_record_violations_for_the_owner(world: World) -> None:
    name = world.channel_named("weapons")
    case = report(world, f"t.me/{name}", "weapons").case  # type: ignore[attr-defined]
    decision = decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action="ban",
        category="weapons",
        facts="Sells pistols without licence to anyone.",
    )
    owner = case.account_id
    assert [v.id for v in confirmed_violations(world.session, owner, "weapons")] == [
        decision.violation_id
    ]
    world.apply_effects()
    assert world.platform.channel_owner(case.channel_id).banned  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        decisions.decide(
            world.session,
            world.ctx,
            case.id,
            staff=world.mo,
            action="ban",
            category="weapons",
            facts="A second decision.",
        )
    # the banned owner's channel is gone: it cannot be reported again ...
    with pytest.raises(LawlineError) as gone:
        report(world, f"t.me/{name}", "weapons", reporter="user-0002")
    assert gone.value.code == "target_not_found"
    # ... and a new report about the owner opens a new case
    fresh = report(world, owner, "weapons", reporter="user-0002").case  # type: ignore[attr-defined]
    assert fresh.id != case.id
    assert fresh.target_key == f"account:{owner}"


def test_an_appeal_is_decided_by_another_moderator_and_a_reversal_restores(world: World) -> None:
    search.reindex(world.session, world.platform, world.clock)
    name = world.channel_named("scam")
    case = report(world, f"t.me/{name}", "scam").case  # type: ignore[attr-defined]
    decision = decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action="remove",
        category="scam",
        facts="Promises guaranteed crypto returns.",
    )
    assert confirmed_violations(world.session, case.account_id, "scam")
    with pytest.raises(Forbidden):
        appeals.file_appeal(
            world.session,
            decision.id,
            staff=world.mo,
            appellant_account_id="100001",
            grounds="Not my channel but I object.",
            clock=world.clock,
        )
    appeal = appeals.file_appeal(
        world.session,
        decision.id,
        staff=world.mo,
        appellant_account_id=case.account_id,
        grounds="It is a parody channel, see the pinned post.",
        clock=world.clock,
    )
    # the log names who relayed it (proven by a log-in), and whose appeal it is
    filed = world.session.scalars(
        select(AuditEntry).where(AuditEntry.entry_type == "appeal.filed")
    ).one()
    assert filed.actor == world.mo.actor
    assert filed.body == {"appeal": appeal.id, "appellant": f"account:{case.account_id}"}
    with pytest.raises(Forbidden) as same:
        appeals.decide_appeal(
            world.session,
            world.ctx,
            appeal.id,
            staff=world.mo,
            reverse=True,
            answer="I was wrong before.",
        )
    assert same.value.code == "same_moderator"
    decided = appeals.decide_appeal(
        world.session,
        world.ctx,
        appeal.id,
        staff=world.max,
        reverse=True,
        answer="On review the channel is satire; it is restored.",
    )
    assert decided.status == "reversed"
    assert confirmed_violations(world.session, case.account_id, "scam") == []
    world.apply_effects()
    channel = world.platform.channel(name)
    assert channel is not None
    assert (channel.listed, channel.removed) == (True, False)
    assert name in [h.name for h in search.search(world.session, channel.title.split()[0], 100)]
    world.clock.advance(timedelta(days=200))
    late = decisions.decide(
        world.session,
        world.ctx,
        report(world, f"t.me/{name}", "scam", reporter="user-0009").case.id,  # type: ignore[attr-defined]
        staff=world.mo,
        action="delist",
        category="scam",
        facts="Scam again, reported twice.",
    )
    world.clock.advance(timedelta(days=190))
    with pytest.raises(Conflict) as closed:
        appeals.file_appeal(
            world.session,
            late.id,
            staff=world.mo,
            appellant_account_id=case.account_id,
            grounds="Too late but trying anyway.",
            clock=world.clock,
        )
    assert closed.value.code == "appeal_window_closed"


def test_unfounded_reporters_are_warned_then_suspended(world: World) -> None:
    targets = [f"t.me/{c.name}" for c in world.platform.channels(limit=10)]
    for target in targets[:3]:
        case = report(world, target, "terrorism", reporter="user-angry").case  # type: ignore[attr-defined]
        decisions.decide(
            world.session,
            world.ctx,
            case.id,
            staff=world.mo,
            action="no_action",
            category="terrorism",
            manifestly_unfounded=True,
            facts="A cooking channel; nothing in it relates to terrorism.",
        )
    with pytest.raises(Forbidden) as caught:
        report(world, targets[4], "terrorism", reporter="user-angry")
    assert caught.value.code == "reporter_suspended"
    world.clock.advance(timedelta(days=15))
    assert report(world, targets[4], "spam", reporter="user-angry") is not None


def test_trusted_flaggers_go_first_and_their_accuracy_is_kept(world: World) -> None:
    flagger = register_trusted_flagger(
        world.session,
        name="INHOPE hotline",
        actor="staff:admin",
        clock=world.clock,
    )
    ordinary = report(world, f"t.me/{world.channel_named('drugs')}", "drugs").case  # type: ignore[attr-defined]
    trusted = report(
        world, f"t.me/{world.channel_named('scam')}", "spam", reporter=flagger.reporter_id
    ).case  # type: ignore[attr-defined]
    assert [q.case.id for q in queries.queue(world.session, world.clock)][:2] == [
        trusted.id,
        ordinary.id,
    ]
    decisions.decide(
        world.session,
        world.ctx,
        trusted.id,
        staff=world.mo,
        action="delist",
        category="scam",
        facts="Investment scam confirmed.",
    )
    assert queries.flagger_accuracy(world.session) == {"INHOPE hotline": (1, 1)}


def test_overdue_cases_rise_to_the_top(world: World) -> None:
    spam = report(world, f"t.me/{world.channel_named('scam')}", "spam").case  # type: ignore[attr-defined]
    world.clock.advance(timedelta(hours=2))
    csam = report(world, "100003", "csam", reporter="user-0003").case  # type: ignore[attr-defined]
    queue = queries.queue(world.session, world.clock)
    assert queue[0].case.id == csam.id  # most severe first
    world.clock.advance(timedelta(hours=23))  # spam's day has passed, and csam's hour
    queue = queries.queue(world.session, world.clock)
    assert {q.case.id for q in queue if q.overdue} == {spam.id, csam.id}


@pytest.mark.parametrize(
    "written", ["+31 6 1234 5678", "06-12345678", "from 10.0.0.1.", "2001:db8::7"]
)
def test_facts_that_quote_personal_data_are_refused_and_nothing_is_decided(
    world: World, written: str
) -> None:
    # the facts go to the owner, every notifier and the DSA database: describe, never quote
    name = world.channel_named("doxxing")
    case = report(world, f"t.me/{name}", category="doxxing").case  # type: ignore[attr-defined]
    with pytest.raises(LawlineError) as refused:
        decisions.decide(
            world.session,
            world.ctx,
            case.id,
            staff=world.mo,
            action="remove",
            category="doxxing",
            facts=f"The channel publishes a private number, {written}, with a home address.",
        )
    assert refused.value.code == "personal_data_in_text"
    assert written.strip(".") not in str(refused.value)
    assert world.session.get(Case, case.id).status == "open"  # type: ignore[union-attr]
    decided = decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action="remove",
        category="doxxing",
        facts="The channel publishes a private person's phone number and home address.",
    )
    assert decided.action == "remove"
