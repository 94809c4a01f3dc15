"""The automatic checks of a legal request. Each is a small function returning the reasons it
fails for (empty when it passes); every reason code is part of the public API
(docs/reason-codes.md). All checks run, so the authority learns every failure at once.

Each reason names the policy rule it applies, and the regime marks every rule `law` or
`platform` (legal/policies/*.toml). Where the instrument is binding (an EPOC), a failed
`platform` rule does not refuse the request: it becomes a warning the reviewers must
acknowledge; a failed `law` rule refuses it on the listed ground it amounts to (manifest error,
or de facto impossibility for data lawline does not hold).
"""

from __future__ import annotations

from lawline.legal.check_context import (
    Check,
    CheckContext,
    CheckResult,
    ResolvedTarget,
    resolve_targets,
)
from lawline.legal.checks_order import (
    document_present,
    enforcing_notification,
    instrument_accepted,
    instrument_dates,
    issuer_competent,
    issuer_role_declared,
    offense_gravity,
    offense_is_tos_violation,
)
from lawline.legal.checks_scope import (
    categories_allowed,
    emergency_justified,
    max_targets,
    not_duplicate,
    preservation_link,
    range_length,
    range_stored,
    targets_are_violators,
    targets_found,
    time_range,
)
from lawline.legal.schemas import Reason

__all__ = [
    "CHECKS",
    "CheckContext",
    "CheckResult",
    "ResolvedTarget",
    "resolve_targets",
    "run_checks",
]

# The listed ground a failed `law` rule of a binding order amounts to; anything not named here
# makes the order incomplete or manifestly erroneous.
GROUND_OF_RULE = {
    "categories_held": "de_facto_impossibility",
    "targets_found": "de_facto_impossibility",
    "range_in_future": "de_facto_impossibility",
}
DEFAULT_GROUND = "manifest_error"

CHECKS: tuple[Check, ...] = (
    instrument_accepted,
    issuer_role_declared,
    issuer_competent,
    instrument_dates,
    document_present,
    enforcing_notification,
    offense_is_tos_violation,
    offense_gravity,
    categories_allowed,
    max_targets,
    time_range,
    range_length,
    range_stored,
    targets_found,
    targets_are_violators,
    not_duplicate,
    preservation_link,
    emergency_justified,
)


def run_checks(ctx: CheckContext) -> CheckResult:
    """Run every check; for a binding order a failed platform rule only warns, and a failed
    law rule carries the listed ground it refuses on."""
    reasons: list[Reason] = []
    warnings: list[Reason] = []
    grounds = {g.code for g in ctx.regime.refusal_grounds}
    for check in CHECKS:
        for reason in check(ctx):
            assert reason.rule is not None
            reason.basis = ctx.regime.rules[reason.rule].basis
            if ctx.binding and reason.basis == "platform":
                warnings.append(reason)
                continue
            if ctx.binding:
                ground = GROUND_OF_RULE.get(reason.rule, DEFAULT_GROUND)
                reason.ground = ground if ground in grounds else None
            reasons.append(reason)
    result = CheckResult(reasons, warnings, validation_hours=ctx.validation_hours)
    span = ctx.request.range
    if span is not None:
        result.range_end = span.end
        if span.start < ctx.now < span.end:
            result.range_end = ctx.now
            warnings.append(
                Reason(
                    code="range_clamped",
                    message="the time range ended after the request was received; it is "
                    "clamped to the time of receipt (only stored data is produced)",
                    rule="range_in_future",
                    basis=ctx.regime.rules["range_in_future"].basis,
                )
            )
    return result
