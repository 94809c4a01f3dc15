"""The Platform protocol: the one seam between lawline and the messenger it serves.

Lawline never reads the platform's data any other way, so a platform plugs in by implementing
this class (or by mapping it to SQL with `SqlPlatform`). Every implementation must pass the
contract tests in `tests/platform/contract.py`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from lawline.core.errors import InvalidInput
from lawline.core.pii import IPAddress, PhoneNumber


@dataclass(frozen=True)
class Account:
    id: str
    username: str | None
    country: str  # ISO 3166-1 alpha-2
    registered_at: datetime
    banned: bool


@dataclass(frozen=True)
class SubscriberRecord:
    account_id: str
    phone: PhoneNumber
    country: str
    registered_at: datetime


@dataclass(frozen=True)
class IpEvent:
    account_id: str
    at: datetime
    ip: IPAddress
    port: int | None


@dataclass(frozen=True)
class Channel:
    id: str
    name: str  # the public link name: t.me/<name>
    kind: Literal["channel", "group"]
    title: str
    description: str
    owner_id: str
    language: str
    subscribers: int
    listed: bool  # shown in public search
    removed: bool


@dataclass(frozen=True)
class Post:
    channel_id: str
    id: int
    at: datetime
    text: str
    removed: bool


@dataclass(frozen=True)
class Media:
    """An image attached to a post. Lawline hashes it in memory and never stores or shows it."""

    channel_id: str
    post_id: int
    id: str
    mime: str
    data: bytes = field(repr=False)


_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")
# ASCII digits only (`str.isdigit` also takes "1²"), and no longer than a 64-bit id.
ACCOUNT_ID = re.compile(r"^[0-9]{1,19}$")


@dataclass(frozen=True)
class AccountRef:
    """How a request or report names an account: its id, its @username, or its phone number."""

    kind: Literal["id", "username", "phone"]
    value: str | PhoneNumber

    @classmethod
    def parse(cls, text: str, region: str | None = None) -> AccountRef:
        text = text.strip()
        if ACCOUNT_ID.match(text):
            return cls("id", text)
        if text.isdigit():
            raise InvalidInput("an account id is at most 19 digits 0-9", code="target_malformed")
        if text.startswith("@") or (text and text[0].isalpha()):
            match = _USERNAME.match(text)
            if match is None:
                raise InvalidInput("not a valid @username", code="target_malformed")
            return cls("username", match.group(1).lower())
        try:
            return cls("phone", PhoneNumber.parse(text, region))
        except ValueError:
            raise InvalidInput(
                "not an account id, @username or phone number", code="target_malformed"
            ) from None

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"  # a PhoneNumber prints redacted


class Platform(ABC):
    """Reads and actions. Times are aware UTC; ranges are half-open [start, end)."""

    name: str = "platform"

    # reads
    @abstractmethod
    def resolve_account(self, ref: AccountRef) -> Account | None: ...

    @abstractmethod
    def subscriber(self, account_id: str) -> SubscriberRecord | None: ...

    @abstractmethod
    def ip_events(self, account_id: str, start: datetime, end: datetime) -> list[IpEvent]:
        """The account's IP events with `start <= at < end`, oldest first."""

    @abstractmethod
    def channel(self, ref: str) -> Channel | None:
        """A channel or group by id or by public name (case-insensitive)."""

    @abstractmethod
    def channels(self, after_id: str | None = None, limit: int = 500) -> list[Channel]:
        """Channels in id order after `after_id`: the feed the search index is built from."""

    @abstractmethod
    def recent_posts(self, channel_id: str, limit: int = 20) -> list[Post]:
        """The channel's newest posts that are not removed, newest first."""

    @abstractmethod
    def post(self, channel_id: str, post_id: int) -> Post | None: ...

    def post_media(self, channel_id: str, post_id: int) -> list[Media]:
        """The images attached to a post, oldest first; a platform that shares none returns []."""
        return []

    def channel_owner(self, channel_id: str) -> Account | None:
        channel = self.channel(channel_id)
        if channel is None:
            return None
        return self.resolve_account(AccountRef("id", channel.owner_id))

    # actions; each is idempotent and returns False when the target does not exist
    @abstractmethod
    def set_channel_listed(self, channel_id: str, listed: bool) -> bool:
        """Delist from (False) or restore to (True) the platform's public search."""

    @abstractmethod
    def set_channel_removed(self, channel_id: str, removed: bool) -> bool: ...

    @abstractmethod
    def set_post_removed(self, channel_id: str, post_id: int, removed: bool) -> bool: ...

    @abstractmethod
    def set_account_banned(self, account_id: str, banned: bool) -> bool: ...

    # delivery
    @abstractmethod
    def notify_user(self, account_id: str, message: str, *, key: str) -> bool:
        """Hand a notice to the platform for delivery to the account (a statement of reasons,
        an outcome for a reporter, a disclosure notice after the gag date).

        `key` identifies the notice: a second call with the same key delivers nothing new, so a
        worker that retries after a crash never sends a notice twice. False when the account
        does not exist.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the default holds none."""
