"""Legal review in the browser: log in with TOTP, two approvers, an audited reveal, roles."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.web.a11y import check_page
from tests.web.helpers import staff_login, staff_logout

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import LiveServer


def test_two_reviewers_approve_and_the_package_is_built(
    page: Page, live_server: LiveServer
) -> None:
    request_id = live_server.world.requests["nl"]
    staff_login(page, live_server, "anna")
    assert page.url.endswith("/staff/legal")
    row = page.locator(f"tr[data-request='{request_id}']")
    assert "0 of 2" in row.inner_text()
    assert re.search(r"\d+ d \d+ h left", row.inner_text())
    check_page(page, "legal-queue")
    row.get_by_role("link", name=request_id).click()
    page.get_by_role("button", name="Approve").click()
    assert "Your approval is recorded." in page.get_by_role("status").inner_text()
    assert "approvals this round: 1 of 2 (staff:anna)" in page.inner_text("main")
    page.get_by_role("button", name="Approve").click()  # anna again: refused, said why
    assert "already_approved" in page.get_by_role("alert").inner_text()
    staff_logout(page)

    staff_login(page, live_server, "bert", f"/staff/legal/requests/{request_id}")
    page.get_by_role("button", name="Approve").click()
    assert page.locator("[data-status]").inner_text() == "disclosed"
    trail = page.locator("table.trail").inner_text()
    assert "request.approval" in trail
    assert "staff:bert" in trail


def test_a_revealed_phone_number_is_in_the_audit_trail(page: Page, live_server: LiveServer) -> None:
    request_id = live_server.world.requests["nl-second"]
    staff_login(page, live_server, "carla", f"/staff/legal/requests/{request_id}")
    cell = page.locator("#phone-1")
    assert "hidden" in cell.inner_text()
    assert page.locator("tr[data-entry='personal_data.read']").count() == 0
    check_page(page, "legal-request")
    cell.get_by_role("button", name=re.compile("Reveal")).click()
    revealed = cell.locator(".revealed")
    assert re.match(r"^\+\d{8,15} ", revealed.inner_text())  # the number itself, E.164
    page.reload()
    entry = page.locator("tr[data-entry='personal_data.read']")
    assert entry.count() == 1
    assert "staff:carla" in entry.inner_text()
    assert f"review of request:{request_id}" in entry.inner_text()
    assert "hidden" in page.locator("#phone-1").inner_text()  # masked again on the next view


def test_a_moderator_cannot_open_a_legal_request(page: Page, live_server: LiveServer) -> None:
    request_id = live_server.world.requests["nl-second"]
    page.goto("/staff/login")
    check_page(page, "staff-login")
    staff_login(page, live_server, "mo")
    response = page.goto(f"/staff/legal/requests/{request_id}")
    assert response is not None
    assert response.status == 403
    assert "role_required" in page.inner_text("main")
    assert "RTM-2026-002" not in page.content()


def test_the_queue_filters_in_place_and_lists_history(page: Page, live_server: LiveServer) -> None:
    world = live_server.world
    staff_login(page, live_server, "carla")
    page.goto("/staff/legal?view=closed")
    closed = [r.get_attribute("data-request") for r in page.locator("tr[data-request]").all()]
    assert world.requests["us"] in closed  # disclosed when the world was made
    page.goto("/staff/legal")
    page.get_by_label("Country").select_option("US")  # htmx reloads the list in place
    page.wait_for_url("**/staff/legal?*country=US*")
    assert page.locator("main").count() == 1
    shown = {r.get_attribute("data-request") for r in page.locator("tr[data-request]").all()}
    assert world.requests["nl-second"] not in shown
    assert "0 in all" in page.locator("nav.pager").inner_text()  # the US one is closed


def test_a_rejection_states_its_reason_and_lands_in_the_history(
    page: Page, live_server: LiveServer
) -> None:
    request_id = live_server.world.requests["nl-reject"]
    staff_login(page, live_server, "carla", f"/staff/legal/requests/{request_id}")
    ground = page.get_by_label("Ground")
    # a Dutch production order binds nobody: no listed ground is needed, a reason is
    assert ground.locator("option").first.inner_text() == "no listed ground (not binding)"
    page.get_by_label("Reason sent to the authority").fill("The order names no offence here.")
    page.get_by_role("button", name="Reject").click()
    assert page.locator("[data-status]").inner_text() == "rejected"
    page.goto("/staff/legal?view=closed")
    row = page.locator(f"tr[data-request='{request_id}']").inner_text()
    assert "The order names no offence here." in row
