"""Public pages in the browser: the search page finds channels and links to a report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.a11y import check_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import LiveServer


def test_search_page_finds_a_channel_and_offers_a_report_link(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/")
    check_page(page, "home")
    page.get_by_role("link", name="Search public channels").click()
    page.get_by_label("Words in the name, title or description").fill("news")
    page.get_by_role("button", name="Search").click()
    results = page.locator("ul.results > li[data-channel]")
    assert results.count() > 0
    first = results.first
    link = first.get_by_role("link", name="Report this")
    name = first.get_attribute("data-channel")
    assert link.get_attribute("href") == f"/report?target=t.me/{name}"
    check_page(page, "public-search")


def test_report_this_files_a_report_that_opens_a_case(page: Page, live_server: LiveServer) -> None:
    from sqlalchemy import select

    from lawline.moderation.models import Report

    page.goto("/search?q=news")
    first = page.locator("ul.results > li[data-channel]").first
    name = first.get_attribute("data-channel")
    first.get_by_role("link", name="Report this").click()
    assert page.get_by_label("Link").input_value() == f"t.me/{name}"
    page.get_by_label("What is wrong with it").select_option("spam")
    page.get_by_label("What you saw").fill("Posts the same advert every minute.")
    check_page(page, "public-report")
    page.get_by_role("button", name="Send the report").click()
    status = page.get_by_role("status").inner_text()
    report_id = status.split("Your report ")[1].split(" ")[0]
    with live_server.runtime.sessions() as session:
        report = session.execute(select(Report).where(Report.id == report_id)).scalar_one()
        assert (report.category, report.channel) == ("spam", "web")
        assert report.reporter_id.startswith("web:")
