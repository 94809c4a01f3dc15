"""Work on an open case before the decision: who has it, internal notes, and the editable
statement-of-reasons text a moderator starts from. Each change writes an audit entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.audit import service as audit
from lawline.core.clock import Clock
from lawline.core.errors import InvalidInput, NotFound
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.models import Case, CaseNote
from lawline.staff.service import Action, Staff

NOTE_MAX = 4000


def _case(session: Session, case_id: int, *, lock: bool = False) -> Case:
    case = session.get(Case, case_id, with_for_update=lock)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    return case


def assign(
    session: Session, case_id: int, *, staff: Staff, moderator: Staff | None, clock: Clock
) -> Case:
    """Give a case to a moderator (or take it back to the pool with None)."""
    staff.require(Action.MODERATION_DECIDE)
    if moderator is not None:
        moderator.require(Action.MODERATION_DECIDE)  # only someone who may decide it
    case = _case(session, case_id, lock=True)
    case.assigned_to = moderator.actor if moderator else None
    audit.append(
        session,
        "case.assigned",
        actor=staff.actor,
        subject=f"case:{case.id}",
        body={"to": case.assigned_to},
        clock=clock,
    )
    return case


def add_note(session: Session, case_id: int, *, staff: Staff, text: str, clock: Clock) -> CaseNote:
    staff.require(Action.MODERATION_DECIDE)
    text = text.strip()
    if not text:
        raise InvalidInput("the note is empty", code="note_missing")
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"a note has at most {NOTE_MAX} characters", code="note_too_long")
    case = _case(session, case_id)
    note = CaseNote(case_id=case.id, author=staff.actor, text=text, at=clock.now())
    session.add(note)
    session.flush()
    # the note's text stays out of the log: moderators may quote what the target posted
    audit.append(
        session,
        "case.note_added",
        actor=staff.actor,
        subject=f"case:{case.id}",
        body={"note": note.id},
        clock=clock,
    )
    return note


def notes_of(session: Session, case_id: int) -> list[CaseNote]:
    return list(
        session.execute(
            select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.at, CaseNote.id)
        ).scalars()
    )


def facts_template(case: Case, category: str) -> str:
    """A first draft of the facts and circumstances (DSA Art. 17(3)(c)) for the moderator to
    edit: what was reported, how often, and which rule the content was checked against."""
    label = CATEGORIES[category].label if category in CATEGORIES else category
    reported = ", ".join(f"{c} ({n})" for c, n in sorted(case.categories.items()))
    return (
        f"{case.reports} report(s) from {case.reporters} reporter(s) about {case.target_key} "
        f"({reported}). The moderator reviewed the public content of the {case.target_kind} "
        f"against the Terms of Service rule on {label.lower()} and found: "
    )
