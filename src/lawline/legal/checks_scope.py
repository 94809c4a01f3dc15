"""Checks of what the order reaches: categories, time range, targets, links."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from lawline.legal.check_context import CheckContext
from lawline.legal.check_context import reason as _reason
from lawline.legal.models import LegalRequest, RequestTarget
from lawline.legal.offenses import OFFENSES
from lawline.legal.policy import CATEGORIES
from lawline.legal.schemas import Reason
from lawline.moderation.violations import accounts_with_violations

OPEN_STATUSES = ("submitted", "in_review", "needs_info", "approved", "preserved")


# -- data ---------------------------------------------------------------------------------
def categories_allowed(ctx: CheckContext) -> list[Reason]:
    return [
        _reason(
            "category_not_allowed",
            f"{category!r} is not held or disclosed by lawline; only "
            f"{', '.join(CATEGORIES)} (never content)",
            "categories_held",
        )
        for category in dict.fromkeys(ctx.request.categories)
        if category not in CATEGORIES
    ]


def max_targets(ctx: CheckContext) -> list[Reason]:
    if len(ctx.request.targets) > ctx.regime.max_targets:
        return [
            _reason(
                "scope_too_broad",
                f"at most {ctx.regime.max_targets} targets per request",
                "max_targets",
            )
        ]
    return []


def time_range(ctx: CheckContext) -> list[Reason]:
    span = ctx.request.range
    if "traffic.ip" not in ctx.request.categories:
        return []
    if span is None:
        return [_reason("scope_too_broad", "traffic.ip needs a time range", "time_range")]
    if span.end <= span.start:
        return [_reason("scope_too_broad", "the time range ends before it starts", "time_range")]
    return []


def range_length(ctx: CheckContext) -> list[Reason]:
    span = ctx.request.range
    if span is None or ctx.rule is None or span.end <= span.start:
        return []
    days = (min(span.end, ctx.now) - span.start).total_seconds() / 86400
    if days > ctx.rule.max_range_days:
        return [
            _reason(
                "scope_too_broad",
                f"the time range spans {days:.0f} days; at most {ctx.rule.max_range_days}",
                "max_range_days",
            )
        ]
    return []


def range_stored(ctx: CheckContext) -> list[Reason]:
    """A production order reaches data stored when it arrives: a range wholly after receipt
    asks for data not yet stored (another instrument, which lawline does not serve)."""
    span = ctx.request.range
    if span is not None and span.start >= ctx.now:
        return [
            _reason(
                "range_in_future",
                "the time range starts after the request was received; only stored data can "
                "be produced",
                "range_in_future",
            )
        ]
    return []


# -- targets ------------------------------------------------------------------------------
def targets_found(ctx: CheckContext) -> list[Reason]:
    return [
        _reason(
            "target_not_found",
            f"target {t.position} ({t.display}) not found",
            "targets_found",
            target=t.position,
        )
        for t in ctx.targets
        if t.account is None
    ]


def targets_are_violators(ctx: CheckContext) -> list[Reason]:
    if not ctx.regime.violation_precondition:
        return []
    category = OFFENSES[ctx.request.offense].tos_category
    found = [t for t in ctx.targets if t.account is not None]
    violators = (
        accounts_with_violations(ctx.session, {t.account.id for t in found if t.account}, category)
        if category is not None
        else set()
    )
    return [
        _reason(
            "target_not_violator",
            f"target {t.position} has no confirmed {category or 'ToS'} violation on record",
            "violation_precondition",
            target=t.position,
        )
        for t in found
        if t.account is not None and t.account.id not in violators
    ]


# The open requests of one authority under one instrument reference, with their targets'
# accounts: one statement, built once (bound values per call).
_OPEN_UNDER_INSTRUMENT = (
    select(LegalRequest.id, RequestTarget.account_id)
    .outerjoin(RequestTarget, RequestTarget.request_id == LegalRequest.id)
    .where(
        LegalRequest.authority_id == bindparam("authority_id"),
        LegalRequest.instrument_reference == bindparam("reference"),
        LegalRequest.request_type == bindparam("request_type"),
        LegalRequest.status.in_(OPEN_STATUSES),
    )
    .order_by(LegalRequest.received_at, LegalRequest.id)
)


def not_duplicate(ctx: CheckContext) -> list[Reason]:
    accounts = sorted(t.account.id for t in ctx.targets if t.account is not None)
    if not accounts:
        return []
    rows = ctx.session.execute(
        _OPEN_UNDER_INSTRUMENT,
        {
            "authority_id": ctx.authority.id,
            "reference": ctx.request.instrument.reference,
            "request_type": ctx.request.type,
        },
    )
    candidates: dict[str, list[str]] = {}
    for request_id, account_id in rows:
        named = candidates.setdefault(request_id, [])
        if account_id is not None:
            named.append(account_id)
    for request_id, named in candidates.items():
        if sorted(named) == accounts:
            return [_reason("duplicate", f"the same request is open as {request_id}", "duplicate")]
    return []


def preservation_link(ctx: CheckContext) -> list[Reason]:
    linked_id = ctx.request.preservation_request_id
    if linked_id is None:
        return []
    linked = ctx.session.get(LegalRequest, linked_id)
    if linked is None or linked.authority_id != ctx.authority.id or linked.status != "preserved":
        return [
            _reason(
                "preservation_not_found",
                f"no preservation {linked_id} of yours is being held",
                "preservation_link",
            )
        ]
    held = set(
        ctx.session.execute(
            select(RequestTarget.account_id).where(RequestTarget.request_id == linked_id)
        ).scalars()
    )
    if any(t.account is not None and t.account.id not in held for t in ctx.targets):
        return [
            _reason(
                "preservation_not_found",
                f"preservation {linked_id} does not hold every target",
                "preservation_link",
            )
        ]
    return []


def emergency_justified(ctx: CheckContext) -> list[Reason]:
    if ctx.request.type == "emergency" and not (ctx.request.emergency_reason or "").strip():
        return [
            _reason(
                "emergency_reason_missing",
                "an emergency request states the threat to life or safety",
                "emergency_reason",
            )
        ]
    return []
