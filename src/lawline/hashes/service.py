"""Hash banks: create them, import hash lists into them, match media against them.

A match is a fact about a case (which bank, which signal, how far), recorded with its audit
entry in the caller's transaction. The media itself is hashed in memory and dropped: no image
leaves the platform into lawline's database, logs or audit log.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import InvalidInput, NotFound
from lawline.core.ids import new_id
from lawline.hashes.models import BankedHash, HashBank, MediaMatch
from lawline.hashes.signals import (
    PDQ_MIN_QUALITY,
    MediaUnreadable,
    md5_hex,
    pdq_hex,
    signal_type_of,
)
from lawline.platform.protocol import Media

DEFAULT_PDQ_THRESHOLD = 31  # the distance ThreatExchange and HMA use for PDQ by default
MAX_PDQ_THRESHOLD = 70  # beyond this unrelated images start to match


@dataclass(frozen=True)
class Imported:
    bank: HashBank
    added: int
    already_present: int


@dataclass(frozen=True)
class Match:
    bank: HashBank
    banked: BankedHash
    signal_type: str
    distance: int
    media: Media


def get_bank(session: Session, name: str) -> HashBank | None:
    return session.execute(select(HashBank).where(HashBank.name == name)).scalar_one_or_none()


def parse_hash_list(text: str, source: str) -> list[tuple[str, str]]:
    """(signal_type, value) pairs from a hash list: a CSV with a header naming `signal_type`
    and `signal_value` (or `hash`) columns, as HMA and ThreatExchange exports do; or one hex
    hash per line (64 digits: PDQ, 32: MD5). Every bad line is reported, nothing half-read."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise InvalidInput(f"{source} holds no hashes", code="file_empty")
    rows: list[tuple[int, str, str | None]] = []
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
    if any(h in header for h in ("signal_value", "hash", "signal_type")):
        value_column = "signal_value" if "signal_value" in header else "hash"
        if value_column not in header:
            raise InvalidInput(f"{source}: no signal_value or hash column", code="file_malformed")
        for number, record in enumerate(csv.DictReader(io.StringIO("\n".join(lines))), start=2):
            cleaned = {str(k).strip().lower(): (v or "").strip() for k, v in record.items()}
            declared = cleaned.get("signal_type", "").lower() or None
            rows.append((number, cleaned.get(value_column, "").lower(), declared))
    else:
        rows = [
            (n, line.strip().split(",")[0].strip().lower(), None) for n, line in enumerate(lines, 1)
        ]
    parsed, problems = [], []
    for number, value, declared in rows:
        kind = signal_type_of(value)
        if declared in ("pdq", "video_md5", "md5", "photo_md5"):
            declared = "pdq" if declared == "pdq" else "md5"
        if kind is None or (declared is not None and declared != kind):
            problems.append(str(number))
            continue
        parsed.append((kind, value))
    if problems:
        shown = ", ".join(problems[:10]) + (" ..." if len(problems) > 10 else "")
        raise InvalidInput(
            f"{source}: not a PDQ (64 hex) or MD5 (32 hex) hash on line(s) {shown}",
            code="hash_malformed",
        )
    return parsed


def import_hashes(
    session: Session,
    path: Path,
    *,
    bank_name: str,
    category: str,
    pdq_threshold: int | None,
    categories: Collection[str],
    actor: str,
    clock: Clock,
) -> Imported:
    """Add a file's hashes to a bank (created on first import). Re-importing is harmless.
    `categories` are the moderation categories a bank may hold (the caller's closed list)."""
    if category not in categories:
        raise InvalidInput(
            f"unknown category {category!r}; known: {', '.join(categories)}",
            code="category_unknown",
        )
    if pdq_threshold is not None and not 0 <= pdq_threshold <= MAX_PDQ_THRESHOLD:
        raise InvalidInput(
            f"a PDQ threshold is between 0 and {MAX_PDQ_THRESHOLD}", code="threshold_invalid"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}", code="file_unreadable") from None
    entries = parse_hash_list(text, str(path))
    now = clock.now()
    bank = get_bank(session, bank_name)
    if bank is None:
        bank = HashBank(
            id=new_id("bank"),
            name=bank_name,
            category=category,
            pdq_threshold=DEFAULT_PDQ_THRESHOLD if pdq_threshold is None else pdq_threshold,
            created_at=now,
        )
        session.add(bank)
        session.flush()
    elif bank.category != category:
        raise InvalidInput(
            f"bank {bank_name} holds {bank.category}, not {category}", code="bank_category"
        )
    elif pdq_threshold is not None:
        bank.pdq_threshold = pdq_threshold
    present = {
        (t, v)
        for t, v in session.execute(
            select(BankedHash.signal_type, BankedHash.value).where(BankedHash.bank_id == bank.id)
        ).all()
    }
    new = sorted(set(entries) - present)
    session.add_all(
        BankedHash(bank_id=bank.id, signal_type=t, value=v, added_at=now) for t, v in new
    )
    session.flush()
    audit.append(
        session,
        "hashes.imported",
        actor=actor,
        subject=f"hash_bank:{bank.id}",
        body={"bank": bank.name, "category": category, "added": len(new), "file": path.name},
        clock=clock,
    )
    return Imported(bank, len(new), len(set(entries)) - len(new))


def match_media(session: Session, media: Iterable[Media]) -> list[Match]:
    """Every bank hash within its bank's threshold of the given media, closest first."""
    items = list(media)
    if not items:
        return []
    banks = {b.id: b for b in session.execute(select(HashBank)).scalars()}
    if not banks:
        return []
    matches: list[Match] = []
    for item in items:
        md5 = md5_hex(item.data)
        for banked in session.execute(
            select(BankedHash).where(BankedHash.signal_type == "md5", BankedHash.value == md5)
        ).scalars():
            matches.append(Match(banks[banked.bank_id], banked, "md5", 0, item))
        try:
            pdq, quality = pdq_hex(item.data)
        except MediaUnreadable:
            continue
        if quality < PDQ_MIN_QUALITY:
            continue
        probe = int(pdq, 16)
        for banked in session.execute(
            select(BankedHash).where(BankedHash.signal_type == "pdq")
        ).scalars():
            distance = (probe ^ int(banked.value, 16)).bit_count()
            if distance <= banks[banked.bank_id].pdq_threshold:
                matches.append(Match(banks[banked.bank_id], banked, "pdq", distance, item))
    matches.sort(key=lambda m: (m.distance, m.bank.name))
    return matches


def record_match(
    session: Session, case_id: int, match: Match, *, actor: str, clock: Clock
) -> MediaMatch:
    now: datetime = clock.now()
    record = MediaMatch(
        case_id=case_id,
        bank_id=match.bank.id,
        banked_hash_id=match.banked.id,
        signal_type=match.signal_type,
        distance=match.distance,
        media_ref=f"{match.media.channel_id}/{match.media.post_id}/{match.media.id}",
        matched_at=now,
    )
    session.add(record)
    session.flush()
    audit.append(
        session,
        "media.matched",
        actor=actor,
        subject=f"case:{case_id}",
        body={
            "bank": match.bank.name,
            "category": match.bank.category,
            "signal": match.signal_type,
            "distance": match.distance,
            "media": record.media_ref,
        },
        clock=clock,
    )
    return record


def matches_of_case(session: Session, case_id: int) -> list[tuple[MediaMatch, HashBank]]:
    rows = session.execute(
        select(MediaMatch, HashBank)
        .join(HashBank, HashBank.id == MediaMatch.bank_id)
        .where(MediaMatch.case_id == case_id)
        .order_by(MediaMatch.distance)
    ).all()
    return [(m, b) for m, b in rows]


def bank_or_404(session: Session, name: str) -> HashBank:
    bank = get_bank(session, name)
    if bank is None:
        raise NotFound(f"no hash bank {name}", code="bank_not_found")
    return bank
