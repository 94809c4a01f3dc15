"""Legal requests' counters, written by intake, the review and the workflow in each change's
transaction, equal the recount from the views and the ledger whatever path a request takes:
random workflow sequences (the safeguard test's actions) on SQLite and PostgreSQL, plus a
preservation hold and an expired order refused at intake. The EU templates' orders (by Member
State and type, median time to give effect) are checked the same way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from lawline.core.errors import LawlineError
from lawline.legal.context import LegalContext
from lawline.legal.intake import submit_request
from lawline.legal.schemas import RequestIn
from lawline.transparency import aggregate, eu_templates
from lawline.transparency.check import check
from lawline.transparency.quarters import Quarter
from tests import factories
from tests.legal import test_invariant as invariant

Q4 = Quarter(2026, 4)
world = invariant.world  # the same fixture: two authorities, staff, contacts, a violation


def _submit(session: Session, ctx: LegalContext, authority: Any, document: dict[str, Any]) -> Any:
    payload = RequestIn.model_validate(document)
    return submit_request(
        session, ctx, authority=authority, payload=payload, entered_by="staff:entry"
    )


def test_a_hold_and_a_refusal_at_intake_are_counted(
    world: dict[str, Any], sessions: sessionmaker[Session]
) -> None:
    ctx: LegalContext = world["ctx"]
    with sessions() as session:
        held = _submit(
            session,
            ctx,
            world["fr"],
            factories.request_document(
                type="preservation",
                targets=["100007"],
                offense="weapons_trafficking",
                epoc={"enforcing_state": "NL"},
                ip_purpose="identification",
                **{"instrument.kind": "epoc_pr", "instrument.issuing_body": "Parquet de Paris"},
            ),
        )
        expired = _submit(
            session,
            ctx,
            world["nl"],
            factories.request_document(**{"instrument.expires_on": "2026-11-01"}),
        )
        assert (held.status, expired.status) == ("preserved", "rejected")
        session.commit()
    with sessions() as session:
        assert check(session, Q4) == []
        fr = aggregate.legal_figures(session, Q4, "FR")
        assert fr["preservations"] == {"received": 1, "holds_placed": 1}
        nl = aggregate.legal_figures(session, Q4, "NL")
        assert nl["rejected"] == {"total": 1, "by_reason": {"instrument_expired": 1}}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(invariant.KINDS), actions=st.lists(invariant.ACTIONS, max_size=14))
def test_counters_equal_the_recount_on_every_path(
    world: dict[str, Any],
    sessions: sessionmaker[Session],
    kind: str,
    actions: list[tuple[str, str, bool]],
) -> None:
    ctx: LegalContext = world["ctx"]
    authority = world["fr"] if kind.startswith("epoc") else world["nl"]
    with sessions() as session:
        request_id = _submit(session, ctx, authority, invariant._document(kind)).id
        session.commit()
    for action, who, flag in actions:
        world["clock"].advance(timedelta(minutes=1))
        with sessions() as session:
            try:
                invariant._act(session, ctx, world, request_id, authority.id, action, who, flag)
                session.commit()
            except LawlineError:
                session.rollback()  # a refused action leaves no count behind
    with sessions() as session:
        assert check(session, Q4) == []  # the report's figures and the EU templates'
        orders = eu_templates.counted(session, Q4)["orders_art10"]
        assert orders == eu_templates.recounted(session, Q4)["orders_art10"]
