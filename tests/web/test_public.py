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
    page.goto("/search")
    page.get_by_label("Words in the name, title or description").fill("news")
    page.get_by_role("button", name="Search").click()
    results = page.locator("ul.results > li[data-channel]")
    assert results.count() > 0
    first = results.first
    link = first.get_by_role("link", name="Report this")
    name = first.get_attribute("data-channel")
    assert link.get_attribute("href") == f"/report?target=t.me/{name}"
    check_page(page, "public-search")
