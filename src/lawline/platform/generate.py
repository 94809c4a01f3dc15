"""Generate the embedded demo platform: a reproducible synthetic messenger.

The same seed, size and end date give the same file. Accounts live in many countries with
mobile numbers valid for their country; each has about fifty IPv4/IPv6 login events over the
year before the end date; public channels are mostly harmless, some are not (see `synthetic`).
The work is vectorised with NumPy and streamed into SQLite in account order, so the IP-event
B-tree is only ever appended to.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import phonenumbers

from lawline.platform import images
from lawline.platform.embedded import SCHEMA
from lawline.platform.synthetic import CITIES, LANGUAGES, NAME_WORDS, TEXTS, THEME_WEIGHTS

# country -> (weight, language of its channels, IPv4 /8 blocks its addresses come from)
COUNTRIES: dict[str, tuple[float, str, tuple[int, ...]]] = {
    "NL": (0.08, "nl", (31, 77, 145)),
    "BE": (0.04, "nl", (81, 91)),
    "FR": (0.08, "fr", (78, 90, 92)),
    "DE": (0.09, "de", (46, 79, 84)),
    "GB": (0.06, "en", (51, 86)),
    "US": (0.08, "en", (23, 63, 98)),
    "ES": (0.05, "en", (83, 88)),
    "IT": (0.05, "en", (87, 93)),
    "PL": (0.04, "en", (89, 95)),
    "UA": (0.07, "uk", (91, 176)),
    "RU": (0.08, "ru", (5, 95, 178)),
    "KZ": (0.02, "ru", (2, 37)),
    "TR": (0.04, "en", (78, 88)),
    "BR": (0.05, "en", (177, 179)),
    "IN": (0.06, "en", (49, 103)),
    "ID": (0.03, "en", (36, 114)),
    "NG": (0.02, "en", (41, 102)),
    "EG": (0.02, "en", (41, 156)),
    "IR": (0.02, "en", (5, 151)),
    "AE": (0.02, "en", (5, 94)),
}
FIRST_NAMES = (
    "anna",
    "max",
    "lucas",
    "sofia",
    "ivan",
    "olena",
    "mila",
    "noah",
    "emma",
    "leo",
    "sara",
    "tom",
    "yusuf",
    "amir",
    "lea",
    "jan",
    "ines",
    "pierre",
    "daan",
    "fatima",
    "oleg",
    "nina",
)
CHUNK = 20_000  # accounts per batch
EVENTS_PER_ACCOUNT = (30, 70)  # inclusive range; mean 50
IP_HISTORY = timedelta(days=365)


@dataclass(frozen=True)
class GenerationStats:
    accounts: int
    ip_events: int
    channels: int
    posts: int
    seed: int
    until: datetime


class _PhoneBook:
    """Unique mobile numbers per country: a fixed prefix and a permuted counter as suffix."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.plans: dict[str, tuple[int, str, int, int]] = {}
        self.counters: dict[str, int] = {}
        for region in COUNTRIES:
            example = phonenumbers.example_number_for_type(
                region, phonenumbers.PhoneNumberType.MOBILE
            )
            assert example is not None
            assert example.country_code is not None
            nsn = phonenumbers.national_significant_number(example)
            suffix_len = min(6, len(nsn) - 2)
            multiplier = int(rng.integers(1, 10**suffix_len // 7)) * 10 + 7  # coprime with 10
            self.plans[region] = (example.country_code, nsn[:-suffix_len], suffix_len, multiplier)
            self.counters[region] = 0

    def next(self, region: str) -> str:
        code, prefix, suffix_len, multiplier = self.plans[region]
        modulus = 10**suffix_len
        while True:
            k = self.counters[region]
            self.counters[region] = k + 1
            if k >= modulus:
                raise RuntimeError(f"phone plan for {region} exhausted")
            nsn = prefix + str((k * multiplier + 13) % modulus).zfill(suffix_len)
            number = phonenumbers.PhoneNumber(country_code=code, national_number=int(nsn))
            if phonenumbers.is_valid_number_for_region(number, region):
                return f"+{code}{nsn}"


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rem = divmod(value, 36)
        out = digits[rem] + out
        if value == 0:
            return out


def generate(
    path: Path,
    accounts: int,
    *,
    seed: int = 2024,
    until: datetime,
    progress: Callable[[int], None] | None = None,
) -> GenerationStats:
    """Write a new platform file at `path` (replacing one that exists, atomically)."""
    if accounts < 10:
        raise ValueError("generate at least 10 accounts")
    until = until.astimezone(UTC)
    rng = np.random.default_rng(seed)
    tmp = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    connection = sqlite3.connect(tmp, isolation_level=None)
    try:
        stats = _fill(connection, rng, accounts, seed, until, progress)
        connection.execute("PRAGMA journal_mode=WAL")
    except BaseException:
        connection.close()
        tmp.unlink(missing_ok=True)
        raise
    connection.close()
    for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(tmp, path)
    return stats


def _fill(
    connection: sqlite3.Connection,
    rng: np.random.Generator,
    accounts: int,
    seed: int,
    until: datetime,
    progress: Callable[[int], None] | None,
) -> GenerationStats:
    connection.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
    )
    connection.executescript(SCHEMA)
    connection.execute("BEGIN")
    countries = list(COUNTRIES)
    weights = np.array([COUNTRIES[c][0] for c in countries])
    weights = weights / weights.sum()
    phones = _PhoneBook(rng)
    until_s = int(until.timestamp())
    history_start = until_s - int(IP_HISTORY.total_seconds())
    first_id = 100_000
    events_total = 0
    for chunk_start in range(0, accounts, CHUNK):
        n = min(CHUNK, accounts - chunk_start)
        ids = np.arange(first_id + chunk_start, first_id + chunk_start + n, dtype=np.int64)
        country_idx = rng.choice(len(countries), size=n, p=weights)
        registered = rng.integers(until_s - 9 * 365 * 86400, history_start, size=n)
        has_name = rng.random(n) < 0.7
        name_idx = rng.integers(0, len(FIRST_NAMES), size=n)
        rows = []
        for i in range(n):
            region = countries[country_idx[i]]
            account_id = int(ids[i])
            username = f"{FIRST_NAMES[name_idx[i]]}_{_base36(account_id)}" if has_name[i] else None
            rows.append((account_id, username, phones.next(region), region, int(registered[i])))
        connection.executemany(
            "INSERT INTO accounts (id, username, phone, country, registered_at) VALUES (?,?,?,?,?)",
            rows,
        )
        events_total += _insert_ip_events(
            connection, rng, ids, country_idx, countries, history_start, until_s
        )
        if progress is not None:
            progress(n)
    channels, posts = _insert_channels(connection, rng, accounts, first_id, until_s)
    stats = GenerationStats(accounts, events_total, channels, posts, seed, until)
    connection.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("seed", str(seed)),
            ("accounts", str(accounts)),
            ("ip_events", str(events_total)),
            ("channels", str(channels)),
            ("posts", str(posts)),
            ("until", until.isoformat()),
            ("first_account_id", str(first_id)),
        ],
    )
    connection.execute("COMMIT")
    return stats


def _insert_ip_events(
    connection: sqlite3.Connection,
    rng: np.random.Generator,
    ids: np.ndarray,
    country_idx: np.ndarray,
    countries: list[str],
    start_s: int,
    end_s: int,
) -> int:
    n = len(ids)
    counts = rng.integers(EVENTS_PER_ACCOUNT[0], EVENTS_PER_ACCOUNT[1] + 1, size=n)
    total = int(counts.sum())
    owner = np.repeat(np.arange(n), counts)
    at = rng.integers(start_s, end_s, size=total)
    order = np.lexsort((at, owner))  # by account, then time: the table's key order
    owner, at = owner[order], at[order]
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    seq = np.arange(total) - np.repeat(offsets, counts)
    # Each account has a home IPv4 address in its country's blocks; 40% also use IPv6 at home;
    # a third of the events come from a mobile carrier's pool instead.
    blocks = [COUNTRIES[c][2] for c in countries]
    home_first = np.array(
        [blocks[c][int(r)] for c, r in zip(country_idx, rng.integers(0, 2, size=n), strict=True)],
        dtype=np.uint32,
    )
    home_v4 = (home_first << 24) | rng.integers(1, 1 << 24, size=n, dtype=np.uint32)
    uses_v6 = rng.random(n) < 0.4
    home_v6_hi = (np.uint64(0x2A02) << np.uint64(48)) | rng.integers(
        0, 1 << 48, size=n, dtype=np.uint64
    )
    mobile = rng.random(total) < 1 / 3
    v6_event = uses_v6[owner] & ~mobile & (rng.random(total) < 0.5)
    carrier_v4 = (home_first[owner] << 24) | rng.integers(1, 1 << 24, size=total, dtype=np.uint32)
    v4 = np.where(mobile, carrier_v4, home_v4[owner]).astype(">u4").tobytes()
    v6_lo = rng.integers(1, 1 << 63, size=total, dtype=np.uint64)
    v6 = np.stack([home_v6_hi[owner], v6_lo], axis=1).astype(">u8").tobytes()
    ips = [
        v6[16 * i : 16 * i + 16] if is6 else v4[4 * i : 4 * i + 4]
        for i, is6 in enumerate(v6_event.tolist())
    ]
    port = rng.integers(1024, 65536, size=total)
    connection.executemany(
        "INSERT INTO ip_events (account_id, at, seq, ip, port) VALUES (?,?,?,?,?)",
        zip(ids[owner].tolist(), at.tolist(), seq.tolist(), ips, port.tolist(), strict=True),
    )
    return total


def _insert_channels(
    connection: sqlite3.Connection,
    rng: np.random.Generator,
    accounts: int,
    first_id: int,
    until_s: int,
) -> tuple[int, int]:
    themes = list(THEME_WEIGHTS)
    p = np.array([THEME_WEIGHTS[t] for t in themes])
    count = max(30, accounts // 100)
    # every harmful theme appears at least twice, even on a tiny platform
    chosen = [t for t in themes if t in {"drugs", "weapons", "scam", "doxxing", "extremism"}] * 2
    chosen += [themes[i] for i in rng.choice(len(themes), size=count - len(chosen), p=p / p.sum())]
    order = rng.permutation(len(chosen))
    owners = rng.choice(accounts, size=count, replace=False) + first_id
    channel_rows = []
    post_rows = []
    for position, index in enumerate(order.tolist()):
        theme = chosen[index]
        languages = [lang for lang in LANGUAGES if lang in TEXTS[theme]]
        lang = languages[int(rng.integers(0, len(languages)))]
        titles, descriptions, posts = TEXTS[theme][lang]
        city = CITIES[lang][int(rng.integers(0, len(CITIES[lang])))]

        def fill(template: str, city: str = city) -> str:
            return template.format(city=city, n=int(rng.integers(2, 500)))

        channel_id = 1_000 + position
        name = f"{NAME_WORDS[theme]}_{_base36(channel_id * 7919)}"
        kind = "group" if rng.random() < 0.25 else "channel"
        channel_rows.append(
            (
                channel_id,
                name,
                kind,
                fill(titles[int(rng.integers(0, len(titles)))]),
                fill(descriptions[int(rng.integers(0, len(descriptions)))]),
                int(owners[position]),
                lang,
                int(rng.integers(10, 200_000)),
                theme,
            )
        )
        for post_id in range(1, int(rng.integers(4, 11)) + 1):
            at = until_s - int(rng.integers(0, 60 * 86400))
            post_rows.append(
                (channel_id, post_id, at, fill(posts[int(rng.integers(0, len(posts)))]))
            )
    connection.executemany(
        "INSERT INTO channels (id, name, kind, title, description, owner_id, language,"
        " subscribers, theme) VALUES (?,?,?,?,?,?,?,?,?)",
        channel_rows,
    )
    connection.executemany(
        "INSERT INTO posts (channel_id, id, at, text) VALUES (?,?,?,?)", post_rows
    )
    _insert_media(connection, channel_rows, post_rows)
    return len(channel_rows), len(post_rows)


def _insert_media(
    connection: sqlite3.Connection,
    channel_rows: list[tuple[Any, ...]],
    post_rows: list[tuple[int, int, int, str]],
) -> None:
    """Synthetic images: each extremist channel's newest post carries an edited copy of one of
    the known images (the demo bank lists their originals); a few other posts a unique one.
    Drawn from their own generator so the rest of the platform stays as it was."""
    rng = np.random.default_rng(len(channel_rows) * 31 + len(post_rows))
    themes = {row[0]: row[-1] for row in channel_rows}
    newest: dict[int, tuple[int, int]] = {}  # channel -> (at, post id) of its newest post
    for channel_id, post_id, at, _ in post_rows:
        newest[channel_id] = max(newest.get(channel_id, (at, post_id)), (at, post_id))
    rows = []
    for channel_id, post_id, _, _ in post_rows:
        if themes[channel_id] == "extremism" and newest[channel_id][1] == post_id:
            index = channel_id % len(images.KNOWN_SEEDS)
            data = images.reuploaded_known_image(index, variant=2 * (channel_id % 2))
            rows.append((channel_id, post_id, 1, "image/jpeg", data, 1))
        elif rng.random() < 0.04:
            data = images.unique_image(channel_id * 100 + post_id)
            rows.append((channel_id, post_id, 1, "image/png", data, 0))
    connection.executemany(
        "INSERT INTO media (channel_id, post_id, id, mime, data, known) VALUES (?,?,?,?,?,?)",
        rows,
    )
