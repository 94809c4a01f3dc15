"""Accessibility check with the vendored axe-core (MPL-2.0, tests/web/vendor/axe-core/)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.web.browser import AXE, SCREENSHOTS

if TYPE_CHECKING:
    from playwright.sync_api import Page


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings for the page as it is now (WCAG 2.1 A and AA)."""
    # evaluated through the DevTools protocol, so the page's strict CSP needs no exception
    page.evaluate(AXE.read_text() + "\n;true")
    result: dict[str, Any] = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check_page(page: Page, name: str) -> None:
    """Assert no serious accessibility finding, and keep a screenshot (`make screenshots`)."""
    assert serious_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
