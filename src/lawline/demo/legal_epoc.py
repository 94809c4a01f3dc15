"""The e-Evidence procedures: two emergency EPOCs a police unit issues before validation
(Reg. 2023/1543 Art. 4(5)), one validated in time and one whose validation is refused (the order
is withdrawn and its data deleted), and an EPOC for message content refused on its listed
ground with the Annex III notice the authority reads as `lawline-authority notices` prints it."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.authorities.service import add_contact, generate_authority_keys
from lawline.authorities.service import register_authority as register
from lawline.client import ApiError, AuthorityClient, notice_lines
from lawline.core.db import transaction
from lawline.demo import DemoContext
from lawline.legal import review
from lawline.staff.service import get_staff


def _client(ctx: DemoContext, http: TestClient, name: str, country: str, kind: str) -> Any:
    keys = generate_authority_keys()
    assert ctx.admin is not None
    with transaction(ctx.runtime.sessions) as session:
        authority, _ = register(
            session,
            name=name,
            country=country,
            kind=kind,
            signing_key=keys.public_pem,
            age_recipient=keys.age_recipient,
            actor=ctx.admin.actor,
        )
        contact = add_contact(
            session,
            authority.id,
            name="Duty desk",
            role="officer of the day",
            telephone="+31 88 169 1234",
            actor=ctx.admin.actor,
        )
    private = serialization.load_pem_private_key(keys.private_pem.encode(), None)
    assert isinstance(private, Ed25519PrivateKey)
    client = AuthorityClient(
        "http://testserver", keys.key_id, private, http=http, clock=ctx.runtime.clock
    )
    return client, contact.id


def _emergency(ctx: DemoContext, account: str, reference: str) -> dict[str, Any]:
    today = ctx.runtime.clock.now().date()
    return {
        "type": "emergency",
        "instrument": {
            "kind": "epoc",
            "issuing_body": "Politie Eenheid Rotterdam, recherche",
            "reference": reference,
            "issued_on": str(today),
            "document_sha256": secrets.token_hex(32),
        },
        "offense": "weapons_trafficking",
        "targets": [account],
        "categories": ["subscriber.phone"],
        "case_reference": reference,
        "emergency_reason": "A hostage video posted an hour ago names this account.",
        "epoc": {"enforcing_state": "FR"},
    }


def _disclose(ctx: DemoContext, request_id: str, contact: int) -> None:
    runtime = ctx.runtime
    with transaction(runtime.sessions) as session:
        review.record_callback(
            session,
            runtime.legal,
            request_id,
            staff=get_staff(session, "lars"),
            contact_id=contact,
            confirmed=True,
            note="the duty officer confirmed the order",
        )
    for approver in ("anouk", "bram"):
        with transaction(runtime.sessions) as session:
            review.approve(session, runtime.legal, request_id, staff=get_staff(session, approver))


def chapter_epoc_procedures(ctx: DemoContext) -> None:
    console = ctx.console
    http = TestClient(create_app(ctx.runtime))
    weapons = list(dict.fromkeys(ctx.violators.get("weapons", [])))
    if len(weapons) < 2:
        raise RuntimeError("the moderation chapter confirmed too few weapons violations")
    police, contact = _client(ctx, http, "Politie Eenheid Rotterdam", "NL", "police")
    console.print(
        "[bold]3b. e-Evidence procedures[/]: emergency orders before validation (Art. 4(5)), "
        "and the Annex III notice"
    )
    first = police.submit(_emergency(ctx, weapons[0], "NL-SPOED-2026-7"))
    _disclose(ctx, first["id"], contact)
    police.fetch_package(first["id"])
    validated = police.report_validation(
        first["id"],
        granted=True,
        validated_by="Rechter-commissaris, Rechtbank Rotterdam",
        validator_role="investigating_judge",
    )
    console.print(
        f"   police EPOC {first['id']} (no prior validation): accepted as an Art. 4(5) "
        f"emergency, validation due {first['validation_due_at']}; call-back, two approvals, "
        f"delivered; the examining judge validated it in time: {validated['validation_state']}"
    )
    second = police.submit(_emergency(ctx, weapons[1], "NL-SPOED-2026-8"))
    _disclose(ctx, second["id"], contact)
    refused = police.report_validation(second["id"], granted=False)
    try:
        police.fetch_package(second["id"])
        fetched = "still there (WRONG)"
    except ApiError as exc:
        fetched = exc.code
    console.print(
        f"   police EPOC {second['id']}: validation refused -> {refused['status']}; "
        f"the delivered package and any preserved copy deleted (fetch now answers {fetched})"
    )

    paris, _ = _client(ctx, http, "Parquet de Paris, section J3", "FR", "prosecutor")
    end = ctx.runtime.clock.now().date() - timedelta(days=1)
    try:
        paris.submit(
            {
                **_emergency(ctx, weapons[0], "EPOC-FR-2026-90"),
                "type": "disclosure",
                "categories": ["content.messages"],
                "instrument": {
                    "kind": "epoc",
                    "issuing_body": "Parquet de Paris",
                    "reference": "EPOC-FR-2026-90",
                    "issued_on": str(end),
                    "document_sha256": secrets.token_hex(32),
                },
                "emergency_reason": None,
                "epoc": {"enforcing_state": "NL"},
            }
        )
    except ApiError as exc:
        request_id = exc.error["request_id"]
        console.print(
            f"   EPOC for message content {request_id}: refused "
            f"({', '.join(sorted({str(r.get('ground')) for r in exc.reasons}))}: lawline "
            "holds no content); the Paris prosecutor reads the notice "
            "(`lawline-authority notices " + request_id + "`):"
        )
        for notice in paris.notices(request_id):
            for line in notice_lines(notice):
                console.print(f"     {line}", highlight=False, soft_wrap=True)
    http.close()
