"""The report bot through its webhook, offline: real Bot API `Update` JSON goes in, and the bot's
outgoing Bot API calls land on a local test server (aiogram's custom API server URL)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.audit.models import AuditEntry
from lawline.bots.local_api import LocalBotApi
from lawline.bots.report_bot import ASK_CATEGORY, ASK_COMMENT, COMPLAIN_USAGE, GREETING
from lawline.core.clock import FixedClock
from lawline.core.settings import Settings
from lawline.moderation.models import Complaint, Report
from lawline.platform.embedded import EmbeddedPlatform
from lawline.runtime import Runtime
from lawline.worker import build_worker
from tests.legal.conftest import NOW
from tests.moderation.test_complaints import FACTS, _decide, _staff

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
    assert reply == (
        f"Thank you. Your report is filed as case {case_id}. "
        f"Send /status {case_id} to see what was decided.\n"
        f"Your report id is {report_id}: once it is decided, send /complain {report_id} "
        "and why, if you think the decision is wrong."
    )
    # the bot complains with the Telegram user as proof: the receipt is kept (as its SHA-256,
    # for the API) but never sent to the chat
    assert receipt_sha256 is not None
    assert "llr_" not in json.dumps(api.calls)

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


def _as(user: dict[str, Any], update_id: int, text: str) -> dict[str, Any]:
    update = message(update_id, text)
    update["message"]["from"] = user
    update["message"]["chat"] = {"id": user["id"], "type": "private"}
    return update


def _report_through_the_bot(
    client: TestClient, runtime: Runtime, user: dict[str, Any], first_update: int
) -> Report:
    send(client, _as(user, first_update, f"t.me/{drugs_channel(runtime)}"))
    chosen = callback(first_update + 1, "cat:drugs")
    chosen["callback_query"]["from"] = user
    chosen["callback_query"]["message"]["chat"] = {"id": user["id"], "type": "private"}
    send(client, chosen)
    send(client, _as(user, first_update + 2, "They sell cocaine with same-day delivery."))
    with runtime.sessions() as session:
        return session.query(Report).filter(Report.notify_account_id == str(user["id"])).one()


# accounts of the embedded platform, so the platform can push notices to them
ALICE = {"id": 100011, "is_bot": False, "first_name": "Alice"}
BOB = {"id": 100012, "is_bot": False, "first_name": "Bob"}


def test_a_bot_reporter_complains_and_is_told_the_answer_and_the_new_decision(
    bot: tuple[TestClient, LocalBotApi, Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client, api, runtime = bot
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    worker = build_worker(runtime.sessions, platform=platform, clock=runtime.clock)
    report = _report_through_the_bot(client, runtime, ALICE, 10)
    mo, max_, ann = _staff(runtime, client, "mo", "max", "ann")

    send(client, _as(ALICE, 20, f"/complain {report.id} The channel sells drugs openly."))
    assert api.messages()[-1]["text"] == (
        "Sorry, I could not file this complaint: the case is not decided yet"
    )
    decision_id = _decide(client, report.case_id, "no_action", mo)
    worker.drain()
    send(client, _as(ALICE, 21, "/complain"))
    assert api.messages()[-1]["text"] == COMPLAIN_USAGE
    # another Telegram user cannot complain about Alice's report, whatever it knows
    send(client, _as(BOB, 22, f"/complain {report.id} The channel sells drugs openly."))
    assert api.messages()[-1]["text"] == (
        "Sorry, I could not file this complaint: the report is another reporter's"
    )
    send(client, _as(ALICE, 23, f"/complain {report.id} The channel sells drugs openly."))
    with runtime.sessions() as session:
        complaint = session.query(Complaint).one()
        assert (complaint.report_id, complaint.decision_id) == (report.id, decision_id)
        assert complaint.notify_account_id == "100011"
        assert complaint.grounds == "The channel sells drugs openly."
    assert api.messages()[-1]["text"] == (
        f"Your complaint is filed as {complaint.id}. A moderator other than the one who decided "
        "will answer it, and I will send you the answer here."
    )
    send(client, _as(ALICE, 24, f"/complain {report.id} Once more, please look."))
    assert api.messages()[-1]["text"] == (
        "Sorry, I could not file this complaint: you complained against this decision already"
    )

    answer = "The posts do offer drugs; the case is decided again."
    upheld = client.post(
        f"/v1/staff/complaints/{complaint.id}/decision",
        json={"upheld": True, "answer": answer},
        headers=max_,
    )
    assert upheld.status_code == 200, upheld.text
    assert platform.notices("100011")[-1][0] == f"{decision_id}:reporter:{report.id}"  # not yet
    worker.drain()
    assert platform.notices("100011")[-1] == (
        f"{complaint.id}:answer",
        f"Your complaint {complaint.id} against decision {decision_id} was upheld: another "
        f"moderator decides the case anew, and you will be told. {answer}",
    )
    with runtime.sessions() as session:
        kept = session.get(Complaint, complaint.id)
        assert kept is not None
        assert kept.notify_account_id == "100011"  # until the new decision is on its way
    anew = _decide(client, report.case_id, "delist", ann)
    worker.drain()
    worker.drain()  # a second round delivers nothing twice
    keys = [key for key, _ in platform.notices("100011")]
    assert keys == [
        f"{decision_id}:reporter:{report.id}",
        f"{complaint.id}:answer",
        f"{complaint.id}:anew:{anew}",
    ]
    told = platform.notices("100011")[-1][1]
    assert told.startswith(
        f"After your complaint {complaint.id}: case {report.case_id} was decided anew "
        f"(decision {anew}): it was removed from search. Ground: "
    )
    assert f"Facts: {FACTS}" in told
    with runtime.sessions() as session:
        done = session.get(Complaint, complaint.id)
        assert done is not None
        assert done.notify_account_id is None  # erased once the last notice is queued
        entries = session.query(AuditEntry).order_by(AuditEntry.seq).all()
        stored = " ".join(f"{e.actor} {e.subject} {e.body}" for e in entries)
    assert "100011" not in stored  # the chat is never in the audit log
    assert "100011" not in caplog.text


def test_a_rejected_bot_complaint_is_answered_once_and_the_account_erased(
    bot: tuple[TestClient, LocalBotApi, Runtime],
) -> None:
    client, _, runtime = bot
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    worker = build_worker(runtime.sessions, platform=platform, clock=runtime.clock)
    report = _report_through_the_bot(client, runtime, BOB, 10)
    mo, max_ = _staff(runtime, client, "mo", "max")
    decision_id = _decide(client, report.case_id, "delist", mo)
    send(client, _as(BOB, 20, f"/complain {report.id} Delisting is not enough here."))
    with runtime.sessions() as session:
        complaint = session.query(Complaint).one()
    answer = "Delisting is what these posts call for."
    rejected = client.post(
        f"/v1/staff/complaints/{complaint.id}/decision",
        json={"upheld": False, "answer": answer},
        headers=max_,
    )
    assert rejected.json()["status"] == "rejected"
    worker.drain()
    assert platform.notices("100012")[-1] == (
        f"{complaint.id}:answer",
        f"Your complaint {complaint.id} against decision {decision_id} was rejected: the "
        f"decision stands. {answer}",
    )
    with runtime.sessions() as session:
        done = session.get(Complaint, complaint.id)
        assert done is not None
        assert (done.status, done.notify_account_id) == ("rejected", None)
