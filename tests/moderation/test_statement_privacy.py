"""The statement export leaves lawline for a public database: no phone number (in any format)
and no IP address may reach it. Facts that quote personal data are refused when a decision is
made (`personal_data_in_text`); the export still redacts every free-text field, for rows
written before that rule and for free text from elsewhere (a trusted flagger's name)."""

from __future__ import annotations

import json

import pytest

from lawline.core.errors import LawlineError
from lawline.core.pii import find_personal_data
from lawline.moderation import decisions
from lawline.moderation.flaggers import register_trusted_flagger
from lawline.moderation.reports import submit_report
from lawline.moderation.statements import to_transparency_database, validate_statement
from tests.moderation.conftest import World

FACTS = (
    "Seller posts +31 6 12345678 and 06-12345678 for orders, a US line (202) 555-0143, "
    "and logs in from 81.2.69.160 and 2a02:1810:4d02:b400::1."
)
LEAKS = ("12345678", "555-0143", "81.2.69.160", "2a02:1810")


@pytest.mark.parametrize(("category", "flagger"), [("drugs", False), ("spam", True)])
def test_export_redacts_personal_data_in_every_free_text_field(
    world: World, category: str, flagger: bool
) -> None:
    reporter = "user-0001"
    if flagger:
        # The flagger's name is free text too (a national number passes the registry's check),
        # and becomes `source_identity`.
        reporter = register_trusted_flagger(
            world.session,
            name="Hotline, call 020 7946 0958",
            actor="staff:admin",
            clock=world.clock,
        ).reporter_id
    channel = world.channel_named("drugs", 1 if flagger else 0)
    case = submit_report(
        world.session,
        world.ctx,
        target=f"t.me/{channel}",
        category=category,
        text="",
        reporter_id=reporter,
        idempotency_key=None,
        via="api",
    ).case
    with pytest.raises(LawlineError) as refused:
        decisions.decide(
            world.session,
            world.ctx,
            case.id,
            staff=world.mo,
            action="delist",
            category=category,
            facts=FACTS,
        )
    assert refused.value.code == "personal_data_in_text"
    decision = decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action="delist",
        category=category,
        facts="The seller posts a phone number for orders and says where he logs in from.",
    )
    # a row decided before facts were checked: its stored statement quotes them
    decision.facts = FACTS
    decision.statement = {**decision.statement, "facts": FACTS}
    world.session.flush()
    line = to_transparency_database(decision)
    assert line is not None
    exported = json.dumps(line)
    assert not any(leak in exported for leak in LEAKS), exported
    for field, value in line.items():
        if isinstance(value, str):
            assert find_personal_data(value, national=True) == [], field
    explanation = (
        line.get("illegal_content_explanation") or line["incompatible_content_explanation"]
    )
    assert "<phone number redacted>" in line["decision_facts"]
    assert "<ip address redacted>" in explanation
    if flagger:
        assert "7946" not in line["source_identity"]
    assert validate_statement(line) == []
