"""What a legal request adds to the quarterly transparency figures, counted in the transaction
of the change (lawline.tally). The rules are those of `lawline.transparency.recount`, which
recounts the same figures from the views to check these counters:

* *received* in the quarter of `received_at`, by `type/instrument` and by offense (the EU
  templates' type of illegal content);
* *fulfilled* in the quarter its package was built, *fully* when every named target was
  disclosed; accounts affected; answers that produced data; its time from receipt (the EU
  templates' median time to give effect, per country);
* *rejected* in the quarter it became rejected, by reason code (the refusal ground, or the
  first failed automatic check, or `rejected_on_review`);
* an emergency is *answered* when disclosed or rejected (and its time to answer is kept for the
  median); a preservation hold is *placed* when its first snapshot was taken.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.authorities.models import Authority
from lawline.disclosure.models import PreservationHold
from lawline.legal.models import LegalRequest, RequestTarget
from lawline.tally import figures as names
from lawline.tally.service import Increment, count, count_all, duration


def _country(session: Session, request: LegalRequest) -> str:
    # the session's copy when it has one (intake and review loaded it already): no query
    authority = session.get(Authority, request.authority_id)
    assert authority is not None
    return authority.country


def _kind(request: LegalRequest) -> str:
    return f"{request.request_type}/{request.instrument_kind}"


def _answered(session: Session, request: LegalRequest, country: str, at: datetime) -> None:
    if request.request_type != "emergency":
        return
    count(session, names.EMERGENCIES_ANSWERED, at=at, scope=country)
    seconds = (at - request.received_at).total_seconds()
    duration(
        session,
        names.EMERGENCY_TIME_TO_ANSWER,
        at=at,
        scopes=(country, names.PLATFORM),
        seconds=seconds,
    )


def received(session: Session, request: LegalRequest) -> None:
    at, country = request.received_at, _country(session, request)
    count_all(
        session,
        [
            Increment(names.RECEIVED, at, country, _kind(request)),
            Increment(names.RECEIVED_BY_OFFENSE, at, country, request.offense),
        ],
    )


def rejected(session: Session, request: LegalRequest, at: datetime) -> None:
    first_failed = request.reasons[0].get("code") if request.reasons else None
    reason = request.refusal_ground or first_failed or "rejected_on_review"
    country = _country(session, request)
    count(session, names.REJECTED, at=at, scope=country, key=reason)
    _answered(session, request, country, at)


def disclosed(session: Session, request: LegalRequest, *, at: datetime, accounts: int) -> None:
    country = _country(session, request)
    named = session.scalar(
        select(func.count())
        .select_from(RequestTarget)
        .where(RequestTarget.request_id == request.id)
    )
    kind = _kind(request)
    count_all(
        session,
        [
            Increment(names.FULFILLED, at, country, kind),
            Increment(names.FULFILLED_FULLY, at, country, kind, int(accounts >= (named or 0))),
            Increment(names.ACCOUNTS_AFFECTED, at, country, kind, accounts),
            Increment(names.WITH_DATA, at, country, n=int(accounts > 0)),
        ],
    )
    duration(
        session,
        names.TIME_TO_DISCLOSE,
        at=at,
        scopes=(country,),
        seconds=(at - request.received_at).total_seconds(),
    )
    _answered(session, request, country, at)


def hold_placed(session: Session, request: LegalRequest) -> None:
    """Called once, when intake took the first snapshot (at the first hold's instant)."""
    first = session.scalar(
        select(func.min(PreservationHold.created_at)).where(
            PreservationHold.request_id == request.id
        )
    )
    if request.request_type == "preservation" and first is not None:
        count(session, names.HOLDS_PLACED, at=first, scope=_country(session, request))
