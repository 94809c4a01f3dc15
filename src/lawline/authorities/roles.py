"""The closed list of issuer roles, written once: who issued or validated a legal instrument,
and so also an authority's kind in the registry.

The `Literal` is the source (pydantic models and the policy files' schema use it); the tuple is
derived from it for code that iterates, so the two cannot drift. It lives here, under the
registry, because an authority's registered role is the one the checks trust.
"""

from __future__ import annotations

from typing import Literal, get_args

IssuerRole = Literal["judge", "court", "investigating_judge", "prosecutor", "police", "other"]

ISSUER_ROLES: tuple[str, ...] = get_args(IssuerRole)
