"""The automatic checks of a legal request. Each is a small function returning the reasons it
fails for (empty when it passes); every reason code is part of the public API
(docs/reason-codes.md). All checks run, so the authority learns every failure at once.

Where the instrument is binding (an EPOC), the platform's own preconditions (a ToS violation on
record, an offense within the ToS) do not refuse the request: they become warnings the
reviewers must acknowledge, and they may refuse only on a ground the regime lists.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.authorities.models import Authority
from lawline.core.errors import LawlineError
from lawline.legal.models import LegalRequest, RequestTarget
from lawline.legal.offenses import OFFENSES
from lawline.legal.policy import CATEGORIES, InstrumentRule, Regime
from lawline.legal.schemas import Reason, RequestIn
from lawline.moderation.violations import confirmed_violations
from lawline.platform.protocol import Account, AccountRef, Platform

OPEN_STATUSES = ("submitted", "in_review", "needs_info", "approved", "preserved")


@dataclass
class ResolvedTarget:
    position: int  # from 1
    kind: str
    display: str
    account: Account | None


@dataclass
class CheckContext:
    session: Session
    platform: Platform
    authority: Authority
    request: RequestIn
    regime: Regime
    rule: InstrumentRule | None
    today: date
    targets: list[ResolvedTarget] = field(default_factory=list)

    @property
    def binding(self) -> bool:
        return bool(self.rule and self.rule.binding)


@dataclass
class CheckResult:
    reasons: list[Reason]
    warnings: list[Reason]


Check = Callable[[CheckContext], list[Reason]]


def _masked(ref: AccountRef) -> str:
    if ref.kind == "phone":
        value = ref.value.reveal() if not isinstance(ref.value, str) else ref.value
        return f"phone ending {value[-2:]}"
    return f"@{ref.value}" if ref.kind == "username" else f"id {ref.value}"


def resolve_targets(platform: Platform, targets: list[str], region: str) -> list[ResolvedTarget]:
    resolved = []
    for position, text in enumerate(targets, start=1):
        try:
            ref = AccountRef.parse(text, region=region)
        except LawlineError:
            resolved.append(ResolvedTarget(position, "malformed", "malformed reference", None))
            continue
        resolved.append(
            ResolvedTarget(position, ref.kind, _masked(ref), platform.resolve_account(ref))
        )
    return resolved


# -- instrument ---------------------------------------------------------------------------
def instrument_accepted(ctx: CheckContext) -> list[Reason]:
    kind = ctx.request.instrument.kind
    if ctx.rule is None:
        return [
            Reason(
                code="instrument_not_accepted",
                message=f"{kind} is not accepted under {ctx.regime.name}",
            )
        ]
    reasons = []
    if ctx.request.type not in ctx.rule.request_types:
        reasons.append(
            Reason(
                code="instrument_not_accepted",
                message=f"{kind} does not ground a {ctx.request.type} request "
                f"under {ctx.regime.name}",
            )
        )
    for category in ctx.request.categories:
        if category in CATEGORIES and category not in ctx.rule.categories:
            reasons.append(
                Reason(
                    code="instrument_not_accepted",
                    message=f"{kind} does not reach {category} under "
                    f"{ctx.regime.name} ({ctx.rule.source})",
                )
            )
    return reasons


def issuer_competent(ctx: CheckContext) -> list[Reason]:
    if ctx.rule is None:
        return []
    instrument = ctx.request.instrument
    if instrument.issuer_role in ctx.rule.issuers:
        return []
    if (
        instrument.issuer_role in ctx.rule.validated_issuers
        and instrument.validator_role in ctx.rule.validators
        and instrument.validated_by
    ):
        return []
    needed = ", ".join(ctx.rule.issuers)
    if ctx.rule.validated_issuers:
        needed += (
            f" (or {', '.join(ctx.rule.validated_issuers)} with validation by "
            f"{', '.join(ctx.rule.validators)})"
        )
    return [
        Reason(
            code="issuer_not_competent",
            message=f"a {instrument.issuer_role} may not issue a {instrument.kind} here; "
            f"competent: {needed}",
        )
    ]


def instrument_dates(ctx: CheckContext) -> list[Reason]:
    instrument = ctx.request.instrument
    reasons = []
    if instrument.issued_on > ctx.today:
        reasons.append(
            Reason(
                code="instrument_not_yet_valid",
                message=f"the instrument is dated {instrument.issued_on}, in the future",
            )
        )
    if instrument.expires_on is not None and instrument.expires_on < ctx.today:
        reasons.append(
            Reason(
                code="instrument_expired",
                message=f"the instrument expired on {instrument.expires_on}",
            )
        )
    return reasons


def document_present(ctx: CheckContext) -> list[Reason]:
    instrument = ctx.request.instrument
    if instrument.document_pdf_base64:
        try:
            pdf = base64.b64decode(instrument.document_pdf_base64, validate=True)
        except (binascii.Error, ValueError):
            return [Reason(code="document_missing", message="the document is not valid base64")]
        if not pdf.startswith(b"%PDF-"):
            return [Reason(code="document_missing", message="the document is not a PDF")]
        return []
    if instrument.document_sha256 or (ctx.rule is not None and not ctx.rule.document_required):
        return []
    return [
        Reason(
            code="document_missing",
            message="attach the signed instrument as a PDF or give its SHA-256",
        )
    ]


# -- offense ------------------------------------------------------------------------------
def offense_is_tos_violation(ctx: CheckContext) -> list[Reason]:
    if OFFENSES[ctx.request.offense].tos_category is None:
        return [
            Reason(
                code="offense_not_tos_violation",
                message="the offense is outside the platform's Terms of Service",
            )
        ]
    return []


def offense_gravity(ctx: CheckContext) -> list[Reason]:
    if ctx.rule is None:
        return []
    years = OFFENSES[ctx.request.offense].max_penalty_years
    return [
        Reason(
            code="offense_below_threshold",
            message=f"{category} needs an offense punishable by {minimum} years or more "
            f"({ctx.rule.source})",
        )
        for category, minimum in ctx.rule.min_offense_years.items()
        if category in ctx.request.categories and years < minimum
    ]


# -- data ---------------------------------------------------------------------------------
def categories_allowed(ctx: CheckContext) -> list[Reason]:
    return [
        Reason(
            code="category_not_allowed",
            message=f"{category!r} is not disclosed by lawline; only "
            f"{', '.join(CATEGORIES)} (never content)",
        )
        for category in dict.fromkeys(ctx.request.categories)
        if category not in CATEGORIES
    ]


def scope(ctx: CheckContext) -> list[Reason]:
    reasons = []
    if len(ctx.request.targets) > ctx.regime.max_targets:
        reasons.append(
            Reason(
                code="scope_too_broad",
                message=f"at most {ctx.regime.max_targets} targets per request",
            )
        )
    span = ctx.request.range
    if "traffic.ip" in ctx.request.categories:
        if span is None:
            reasons.append(Reason(code="scope_too_broad", message="traffic.ip needs a time range"))
        elif ctx.rule is not None:
            days = (span.end - span.start).total_seconds() / 86400
            if span.end <= span.start:
                reasons.append(
                    Reason(code="scope_too_broad", message="the time range ends before it starts")
                )
            elif days > ctx.rule.max_range_days:
                reasons.append(
                    Reason(
                        code="scope_too_broad",
                        message=f"the time range spans {days:.0f} days; at most "
                        f"{ctx.rule.max_range_days}",
                    )
                )
    return reasons


# -- targets ------------------------------------------------------------------------------
def targets_found(ctx: CheckContext) -> list[Reason]:
    return [
        Reason(
            code="target_not_found",
            message=f"target {t.position} ({t.display}) not found",
            target=t.position,
        )
        for t in ctx.targets
        if t.account is None
    ]


def targets_are_violators(ctx: CheckContext) -> list[Reason]:
    if not ctx.regime.violation_precondition:
        return []
    category = OFFENSES[ctx.request.offense].tos_category
    return [
        Reason(
            code="target_not_violator",
            message=f"target {t.position} has no confirmed {category or 'ToS'} violation on record",
            target=t.position,
        )
        for t in ctx.targets
        if t.account is not None
        and (category is None or not confirmed_violations(ctx.session, t.account.id, category))
    ]


def not_duplicate(ctx: CheckContext) -> list[Reason]:
    accounts = sorted(t.account.id for t in ctx.targets if t.account is not None)
    if not accounts:
        return []
    candidates = (
        ctx.session.execute(
            select(LegalRequest.id).where(
                LegalRequest.authority_id == ctx.authority.id,
                LegalRequest.instrument_reference == ctx.request.instrument.reference,
                LegalRequest.request_type == ctx.request.type,
                LegalRequest.status.in_(OPEN_STATUSES),
            )
        )
        .scalars()
        .all()
    )
    for request_id in candidates:
        existing = sorted(
            a
            for a in ctx.session.execute(
                select(RequestTarget.account_id).where(RequestTarget.request_id == request_id)
            ).scalars()
            if a is not None
        )
        if existing == accounts:
            return [Reason(code="duplicate", message=f"the same request is open as {request_id}")]
    return []


def preservation_link(ctx: CheckContext) -> list[Reason]:
    linked_id = ctx.request.preservation_request_id
    if linked_id is None:
        return []
    linked = ctx.session.get(LegalRequest, linked_id)
    if linked is None or linked.authority_id != ctx.authority.id or linked.status != "preserved":
        return [
            Reason(
                code="preservation_not_found",
                message=f"no preservation {linked_id} of yours is being held",
            )
        ]
    held = set(
        ctx.session.execute(
            select(RequestTarget.account_id).where(RequestTarget.request_id == linked_id)
        ).scalars()
    )
    if any(t.account is not None and t.account.id not in held for t in ctx.targets):
        return [
            Reason(
                code="preservation_not_found",
                message=f"preservation {linked_id} does not hold every target",
            )
        ]
    return []


def emergency_justified(ctx: CheckContext) -> list[Reason]:
    if ctx.request.type == "emergency" and not (ctx.request.emergency_reason or "").strip():
        return [
            Reason(
                code="emergency_reason_missing",
                message="an emergency request states the threat to life or safety",
            )
        ]
    return []


# Checks whose failure only warns the reviewers when the instrument is binding.
PLATFORM_PRECONDITIONS: tuple[Check, ...] = (offense_is_tos_violation, targets_are_violators)
CHECKS: tuple[Check, ...] = (
    instrument_accepted,
    issuer_competent,
    instrument_dates,
    document_present,
    offense_is_tos_violation,
    offense_gravity,
    categories_allowed,
    scope,
    targets_found,
    targets_are_violators,
    not_duplicate,
    preservation_link,
    emergency_justified,
)


def run_checks(ctx: CheckContext) -> CheckResult:
    reasons: list[Reason] = []
    warnings: list[Reason] = []
    for check in CHECKS:
        found = check(ctx)
        if ctx.binding and check in PLATFORM_PRECONDITIONS:
            warnings.extend(found)
        else:
            reasons.extend(found)
    return CheckResult(reasons, warnings)
