"""The moderation console in the browser: decide a case, decide an appeal, and the public search
page follows both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.a11y import check_page
from tests.web.helpers import staff_login

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import LiveServer


def _search_names(page: Page, words: str) -> list[str]:
    page.goto(f"/search?q={words}")
    return [
        str(item.get_attribute("data-channel"))
        for item in page.locator("ul.results > li[data-channel]").all()
    ]


def test_a_delisting_decision_removes_the_channel_from_public_search(
    page: Page, live_server: LiveServer
) -> None:
    channel = live_server.world.channels["drugs"]
    case_id = live_server.world.cases["drugs"]
    assert channel.name in _search_names(page, channel.title)

    staff_login(page, live_server, "mo")
    row = page.locator(f"tr[data-case='{case_id}']")
    assert "trusted flagger" in row.inner_text()
    check_page(page, "moderation-queue")
    row.get_by_role("link", name=f"Case {case_id}").click()
    assert "Model " in page.locator("#ai-h + p + p").inner_text()
    page.get_by_label("Add a note (staff only)").fill("Checked the pinned post myself.")
    page.get_by_role("button", name="Add note").click()
    assert "Checked the pinned post myself." in page.inner_text("main")
    page.get_by_label("Moderator", exact=True).select_option("mo")
    page.get_by_role("button", name="Assign").click()
    assert "assigned to staff:mo" in page.inner_text("main")
    check_page(page, "moderation-case")
    facts = page.get_by_label(
        "Statement of reasons: facts and circumstances (edit before deciding)"
    )
    assert "2 report(s) from 2 reporter(s)" in facts.input_value()
    facts.fill(facts.input_value() + "a price list for cocaine in the pinned post.")
    page.get_by_role("button", name="Delist from search").click()
    assert page.locator("[data-status]").inner_text() == "decided"
    assert page.locator("[data-decision]").inner_text().startswith("delist")

    assert channel.name not in _search_names(page, channel.title)


def test_an_appeal_reversed_by_another_moderator_relists_the_channel(
    page: Page, live_server: LiveServer
) -> None:
    channel = live_server.world.channels["scam"]
    appeal_id = live_server.world.appeals["scam"]
    assert channel.name not in _search_names(page, channel.title)

    staff_login(page, live_server, "mo", "/staff/moderation/appeals")
    page.locator(f"tr[data-appeal='{appeal_id}']").get_by_role("link").first.click()
    check_page(page, "moderation-appeal")
    page.get_by_label("Answer to the appellant").fill("On a second look the club is genuine.")
    page.get_by_role("button", name="Reverse the decision").click()
    assert page.locator("[data-status]").inner_text() == "reversed"

    assert channel.name in _search_names(page, channel.title)


def test_trusted_flaggers_show_their_accuracy(page: Page, live_server: LiveServer) -> None:
    staff_login(page, live_server, "max", "/staff/moderation/flaggers")
    row = page.locator("tr[data-flagger='Safer Internet Hotline']")
    cells = [c.inner_text() for c in row.locator("td").all()]
    assert cells[2] == "1"  # one notice
    check_page(page, "moderation-flaggers")


def test_a_complaint_is_answered_by_another_moderator_from_its_page(
    page: Page, live_server: LiveServer
) -> None:
    complaint_id = live_server.world.complaints["scam"]
    staff_login(page, live_server, "mo", "/staff/moderation")
    page.get_by_role("link", name="Complaints").click()
    row = page.locator(f"tr[data-complaint='{complaint_id}']")
    assert "takes deposits for a fake fund" in row.inner_text()
    assert "delist for scam by staff:max" in row.inner_text()
    row.get_by_role("link", name=complaint_id).click()
    check_page(page, "moderation-complaint")
    answer = page.get_by_label("Answer to the complainant")
    answer.fill("Call me at +31 6 12345678 about it.")
    page.get_by_role("button", name="Reject: the decision stands").click()
    # the staff-text rule of the API holds on the page: refused, nothing decided
    assert page.locator("[data-status]").inner_text() == "open"
    assert "12345678" not in page.inner_text("main").replace(answer.input_value(), "")
    page.get_by_label("Answer to the complainant").fill(
        "Delisting is what the posts call for; the owner's appeal is handled apart."
    )
    page.get_by_role("button", name="Reject: the decision stands").click()
    assert page.locator("[data-status]").inner_text() == "rejected"
    assert "the complainant receives your answer" in page.inner_text("main")
    page.get_by_role("link", name="Complaints").click()
    assert page.locator(f"tr[data-complaint='{complaint_id}']").count() == 0
