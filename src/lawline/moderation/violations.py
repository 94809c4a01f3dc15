"""Violations: recorded by `remove` and `ban` decisions, voided by a reversed appeal."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock, SystemClock
from lawline.core.errors import Conflict, NotFound
from lawline.moderation.categories import CATEGORIES as REPORT_CATEGORIES
from lawline.moderation.models import Violation

CATEGORIES = tuple(REPORT_CATEGORIES)  # a violation is of a category reports use


def record_violation(
    session: Session,
    *,
    account_id: str,
    category: str,
    decision_ref: str,
    summary: str,
    actor: str,
    clock: Clock | None = None,
) -> Violation:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category}")
    violation = Violation(
        account_id=account_id,
        category=category,
        decision_ref=decision_ref,
        summary=summary,
        confirmed_by=actor,
        confirmed_at=(clock or SystemClock()).now(),
    )
    session.add(violation)
    session.flush()
    audit.append(
        session,
        "violation.recorded",
        actor=actor,
        subject=f"account:{account_id}",
        body={"violation_id": violation.id, "category": category, "decision": decision_ref},
        clock=clock,
    )
    return violation


def void_violation(
    session: Session, violation_id: int, *, reason: str, actor: str, clock: Clock | None = None
) -> Violation:
    now = (clock or SystemClock()).now()
    # One statement that voids only a live violation: of two racing callers, one changes the row
    voided = session.execute(
        update(Violation)
        .where(Violation.id == violation_id, Violation.voided_at.is_(None))
        .values(voided_at=now, voided_reason=reason)
        .execution_options(synchronize_session=False)
    )
    violation = session.execute(
        select(Violation)
        .where(Violation.id == violation_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if violation is None:
        raise NotFound(f"no violation {violation_id}", code="violation_not_found")
    if voided.rowcount == 0:  # type: ignore[attr-defined]
        raise Conflict("the violation is voided already", code="violation_voided")
    audit.append(
        session,
        "violation.voided",
        actor=actor,
        subject=f"account:{violation.account_id}",
        body={"violation_id": violation_id, "reason": reason},
        clock=clock,
    )
    return violation


def confirmed_violations(
    session: Session, account_id: str, category: str | None = None
) -> list[Violation]:
    query = select(Violation).where(
        Violation.account_id == account_id, Violation.voided_at.is_(None)
    )
    if category is not None:
        query = query.where(Violation.category == category)
    return list(session.execute(query.order_by(Violation.confirmed_at)).scalars())


_VIOLATORS = (
    select(Violation.account_id)
    .where(
        Violation.account_id.in_(bindparam("account_ids", expanding=True)),
        Violation.category == bindparam("category"),
        Violation.voided_at.is_(None),
    )
    .distinct()
)


def accounts_with_violations(
    session: Session, account_ids: Collection[str], category: str
) -> set[str]:
    """Those of `account_ids` with a confirmed (not voided) violation of `category`: one query
    for all of a legal request's targets."""
    if not account_ids:
        return set()
    return set(
        session.execute(
            _VIOLATORS, {"account_ids": list(account_ids), "category": category}
        ).scalars()
    )
