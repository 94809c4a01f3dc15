"""Hash banks with real PDQ hashes of generated images: an edited copy within a bank's threshold
matches, an unrelated image does not; hash lists import whole or not at all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.core.clock import FixedClock
from lawline.core.errors import InvalidInput
from lawline.hashes.models import BankedHash
from lawline.hashes.service import import_hashes, match_media
from lawline.hashes.signals import hamming, md5_hex, pdq_hex
from lawline.moderation.categories import CATEGORIES
from lawline.platform import images
from lawline.platform.protocol import Media

CLOCK = FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))


def _media(data: bytes) -> Media:
    return Media("1001", 1, "1", "image/jpeg", data)


def _import(session: Session, path: Path, bank: str = "known-terror", **extra: object) -> object:
    return import_hashes(
        session,
        path,
        bank_name=bank,
        category=str(extra.pop("category", "terrorism")),
        pdq_threshold=extra.pop("threshold", None),  # type: ignore[arg-type]
        categories=list(CATEGORIES),
        actor="staff:mo",
        clock=CLOCK,
    )


def test_pdq_of_an_edited_copy_is_near_and_of_an_unrelated_image_far() -> None:
    original, quality = pdq_hex(images.known_image(0))
    edited, _ = pdq_hex(images.reuploaded_known_image(0, variant=0))
    unrelated, _ = pdq_hex(images.unique_image(7))
    assert quality >= 20
    assert images.known_image(0) != images.reuploaded_known_image(0, variant=0)
    assert hamming(original, edited) <= 31
    assert hamming(original, unrelated) > 80


def test_an_edited_copy_matches_within_the_threshold_and_an_unrelated_image_does_not(
    db: Session, tmp_path: Path
) -> None:
    bank_file = tmp_path / "bank.csv"
    rows = [f"pdq,{pdq_hex(images.known_image(i))[0]}" for i in range(4)]
    bank_file.write_text("signal_type,signal_value\n" + "\n".join(rows) + "\n")
    imported = _import(db, bank_file)
    assert (imported.added, imported.already_present) == (4, 0)  # type: ignore[attr-defined]

    (match,) = match_media(db, [_media(images.reuploaded_known_image(0, variant=2))])
    assert (match.bank.name, match.signal_type) == ("known-terror", "pdq")
    assert 0 < match.distance <= 31
    assert match_media(db, [_media(images.unique_image(3))]) == []
    assert match_media(db, [_media(b"not an image at all")]) == []


def test_each_bank_keeps_its_own_threshold_and_md5_matches_exact_copies(
    db: Session, tmp_path: Path
) -> None:
    edited = images.reuploaded_known_image(1, variant=0)
    strict = tmp_path / "strict.txt"
    strict.write_text(pdq_hex(images.known_image(1))[0] + "\n")
    _import(db, strict, bank="strict", threshold=0)
    assert match_media(db, [_media(edited)]) == []
    exact = tmp_path / "exact.txt"
    exact.write_text(f"# md5 of a known upload\n{md5_hex(edited)}\n")
    _import(db, exact, bank="exact-copies", category="csam")
    (match,) = match_media(db, [_media(edited)])
    assert (match.bank.name, match.signal_type, match.distance) == ("exact-copies", "md5", 0)


def test_a_bad_hash_list_is_refused_whole(db: Session, tmp_path: Path) -> None:
    good = pdq_hex(images.known_image(2))[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"signal_type,signal_value\npdq,{good}\npdq,xyz\nmd5,{good}\n")
    with pytest.raises(InvalidInput) as refused:
        _import(db, bad)
    assert refused.value.code == "hash_malformed"
    assert "line(s) 3, 4" in refused.value.message
    assert db.execute(select(func.count()).select_from(BankedHash)).scalar_one() == 0
    with pytest.raises(InvalidInput) as unknown:
        _import(db, bad, category="jaywalking")
    assert unknown.value.code == "category_unknown"


def test_reimporting_a_list_adds_nothing_twice(db: Session, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("\n".join(pdq_hex(images.known_image(i))[0] for i in range(3)) + "\n")
    _import(db, path)
    again = _import(db, path)
    assert (again.added, again.already_present) == (0, 3)  # type: ignore[attr-defined]
    assert db.execute(select(func.count()).select_from(BankedHash)).scalar_one() == 3
