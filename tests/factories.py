"""Factories shared by the tests (instead of fixtures copied between files)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.audit.models import AuditEntry


def audit_entries(session: Session, count: int, **overrides: Any) -> list[AuditEntry]:
    made = []
    for i in range(count):
        made.append(
            audit.append(
                session,
                overrides.get("entry_type", "test.event"),
                actor=overrides.get("actor", "staff:tester"),
                subject=overrides.get("subject", f"case:{i}"),
                body=overrides.get("body", {"n": i, "note": "ordinary"}),
            )
        )
    return made


# -- legal ----------------------------------------------------------------------------------
STAFF_PASSWORD = "correct horse battery staple"


def staff_member(session: Session, username: str, *roles: str) -> Any:
    from lawline.staff.service import create_staff

    staff, _ = create_staff(
        session,
        username=username,
        display_name=username.title(),
        roles=list(roles or ("approver",)),
        password=STAFF_PASSWORD,
        actor="staff:admin",
    )
    return staff


def authority(
    session: Session, *, country: str = "NL", kind: str = "prosecutor", name: str | None = None
) -> tuple[Any, Any]:
    """Register an authority with fresh keys; returns (Authority, AuthorityKeys)."""
    from lawline.authorities.service import generate_authority_keys, register_authority

    keys = generate_authority_keys()
    registered, _ = register_authority(
        session,
        name=name or f"Public Prosecution Service {country}",
        country=country,
        kind=kind,
        signing_key=keys.public_pem,
        age_recipient=keys.age_recipient,
        actor="staff:admin",
    )
    return registered, keys


def violation(session: Session, account_id: str, category: str, clock: Any = None) -> Any:
    from lawline.moderation.violations import record_violation

    return record_violation(
        session,
        account_id=account_id,
        category=category,
        decision_ref="dec_test",
        summary="confirmed in a test",
        actor="staff:moderator",
        clock=clock,
    )


def request_document(**overrides: Any) -> dict[str, Any]:
    """A valid Dutch production order for account 100005's drug trafficking."""
    document: dict[str, Any] = {
        "type": "disclosure",
        "instrument": {
            "kind": "court_order",
            "issuing_body": "Officier van Justitie Rotterdam",
            "reference": "RTM-2026-001",
            "issued_on": "2026-11-18",
            "expires_on": "2027-02-18",
            "document_sha256": "ab" * 32,
        },
        "offense": "drug_trafficking",
        "targets": ["100005"],
        "categories": ["subscriber.phone", "traffic.ip"],
        "range": {"start": "2026-06-01T00:00:00Z", "end": "2026-09-01T00:00:00Z"},
        "case_reference": "ZAAK-42",
    }
    for key, value in overrides.items():
        if key.startswith("instrument."):
            document["instrument"][key.split(".", 1)[1]] = value
        elif value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document
