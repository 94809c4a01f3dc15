"""What a report points at: a public channel or group (`t.me/name`), a post (`t.me/name/123`),
or an account (`@username` or its id)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lawline.core.errors import InvalidInput
from lawline.platform.protocol import ACCOUNT_ID, AccountRef, Platform

_LINK = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/"
    r"(?P<name>[A-Za-z][A-Za-z0-9_]{3,31})(?:/(?P<post>\d{1,10}))?/?(?:\?.*)?$"
)
_NAME = re.compile(r"^@?(?P<name>[A-Za-z][A-Za-z0-9_]{3,31})$")


@dataclass(frozen=True)
class Target:
    kind: str  # channel | post | account
    key: str  # canonical: channel:<id>, post:<channel id>/<post id>, account:<id>
    channel_id: str | None = None
    post_id: int | None = None
    account_id: str | None = None
    display: str = ""


def resolve_target(platform: Platform, text: str) -> Target:
    """Parse and resolve a report target; 422 `target_malformed` or `target_not_found`."""
    text = text.strip()
    if len(text) > 300:
        raise InvalidInput("the target is too long", code="target_malformed")
    link = _LINK.match(text)
    name_match = _NAME.match(text)
    if link:
        name, post = link.group("name"), link.group("post")
    elif ACCOUNT_ID.match(text):
        account = platform.resolve_account(AccountRef("id", text))
        if account is None:
            raise InvalidInput("no account with this id", code="target_not_found")
        return Target(
            "account",
            f"account:{account.id}",
            account_id=account.id,
            display=f"account {account.id}",
        )
    elif name_match:
        name, post = name_match.group("name"), None
    else:
        raise InvalidInput(
            "give a t.me/<name> link, a t.me/<name>/<post> link, an @username or an account id",
            code="target_malformed",
        )
    channel = platform.channel(name)
    if channel is not None and not channel.removed:
        if post is None:
            return Target(
                "channel",
                f"channel:{channel.id}",
                channel_id=channel.id,
                account_id=channel.owner_id,
                display=f"t.me/{channel.name}",
            )
        found = platform.post(channel.id, int(post))
        if found is None or found.removed:
            raise InvalidInput("no such post in this channel", code="target_not_found")
        return Target(
            "post",
            f"post:{channel.id}/{found.id}",
            channel_id=channel.id,
            post_id=found.id,
            account_id=channel.owner_id,
            display=f"t.me/{channel.name}/{found.id}",
        )
    if post is None:
        account = platform.resolve_account(AccountRef("username", name.lower()))
        if account is not None:
            return Target(
                "account",
                f"account:{account.id}",
                account_id=account.id,
                display=f"@{account.username}",
            )
    raise InvalidInput("no public channel, group or account by this name", code="target_not_found")
