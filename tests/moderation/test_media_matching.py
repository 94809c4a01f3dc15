"""A report whose target carries known media: the case goes to the top of the queue with the
bank named in its suggestion; only hashes are kept, and only moderators see the match."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from lawline.audit.models import AuditEntry
from lawline.hashes.models import MediaMatch
from lawline.hashes.service import import_hashes
from lawline.hashes.signals import pdq_hex
from lawline.moderation import queries
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.reports import submit_report
from lawline.platform import images
from tests.moderation.conftest import World


def _report(world: World, target: str, category: str) -> int:
    submitted = submit_report(
        world.session,
        world.ctx,
        target=target,
        category=category,
        text="",
        reporter_id="user-0042",
        idempotency_key=None,
        via="api",
    )
    return submitted.case.id


def _demo_bank(world: World, tmp_path: Path) -> None:
    path = tmp_path / "demo-bank.csv"
    rows = [f"pdq,{pdq_hex(images.known_image(i))[0]}" for i in range(len(images.KNOWN_SEEDS))]
    path.write_text("signal_type,signal_value\n" + "\n".join(rows) + "\n")
    import_hashes(
        world.session,
        path,
        bank_name="demo-terror",
        category="terrorism",
        pdq_threshold=None,
        categories=list(CATEGORIES),
        actor=world.mo.actor,
        clock=world.clock,
    )


def test_a_known_image_puts_the_case_on_top_with_the_bank_named(
    world: World, tmp_path: Path
) -> None:
    _demo_bank(world, tmp_path)
    overdue = _report(world, world.channel_named("drugs"), "drugs")
    world.clock.advance(timedelta(days=20))  # the drugs case is now long overdue
    matched = _report(world, world.channel_named("extremism"), "other")
    queue = queries.queue(world.session, world.clock)
    assert [q.case.id for q in queue[:2]] == [matched, overdue]
    top = queue[0].case
    assert (top.media_match, top.triage_category, top.triage_score) == (
        "demo-terror",
        "terrorism",
        1.0,
    )
    assert top.triage_model == "hash-bank:demo-terror"
    (record,) = world.session.execute(select(MediaMatch)).scalars()
    assert record.case_id == matched
    assert record.signal_type == "pdq"
    assert record.distance <= 31
    entry = world.session.execute(
        select(AuditEntry).where(AuditEntry.entry_type == "media.matched")
    ).scalar_one()
    body = entry.body
    assert body["bank"] == "demo-terror"
    assert set(body) == {"bank", "category", "signal", "distance", "media"}


def test_a_channel_without_known_media_is_not_matched(world: World, tmp_path: Path) -> None:
    _demo_bank(world, tmp_path)
    case_id = _report(world, world.channel_named("cooking"), "spam")
    case = queries.queue(world.session, world.clock)[0].case
    assert case.id == case_id
    assert case.media_match is None
    assert not world.session.execute(select(MediaMatch)).first()
