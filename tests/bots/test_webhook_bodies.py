"""What reaches a bot's webhook with the right secret but is no Telegram update: a 4xx with a
reason code, never a 500, and the answer never repeats the body (it may be a user's text)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.bots import test_report_bot, test_transparency_bot
from tests.bots.test_report_bot import bot as report_bot  # noqa: F401 - a fixture
from tests.bots.test_transparency_bot import bot as transparency_bot  # noqa: F401 - a fixture

BODIES = (
    (b"not json", 400, "body_malformed"),
    (b"\xff\xfe", 400, "body_malformed"),
    (b"", 400, "body_malformed"),
    (b"null", 422, "invalid_input"),
    (b"[]", 422, "invalid_input"),
    (b"{}", 422, "invalid_input"),
    (b'{"update_id": "x"}', 422, "invalid_input"),
    (b'{"update_id": 1, "message": {"text": "+31 6 1234 5678"}}', 422, "invalid_input"),
    (b"[" * 30000 + b"]" * 30000, 422, "invalid_input"),
    (b'{"update_id": 1, "x": ' * 5000 + b"1" + b"}" * 5000, 422, "invalid_input"),
    (b'{"update_id": 1e400}', 422, "invalid_input"),
    (b'{"update_id": 99999999999999999999999}', 422, "invalid_input"),
    # Telegram's text is UTF-8 without NUL: a lone surrogate or NUL reached storage (a 500 on
    # SQLite's encoder, on PostgreSQL) and Telegram's API in an answer
    *(
        (
            b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 7, '
            b'"type": "private"}, "from": {"id": 7, "is_bot": false, "first_name": "E%s"}, '
            b'"text": "t.me/some_channel%s"}}' % (odd, odd),
            422,
            "invalid_input",
        )
        for odd in (b"\\ud800", b"\\u0000", b"\\udfff\\ud800")
    ),
)

# Updates Telegram may send that carry no user (a message in a channel or from an anonymous
# group admin has no `from`): a 4xx, never a 500.
NO_USER = tuple(
    b'{"update_id": 1, "message": {"message_id": 1, "date": 0, '
    b'"chat": {"id": -100, "type": "supergroup"}, "text": "%s"}}' % text
    for text in (
        b"/status 12",
        b"/complain rep_01j0000000000000000000000 wrong",
        b"/start",
        b"t.me/some_channel",
        b"hello",
    )
)


def _check(client: TestClient, path: str, secret: str) -> None:
    for body, status, code in BODIES:
        response = client.post(
            path,
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
        )
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
        assert "1234" not in response.text
    for body in NO_USER:
        response = client.post(
            path,
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
        )
        assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_input")


def test_the_report_bots_webhook_refuses_what_is_no_update(
    report_bot: tuple[TestClient, object, object],  # noqa: F811
) -> None:
    _check(report_bot[0], "/v1/bots/report/webhook", test_report_bot.SECRET)


def test_the_transparency_bots_webhook_refuses_what_is_no_update(
    transparency_bot: tuple[TestClient, object],  # noqa: F811
) -> None:
    _check(transparency_bot[0], "/v1/bots/transparency/webhook", test_transparency_bot.SECRET)
