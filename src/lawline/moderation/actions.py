"""Moderation actions as data: what each action does to each kind of target.

Applying a decision and reversing it on appeal read the same row (undo restores each flag the
action set, in reverse order), and so do the statement of reasons' restriction fields and the
texts the owner and the reporters receive. A pair missing from `RULES` is not applicable.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lawline.core.errors import InvalidInput

ACTIONS = ("no_action", "delist", "remove", "ban")
TARGET_KINDS = ("channel", "post", "account")


class Flag(StrEnum):
    """A restriction on the platform; an action sets some, its reversal clears the same ones."""

    CHANNEL_DELISTED = "channel_delisted"
    CHANNEL_REMOVED = "channel_removed"
    POST_REMOVED = "post_removed"
    OWNER_BANNED = "owner_banned"


@dataclass(frozen=True)
class Rule:
    flags: tuple[Flag, ...]  # set in this order; a reversal clears them in the opposite order
    records_violation: bool
    visibility: tuple[str, ...]  # DSA decision_visibility
    account: str | None  # DSA decision_account
    outcome: str  # completes "Case N was decided: ..." for reporters
    owner_text: str  # completes "Your ... : ..." for the owner

    @property
    def hides_from_search(self) -> bool:
        """Whether the target's channel leaves lawline's search (and the platform's)."""
        return bool({Flag.CHANNEL_DELISTED, Flag.CHANNEL_REMOVED} & set(self.flags))


_NOTHING = Rule((), False, (), None, "no action was taken", "no action was taken")
_DEMOTED = ("DECISION_VISIBILITY_CONTENT_DEMOTED",)  # removed from in-app search
_REMOVED = ("DECISION_VISIBILITY_CONTENT_REMOVED",)
_TERMINATED = "DECISION_ACCOUNT_TERMINATED"
_F = Flag

RULES: dict[tuple[str, str], Rule] = {
    ("no_action", "channel"): _NOTHING,
    ("no_action", "post"): _NOTHING,
    ("no_action", "account"): _NOTHING,
    # delisting a post takes its whole channel out of search: search lists channels, not posts
    ("delist", "channel"): Rule(
        (_F.CHANNEL_DELISTED,),
        False,
        _DEMOTED,
        None,
        "it was removed from search",
        "it no longer appears in search",
    ),
    ("delist", "post"): Rule(
        (_F.CHANNEL_DELISTED,),
        False,
        _DEMOTED,
        None,
        "its channel was removed from search",
        "its channel no longer appears in search",
    ),
    ("remove", "channel"): Rule(
        (_F.CHANNEL_DELISTED, _F.CHANNEL_REMOVED),
        True,
        _REMOVED,
        None,
        "it was removed",
        "it was removed",
    ),
    ("remove", "post"): Rule(
        (_F.POST_REMOVED,), True, _REMOVED, None, "it was removed", "it was removed"
    ),
    # a ban on a channel target also removes the banned owner's channel
    ("ban", "channel"): Rule(
        (_F.CHANNEL_DELISTED, _F.CHANNEL_REMOVED, _F.OWNER_BANNED),
        True,
        _REMOVED,
        _TERMINATED,
        "it was removed and the account was banned",
        "it was removed and your account was banned",
    ),
    ("ban", "post"): Rule(
        (_F.POST_REMOVED, _F.OWNER_BANNED),
        True,
        _REMOVED,
        _TERMINATED,
        "it was removed and the account was banned",
        "it was removed and your account was banned",
    ),
    ("ban", "account"): Rule(
        (_F.OWNER_BANNED,),
        True,
        (),
        _TERMINATED,
        "the account was banned",
        "your account was banned",
    ),
}


def rule(action: str, target_kind: str) -> Rule:
    """The row for an action on a kind of target; 422 when the pair is not applicable."""
    if action not in ACTIONS:
        raise InvalidInput(f"action is one of {', '.join(ACTIONS)}", code="action_unknown")
    found = RULES.get((action, target_kind))
    if found is None:
        raise InvalidInput(
            f"{action} applies to channels and posts; ban the account instead",
            code="action_not_applicable",
        )
    return found


@dataclass(frozen=True)
class Target:
    """The platform objects a case points at (as the case stores them)."""

    channel_id: str | None
    post_id: int | None
    account_id: str | None


@dataclass(frozen=True)
class PlatformCall:
    """One idempotent platform action: a method of `Platform` and its arguments."""

    flag: Flag
    method: str
    args: dict[str, Any]
    lane: str  # the platform object it changes: calls on one object apply in order


def platform_calls(rule_: Rule, target: Target, *, undo: bool = False) -> list[PlatformCall]:
    """The calls that apply a rule to a target, or (undo) that restore what it changed."""
    calls: list[PlatformCall] = []
    flags = reversed(rule_.flags) if undo else rule_.flags
    on = not undo
    for flag in flags:
        if flag in (Flag.CHANNEL_DELISTED, Flag.CHANNEL_REMOVED):
            if target.channel_id is None:
                raise InvalidInput("this target has no channel", code="action_not_applicable")
            lane = f"channel:{target.channel_id}"
            if flag is Flag.CHANNEL_DELISTED:
                args: dict[str, Any] = {"channel_id": target.channel_id, "listed": not on}
                calls.append(PlatformCall(flag, "set_channel_listed", args, lane))
            else:
                args = {"channel_id": target.channel_id, "removed": on}
                calls.append(PlatformCall(flag, "set_channel_removed", args, lane))
        elif flag is Flag.POST_REMOVED:
            if target.channel_id is None or target.post_id is None:
                raise InvalidInput("this target has no post", code="action_not_applicable")
            args = {"channel_id": target.channel_id, "post_id": target.post_id, "removed": on}
            calls.append(
                PlatformCall(
                    flag, "set_post_removed", args, f"post:{target.channel_id}/{target.post_id}"
                )
            )
        else:
            if target.account_id is None:
                raise InvalidInput(
                    "this target has no owning account", code="action_not_applicable"
                )
            args = {"account_id": target.account_id, "banned": on}
            calls.append(
                PlatformCall(flag, "set_account_banned", args, f"account:{target.account_id}")
            )
    return calls
