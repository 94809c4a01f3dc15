"""The retention sweep: holds past their period expire, holds served to a closed disclosure are
deleted, packages past their retention are deleted. Run by a job (the CLI `sweep` today)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.disclosure import preservation
from lawline.disclosure.package import delete_expired_packages
from lawline.legal.context import LegalContext
from lawline.legal.models import LegalRequest
from lawline.legal.validation import mark_overdue_validations
from lawline.legal.workflow import Status, transition


def sweep(session: Session, ctx: LegalContext) -> dict[str, int]:
    """Expire holds past their period and delete packages past retention."""
    now = ctx.clock.now()
    expired = (
        session.execute(
            select(LegalRequest).where(
                LegalRequest.status == Status.PRESERVED.value,
                LegalRequest.hold_until.is_not(None),
                LegalRequest.hold_until <= now,
            )
        )
        .scalars()
        .all()
    )
    holds = 0
    for request in expired:
        transition(session, request, Status.EXPIRED, actor="system:sweep", clock=ctx.clock)
        holds += preservation.delete_holds(session, request.id, ctx.clock)
    # holds served to a disclosure that is now closed are no longer needed
    linked = (
        session.execute(
            select(LegalRequest).where(
                LegalRequest.status == Status.PRESERVED.value,
                LegalRequest.production_confirmed.is_(True),
            )
        )
        .scalars()
        .all()
    )
    for request in linked:
        served = session.execute(
            select(func.count())
            .select_from(LegalRequest)
            .where(
                LegalRequest.preservation_request_id == request.id,
                LegalRequest.status.in_([Status.DISCLOSED.value, Status.CLOSED.value]),
            )
        ).scalar_one()
        if served:
            transition(
                session,
                request,
                Status.CLOSED,
                actor="system:sweep",
                clock=ctx.clock,
                reason="served to the linked production order",
            )
            holds += preservation.delete_holds(session, request.id, ctx.clock)
    packages = delete_expired_packages(session, ctx.clock)
    return {
        "holds_expired": len(expired),
        "holds_deleted": holds,
        "packages_deleted": packages,
        "validations_overdue": mark_overdue_validations(session, ctx),
    }
