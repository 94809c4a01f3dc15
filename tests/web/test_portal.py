"""The authority portal in the browser: sign in by signing a challenge, download the package,
and never see another authority's request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization

from lawline.authorities.portal import sign_challenge
from lawline.client import open_package
from tests.web.a11y import check_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import LiveServer


def _sign_in(page: Page, server: LiveServer, name: str) -> tuple[str, str]:
    """Sign in as the authority; returns the challenge and signature used."""
    _, keys = server.world.authorities[name]
    private = serialization.load_pem_private_key(keys.private_pem.encode(), None)
    page.goto("/portal/login")
    challenge = page.get_by_label("Challenge for").input_value()
    signature = sign_challenge(private, challenge)
    page.get_by_label("Key id").fill(keys.key_id)
    page.get_by_label("Signature").fill(signature)
    page.get_by_role("button", name="Sign in").click()
    return challenge, signature


def test_an_authority_signs_in_with_its_key_and_downloads_its_package(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    world = live_server.world
    page.goto("/portal/login")
    check_page(page, "portal-login")
    _sign_in(page, live_server, "us")
    assert page.url.endswith("/portal")
    listed = [r.get_attribute("data-request") for r in page.locator("tr[data-request]").all()]
    assert listed == [world.requests["us"]]  # its own request only
    check_page(page, "portal-requests")

    page.get_by_role("link", name=world.requests["us"]).click()
    assert page.locator("[data-status]").inner_text() == "disclosed"
    check_page(page, "portal-request")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the package").click()
    archive = tmp_path / "package.tar.age"
    download.value.save_as(archive)
    _, keys = world.authorities["us"]
    check = open_package(
        archive.read_bytes(),
        keys.age_identity,
        tmp_path / "opened",
        live_server.runtime.signing_key.public_bytes,
    )
    assert check.ok, check
    page.reload()
    assert page.locator("[data-status]").inner_text() == "closed"


def test_an_authority_cannot_open_another_authoritys_request(
    page: Page, live_server: LiveServer
) -> None:
    _sign_in(page, live_server, "us")
    response = page.goto(f"/portal/requests/{live_server.world.requests['nl']}")
    assert response is not None
    assert response.status == 404
    assert "request_not_found" in page.inner_text("main")
    assert "RTM-2026-001" not in page.content()


def test_a_signed_challenge_is_accepted_once(page: Page, live_server: LiveServer) -> None:
    challenge, signature = _sign_in(page, live_server, "nl")
    assert page.url.endswith("/portal")
    page.context.clear_cookies()
    page.goto("/portal/login")
    page.get_by_label("Challenge for").evaluate("(el, v) => el.value = v", challenge)
    page.get_by_label("Key id").fill(live_server.world.authorities["nl"][1].key_id)
    page.get_by_label("Signature").fill(signature)
    page.get_by_role("button", name="Sign in").click()
    assert "challenge_replayed" in page.get_by_role("alert").inner_text()


def test_a_question_pauses_the_clock_until_the_authority_answers_in_the_portal(
    page: Page, live_server: LiveServer
) -> None:
    from tests.web.helpers import staff_login, staff_logout

    request_id = live_server.world.requests["nl-third"]
    staff_login(page, live_server, "carla", f"/staff/legal/requests/{request_id}")
    page.get_by_label("Question (pauses the deadline)").fill("Which account handle was used?")
    page.get_by_role("button", name="Ask").click()
    assert page.locator("[data-status]").inner_text() == "needs_info"
    page.goto("/staff/legal")
    assert "clock paused" in page.locator(f"tr[data-request='{request_id}']").inner_text()
    staff_logout(page)

    _sign_in(page, live_server, "nl")
    page.goto(f"/portal/requests/{request_id}")
    assert "Which account handle was used?" in page.inner_text("main")
    page.get_by_label("Your answer").fill("The handle in the order, nothing else.")
    page.get_by_role("button", name="Send the answer").click()
    assert page.locator("[data-status]").inner_text() == "in_review"


def test_the_authority_reads_the_annex_iii_notices_about_its_order(
    page: Page, live_server: LiveServer
) -> None:
    from lawline.core.db import transaction
    from lawline.legal import notices, queries

    world = live_server.world
    request_id = world.requests["nl-second"]
    runtime = live_server.runtime
    with transaction(runtime.sessions) as session:
        notices.issue_notice(
            session,
            queries.get_request(session, request_id),
            kind="manifest_error",
            explanation="the order names an account id that does not exist on the platform",
            clarification="give the account's public username or the channel link",
            actor="staff:lena",
            clock=runtime.clock,
        )
    _sign_in(page, live_server, "nl")
    page.goto(f"/portal/requests/{request_id}")
    notice = page.locator("[data-notice=manifest_error]")
    assert notice.count() == 1
    text = notice.inner_text()
    assert "Art. 10(6)" in text
    assert "does not exist on the platform" in text
    assert "give the account's public username" in text
    check_page(page, "portal-request-notice")
