"""The Dutch story: twenty signed requests from the Dutch prosecution service, a French EPOC and a
Belgian order, the requests that must fail and why, an emergency with its call-back, two
approvals each, and a package the Dutch authority decrypts and verifies itself."""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from rich.table import Table
from sqlalchemy import select

from lawline.api.app import create_app
from lawline.authorities.service import AuthorityKeys, add_contact, generate_authority_keys
from lawline.authorities.service import register_authority as register
from lawline.client import ApiError, AuthorityClient, open_package
from lawline.core.db import transaction
from lawline.demo import DemoContext
from lawline.legal import queries, review, user_notices
from lawline.legal.models import UserNotification
from lawline.worker import worker_for

GAG = timedelta(days=90)

DUTCH_CASES = (
    [("child_sexual_abuse", "csam")] * 6
    + [("weapons_trafficking", "weapons")] * 7
    + [("drug_trafficking", "drugs")] * 7
)


SHORT = {
    "child_sexual_abuse": "abuse material",
    "weapons_trafficking": "arms",
    "drug_trafficking": "drugs",
}


@dataclass
class Party:
    name: str
    authority_id: str
    keys: AuthorityKeys
    client: AuthorityClient


def _violators(ctx: DemoContext) -> list[str]:
    """Accounts whose violations the moderation chapter confirmed, in the order the Dutch story
    needs them (abuse material, arms, drugs), then one arms and one drugs violator for the
    French and Belgian orders, then two spare ones."""
    by = {k: list(dict.fromkeys(v)) for k, v in ctx.violators.items()}
    picked = by.get("csam", [])[:6] + by.get("weapons", [])[:7] + by.get("drugs", [])[:7]
    picked += by.get("weapons", [])[7:8] + by.get("drugs", [])[7:8]
    if len(picked) < len(DUTCH_CASES) + 2:
        raise RuntimeError("the moderation chapter confirmed too few violations for the story")
    return [*picked, picked[0]]


def _document(
    kind: str, reference: str, offense: str, target: str, today: Any, **extra: Any
) -> dict[str, Any]:
    end = today - timedelta(days=1)
    document: dict[str, Any] = {
        "type": "disclosure",
        "instrument": {
            "kind": kind,
            "issuing_body": extra.pop("issuing_body", "Landelijk Parket, OM"),
            "reference": reference,
            "issued_on": str(today - timedelta(days=2)),
            "expires_on": str(extra.pop("expires_on", today + timedelta(days=90))),
            "document_sha256": secrets.token_hex(32),
        },
        "offense": offense,
        "targets": [target],
        "categories": extra.pop("categories", ["subscriber.phone", "traffic.ip"]),
        "range": {"start": f"{end - timedelta(days=60)}T00:00:00Z", "end": f"{end}T00:00:00Z"},
        "case_reference": reference.replace("ORD", "ZAAK"),
    }
    document.update(extra)
    return document


def chapter_legal_requests(ctx: DemoContext) -> None:
    runtime = ctx.runtime
    console = ctx.console
    today = runtime.clock.now().date()
    http = TestClient(create_app(runtime))
    violators = _violators(ctx)
    parties: dict[str, Party] = {}
    staff = {
        user: ctx.staff(user, roles)
        for user, roles in (
            ("iris", ["intake"]),
            ("lars", ["legal_reviewer"]),
            ("anouk", ["approver"]),
            ("bram", ["approver"]),
        )
    }
    assert ctx.admin is not None
    with transaction(runtime.sessions) as session:
        for code, (name, country, kind) in {
            "nl": ("Openbaar Ministerie, Landelijk Parket", "NL", "prosecutor"),
            "fr": ("Parquet de Paris, section J3 cybercriminalité", "FR", "prosecutor"),
            "be": ("Parquet fédéral belge", "BE", "prosecutor"),
        }.items():
            keys = generate_authority_keys()
            authority, _ = register(
                session,
                name=name,
                country=country,
                kind=kind,
                signing_key=keys.public_pem,
                age_recipient=keys.age_recipient,
                actor=ctx.admin.actor,
            )
            private = serialization.load_pem_private_key(keys.private_pem.encode(), None)
            assert isinstance(private, Ed25519PrivateKey)
            parties[code] = Party(
                name,
                authority.id,
                keys,
                AuthorityClient(
                    "http://testserver", keys.key_id, private, http=http, clock=runtime.clock
                ),
            )
        contact = add_contact(
            session,
            parties["nl"].authority_id,
            name="Officier van dienst",
            role="piket OvJ",
            telephone="+31 88 699 1000",
            actor=ctx.admin.actor,
        )
    outcomes: list[tuple[str, str, str, str]] = []

    def submit(label: str, party: str, document: dict[str, Any]) -> str | None:
        try:
            created = parties[party].client.submit(document)
        except ApiError as exc:
            reasons = ", ".join(sorted({r["code"] for r in exc.reasons})) or exc.code
            grounds = sorted({r["ground"] for r in exc.reasons if r.get("ground")})
            if grounds:
                reasons += f" (ground: {', '.join(grounds)})"
            outcomes.append((label, party.upper(), "refused", reasons))
            return None
        with runtime.sessions() as session:
            warnings = queries.get_request(session, created["id"]).warnings
        note = created["regime"] + (" (binding)" if created["binding"] else "")
        if warnings:
            note += "; warning to reviewers: " + ", ".join(sorted({w["code"] for w in warnings}))
        outcomes.append((label, party.upper(), created["status"], note))
        return str(created["id"])

    accepted: list[str] = []
    for number, ((offense, _), account_id) in enumerate(
        zip(DUTCH_CASES, violators, strict=False), start=1
    ):
        found = submit(
            f"NL {number:02d} {SHORT[offense]}",
            "nl",
            _document(
                "court_order",
                f"ORD-2026-{number:03d}",
                offense,
                account_id,
                today,
                # every fourth order forbids telling the user for three months
                **({"gag_until": str(today + GAG)} if number % 4 == 0 else {}),
            ),
        )
        if found:
            accepted.append(found)
    fr_id = submit(
        "FR EPOC weapons",
        "fr",
        _document(
            "epoc",
            "EPOC-FR-2026-88",
            "weapons_trafficking",
            violators[-3],
            today,
            issuing_body="Parquet de Paris",
            epoc={"enforcing_state": "NL"},
            ip_purpose="identification",
        ),
    )
    be_id = submit(
        "BE art. 46bis drugs",
        "be",
        _document(
            "court_order",
            "BE-46BIS-301",
            "drug_trafficking",
            violators[-2],
            today,
            issuing_body="Parquet fédéral",
            categories=["subscriber.phone"],
        ),
    )
    accepted += [i for i in (fr_id, be_id) if i]

    # what must fail
    stranger = AuthorityClient(
        "http://testserver",
        parties["nl"].keys.key_id,
        Ed25519PrivateKey.generate(),
        http=http,
        clock=runtime.clock,
    )
    try:
        stranger.list()
    except ApiError as exc:
        outcomes.append(("forged signature", "?", "refused", exc.code))
    signed = parties["nl"].client.sign(
        http.build_request("GET", "http://testserver/v1/authority/requests")
    )
    http.send(signed)
    outcomes.append(
        ("replayed request", "NL", "refused", http.send(signed).json()["error"]["code"])
    )
    submit(
        "expired order",
        "nl",
        _document(
            "court_order",
            "ORD-2025-999",
            "drug_trafficking",
            violators[13],
            today,
            expires_on=today - timedelta(days=3),
        ),
    )
    submit(
        "message content",
        "nl",
        _document(
            "court_order",
            "ORD-2026-777",
            "drug_trafficking",
            violators[14],
            today,
            categories=["subscriber.phone", "content.messages"],
        ),
    )
    innocent = str(int(ctx.platform.meta()["first_account_id"]) + 3)
    submit(
        "no rule broken (order)",
        "nl",
        _document("court_order", "ORD-2026-555", "drug_trafficking", innocent, today),
    )
    epoc_warned = submit(
        "no rule broken (EPOC)",
        "fr",
        _document(
            "epoc",
            "EPOC-FR-2026-89",
            "drug_trafficking",
            innocent,
            today,
            issuing_body="Parquet de Paris",
            epoc={"enforcing_state": "NL"},
            ip_purpose="identification",
        ),
    )
    end = today - timedelta(days=1)
    emergency = submit(
        "emergency",
        "nl",
        _document(
            "emergency_declaration",
            "SPOED-2026-1",
            "weapons_trafficking",
            violators[7],
            today,
            type="emergency",
            emergency_reason="Announced an armed attack on a school tomorrow.",
            range={"start": f"{end - timedelta(days=7)}T00:00:00Z", "end": f"{end}T00:00:00Z"},
        ),
    )

    table = Table("request", "from", "outcome", "regime / reasons", title="Intake")
    for row in outcomes:
        table.add_row(*row)
    console.print(
        "[bold]3. Legal requests[/]: 20 Dutch orders, a French EPOC, a Belgian order, "
        "and the ones that must fail"
    )
    console.print(table)

    with transaction(runtime.sessions) as session:
        if emergency:
            review.record_callback(
                session,
                runtime.legal,
                emergency,
                staff=staff["lars"],
                contact_id=contact.id,
                confirmed=True,
                note="confirmed by the duty prosecutor",
            )
    disclosed = 0
    binding_warned = [epoc_warned] if epoc_warned else []
    for request_id in [*accepted, *binding_warned, *([emergency] if emergency else [])]:
        for approver in ("anouk", "bram"):
            with transaction(runtime.sessions) as session:
                request = review.approve(
                    session,
                    runtime.legal,
                    request_id,
                    staff=staff[approver],
                    acknowledge_warnings=True,
                )
                disclosed += request.status == "disclosed"
    console.print(
        f"   two approvals each (anouk, bram): {disclosed} packages built, signed by the "
        "platform and encrypted to each authority; the emergency after a confirmed "
        "call-back to the registry contact; the EPOC for an account without a violation on "
        "record was binding: the platform's own rule only warned the reviewers, who "
        "acknowledged it and produced the data"
    )
    nl = parties["nl"]
    ciphertext = nl.client.fetch_package(accepted[0])
    with tempfile.TemporaryDirectory() as tmp:
        check = open_package(
            ciphertext, nl.keys.age_identity, Path(tmp), runtime.signing_key.public_bytes
        )
        lines = (Path(tmp) / "ip_events.csv").read_text().count("\n") - 1
    console.print(
        f"   the Dutch authority fetched {accepted[0]} ({len(ciphertext):,} bytes, age), "
        f"decrypted it with its own key and verified the platform's signature: "
        f"{'valid' if check.ok else 'INVALID: ' + str(check.problem)}; files "
        f"{', '.join(sorted(check.files))}; {lines} IP events in range"
    )
    http.close()
    with transaction(runtime.sessions) as session:
        # the worker's once-a-minute job, run now: the story does not wait for the next minute
        user_notices.queue_due_notices(session, runtime.clock)
    worker_for(runtime).drain()
    with runtime.sessions() as session:
        rows = session.execute(select(UserNotification)).scalars().all()
    sent = [n for n in rows if n.sent_at is not None]
    told = sum(bool(ctx.platform.notices(n.account_id)) for n in sent)
    console.print(
        f"   the worker told {len(sent)} users of the disclosure about them through the platform "
        f"({told} notices delivered, each an audit entry); {len(rows) - len(sent)} wait until "
        f"their non-disclosure order ends on {today + GAG} and go out then"
    )
