"""Turn an approved or preserved request into the plain order disclosure carries out.

Here legal decides what the authority learns about who approved: each approver's roles and a
pseudonym, never a name. The pseudonym is an HMAC of the staff member's id under a key derived
from the platform signing key: the same approver always gets the same pseudonym (so an authority
can tell two approvals apart and see they are distinct people), and only the platform can link
it back to a person.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy.orm import Session

from lawline.authorities.models import Authority
from lawline.core.keys import SigningKey
from lawline.disclosure.orders import Approver, HoldOrder, PackageOrder
from lawline.legal.context import LegalContext
from lawline.legal.models import LegalRequest
from lawline.legal.queries import approvers, targets_of
from lawline.staff.service import members

PSEUDONYM_PURPOSE = "lawline/approver-pseudonym/v1"
STAFF_PREFIX = "staff:"


def approver_pseudonym(key: SigningKey, staff_id: str) -> str:
    digest = hmac.new(key.derive_secret(PSEUDONYM_PURPOSE), staff_id.encode(), hashlib.sha256)
    return "approver-" + digest.hexdigest()[:20]


def _account_ids(session: Session, request: LegalRequest) -> tuple[str, ...]:
    return tuple(t.account_id for t in targets_of(session, request.id) if t.account_id)


def package_order(session: Session, ctx: LegalContext, request: LegalRequest) -> PackageOrder:
    authority = session.get(Authority, request.authority_id)
    assert authority is not None  # a request's authority row is never deleted
    usernames = [a.removeprefix(STAFF_PREFIX) for a in approvers(session, request)]
    return PackageOrder(
        request_id=request.id,
        recipient=authority.age_recipient,
        authority=authority.name,
        case_reference=request.case_reference,
        instrument=request.instrument_kind,
        instrument_reference=request.instrument_reference,
        offense=request.offense,
        account_ids=_account_ids(session, request),
        categories=tuple(request.categories),
        range_start=request.range_start,
        range_end=request.range_end,
        approvers=tuple(
            Approver(approver_pseudonym(ctx.signing_key, m.id), tuple(sorted(m.roles)))
            for m in members(session, usernames)
        ),
        preservation_request_id=request.preservation_request_id,
    )


def hold_order(session: Session, request: LegalRequest, hold_until: datetime) -> HoldOrder:
    return HoldOrder(
        request_id=request.id,
        account_ids=_account_ids(session, request),
        categories=tuple(request.categories),
        range_start=request.range_start,
        range_end=request.range_end,
        hold_until=hold_until,
    )
