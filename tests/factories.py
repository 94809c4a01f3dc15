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
