"""What the live server holds when the browser tests start: staff, authorities, requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyotp
from sqlalchemy.orm import Session

from lawline.legal import review
from lawline.legal.intake import submit_request
from lawline.legal.schemas import RequestIn
from lawline.moderation.appeals import file_appeal
from lawline.moderation.complaints import file_complaint
from lawline.moderation.decisions import decide
from lawline.moderation.flaggers import register_trusted_flagger
from lawline.moderation.models import Report
from lawline.moderation.reports import submit_report
from lawline.runtime import Runtime
from lawline.staff.models import StaffMember
from lawline.staff.service import get_staff
from tests import factories

STAFF = {
    "anna": ("approver",),
    "bert": ("approver",),
    "carla": ("legal_reviewer",),
    "mo": ("moderator",),
    "max": ("moderator",),
    "root": ("admin",),
}
# a minimal valid PDF, enough for the browser's viewer and the intake check
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class World:
    authorities: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    requests: dict[str, str] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    appeals: dict[str, str] = field(default_factory=dict)
    complaints: dict[str, str] = field(default_factory=dict)


def totp_for(runtime: Runtime, username: str) -> str:
    with runtime.sessions() as session:
        member = session.query(StaffMember).filter_by(username=username).one()
        return pyotp.TOTP(member.totp_secret).at(runtime.clock.now())


def submit(session: Session, runtime: Runtime, authority: Any, **overrides: Any) -> str:
    payload = RequestIn.model_validate(factories.request_document(**overrides))
    request = submit_request(
        session,
        runtime.legal,
        authority=authority,
        payload=payload,
        entered_by=f"authority:{authority.id}",
    )
    assert request.status != "rejected", request.reasons
    return request.id


def seed(session: Session, runtime: Runtime) -> World:
    import base64
    import hashlib

    world = World()
    for name, roles in STAFF.items():
        factories.staff_member(session, name, *roles)
    world.authorities["nl"] = factories.authority(session, country="NL")
    # a court: the registry's role is what competence is checked against
    world.authorities["us"] = factories.authority(
        session, country="US", kind="court", name="US District Court"
    )
    factories.violation(session, "100005", "drugs")
    nl = world.authorities["nl"][0]
    us = world.authorities["us"][0]
    world.requests["nl"] = submit(
        session,
        runtime,
        nl,
        **{
            "instrument.document_pdf_base64": base64.b64encode(PDF).decode(),
            "instrument.document_sha256": hashlib.sha256(PDF).hexdigest(),
        },
    )
    world.requests["nl-second"] = submit(
        session, runtime, nl, **{"instrument.reference": "RTM-2026-002"}
    )
    world.requests["nl-third"] = submit(
        session, runtime, nl, **{"instrument.reference": "RTM-2026-003"}
    )
    world.requests["nl-reject"] = submit(
        session, runtime, nl, **{"instrument.reference": "RTM-2026-004"}
    )
    world.requests["us"] = submit(
        session,
        runtime,
        us,
        **{
            "instrument.kind": "search_warrant",
            "instrument.issuing_body": "US District Court",
            "instrument.reference": "23-MJ-100",
        },
    )
    for approver in ("anna", "bert"):  # the US request is disclosed: its package waits
        review.approve(
            session,
            runtime.legal,
            world.requests["us"],
            staff=get_staff(session, approver),
            acknowledge_warnings=True,
        )
    seed_moderation(session, runtime, world)
    return world


def _report(session: Session, runtime: Runtime, channel: Any, category: str, who: str) -> int:
    submitted = submit_report(
        session,
        runtime.moderation,
        target=f"t.me/{channel.name}",
        category=category,
        text="sells drugs openly, see the pinned post",
        reporter_id=who,
        idempotency_key=None,
        via="api",
    )
    return submitted.report.case_id


def seed_moderation(session: Session, runtime: Runtime, world: World) -> None:
    """An open drugs case to decide, and a decided, appealed one on a scam channel."""
    platform = runtime.platform
    themes = platform.channels_by_theme()  # type: ignore[attr-defined]
    drugs = platform.channel(themes["drugs"][0])
    scam = platform.channel(themes["scam"][0])
    assert drugs is not None
    assert scam is not None
    world.channels = {"drugs": drugs, "scam": scam}
    flagger = register_trusted_flagger(
        session, name="Safer Internet Hotline", actor="staff:root", clock=runtime.clock
    )
    world.cases["drugs"] = _report(session, runtime, drugs, "drugs", flagger.reporter_id)
    _report(session, runtime, drugs, "drugs", "reporter:2")
    world.cases["scam"] = _report(session, runtime, scam, "scam", "reporter:3")
    decision = decide(
        session,
        runtime.moderation,
        world.cases["scam"],
        staff=get_staff(session, "max"),
        action="delist",
        category="scam",
        facts="The channel advertises a fake investment scheme.",
    )
    appeal = file_appeal(
        session,
        decision.id,
        staff=get_staff(session, "max"),
        appellant_account_id=scam.owner_id,
        grounds="This is a real investment club, not a scam.",
        clock=runtime.clock,
    )
    world.appeals["scam"] = appeal.id
    notified = session.query(Report).filter_by(case_id=world.cases["scam"]).one()
    complaint = file_complaint(  # the notifier's, against the same decision
        session,
        notified.id,
        receipt=None,
        proven_reporter_id="reporter:3",
        grounds="Delisting is not enough: the channel takes deposits for a fake fund.",
        clock=runtime.clock,
    )
    world.complaints["scam"] = complaint.id
