"""The transparency bot through its webhook, offline (same approach as the report bot's test):
real Bot API updates in, the bot's Bot API calls recorded by the loopback server."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.bots.local_api import LocalBotApi
from lawline.bots.transparency_bot import GREETING
from tests.bots.test_report_bot import callback, message
from tests.transparency.seed import seeded_runtime

TOKEN = "987654321:AAtestTOKENforTRANSPARENCYoffline00"
SECRET = "transparency-secret-7"
NL_SUMMARY = (
    "Netherlands, 2024-Q4: 7 requests received (3 emergencies, 1 preservations); "
    "4 fulfilled (3 fully, 1 partly), 4 accounts affected; 2 rejected.\n"
    "Signed report, verifiable against the public ledger: "
    "http://testserver/v1/transparency/2024-Q4?country=NL"
)


@pytest.fixture
def bot(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path: Path
) -> Iterator[tuple[TestClient, LocalBotApi]]:
    api = LocalBotApi()
    runtime = seeded_runtime(
        request,
        platform_file,
        tmp_path,
        "sqlite",
        transparency_bot_token=TOKEN,
        transparency_bot_secret=SECRET,
        telegram_api_base=api.base,
    )
    app = create_app(runtime)
    with TestClient(app) as client:
        yield client, api
        client.portal.call(app.state.transparency_bot.bot.session.close)  # type: ignore[union-attr]
    api.stop()


def send(client: TestClient, update: dict[str, Any], secret: str = SECRET) -> int:
    return client.post(
        "/v1/bots/transparency/webhook",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    ).status_code


def contact(update_id: int, phone: str) -> dict[str, Any]:
    update = message(update_id, "")
    del update["message"]["text"]
    update["message"]["contact"] = {"phone_number": phone, "first_name": "Eva", "user_id": 4242}
    return update


def test_country_by_name_code_or_shared_contact(
    bot: tuple[TestClient, LocalBotApi], caplog: pytest.LogCaptureFixture
) -> None:
    client, api = bot
    caplog.set_level(logging.DEBUG)
    assert send(client, message(1, "/start")) == 200
    greeting = api.messages()[-1]
    assert greeting["text"] == GREETING
    button = json.loads(greeting["reply_markup"])["keyboard"][0][0]
    assert button["request_contact"] is True

    send(client, message(2, "nl"))
    assert api.messages()[-1]["text"] == NL_SUMMARY
    send(client, message(3, "Germany"))
    assert api.messages()[-1]["text"].startswith(
        "Germany, 2024-Q4: 2 requests received (0 emergencies, 0 preservations); 1 fulfilled"
    )

    phone = "+31 6 12345678"
    send(client, contact(4, phone))
    assert api.messages()[-1]["text"] == NL_SUMMARY
    # the number is nowhere: not in the bot's answers, not in any log line
    sent = json.dumps(api.calls)
    assert "12345678" not in sent
    assert "12345678" not in caplog.text

    # the chosen country stays for /quarter
    send(client, message(5, "/quarter 2025-Q1"))
    assert api.messages()[-1]["text"].startswith(
        "Netherlands, 2025-Q1: 0 requests received (0 emergencies, 0 preservations); 1 fulfilled"
    )
    send(client, message(6, "/quarter 2024-Q7"))
    assert api.messages()[-1]["text"] == (
        "Sorry: a quarter is written like 2024-Q4 (year 2000 to 2100)."
    )


def test_ambiguous_names_offer_a_choice_and_bad_secrets_are_refused(
    bot: tuple[TestClient, LocalBotApi],
) -> None:
    client, api = bot
    send(client, message(1, "Guinea"))
    choice = api.messages()[-1]
    assert choice["text"] == "Which one?"
    options = [r[0]["callback_data"] for r in json.loads(choice["reply_markup"])["inline_keyboard"]]
    assert "country:GN" in options
    assert len(options) > 1
    send(client, callback(2, "country:GN"))
    assert api.messages()[-1]["text"].startswith("Guinea, 2024-Q4: 0 requests received")
    send(client, message(3, "Atlantis"))
    assert api.messages()[-1]["text"] == "I know no country by that name. Try its two-letter code."
    before = len(api.calls)
    response = client.post(
        "/v1/bots/transparency/webhook",
        json=message(4, "nl"),
        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "webhook_secret_invalid"
    assert len(api.calls) == before
