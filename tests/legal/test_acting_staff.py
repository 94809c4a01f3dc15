"""A staff member's standing is read again, under a lock, by the action itself: the token was
checked unlocked when the request began, so a member disabled (or stripped of a role) by
another transaction a moment later must not have an approval or a decision recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lawline.core.db import transaction
from lawline.core.errors import Forbidden, Unauthorized
from lawline.legal import review
from lawline.legal.models import LegalRequest
from lawline.staff.models import StaffMember
from lawline.staff.service import get_staff
from tests import factories
from tests.legal.conftest import LegalApi


def _status(api: LegalApi, request_id: str) -> str:
    with api.runtime.sessions() as session:
        request = session.get(LegalRequest, request_id)
        assert request is not None
        return request.status


@pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)
def test_a_member_disabled_after_the_token_check_cannot_approve(legal_api: LegalApi) -> None:
    request_id = legal_api.client().submit(factories.request_document())["id"]
    runtime = legal_api.runtime
    with runtime.sessions() as session:
        anna = get_staff(session, "anna")  # what the token check made, before the disabling
    with transaction(runtime.sessions) as session:  # another connection disables her
        member = session.scalars(select(StaffMember).where(StaffMember.username == "anna")).one()
        member.disabled_at = legal_api.clock.now()
    with pytest.raises(Unauthorized) as refused, transaction(runtime.sessions) as session:
        review.approve(session, runtime.legal, request_id, staff=anna, acknowledge_warnings=True)
    assert refused.value.code == "token_invalid"
    assert _status(legal_api, request_id) == "in_review"


@pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)
def test_a_member_who_lost_the_role_cannot_reject(legal_api: LegalApi) -> None:
    request_id = legal_api.client().submit(factories.request_document())["id"]
    runtime = legal_api.runtime
    with runtime.sessions() as session:
        carla = get_staff(session, "carla")
    with transaction(runtime.sessions) as session:
        member = session.scalars(select(StaffMember).where(StaffMember.username == "carla")).one()
        member.roles = []
    with pytest.raises(Forbidden), transaction(runtime.sessions) as session:
        review.reject(session, runtime.legal, request_id, staff=carla, reason="Out of scope.")
    assert _status(legal_api, request_id) == "in_review"
