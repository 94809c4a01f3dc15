"""The contract every Platform implementation must pass.

A test module subclasses `PlatformContract` and provides three fixtures: `platform` (the
implementation, holding the data of the generated test platform), `reference` (a read-only
sqlite3 connection to that generated file, the ground truth) and `delivered` (the notices the
platform holds for an account, as (key, message) pairs: what it will show the user).
"""

from __future__ import annotations

import ipaddress
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import phonenumbers
import pytest

from lawline.core.pii import PhoneNumber
from lawline.platform.protocol import AccountRef, Platform


def _ts(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _busy_account(reference: sqlite3.Connection) -> tuple[int, str, str, str]:
    """An account with a username, an IPv6 event and many events: (id, username, phone, country)."""
    row = reference.execute(
        "SELECT a.id, a.username, a.phone, a.country FROM accounts a"
        " WHERE a.username IS NOT NULL AND EXISTS"
        " (SELECT 1 FROM ip_events e WHERE e.account_id = a.id AND length(e.ip) = 16)"
        " ORDER BY a.id LIMIT 1"
    ).fetchone()
    assert row is not None
    return row


class PlatformContract:
    def test_resolves_one_account_by_id_username_and_phone(
        self, platform: Platform, reference: sqlite3.Connection
    ) -> None:
        account_id, username, phone, country = _busy_account(reference)
        by_id = platform.resolve_account(AccountRef.parse(str(account_id)))
        assert by_id is not None
        assert (by_id.id, by_id.username, by_id.country, by_id.banned) == (
            str(account_id),
            username,
            country,
            False,
        )
        assert platform.resolve_account(AccountRef.parse("@" + username.upper())) == by_id
        assert platform.resolve_account(AccountRef.parse(phone)) == by_id
        national = phonenumbers.format_number(
            phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.NATIONAL
        )
        assert platform.resolve_account(AccountRef.parse(national, region=country)) == by_id

    def test_unknown_accounts_resolve_to_none(self, platform: Platform) -> None:
        assert platform.resolve_account(AccountRef.parse("999999999")) is None
        assert platform.resolve_account(AccountRef.parse("@nobody_here_at_all")) is None
        assert platform.resolve_account(AccountRef("phone", PhoneNumber("+31699999999"))) is None
        assert platform.subscriber("999999999") is None
        assert platform.ip_events("999999999", _ts(0), _ts(2**31)) == []

    def test_subscriber_record_carries_a_redacted_e164_phone(
        self, platform: Platform, reference: sqlite3.Connection
    ) -> None:
        account_id, _, phone, country = _busy_account(reference)
        record = platform.subscriber(str(account_id))
        assert record is not None
        assert record.phone.reveal() == phone
        assert phone not in repr(record)
        assert phone not in f"{record.phone}"
        assert record.country == country
        parsed = phonenumbers.parse(record.phone.reveal())
        assert phonenumbers.region_code_for_number(parsed) == country

    def test_ip_events_in_a_half_open_range(
        self, platform: Platform, reference: sqlite3.Connection
    ) -> None:
        account_id = _busy_account(reference)[0]
        rows = reference.execute(
            "SELECT at, ip, port FROM ip_events WHERE account_id = ? ORDER BY at, seq",
            (account_id,),
        ).fetchall()
        assert len(rows) >= 30
        # a range whose ends fall exactly on events: start included, end excluded
        start, end = _ts(rows[5][0]), _ts(rows[25][0])
        expected = [
            (_ts(at), ipaddress.ip_address(ip), port)
            for at, ip, port in rows
            if start <= _ts(at) < end
        ]
        events = platform.ip_events(str(account_id), start, end)
        got = [(e.at, e.ip.reveal(), e.port) for e in events]
        assert got == expected
        assert got[0][0] == start
        assert all(e.at < end for e in events)
        assert {ip.version for _, ip, _ in expected} <= {4, 6}
        whole = platform.ip_events(str(account_id), _ts(0), _ts(2**31))
        assert len(whole) == len(rows)
        assert any(e.ip.reveal().version == 6 for e in whole)
        assert platform.ip_events(str(account_id), end, end + timedelta(seconds=0)) == []

    def test_channels_by_id_and_name_and_paged_listing(
        self, platform: Platform, reference: sqlite3.Connection
    ) -> None:
        ids = [r[0] for r in reference.execute("SELECT id FROM channels ORDER BY id")]
        listed = []
        after: str | None = None
        while True:
            page = platform.channels(after_id=after, limit=7)
            if not page:
                break
            listed.extend(page)
            after = page[-1].id
        assert [int(c.id) for c in listed] == ids
        first = listed[0]
        assert platform.channel(first.id) == first
        assert platform.channel(first.name.upper()) == first
        assert platform.channel("no_such_channel") is None
        owner = platform.channel_owner(first.id)
        assert owner is not None
        assert owner.id == first.owner_id
        assert first.kind in {"channel", "group"}

    def test_recent_posts_newest_first_and_post_removal(
        self, platform: Platform, reference: sqlite3.Connection
    ) -> None:
        channel_id = reference.execute("SELECT min(id) FROM channels").fetchone()[0]
        expected = [
            r[0]
            for r in reference.execute(
                "SELECT id FROM posts WHERE channel_id = ? ORDER BY at DESC, id DESC", (channel_id,)
            )
        ]
        posts = platform.recent_posts(str(channel_id), limit=50)
        assert [p.id for p in posts] == expected
        assert [p.id for p in platform.recent_posts(str(channel_id), limit=2)] == expected[:2]
        victim = expected[0]
        assert platform.set_post_removed(str(channel_id), victim, True)
        assert victim not in [p.id for p in platform.recent_posts(str(channel_id))]
        removed = platform.post(str(channel_id), victim)
        assert removed is not None
        assert removed.removed
        assert platform.set_post_removed(str(channel_id), victim, False)
        assert platform.recent_posts(str(channel_id), limit=1)[0].id == victim
        assert not platform.set_post_removed(str(channel_id), 99_999, True)

    def test_post_media_returns_the_attached_images_and_nothing_else(
        self, platform: Platform, reference: sqlite3.Connection
    ) -> None:
        channel_id, post_id, media_id, mime, data = reference.execute(
            "SELECT channel_id, post_id, id, mime, data FROM media ORDER BY channel_id LIMIT 1"
        ).fetchone()
        (media,) = platform.post_media(str(channel_id), post_id)
        assert (media.channel_id, media.post_id, media.id, media.mime) == (
            str(channel_id),
            post_id,
            str(media_id),
            mime,
        )
        assert media.data == bytes(data)
        assert bytes(data) not in repr(media).encode()
        bare = reference.execute(
            "SELECT p.channel_id, p.id FROM posts p WHERE NOT EXISTS (SELECT 1 FROM media m"
            " WHERE m.channel_id = p.channel_id AND m.post_id = p.id) LIMIT 1"
        ).fetchone()
        assert platform.post_media(str(bare[0]), bare[1]) == []
        assert platform.post_media("999999999", 1) == []

    def test_delist_remove_and_ban_take_effect_and_can_be_undone(
        self, platform: Platform, reference: sqlite3.Connection
    ) -> None:
        channel = platform.channels(limit=1)[0]
        assert channel.listed
        assert platform.set_channel_listed(channel.id, False)
        assert platform.channel(channel.id).listed is False  # type: ignore[union-attr]
        assert platform.set_channel_listed(channel.id, True)
        assert platform.channel(channel.id).listed is True  # type: ignore[union-attr]
        assert platform.set_channel_removed(channel.id, True)
        assert platform.channel(channel.id).removed is True  # type: ignore[union-attr]
        assert platform.set_account_banned(channel.owner_id, True)
        owner = platform.channel_owner(channel.id)
        assert owner is not None
        assert owner.banned
        assert platform.set_account_banned(channel.owner_id, False)
        assert not platform.set_channel_listed("999999999", False)
        assert not platform.set_account_banned("999999999", True)

    def test_a_notice_is_handed_over_once_per_key(
        self,
        platform: Platform,
        reference: sqlite3.Connection,
        delivered: Callable[[str], list[tuple[str, str]]],
    ) -> None:
        account_id = str(_busy_account(reference)[0])
        statement = "Decision dec_1 on your channel: it was removed. Ground: scam."
        assert platform.notify_user(account_id, statement, key="dec_1:statement")
        # a worker that died after handing it over retries with the same key: no second notice
        assert platform.notify_user(account_id, statement, key="dec_1:statement")
        assert platform.notify_user(account_id, "Your appeal was upheld.", key="apl_1:answer")
        assert sorted(delivered(account_id)) == [
            ("apl_1:answer", "Your appeal was upheld."),
            ("dec_1:statement", statement),
        ]
        assert not platform.notify_user("999999999", "nobody reads this", key="k")
        assert delivered("999999999") == []


@pytest.fixture
def reference(platform_file: object) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{platform_file}?mode=ro", uri=True)
    yield connection  # type: ignore[misc]
    connection.close()
