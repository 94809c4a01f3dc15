"""Casework before a decision, on both databases: assignment, internal notes, the facts draft;
each change is audited and only moderators may make it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lawline.audit.models import AuditEntry
from lawline.core.errors import Forbidden, InvalidInput
from lawline.moderation import casework
from lawline.moderation.models import Case
from lawline.moderation.reports import submit_report
from tests import factories
from tests.moderation.conftest import World


def _case(world: World) -> Case:
    submitted = submit_report(
        world.session,
        world.ctx,
        target=f"t.me/{world.channel_named('drugs')}",
        category="drugs",
        text="",
        reporter_id="user-0001",
        idempotency_key=None,
        via="api",
    )
    return submitted.case


def _audit(world: World, case: Case) -> list[tuple[str, str, dict[str, object]]]:
    rows = world.session.execute(
        select(AuditEntry)
        .where(AuditEntry.subject == f"case:{case.id}", AuditEntry.entry_type.like("case.%"))
        .order_by(AuditEntry.seq)
    ).scalars()
    return [(e.entry_type, e.actor, e.body) for e in rows]


def test_assignment_and_notes_are_audited_without_the_notes_text(world: World) -> None:
    case = _case(world)
    casework.assign(world.session, case.id, staff=world.mo, moderator=world.max, clock=world.clock)
    assert case.assigned_to == "staff:max"
    note = casework.add_note(
        world.session, case.id, staff=world.max, text="  Owner runs two more.  ", clock=world.clock
    )
    casework.assign(world.session, case.id, staff=world.max, moderator=None, clock=world.clock)
    assert case.assigned_to is None
    assert [n.text for n in casework.notes_of(world.session, case.id)] == ["Owner runs two more."]
    assert _audit(world, case) == [
        ("case.assigned", "staff:mo", {"to": "staff:max"}),
        ("case.note_added", "staff:max", {"note": note.id}),
        ("case.assigned", "staff:max", {"to": None}),
    ]


def test_only_moderators_work_cases(world: World) -> None:
    case = _case(world)
    clerk = factories.staff_member(world.session, "ida", "intake")
    with pytest.raises(Forbidden):
        casework.add_note(world.session, case.id, staff=clerk, text="hello", clock=world.clock)
    with pytest.raises(Forbidden):  # nor may a case be given to someone who cannot decide it
        casework.assign(world.session, case.id, staff=world.mo, moderator=clerk, clock=world.clock)
    with pytest.raises(InvalidInput) as empty:
        casework.add_note(world.session, case.id, staff=world.mo, text="   ", clock=world.clock)
    assert empty.value.code == "note_missing"
    assert _audit(world, case) == []


def test_the_facts_draft_names_the_reports_and_the_rule(world: World) -> None:
    case = _case(world)
    draft = casework.facts_template(case, "drugs")
    assert draft.startswith(f"1 report(s) from 1 reporter(s) about {case.target_key} (drugs (1)).")
    assert draft.endswith("against the Terms of Service rule on drugs for sale and found: ")
