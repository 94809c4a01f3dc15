"""The authority registry refuses odd text by name, on both databases, and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.authorities.models import Authority, CallbackContact
from lawline.authorities.service import add_contact, generate_authority_keys, register_authority
from lawline.core.errors import InvalidInput
from tests import factories


@pytest.mark.parametrize(
    ("name", "notes", "code"),
    [
        ("Parquet\x01 de Paris", "", "control_character"),
        ("   ", "", "text_missing"),
        ("P" * 201, "", "text_too_long"),
        ("Parquet de Paris", "line\x1b[2J", "control_character"),
    ],
)
def test_registry_text_is_plain_and_bounded(db: Session, name: str, notes: str, code: str) -> None:
    keys = generate_authority_keys()
    before = db.scalar(select(func.count()).select_from(Authority))
    with pytest.raises(InvalidInput) as refused:
        register_authority(
            db,
            name=name,
            country="FR",
            kind="prosecutor",
            signing_key=keys.public_pem,
            age_recipient=keys.age_recipient,
            jurisdiction_notes=notes,
            actor="staff:admin",
        )
    assert refused.value.code == code
    assert "\x01" not in str(refused.value)
    assert db.scalar(select(func.count()).select_from(Authority)) == before


def test_call_back_contacts_are_plain_and_bounded(db: Session) -> None:
    authority, _ = factories.authority(db)
    for field, value, code in (
        ("name", "Duty\x00 officer", "control_character"),
        ("telephone", "+31 70 1234567 ext. " + "9" * 30, "text_too_long"),
        ("role", "", "text_missing"),
    ):
        fields = {"name": "Duty officer", "role": "officer of justice", "telephone": "+31701234567"}
        fields[field] = value
        with pytest.raises(InvalidInput) as refused:
            add_contact(db, authority.id, **fields, actor="staff:admin")
        assert refused.value.code == code
        assert field in str(refused.value)
    assert db.scalar(select(func.count()).select_from(CallbackContact)) == 0
