"""Moderation's counters, written with each report, decision and appeal, equal the recount from
the views (and the hand count) across a quarter edge, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lawline.moderation import appeals, complaints, decisions
from lawline.moderation.flaggers import register_trusted_flagger
from lawline.moderation.reports import submit_report
from lawline.transparency import aggregate, eu_templates, recount
from lawline.transparency.check import check
from lawline.transparency.quarters import Quarter
from tests.moderation.conftest import World

Q4, Q1 = Quarter(2026, 4), Quarter(2027, 1)


def _report(world: World, target: str, category: str, reporter: str, triage: bool = True) -> object:
    return submit_report(
        world.session,
        world.ctx if triage else world.ctx_with(None),
        target=target,
        category=category,
        text="",
        reporter_id=reporter,
        idempotency_key=None,
        via="api",
    )


def test_counters_follow_reports_decisions_and_appeals(world: World) -> None:
    flagger = register_trusted_flagger(
        world.session, name="INHOPE hotline", actor="staff:admin", clock=world.clock
    )
    scam, drugs, weapons = (world.channel_named(t) for t in ("scam", "drugs", "weapons"))
    # a case first reported without a triage model: its second report brings the suggestion,
    # and from then on both reports count as triaged automatically
    untriaged = _report(world, f"t.me/{scam}", "scam", "user-1", triage=False).case  # type: ignore[attr-defined]
    assert untriaged.triage_model is None
    _report(world, f"t.me/{scam}", "scam", "user-2")
    delisted = _report(world, f"t.me/{drugs}", "drugs", flagger.reporter_id).case  # type: ignore[attr-defined]
    _report(world, f"t.me/{weapons}", "weapons", "user-3")
    first = decisions.decide(
        world.session,
        world.ctx,
        delisted.id,
        staff=world.mo,
        action="delist",
        category="drugs",
        facts="Sells drugs in the open.",
    )
    world.clock.advance(timedelta(hours=5))
    decisions.decide(
        world.session,
        world.ctx,
        untriaged.id,
        staff=world.mo,
        action="remove",
        category="scam",
        facts="Promises guaranteed crypto returns.",
    )
    appeal = appeals.file_appeal(
        world.session,
        first.id,
        staff=world.mo,
        appellant_account_id=delisted.account_id,
        grounds="It is a harm-reduction forum.",
        clock=world.clock,
    )
    # across the quarter edge: the appeal is decided, and a report arrives, in 2027-Q1
    world.clock.advance(datetime(2027, 1, 1, tzinfo=UTC) - world.clock.now())
    appeals.decide_appeal(
        world.session,
        world.ctx,
        appeal.id,
        staff=world.max,
        reverse=True,
        answer="On review the forum is harm reduction; restored.",
    )
    _report(world, f"t.me/{weapons}", "weapons", "user-4")

    assert check(world.session, Q4) == []
    assert check(world.session, Q1) == []
    q4 = aggregate.moderation_figures(world.session, Q4)
    assert q4 == recount.moderation_figures(world.session, Q4)
    assert q4["reports_received"] == {
        "total": 4,
        "by_category": {"scam": 2, "drugs": 1, "weapons": 1},
        "from_trusted_flaggers": 1,
        "triaged_automatically": 4,  # the first scam report too, once its case was triaged
    }
    assert q4["decisions"]["by_action"] == {"delist": 1, "remove": 1}
    assert q4["channels_delisted"] == 1
    # 0 s for the delisting (decided at its report's instant), 5 h for the removal
    assert q4["median_seconds_first_report_to_decision"] == round(5 * 3600 / 2)
    assert q4["appeals"] == {"received": 1, "decided": 0, "reversed": 0}
    q1 = aggregate.moderation_figures(world.session, Q1)
    assert q1["appeals"] == {"received": 0, "decided": 1, "reversed": 1}
    assert q1["reports_received"]["by_category"] == {"weapons": 1}


def test_a_superseded_decision_no_longer_counts_its_notices(world: World) -> None:
    """The EU templates count notices (reports) by their case's decision not superseded: an
    upheld complaint takes the decision's notices back, in its quarter; the new decision counts
    them again, in its own."""
    flagger = register_trusted_flagger(
        world.session, name="INHOPE hotline", actor="staff:admin", clock=world.clock
    )
    scam = world.channel_named("scam")
    report = _report(world, f"t.me/{scam}", "scam", flagger.reporter_id)
    world.clock.advance(timedelta(hours=2))
    _report(world, f"t.me/{scam}", "scam", "user-1")
    world.clock.advance(timedelta(hours=2))
    case = report.case  # type: ignore[attr-defined]
    wrong = decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action="remove",
        category="scam",
        facts="Promises guaranteed crypto returns.",
    )

    def notices(quarter: Quarter) -> dict[str, object]:
        assert check(world.session, quarter) == []
        counted = eu_templates.counted(world.session, quarter)
        assert counted == eu_templates.recounted(world.session, quarter)
        return counted["notices_art16"]  # type: ignore[no-any-return]

    q4 = notices(Q4)
    assert sum(q4["notices_acted_on"].values()) == 2  # type: ignore[attr-defined]
    assert q4["median_seconds_to_take_action"] == 3 * 3600  # 4 h and 2 h
    complaint = complaints.file_complaint(
        world.session,
        report.report.id,  # type: ignore[attr-defined]
        receipt=None,
        proven_reporter_id=flagger.reporter_id,
        grounds="The channel is a parody of scams, not a scam.",
        clock=world.clock,
    )
    world.clock.advance(datetime(2027, 1, 1, tzinfo=UTC) - world.clock.now())
    complaints.decide_complaint(
        world.session,
        world.ctx,
        complaint.id,
        staff=world.max,
        upheld=True,
        answer="On review the channel is a parody; the removal is lifted.",
    )
    q4 = notices(Q4)
    assert (q4["notices_acted_on"], q4["median_seconds_to_take_action"]) == ({}, None)
    world.clock.advance(timedelta(hours=1))
    decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.max,
        action="no_action",
        category="scam",
        facts="A parody channel; nothing to act on.",
    )
    q1 = notices(Q1)
    assert q1["notices_acted_on"] == {}  # no action is no notice acted on
    assert q1["median_seconds_to_take_action"] is not None
    assert wrong.superseded_at is not None
