"""The one check of an internal complaint against a moderation decision (DSA Art. 20), shared by
the owner's appeal (`appeals.file_appeal`) and the notifier's complaint
(`complaints.file_complaint`): not filed twice, not against a decision that can no longer be
complained against, within the window, with grounds that say why and name no one by phone
number or IP address. Each kind keeps the reason codes it documents (docs/reason-codes.md);
what differs between them is data (`Redress`), not a second copy of the checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lawline.core.errors import Conflict, InvalidInput
from lawline.core.pii import refuse_personal_data
from lawline.moderation.models import Decision

# DSA Art. 20(1): "for a period of at least six months": 184 days covers the longest six
# calendar months (1 July to 1 January), so no one gets less than the Regulation gives.
WINDOW = timedelta(days=184)


@dataclass(frozen=True)
class Refusal:
    """A decision state this kind of complaint cannot be filed against."""

    applies: Callable[[Decision], bool]
    code: str
    message: str


@dataclass(frozen=True)
class Redress:
    """One kind of complaint against a decision: `noun` names its codes (`{noun}_exists`,
    `{noun}_window_closed`) and the field that names the one filed already."""

    noun: str
    exists_message: str
    refusals: tuple[Refusal, ...]


APPEAL = Redress(
    "appeal",
    "the decision is appealed already",
    (
        Refusal(lambda d: d.action == "no_action", "nothing_to_appeal", "nothing was restricted"),
        Refusal(
            lambda d: d.reversed_at is not None,
            "decision_reversed",
            "the decision was reversed already",
        ),
    ),
)
COMPLAINT = Redress(
    "complaint",
    "you complained against this decision already",
    (
        Refusal(
            lambda d: d.superseded_at is not None,
            "decision_superseded",
            "the decision was found wrong already",
        ),
    ),
)


def checked_grounds(
    kind: Redress, decision: Decision, *, filed: str | None, grounds: str, now: datetime
) -> str:
    """The grounds, stripped, if `kind` may be filed against `decision` now; otherwise the
    refusal. `filed` is the id of one filed already by the same person (the caller looks under
    the decision's row lock, so racing filings see each other)."""
    if filed is not None:
        raise Conflict(kind.exists_message, code=f"{kind.noun}_exists", **{kind.noun: filed})
    for refusal in kind.refusals:
        if refusal.applies(decision):
            raise Conflict(refusal.message, code=refusal.code)
    if now > decision.decided_at + WINDOW:
        raise Conflict(
            f"the six-month {kind.noun} window has closed", code=f"{kind.noun}_window_closed"
        )
    stripped = grounds.strip()
    if len(stripped) < 10:
        raise InvalidInput("explain why the decision is wrong", code="grounds_missing")
    # the grounds are kept, shown to staff and counted: a contact belongs elsewhere (the bot's
    # chat, the platform's account), never in the record
    refuse_personal_data(stripped)
    return stripped
