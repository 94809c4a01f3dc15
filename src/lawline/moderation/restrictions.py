"""Restrictions in force on platform objects, and lifting one decision's share of them.

Several decisions can restrict one object: a channel is delisted in one case and removed in a
newer one about a post in it; an owner is banned for a channel and again for the account itself.
A decision stays in force until it is reversed (an appeal upheld, or superseded after an upheld
complaint and lifted by the case's new decision). Lifting one undoes, from its row of the actions
table, only what no other decision in force imposes on the same object: a flag is known by its
platform call's `(flag, lane)`, the lane naming the object (`channel:<id>`, `post:<id>/<n>`,
`account:<id>`).

Every path that applies or lifts restrictions (`decisions.decide`, `appeals.decide_appeal`,
`complaints.decide_complaint`) first takes `lock_objects_of`: on PostgreSQL a transaction-scoped
advisory lock per platform object the case is about (its channel, its account), in one order,
before any case or decision row. Two of them on one object then run one after the other, and
each reads what the other committed; one order keeps them from deadlocking, and reports, which
never take these locks, are not held up by a decision on another case of the same owner. SQLite
admits one writer at a time already.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import ColumnElement, or_, select, text
from sqlalchemy.orm import Session

from lawline.core.clock import Clock
from lawline.core.errors import NotFound
from lawline.moderation import effects
from lawline.moderation.actions import Flag, PlatformCall, Target, platform_calls, rule
from lawline.moderation.models import Case, Decision
from lawline.moderation.violations import void_violation
from lawline.search import service as search

# The flags that take a channel out of search (lawline's own index follows them).
HIDING = (Flag.CHANNEL_DELISTED, Flag.CHANNEL_REMOVED)

Imposed = dict[tuple[Flag, str], list[str]]


def target_of(case: Case) -> Target:
    return Target(case.channel_id, case.post_id, case.account_id)


def _about_same_objects(case: Case) -> ColumnElement[bool]:
    """Cases about an object `case` is about: its channel (itself or a post in it) or its
    account (the owner of a channel or post, or the account reported)."""
    same: list[ColumnElement[bool]] = [Case.id == case.id]
    if case.channel_id is not None:
        same.append(Case.channel_id == case.channel_id)
    if case.account_id is not None:
        same.append(Case.account_id == case.account_id)
    return or_(*same)


def _object_key(name: str) -> int:
    """A signed 64-bit key for `pg_advisory_xact_lock` from an object's lane name; a collision
    only makes two unrelated objects wait for each other."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


_LOCK_OBJECT = text("SELECT pg_advisory_xact_lock(:key)")


def lock_objects_of(session: Session, case_id: int) -> Case:
    """Take the locks of the platform objects case `case_id` is about (PostgreSQL: advisory,
    until the transaction ends), then the case's row lock; the case as now stored. 404
    `case_not_found` when there is none."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    if session.get_bind().dialect.name == "postgresql":
        # a case's channel and account never change, so the unlocked read names the right ones
        names = set()
        if case.channel_id is not None:
            names.add(f"channel:{case.channel_id}")
        if case.account_id is not None:
            names.add(f"account:{case.account_id}")
        for key in sorted(map(_object_key, names)):
            session.execute(_LOCK_OBJECT, {"key": key})
    locked = session.execute(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    return locked


def restrictions_in_force(session: Session, case: Case, *, besides: Collection[str]) -> Imposed:
    """What the decisions in force other than `besides` impose on the objects `case` is about:
    each `(flag, lane)` with the ids of the decisions imposing it, oldest first."""
    rows = session.execute(
        select(
            Decision.id,
            Decision.action,
            Case.target_kind,
            Case.channel_id,
            Case.post_id,
            Case.account_id,
        )
        .join(Case, Case.id == Decision.case_id)
        .where(
            _about_same_objects(case),
            Decision.reversed_at.is_(None),
            Decision.action != "no_action",
            Decision.id.not_in(list(besides)),
        )
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    imposed: Imposed = defaultdict(list)
    for row in rows:
        target = Target(row.channel_id, row.post_id, row.account_id)
        for call in platform_calls(rule(row.action, row.target_kind), target):
            imposed[(call.flag, call.lane)].append(row.id)
    return imposed


def lift_restriction(
    session: Session,
    case: Case,
    decision: Decision,
    *,
    reason: str,
    actor: str,
    clock: Clock,
    besides: Collection[str] = (),
    replaced_by: Collection[PlatformCall] = (),
) -> list[str]:
    """Undo what `decision` did (its row of the actions table, read backwards) wherever no
    other decision in force (`besides` are being lifted with it) imposes the same restriction:
    search listing at once, platform calls as intents after commit. `replaced_by` are the calls
    of the decision about to replace it (a case decided anew): what they set again is left as
    it is, never lifted for a moment in between. Its violation is voided whatever else stands
    (each decision records its own). Returns the ids of the decisions that keep part of it in
    force. The caller holds `lock_objects_of(case)`."""
    restriction = rule(decision.action, case.target_kind)
    imposed = restrictions_in_force(session, case, besides={decision.id, *besides})
    staying = {(call.flag, call.lane) for call in replaced_by}
    undo: list[PlatformCall] = []
    kept: list[str] = []
    for call in platform_calls(restriction, target_of(case), undo=True):
        holders = imposed.get((call.flag, call.lane), [])
        kept.extend(h for h in holders if h not in kept)
        if not holders and (call.flag, call.lane) not in staying:
            undo.append(call)
    if restriction.hides_from_search and case.channel_id is not None:
        lane = f"channel:{case.channel_id}"
        if not any((flag, lane) in imposed or (flag, lane) in staying for flag in HIDING):
            search.set_listed(session, case.channel_id, True, clock)
    effects.enqueue_calls(
        session, undo, key=f"{decision.id}:undo", subject=f"case:{case.id}", clock=clock
    )
    if decision.violation_id is not None:
        void_violation(session, decision.violation_id, reason=reason, actor=actor, clock=clock)
    decision.reversed_at = clock.now()
    return kept
