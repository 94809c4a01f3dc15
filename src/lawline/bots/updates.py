"""Reading a Telegram update from a webhook call, for both bots.

Telegram sends well-formed updates; anyone else who learnt the secret, a proxy that cut the
body, or a future field of another type must still get a 4xx with a reason code, never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from pydantic import ValidationError

from lawline.core.errors import InvalidInput, LawlineError
from lawline.core.fields import check_text


class BodyMalformed(LawlineError):
    status = 400
    default_code = "body_malformed"


def _plain(data: Any) -> bool:
    """True when no string in `data` (keys too) holds NUL, another control character or a lone
    surrogate (`core.fields.check_text`). A loop, not recursion: the parser allows deep nesting."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                check_text(value)
            except ValueError:
                return False
    return True


def parse_update(body: bytes, bot: Bot) -> Update:
    try:
        data: Any = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise BodyMalformed("the body is not JSON in UTF-8") from None
    except RecursionError:  # JSON nested deeper than Python's parser goes: no update is
        raise InvalidInput(
            "a Telegram update is not nested this deep", code="invalid_input"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput("a Telegram update is a JSON object", code="invalid_input")
    if not _plain(data):
        # Telegram's text is UTF-8 without NUL; a lone surrogate or NUL reached storage (a 500
        # on SQLite's encoder and on PostgreSQL) or an answer to Telegram's API
        raise InvalidInput("control characters are not allowed", code="invalid_input")
    try:
        update = Update.model_validate(data, context={"bot": bot})
    except ValidationError:
        # the error names the fields and their values (a user's text): say neither
        raise InvalidInput("not a Telegram update", code="invalid_input") from None
    try:
        event = update.event
    except UpdateTypeLookupError:
        # the dispatcher would raise (a 500) after a warning that prints the whole update
        raise InvalidInput("an update of no type this bot handles", code="invalid_input") from None
    if getattr(event, "from_user", None) is None:
        # both bots know their users only as the account Telegram vouches for: a channel post
        # or an anonymous admin's message has none (handlers assumed one: a 500)
        raise InvalidInput("an update without a user", code="invalid_input")
    return update
