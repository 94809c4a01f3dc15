"""The role x action matrix: written once, rendered into docs/roles.md, and enforced on every
staff endpoint for every role, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawline.api.app import create_app
from lawline.core.db import transaction
from lawline.staff.permissions import MATRIX, Action, Role, allowed, render_markdown
from lawline.staff.service import Staff
from tests import factories
from tests.factories import request_document
from tests.legal.conftest import LegalApi, legal_api  # noqa: F401 - the fixture

DOCS = Path(__file__).parents[2] / "docs" / "roles.md"

# every staff endpoint and the action it needs; a new endpoint must be added here
ENDPOINTS: dict[tuple[str, str], Action] = {
    ("GET", "/v1/staff/requests"): Action.LEGAL_QUEUE_READ,
    ("GET", "/v1/staff/requests/{request_id}"): Action.LEGAL_REQUEST_READ,
    ("POST", "/v1/staff/requests/{request_id}/approve"): Action.LEGAL_REQUEST_APPROVE,
    ("POST", "/v1/staff/requests/{request_id}/reject"): Action.LEGAL_REQUEST_REJECT,
    ("POST", "/v1/staff/requests/{request_id}/ask"): Action.LEGAL_REQUEST_ASK,
    ("POST", "/v1/staff/requests/{request_id}/callback"): Action.LEGAL_CALLBACK_RECORD,
    ("POST", "/v1/staff/requests/{request_id}/notices"): Action.LEGAL_NOTICE_SEND,
    ("POST", "/v1/staff/requests/{request_id}/enforcing-answer"): Action.LEGAL_ENFORCING_ANSWER,
    ("GET", "/v1/staff/cases"): Action.MODERATION_QUEUE_READ,
    ("GET", "/v1/staff/cases/{case_id}"): Action.MODERATION_CASE_READ,
    ("POST", "/v1/staff/cases/{case_id}/decision"): Action.MODERATION_DECIDE,
    ("POST", "/v1/staff/appeals"): Action.MODERATION_APPEAL_FILE,
    ("POST", "/v1/staff/appeals/{appeal_id}/decision"): Action.MODERATION_APPEAL_DECIDE,
    ("GET", "/v1/staff/complaints"): Action.MODERATION_QUEUE_READ,
    ("POST", "/v1/staff/complaints/{complaint_id}/decision"): Action.MODERATION_APPEAL_DECIDE,
    ("GET", "/v1/staff/members"): Action.STAFF_MANAGE,
    ("POST", "/v1/staff/members/{username}/disable"): Action.STAFF_MANAGE,
    ("POST", "/v1/staff/members/{username}/reset"): Action.STAFF_MANAGE,
}
BODIES = {
    "approve": {"acknowledge_warnings": True},
    "reject": {"reason": "out of scope"},
    "ask": {"question": "Which period?"},
    "callback": {"contact_id": 1, "confirmed": True},
    "notices": {"kind": "partial_or_late", "explanation": "one target's data is incomplete"},
    "enforcing-answer": {"confirmed": True},
    "decision": {"action": "no_action", "category": "spam", "facts": "nothing found"},
    "appeals": {"decision_id": "dec_x", "appellant_account_id": "100001", "grounds": "wrong"},
    "reset": {"password": "a fresh password 2026"},
}
NOT_STAFF_ENDPOINTS = {("POST", "/v1/staff/login"), ("POST", "/v1/staff/logout")}


def test_docs_roles_md_is_rendered_from_the_matrix() -> None:
    assert DOCS.read_text() == render_markdown(), "run: lawline staff roles --markdown"


def test_admin_manages_but_decides_nothing_and_every_action_has_a_role() -> None:
    admin = Staff("stf_x", "root", frozenset({"admin"}))
    assert allowed(admin, Action.STAFF_MANAGE)
    assert allowed(admin, Action.REGISTRY_MANAGE)
    for action in (
        Action.LEGAL_REQUEST_READ,
        Action.LEGAL_REQUEST_APPROVE,
        Action.MODERATION_DECIDE,
    ):
        assert not allowed(admin, action)
    assert set(MATRIX) == set(Action)
    assert all(roles for roles, _ in MATRIX.values())


pytestmark_backends = pytest.mark.parametrize("legal_api", ["sqlite", "postgresql"], indirect=True)


@pytestmark_backends
def test_every_role_against_every_staff_endpoint(legal_api: LegalApi) -> None:  # noqa: F811
    api = legal_api
    app_routes = {
        (method.upper(), path)
        for path, operations in create_app(api.runtime).openapi()["paths"].items()
        if path.startswith("/v1/staff")
        for method in operations
    }
    assert app_routes - NOT_STAFF_ENDPOINTS == set(ENDPOINTS)
    with transaction(api.runtime.sessions) as session:
        for role in Role:
            factories.staff_member(session, f"only-{role.value.replace('_', '-')}", role.value)
    request_id = api.client("nl").submit(request_document())["id"]
    for role in Role:
        token = api.staff_token(f"only-{role.value.replace('_', '-')}")
        for (method, path), action in ENDPOINTS.items():
            url = path.format(
                request_id=request_id,
                case_id=1,
                appeal_id="apl_x",
                complaint_id="cmp_x",
                username="nobody",
            )
            body = BODIES.get(path.rsplit("/", 1)[-1])
            response = api.http.request(
                method, url, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            if role in MATRIX[action][0]:
                assert response.status_code != 403, (role, method, path, response.text)
            else:
                assert response.status_code == 403, (role, method, path, response.text)
                assert response.json()["error"]["code"] == "role_required"


@pytestmark_backends
def test_a_moderator_cannot_read_a_legal_requests_staff_view(legal_api: LegalApi) -> None:  # noqa: F811
    api = legal_api
    with transaction(api.runtime.sessions) as session:
        factories.staff_member(session, "mod", "moderator")
    request_id = api.client("nl").submit(request_document())["id"]
    headers = {"Authorization": f"Bearer {api.staff_token('mod')}"}
    view = api.http.get(f"/v1/staff/requests/{request_id}", headers=headers)
    assert view.status_code == 403
    assert view.json()["error"]["code"] == "role_required"
    assert request_id not in view.text
    queue = api.http.get("/v1/staff/requests", headers=headers)
    assert queue.status_code == 403
    reviewer = {"Authorization": f"Bearer {api.staff_token('carla')}"}
    assert api.http.get(f"/v1/staff/requests/{request_id}", headers=reviewer).status_code == 200
