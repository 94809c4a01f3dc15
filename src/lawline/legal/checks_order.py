"""Checks of the order itself: instrument, issuer, dates, document, offence."""

from __future__ import annotations

import base64
import binascii

from lawline.legal.check_context import CheckContext
from lawline.legal.check_context import reason as _reason
from lawline.legal.offenses import OFFENSES
from lawline.legal.policy import CATEGORIES
from lawline.legal.schemas import Reason


# -- instrument ---------------------------------------------------------------------------
def instrument_accepted(ctx: CheckContext) -> list[Reason]:
    kind = ctx.request.instrument.kind
    if ctx.rule is None:
        return [
            _reason(
                "instrument_not_accepted",
                f"{kind} is not accepted under {ctx.regime.name}",
                "instrument",
            )
        ]
    reasons = []
    if ctx.request.type not in ctx.rule.request_types:
        reasons.append(
            _reason(
                "instrument_not_accepted",
                f"{kind} does not ground a {ctx.request.type} request under {ctx.regime.name}",
                "instrument",
            )
        )
    for category in ctx.request.categories:
        if category in CATEGORIES and category not in ctx.rule.categories:
            reasons.append(
                _reason(
                    "instrument_not_accepted",
                    f"{kind} does not reach {category} under {ctx.regime.name} ({ctx.rule.source})",
                    "instrument",
                )
            )
    return reasons


def issuer_role_declared(ctx: CheckContext) -> list[Reason]:
    declared = ctx.request.instrument.issuer_role
    if declared is None or declared == ctx.issuer_role:
        return []
    return [
        _reason(
            "issuer_role_mismatch",
            f"the request says {declared}, but this authority is registered as "
            f"{ctx.issuer_role}; the registered role applies",
            "issuer",
        )
    ]


def issuer_competent(ctx: CheckContext) -> list[Reason]:
    if ctx.rule is None:
        return []
    instrument = ctx.request.instrument
    role = ctx.issuer_role
    reasons = []
    for data_class in ctx.data_classes():
        if data_class == "traffic" and "traffic.ip" not in ctx.rule.categories:
            continue  # instrument_accepted refuses it already
        if data_class == "subscriber" and "subscriber.phone" not in ctx.rule.categories:
            continue
        competence = ctx.rule.competence_for(data_class)
        if role in competence.issuers:
            continue
        if role in competence.validated_issuers:
            if instrument.validator_role in competence.validators and instrument.validated_by:
                continue
            if competence.emergency_without_validation and ctx.request.type == "emergency":
                # Art. 4(5): goes ahead now; validation must follow within the window
                ctx.validation_hours = competence.validation_hours
                continue
        needed = ", ".join(competence.issuers)
        if competence.validated_issuers:
            needed += (
                f" (or {', '.join(competence.validated_issuers)} with validation by "
                f"{', '.join(competence.validators)})"
            )
        reasons.append(
            _reason(
                "issuer_not_competent",
                f"a {role} may not issue a {instrument.kind} for {data_class} data here; "
                f"competent: {needed} ({competence.source})",
                "issuer",
            )
        )
    return reasons


def instrument_dates(ctx: CheckContext) -> list[Reason]:
    instrument = ctx.request.instrument
    reasons = []
    if instrument.issued_on > ctx.now.date():
        reasons.append(
            _reason(
                "instrument_not_yet_valid",
                f"the instrument is dated {instrument.issued_on}, in the future",
                "dates",
            )
        )
    if instrument.expires_on is not None and instrument.expires_on < ctx.now.date():
        reasons.append(
            _reason(
                "instrument_expired", f"the instrument expired on {instrument.expires_on}", "dates"
            )
        )
    return reasons


def document_present(ctx: CheckContext) -> list[Reason]:
    instrument = ctx.request.instrument
    if instrument.document_pdf_base64:
        try:
            pdf = base64.b64decode(instrument.document_pdf_base64, validate=True)
        except (binascii.Error, ValueError):
            return [_reason("document_missing", "the document is not valid base64", "document")]
        if not pdf.startswith(b"%PDF-"):
            return [_reason("document_missing", "the document is not a PDF", "document")]
        return []
    if instrument.document_sha256 or (ctx.rule is not None and not ctx.rule.document_required):
        return []
    return [
        _reason(
            "document_missing",
            "attach the signed instrument as a PDF or give its SHA-256",
            "document",
        )
    ]


# -- offense ------------------------------------------------------------------------------
def offense_is_tos_violation(ctx: CheckContext) -> list[Reason]:
    if OFFENSES[ctx.request.offense].tos_category is None:
        return [
            _reason(
                "offense_not_tos_violation",
                "the offense is outside the platform's Terms of Service",
                "offense_within_tos",
            )
        ]
    return []


def offense_gravity(ctx: CheckContext) -> list[Reason]:
    """Thresholds per class of data, read against the penalty of the law that sets them."""
    if ctx.rule is None or not ctx.rule.gravity:
        return []
    offense = ctx.request.offense
    declared = ctx.request.epoc.offense_max_penalty_years if ctx.request.epoc else None
    years = ctx.policy.penalty_years(ctx.regime, ctx.authority.country, offense, declared)
    reasons = []
    for data_class in ctx.data_classes():
        gravity = ctx.rule.gravity.get(data_class)  # type: ignore[call-overload]
        if data_class == "identification" and gravity is not None:
            online_ok = not gravity.requires_online or ctx.request.offense_committed_online
            if online_ok and _meets(gravity.min_years, gravity.listed_offenses, offense, years):
                continue
            gravity = ctx.rule.gravity.get("traffic")  # the general rule still admits it
        elif data_class == "identification":
            gravity = ctx.rule.gravity.get("traffic")
        if gravity is None or _meets(gravity.min_years, gravity.listed_offenses, offense, years):
            continue
        if years is None:
            reasons.append(
                _reason(
                    "offense_penalty_unknown",
                    f"{data_class} data needs an offence punishable by {gravity.min_years} "
                    "years or more; state the maximum penalty in the order",
                    "offense_gravity",
                )
            )
            continue
        reasons.append(
            _reason(
                "offense_below_threshold",
                f"{data_class} data needs an offence punishable by {gravity.min_years} years "
                f"or more; this one carries {years} ({gravity.source})",
                "offense_gravity",
            )
        )
    return reasons


def _meets(minimum: int, listed: list[str], offense: str, years: int | None) -> bool:
    return minimum == 0 or offense in listed or (years is not None and years >= minimum)


def enforcing_notification(ctx: CheckContext) -> list[Reason]:
    """Art. 8(1)-(2): an EPOC for traffic data says whether the enforcing state is notified."""
    if not ctx.binding or ctx.request.instrument.kind != "epoc":
        return []
    if "traffic" not in ctx.data_classes():
        return []
    epoc = ctx.request.epoc
    if (
        epoc is not None
        and epoc.enforcing_state
        and (epoc.enforcing_state_notified or epoc.notification_exception)
    ):
        return []
    return [
        _reason(
            "enforcing_notification_missing",
            "an EPOC for traffic data names the enforcing state and says it was notified "
            "(Art. 8(1)) or why not (Art. 8(2))",
            "document",
        )
    ]
