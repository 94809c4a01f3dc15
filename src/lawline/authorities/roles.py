"""The closed list of issuer roles, written once: who issued or validated a legal instrument.

The `Literal` is the source (pydantic models and the policy files' schema use it); the tuple is
derived from it for code that iterates, so the two cannot drift. It lives here, under the
registry, because an authority's registered role is the one the checks trust.
"""

from __future__ import annotations

from typing import Literal, get_args

IssuerRole = Literal["judge", "court", "investigating_judge", "prosecutor", "police", "other"]
# who may validate another's order (a subset of the issuer roles)
ValidatorRole = Literal["judge", "court", "investigating_judge", "prosecutor"]

ISSUER_ROLES: tuple[str, ...] = get_args(IssuerRole)
VALIDATOR_ROLES: tuple[str, ...] = get_args(ValidatorRole)
