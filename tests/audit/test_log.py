"""The stored audit log on SQLite and PostgreSQL: appends, signed heads, proofs, tampering."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from lawline.audit import merkle
from lawline.audit import service as audit
from lawline.audit.models import AuditEntry, TreeHead
from lawline.audit.schemas import SignedTreeHead, entry_bytes
from lawline.core.errors import InvalidInput, PersonalDataLeak
from lawline.core.keys import SigningKey
from lawline.core.pii import IPAddress, PhoneNumber
from tests.factories import audit_entries


def test_appends_are_numbered_from_zero_and_hash_their_canonical_bytes(db: Session) -> None:
    made = audit_entries(db, 3)
    assert [e.seq for e in made] == [0, 1, 2]
    stored = db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    for entry in stored:
        expected = merkle.leaf_hash(
            entry_bytes(
                entry.seq, entry.entry_type, entry.actor, entry.subject, entry.at, entry.body
            )
        )
        assert entry.leaf_hash == expected
    size, root = audit.current_size_and_root(db)
    assert size == 3
    assert root == merkle.root([e.leaf_hash for e in stored])


@pytest.mark.parametrize(
    "body",
    [
        {"phone": PhoneNumber("+31612345678")},
        {"note": "call +31612345678 back"},
        {"nested": [{"ip": "192.0.2.44"}]},
        {"ip": IPAddress.parse("2001:db8::7")},
        {"seen": "from 2a02:1810:4d02:b400::1 at noon"},
    ],
)
def test_personal_data_is_refused_and_nothing_is_written(db: Session, body: dict) -> None:
    audit_entries(db, 1)
    with pytest.raises(PersonalDataLeak) as caught:
        audit.append(db, "test.leak", actor="staff:x", subject="case:1", body=body)
    assert "+31612345678" not in str(caught.value)
    assert "192.0.2.44" not in str(caught.value)
    assert db.execute(select(AuditEntry)).scalars().all().__len__() == 1
    assert audit.current_size_and_root(db)[0] == 1


def test_ordinary_numbers_and_versions_are_not_mistaken_for_personal_data(db: Session) -> None:
    audit.append(
        db,
        "test.ok",
        actor="staff:x",
        subject="request:req_01",
        body={"count": 31612345678, "model": "tfidf-1.2", "reference": "NL-2024-0042"},
    )
    assert audit.current_size_and_root(db)[0] == 1


def test_a_rolled_back_change_leaves_no_entry(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        audit_entries(session, 2)
        session.commit()
    with sessions() as session:
        audit_entries(session, 1)
        session.rollback()
    with sessions() as session:
        assert audit.current_size_and_root(session)[0] == 2
        assert session.execute(select(AuditEntry.seq)).scalars().all() == [0, 1]


def test_heads_are_signed_at_commit_of_a_transaction_that_appended(
    sessions: sessionmaker[Session], signing_key: SigningKey
) -> None:
    audit.sign_heads_on_commit(sessions, signing_key)
    with sessions() as session:
        audit_entries(session, 3)
        session.commit()
    with sessions() as session:
        session.commit()  # nothing appended: no new head
    with sessions() as session:
        audit_entries(session, 2)
        session.commit()
    with sessions() as session:
        sizes = session.execute(select(TreeHead.size).order_by(TreeHead.id)).scalars().all()
        assert sizes == [3, 5]
        head = audit.latest_head(session)
        assert head is not None
        assert head.verify_signature(signing_key.public)
        assert audit.verify_log(session, signing_key.public).ok


def _other_key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate())


def test_inclusion_proof_verifies_with_only_proof_and_signed_head(
    db: Session, signing_key: SigningKey
) -> None:
    audit_entries(db, 11)
    head = audit.sign_tree_head(db, signing_key)
    for seq in range(11):
        proof = audit.inclusion_proof(db, seq, head.size)
        # serialise and parse, as a third party would receive them
        proof = type(proof).model_validate_json(proof.model_dump_json())
        received = SignedTreeHead.model_validate_json(head.model_dump_json())
        assert proof.verify(received, signing_key.public)
    # the wrong leaf
    proof = audit.inclusion_proof(db, 4, head.size)
    wrong = proof.model_copy(update={"leaf_hash": audit.inclusion_proof(db, 5, 11).leaf_hash})
    assert not wrong.verify(head, signing_key.public)
    # a head signed by another key
    assert not proof.verify(head, _other_key().public)


def test_inclusion_proof_fails_against_a_forked_head(db: Session, signing_key: SigningKey) -> None:
    audit_entries(db, 6)
    head = audit.sign_tree_head(db, signing_key)
    proof = audit.inclusion_proof(db, 2, head.size)
    # a fork: same size, different history, validly signed by the same key
    hashes = [
        e.leaf_hash for e in db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    ]
    hashes[3] = merkle.leaf_hash(b"a different entry")
    forked_root = merkle.root(hashes)
    forked = SignedTreeHead(
        size=head.size,
        root=base64.b64encode(forked_root).decode(),
        timestamp=head.timestamp,
        key_id=head.key_id,
        signature=base64.b64encode(
            signing_key.sign(SignedTreeHead.message(head.size, forked_root, head.timestamp))
        ).decode(),
    )
    assert forked.verify_signature(signing_key.public)
    assert not proof.verify(forked, signing_key.public)


def test_consistency_between_signed_heads(db: Session, signing_key: SigningKey) -> None:
    audit_entries(db, 5)
    old = audit.sign_tree_head(db, signing_key)
    audit_entries(db, 9)
    new = audit.sign_tree_head(db, signing_key)
    proof = audit.consistency_proof(db, old.size, new.size)
    assert proof.verify(old, new, signing_key.public)
    assert not proof.verify(new, old, signing_key.public)
    tampered = old.model_copy(update={"root": new.root})
    assert not proof.verify(tampered, new, signing_key.public)


def test_proof_requests_outside_the_log_are_invalid_input(db: Session) -> None:
    audit_entries(db, 3)
    with pytest.raises(InvalidInput) as caught:
        audit.inclusion_proof(db, 3, 3)
    assert caught.value.code == "proof_out_of_range"
    with pytest.raises(InvalidInput):
        audit.consistency_proof(db, 2, 4)


def test_verify_finds_the_first_tampered_entry(db: Session, signing_key: SigningKey) -> None:
    audit_entries(db, 8)
    audit.sign_tree_head(db, signing_key)
    assert audit.verify_log(db, signing_key.public).ok
    db.execute(
        update(AuditEntry).where(AuditEntry.seq == 5).values(body={"n": 5, "note": "edited"})
    )
    db.expire_all()
    result = audit.verify_log(db, signing_key.public)
    assert not result.ok
    assert result.first_bad_seq == 5
    assert "seq 5" in result.describe()


def test_verify_catches_a_rewrite_that_recomputed_the_leaf_hash(
    db: Session, signing_key: SigningKey
) -> None:
    audit_entries(db, 4)
    audit.sign_tree_head(db, signing_key)
    audit_entries(db, 4)
    audit.sign_tree_head(db, signing_key)
    entry = db.get(AuditEntry, 6)
    assert entry is not None
    forged_body = {"n": 6, "note": "rewritten"}
    forged_hash = merkle.leaf_hash(
        entry_bytes(6, entry.entry_type, entry.actor, entry.subject, entry.at, forged_body)
    )
    db.execute(
        update(AuditEntry)
        .where(AuditEntry.seq == 6)
        .values(body=forged_body, leaf_hash=forged_hash)
    )
    db.expire_all()
    result = audit.verify_log(db, signing_key.public)
    assert not result.ok
    assert result.last_good_size == 4  # the bad entry lies after the last head that still holds
    assert "size 8" in (result.problem or "")


def test_verify_catches_a_deleted_entry_and_a_forged_head(
    db: Session, signing_key: SigningKey
) -> None:
    audit_entries(db, 5)
    audit.sign_tree_head(db, signing_key)
    db.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db.expire_all()
    result = audit.verify_log(db, signing_key.public)
    assert not result.ok
    assert result.first_bad_seq == 2
    assert result.problem == "sequence gap"


def test_verify_rejects_a_head_signed_by_another_key(db: Session, signing_key: SigningKey) -> None:
    audit_entries(db, 3)
    audit.sign_tree_head(db, _other_key())
    result = audit.verify_log(db, signing_key.public)
    assert not result.ok
    assert "bad signature" in (result.problem or "")
