"""The transparency page in headless chromium: figures, both charts drawn, country switch,
accessible, and a screenshot for docs/screenshots/transparency.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.transparency.seed import seeded_runtime
from tests.web.a11y import check_page
from tests.web.conftest import start_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def seeded_url(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    runtime = seeded_runtime(request, platform_file, tmp_path_factory.mktemp("tr-web"), "sqlite")
    yield from start_server(runtime)


@pytest.fixture
def tab(browser: Browser, seeded_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=seeded_url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_latest_quarter_for_the_netherlands_with_charts(tab: Page) -> None:
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if "Security Policy" in m.text else None)
    tab.on(
        "response",
        lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    tab.goto("/transparency?country=NL")
    assert tab.get_by_role("heading", level=1).inner_text() == (
        "Transparency report 2024-Q4: Netherlands"
    )
    figures = tab.get_by_test_id("key-figures")
    assert figures.locator("[data-figure=received]").inner_text() == "7"
    assert figures.locator("[data-figure=fulfilled]").inner_text() == "4"
    assert figures.locator("[data-figure=accounts]").inner_text() == "4"
    charts = tab.locator("figure svg.chart")
    assert charts.count() == 2
    for i in range(2):
        box = charts.nth(i).bounding_box()
        assert box is not None
        assert box["width"] > 200
        assert box["height"] > 100
    # bars drawn to scale: NL received 7 of the chart's 8, DE 2
    bars = tab.locator("svg[aria-labelledby=chart-country-title] rect.bar")
    widths = [float(bars.nth(i).get_attribute("width") or 0) for i in range(bars.count())]
    assert widths == [105.0, 52.5, 367.5, 210.0]  # DE received, DE fulfilled, NL, NL
    assert tab.get_by_role("link", name="Signed report (JSON)").get_attribute("href") == (
        "/v1/transparency/2024-Q4?country=NL"
    )
    assert errors == []  # nothing blocked by the page's CSP, no asset missing
    check_page(tab, "transparency")


def test_switching_to_all_countries_and_an_earlier_quarter(tab: Page) -> None:
    tab.goto("/transparency/2024-Q4?country=NL")
    tab.get_by_label("Issuing country").select_option("")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/transparency/2024-Q4?country=")
    assert tab.get_by_role("heading", level=1).inner_text().endswith("all countries")
    assert tab.locator("[data-figure=fulfilled]").inner_text() == "5"
    tab.get_by_role("link", name="← 2024-Q3").click()
    assert (
        tab.get_by_role("heading", level=1).inner_text().startswith("Transparency report 2024-Q3")
    )
