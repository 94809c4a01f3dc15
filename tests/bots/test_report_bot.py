"""The report bot through its webhook, offline: real Bot API `Update` JSON goes in, and the bot's
outgoing Bot API calls land on a local test server (aiogram's custom API server URL)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.bots.local_api import LocalBotApi
from lawline.bots.report_bot import ASK_CATEGORY, ASK_COMMENT, GREETING
from lawline.core.clock import FixedClock
from lawline.core.settings import Settings
from lawline.moderation.models import Report
from lawline.platform.embedded import EmbeddedPlatform
from lawline.runtime import Runtime
from tests.legal.conftest import NOW

TOKEN = "123456789:AAtestTOKENforLAWLINEoffline_bot00"
SECRET = "webhook-secret-42"


@pytest.fixture
def bot(platform_file: Path, tmp_path: Path) -> Iterator[tuple[TestClient, LocalBotApi, Runtime]]:
    api = LocalBotApi()
    (tmp_path / "platform.sqlite").write_bytes(platform_file.read_bytes())
    runtime = Runtime(
        Settings(
            data_dir=tmp_path,
            database_url=None,
            report_bot_token=TOKEN,
            report_bot_secret=SECRET,
            telegram_api_base=api.base,
        ),
        clock=FixedClock(NOW),
    )
    runtime.upgrade_database()
    app = create_app(runtime)
    with TestClient(app) as client:
        yield client, api, runtime
        client.portal.call(app.state.report_bot.bot.session.close)  # type: ignore[union-attr]
    runtime.close()
    api.stop()


USER = {"id": 4242, "is_bot": False, "first_name": "Eva"}
CHAT = {"id": 4242, "type": "private"}


def message(update_id: int, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": update_id,
        "date": 1763630000,
        "chat": CHAT,
        "from": USER,
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": body}


def callback(update_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": USER,
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": 500 + update_id,
                "date": 1763630000,
                "chat": CHAT,
                "from": {"id": 123456789, "is_bot": True, "first_name": "lawline"},
                "text": "...",
            },
        },
    }


def send(client: TestClient, update: dict[str, Any], secret: str = SECRET) -> int:
    response = client.post(
        "/v1/bots/report/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
    )
    return response.status_code


def drugs_channel(runtime: Runtime) -> str:
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    channel = platform.channel(platform.channels_by_theme()["drugs"][0])
    assert channel is not None
    return channel.name


def test_a_report_through_the_bot_from_start_to_status(
    bot: tuple[TestClient, LocalBotApi, Runtime],
) -> None:
    client, api, runtime = bot
    name = drugs_channel(runtime)
    assert send(client, message(1, "/start")) == 200
    assert api.messages()[-1]["text"] == GREETING
    assert int(api.messages()[-1]["chat_id"]) == 4242

    send(client, message(2, f"https://t.me/{name}"))
    asked = api.messages()[-1]
    assert asked["text"] == ASK_CATEGORY
    keyboard = json.loads(asked["reply_markup"])["inline_keyboard"]
    assert [b["callback_data"] for row in keyboard for b in row] == [
        "cat:csam",
        "cat:terrorism",
        "cat:weapons",
        "cat:drugs",
        "cat:scam",
        "cat:doxxing",
        "cat:hate",
        "cat:illegal_goods",
        "cat:spam",
        "cat:other",
    ]

    send(client, callback(3, "cat:drugs"))
    assert ("answerCallbackQuery", {"callback_query_id": "cb3"}) in [
        (m, {k: v for k, v in d.items() if k == "callback_query_id"}) for m, d in api.calls
    ]
    assert api.messages()[-1]["text"] == ASK_COMMENT

    send(client, message(4, "They sell cocaine with same-day delivery."))
    with runtime.sessions() as session:
        stored = session.query(Report).one()
        assert (stored.category, stored.channel) == ("drugs", "bot")
        assert stored.text == "They sell cocaine with same-day delivery."
        assert stored.reporter_id.startswith("tg-")
        assert "4242" not in stored.reporter_id
        assert re.fullmatch(r"tg-[a-z2-7]{26}", stored.reporter_id)  # no digit runs to misread
        case_id, report_id, receipt_sha256 = stored.case_id, stored.id, stored.receipt_sha256
    reply = api.messages()[-1]["text"]
    assert reply.startswith(
        f"Thank you. Your report is filed as case {case_id}. "
        f"Send /status {case_id} to see what was decided.\nReport {report_id}, receipt llr_"
    )
    # the receipt is shown once and stored only as its SHA-256
    receipt = re.search(r"receipt (llr_[A-Za-z0-9_-]{43})", reply)
    assert receipt is not None
    assert hashlib.sha256(receipt.group(1).encode()).digest() == receipt_sha256

    send(client, message(5, f"/status {case_id}"))
    assert api.messages()[-1]["text"] == f"Case {case_id} is waiting for a moderator."
    send(client, message(6, "/status 99999"))
    assert api.messages()[-1]["text"] == "I know of no report of yours in case 99999."


def test_skip_and_a_bad_link(bot: tuple[TestClient, LocalBotApi, Runtime]) -> None:
    client, api, runtime = bot
    send(client, message(1, "t.me/no_such_channel_anywhere"))
    send(client, callback(2, "cat:scam"))
    send(client, callback(3, "skip"))
    assert api.messages()[-1]["text"] == (
        "Sorry, I could not file this report: no public channel, group or account by this name"
    )
    send(client, message(4, "hello?"))
    assert (
        api.messages()[-1]["text"] == "Please send a t.me link to a public channel, group or post."
    )
    with runtime.sessions() as session:
        assert session.query(Report).count() == 0


def test_the_webhook_checks_telegrams_secret_header(
    bot: tuple[TestClient, LocalBotApi, Runtime],
) -> None:
    client, api, _ = bot
    assert send(client, message(1, "/start"), secret="wrong") == 401
    response = client.post("/v1/bots/report/webhook", json=message(2, "/start"))
    assert response.json()["error"]["code"] == "webhook_secret_invalid"
    assert api.calls == []
