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


# -- a whole runtime ------------------------------------------------------------------------
def runtime_on(
    request: Any, backend: str, data_dir: Any, platform_file: Any, clock: Any, **settings: Any
) -> Any:
    """A migrated runtime on SQLite or on its own PostgreSQL schema (dropped after the test),
    with a copy of the generated platform; for tests that race real connections."""
    import secrets

    from sqlalchemy import text

    from lawline.core.db import make_engine
    from lawline.core.settings import Settings
    from lawline.runtime import Runtime

    database_url = None
    if backend == "postgresql":
        url, _ = request.getfixturevalue("postgres_schema_url")
        schema = f"rt_{secrets.token_hex(5)}"
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{url}?options=-csearch_path%3D{schema}"

        def drop() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        request.addfinalizer(drop)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "platform.sqlite").write_bytes(platform_file.read_bytes())
    runtime = Runtime(
        Settings(data_dir=data_dir, database_url=database_url, platform="embedded", **settings),
        clock=clock,
    )
    runtime.upgrade_database()
    request.addfinalizer(runtime.close)
    return runtime


# -- transparency: rows with chosen instants, for hand-computed quarter figures ---------------
def legal_request_row(
    session: Session,
    authority_id: str,
    *,
    received_at: Any,
    request_type: str = "disclosure",
    instrument_kind: str = "court_order",
    status: str = "in_review",
    targets: int = 1,
    **fields: Any,
) -> Any:
    """A stored request as intake leaves it, without running the checks (for counting); it is
    counted as received, as intake counts it."""
    from lawline.core.ids import new_id
    from lawline.legal import figures
    from lawline.legal.models import LegalRequest, RequestTarget

    values: dict[str, Any] = {
        "id": new_id("req"),
        "authority_id": authority_id,
        "request_type": request_type,
        "status": status,
        "regime": "nl",
        "binding": True,
        "instrument_kind": instrument_kind,
        "issuing_body": "Rechtbank Rotterdam",
        "issuer_role": "court",
        "instrument_reference": "REF-1",
        "issued_on": received_at.date(),
        "offense": "drug_trafficking",
        "categories": ["subscriber.phone"],
        "case_reference": "CASE-1",
        "reasons": [],
        "warnings": [],
        "entered_by": "authority:test",
        "received_at": received_at,
        "updated_at": received_at,
    }
    values.update(fields)
    request = LegalRequest(**values)
    session.add(request)
    session.flush()
    for position in range(targets):
        session.add(
            RequestTarget(
                request_id=request.id,
                position=position,
                ref_kind="account_id",
                ref_display=f"account {100000 + position}",
                account_id=str(100000 + position),
            )
        )
    session.flush()
    figures.received(session, request)
    return request


def disclose_row(
    session: Session, request: Any, *, at: Any, accounts: int, country: str, key: Any
) -> Any:
    """Mark a stored request disclosed at `at`: its package row, its ledger entry and its
    counters, as the legal service writes them (one instant for both)."""
    from datetime import timedelta

    from lawline.audit import ledger
    from lawline.core.clock import FixedClock
    from lawline.core.ids import new_id
    from lawline.disclosure.models import DisclosurePackage
    from lawline.legal import figures

    clock = FixedClock(at)
    receipt = ledger.append(
        session,
        request_id=request.id,
        country=country,
        request_type=request.request_type,
        instrument_kind=request.instrument_kind,
        accounts=accounts,
        key=key,
        clock=clock,
    )
    session.add(
        DisclosurePackage(
            id=new_id("pkg"),
            request_id=request.id,
            ciphertext=b"x",
            ciphertext_sha256="00" * 32,
            manifest={"files": {}},
            accounts=accounts,
            ip_events=0,
            created_at=at,
            delete_after=at + timedelta(days=30),
        )
    )
    request.status = "disclosed"
    request.updated_at = at
    session.flush()
    figures.disclosed(session, request, at=at, accounts=accounts)
    return receipt


def case_row(
    session: Session, *, first_report_at: Any, target_kind: str = "channel", **f: Any
) -> Any:
    from datetime import timedelta

    from lawline.moderation.models import Case

    values: dict[str, Any] = {
        "target_key": f"{target_kind}:{first_report_at.isoformat()}",
        "target_kind": target_kind,
        "status": "open",
        "categories": {},
        "first_report_at": first_report_at,
        "last_report_at": first_report_at,
        "deadline_at": first_report_at + timedelta(hours=24),
        "triage_model": "test-model",
    }
    values.update(f)
    case = Case(**values)
    session.add(case)
    session.flush()
    return case


def report_row(session: Session, case: Any, *, at: Any, category: str, **f: Any) -> Any:
    from lawline.core.ids import new_id
    from lawline.moderation.models import Report

    values: dict[str, Any] = {
        "id": new_id("rep"),
        "case_id": case.id,
        "reporter_id": new_id("reporter"),
        "category": category,
        "channel": "api",
        "created_at": at,
    }
    values.update(f)
    report = Report(**values)
    session.add(report)
    session.flush()
    return report


def decision_row(
    session: Session,
    case: Any,
    *,
    at: Any,
    action: str,
    ground: str = "terms",
    automated: bool = False,
    **f: Any,
) -> Any:
    from lawline.core.ids import new_id
    from lawline.moderation.models import Decision

    values: dict[str, Any] = {
        "id": new_id("dec"),
        "case_id": case.id,
        "action": action,
        "category": "scam",
        "moderator": "staff:moderator",
        "decided_at": at,
        "statement": {"ground": ground, "automated_detection": automated},
    }
    values.update(f)
    decision = Decision(**values)
    case.status = "decided"
    session.add(decision)
    session.flush()
    return decision


def appeal_row(session: Session, decision: Any, *, filed_at: Any, **f: Any) -> Any:
    from lawline.core.ids import new_id
    from lawline.moderation.models import Appeal

    values: dict[str, Any] = {
        "id": new_id("apl"),
        "decision_id": decision.id,
        "appellant_account_id": "100001",
        "grounds": "a test appeal",
        "filed_at": filed_at,
        "status": "open",
    }
    values.update(f)
    appeal = Appeal(**values)
    session.add(appeal)
    session.flush()
    return appeal
