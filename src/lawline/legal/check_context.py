"""What every check of a legal request reads: the request, the governing regime and rule, the
resolved targets and the time of receipt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from lawline.authorities.models import Authority
from lawline.core.errors import LawlineError
from lawline.legal.policy import InstrumentRule, Policy, Regime
from lawline.legal.schemas import Reason, RequestIn
from lawline.platform.protocol import Account, AccountRef, Platform


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
    now: datetime
    policy: Policy
    targets: list[ResolvedTarget] = field(default_factory=list)
    # set by issuer_competent: an Art. 4(5) emergency going ahead before its validation
    validation_hours: int | None = None

    @property
    def binding(self) -> bool:
        return bool(self.rule and self.rule.binding)

    @property
    def issuer_role(self) -> str:
        """The role the registry gives the signing authority; never the request's word."""
        return self.authority.kind

    def data_classes(self) -> list[str]:
        """How the law classes each requested category (subscriber, identification, traffic)."""
        classes = []
        if "subscriber.phone" in self.request.categories:
            classes.append("subscriber")
        if "traffic.ip" in self.request.categories:
            classes.append(self.request.ip_purpose)
        return classes


@dataclass
class CheckResult:
    reasons: list[Reason]
    warnings: list[Reason]
    range_end: datetime | None = None  # the end lawline will use (clamped to receipt)
    validation_hours: int | None = None


Check = Callable[[CheckContext], list[Reason]]


def reason(code: str, message: str, rule: str, target: int | None = None) -> Reason:
    return Reason(code=code, message=message, rule=rule, target=target)


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
