"""What the legal services need besides a session: passed in by the front end's runtime."""

from __future__ import annotations

from dataclasses import dataclass

from lawline.core.clock import Clock
from lawline.core.keys import SigningKey
from lawline.legal.policy import Policy
from lawline.platform.protocol import Platform


@dataclass(frozen=True)
class LegalContext:
    platform: Platform
    clock: Clock
    signing_key: SigningKey
    platform_identity: str  # age identity holding preserved data at rest
    policy: Policy
    # the legal team's platform account for alerts (LAWLINE_LEGAL_ALERTS_ACCOUNT); None: none sent
    alerts_account: str | None = None
