"""What the live server holds when the browser tests start: staff, authorities, requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyotp
from sqlalchemy.orm import Session

from lawline.legal.intake import submit_request
from lawline.legal.schemas import RequestIn
from lawline.runtime import Runtime
from lawline.staff.models import StaffMember
from tests import factories

STAFF = {
    "anna": ("approver",),
    "bert": ("approver",),
    "carla": ("legal_reviewer",),
    "mo": ("moderator",),
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
    world.authorities["us"] = factories.authority(
        session, country="US", kind="police", name="FBI Field Office"
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
    world.requests["us"] = submit(
        session,
        runtime,
        us,
        **{
            "instrument.kind": "search_warrant",
            "instrument.issuing_body": "US District Court",
            "instrument.issuer_role": "judge",
            "instrument.reference": "23-MJ-100",
        },
    )
    return world
