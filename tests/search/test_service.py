"""Search ranking and paging on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lawline.core.clock import FixedClock
from lawline.platform.protocol import Channel
from lawline.search.service import search, set_listed, upsert_channel
from tests.legal.conftest import NOW


def _channel(n: int, title: str) -> Channel:
    return Channel(
        id=f"9{n:04d}",
        name=f"kanaal_{n}",
        kind="channel",
        title=title,
        description="",
        owner_id="1",
        language="nl",
        subscribers=n,
        listed=True,
        removed=False,
    )


def test_delisted_channels_take_no_place_in_a_page(db: Session) -> None:
    clock = FixedClock(NOW)
    # Eight channels that match strongly (and rank first), then four weaker matches.
    for n in range(8):
        upsert_channel(db, _channel(n, "zeldzaam zeldzaam zeldzaam"), clock)
    for n in range(8, 12):
        upsert_channel(db, _channel(n, "zeldzaam nieuws en weer, elke dag bijgewerkt"), clock)
    for n in range(8):
        set_listed(db, f"9{n:04d}", False, clock)
    hits = search(db, "zeldzaam", limit=3)
    assert len(hits) == 3
    assert {h.channel_id for h in hits} <= {f"9{n:04d}" for n in range(8, 12)}
    assert {h.channel_id for h in search(db, "zeldzaam", limit=20)} == {
        f"9{n:04d}" for n in range(8, 12)
    }


def test_every_word_must_match_as_a_prefix(db: Session) -> None:
    clock = FixedClock(NOW)
    upsert_channel(db, _channel(1, "Voetbalnieuws Amsterdam"), clock)
    upsert_channel(db, _channel(2, "Voetbal Rotterdam"), clock)
    assert [h.channel_id for h in search(db, "voetbal amster")] == ["90001"]
    assert {h.channel_id for h in search(db, "voetbal")} == {"90001", "90002"}
