"""Steps the browser tests share: logging in as staff through the real form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.factories import STAFF_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import LiveServer


def staff_login(page: Page, server: LiveServer, username: str, next_path: str = "") -> None:
    page.goto(f"/staff/login?next={next_path}" if next_path else "/staff/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(server.totp(username))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def staff_logout(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/staff/login")
