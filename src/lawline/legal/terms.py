"""The closed lists of legal requests, each written once.

Each `Literal` is the source: the request schemas and the policy files' schema use it, and the
tuple beside it is derived from it for code that iterates, so the two cannot drift.
`tests/test_closed_lists.py` checks every other place a list appears (help texts, documents,
data files) against these.
"""

from __future__ import annotations

from typing import Literal, get_args

from lawline.authorities.roles import ISSUER_ROLES, IssuerRole

RequestType = Literal["disclosure", "preservation", "emergency"]
InstrumentKind = Literal[
    "subpoena",
    "court_order",
    "search_warrant",
    "epoc",
    "epoc_pr",
    "mlat",
    "emergency_declaration",
    "preservation_letter",
]
# what lawline can disclose; content never
DataCategory = Literal["subscriber.phone", "traffic.ip"]

REQUEST_TYPES: tuple[str, ...] = get_args(RequestType)
INSTRUMENT_KINDS: tuple[str, ...] = get_args(InstrumentKind)
DATA_CATEGORIES: tuple[str, ...] = get_args(DataCategory)

__all__ = [
    "DATA_CATEGORIES",
    "INSTRUMENT_KINDS",
    "ISSUER_ROLES",
    "REQUEST_TYPES",
    "DataCategory",
    "InstrumentKind",
    "IssuerRole",
    "RequestType",
]
