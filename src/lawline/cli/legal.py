"""CLI commands of the legal side: the authority registry, staff accounts, the request queue,
package verification and the retention sweep. Registered on the main `lawline` app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawline.cli.support import logged_in, open_runtime, read_text_file
from lawline.core.db import transaction
from lawline.core.errors import InvalidInput
from lawline.staff.permissions import Action

console = Console()
authority_app = typer.Typer(
    help="The registry of authorities, their keys and contacts.", no_args_is_help=True
)
requests_app = typer.Typer(
    help="The legal request queue: review, approve, reject, ask.", no_args_is_help=True
)
package_app = typer.Typer(help="Disclosure packages.", no_args_is_help=True)


# ---- authorities --------------------------------------------------------------------------
@authority_app.command("keygen")
def authority_keygen(
    out: Annotated[Path, typer.Option(help="Directory for the key files (made, mode 0700).")],
) -> None:
    """Make an authority's keys: Ed25519 for signing requests, age for receiving packages."""
    from lawline.authorities.service import generate_authority_keys

    keys = generate_authority_keys()
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, text, mode in (
        ("signing_ed25519.pem", keys.private_pem, 0o600),
        ("signing_ed25519.pub.pem", keys.public_pem, 0o644),
        ("age_identity.txt", f"# public key: {keys.age_recipient}\n{keys.age_identity}\n", 0o600),
        ("age_recipient.txt", keys.age_recipient + "\n", 0o644),
    ):
        path = out / name
        path.write_text(text)
        path.chmod(mode)
    console.print(
        f"key id {keys.key_id}; send the platform signing_ed25519.pub.pem and "
        f"age_recipient.txt; keep the rest secret ({out})"
    )


@authority_app.command("add")
def authority_add(
    name: Annotated[str, typer.Option(help="The authority's name.")],
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-2 country code.")],
    kind: Annotated[
        str,
        typer.Option(
            help="The issuer role competence checks use: judge, court, investigating_judge, "
            "prosecutor, police or other."
        ),
    ],
    public_key: Annotated[Path, typer.Option(help="Its Ed25519 public key (PEM or base64).")],
    age_recipient: Annotated[str, typer.Option(help="Its age recipient (age1...).")],
    notes: Annotated[str, typer.Option(help="Jurisdiction notes.")] = "",
) -> None:
    """Register an authority with its signing key and age recipient."""
    from lawline.authorities.service import register_authority

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.REGISTRY_MANAGE)
        authority, key = register_authority(
            session,
            name=name,
            country=country,
            kind=kind,
            signing_key=read_text_file(public_key),
            age_recipient=age_recipient,
            jurisdiction_notes=notes,
            actor=staff.actor,
        )
    console.print(
        f"registered {authority.id} ({authority.name}, {authority.country}); key id {key.key_id}"
    )


@authority_app.command("list")
def authority_list() -> None:
    """List registered authorities."""
    from lawline.authorities.service import keys_of, list_authorities

    runtime = open_runtime()
    table = Table("id", "name", "country", "kind", "keys", "status")
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.REGISTRY_READ)
        for a in list_authorities(session):
            live = [k.key_id for k in keys_of(session, a.id) if k.revoked_at is None]
            table.add_row(
                a.id,
                a.name,
                a.country,
                a.kind,
                ", ".join(live),
                "revoked" if a.revoked_at else "active",
            )
    console.print(table)


@authority_app.command("show")
def authority_show(authority_id: str) -> None:
    """Show one authority with its keys and call-back contacts."""
    from lawline.authorities.service import contacts_of, get_authority, keys_of

    runtime = open_runtime()
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.REGISTRY_READ)
        a = get_authority(session, authority_id)
        console.print(
            f"{a.id} {a.name} ({a.country}, {a.kind}) {'REVOKED' if a.revoked_at else 'active'}"
        )
        console.print(f"age recipient: {a.age_recipient}")
        for k in keys_of(session, a.id):
            console.print(
                f"key {k.key_id} added {k.created_at:%Y-%m-%d}"
                + (f" revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "")
            )
        for c in contacts_of(session, a.id):
            console.print(f"contact {c.id}: {c.name}, {c.role}, {c.telephone} {c.email}")


@authority_app.command("rotate-key")
def authority_rotate_key(
    authority_id: str,
    public_key: Annotated[Path, typer.Option(help="The new Ed25519 public key.")],
    revoke: Annotated[
        bool, typer.Option(help="Revoke the old keys at once instead of after the grace period.")
    ] = False,
) -> None:
    """Add a new signing key. The old keys stay valid for LAWLINE_KEY_ROTATION_GRACE_DAYS
    (default 7) and are refused after that; with --revoke they are refused at once."""
    from datetime import timedelta

    from lawline.authorities.service import rotate_key

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.REGISTRY_MANAGE)
        rotation = rotate_key(
            session,
            authority_id,
            read_text_file(public_key),
            grace=None if revoke else timedelta(days=runtime.settings.key_rotation_grace_days),
            actor=staff.actor,
            clock=runtime.clock,
        )
    old = ", ".join(rotation.old_key_ids) or "none"
    when = "now" if rotation.retires_at is None else f"{rotation.retires_at:%Y-%m-%d %H:%M} UTC"
    console.print(f"added key {rotation.key.key_id}; old keys ({old}) refused from {when}")


@authority_app.command("revoke")
def authority_revoke(
    authority_id: Annotated[str | None, typer.Option(help="Revoke the whole authority.")] = None,
    key_id: Annotated[str | None, typer.Option(help="Revoke one key.")] = None,
) -> None:
    """Revoke a key or a whole authority; its signatures are refused from now on."""
    from lawline.authorities.service import revoke_authority, revoke_key

    if (authority_id is None) == (key_id is None):
        raise InvalidInput("give exactly one of --authority-id or --key-id", code="usage")
    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.REGISTRY_MANAGE)
        if key_id:
            revoke_key(session, key_id, actor=staff.actor)
        else:
            assert authority_id is not None
            revoke_authority(session, authority_id, actor=staff.actor)
    console.print("revoked")


@authority_app.command("add-contact")
def authority_add_contact(
    authority_id: str,
    name: Annotated[str, typer.Option(help="Contact's name.")],
    role: Annotated[str, typer.Option(help="Contact's function.")],
    telephone: Annotated[str, typer.Option(help="Office line, from an independent source.")],
    email: Annotated[str, typer.Option(help="Office e-mail.")] = "",
) -> None:
    """Add a call-back contact (from an official directory, never from a request)."""
    from lawline.authorities.service import add_contact

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.REGISTRY_MANAGE)
        contact = add_contact(
            session,
            authority_id,
            name=name,
            role=role,
            telephone=telephone,
            email=email,
            actor=staff.actor,
        )
    console.print(f"contact {contact.id} added")


# ---- requests -----------------------------------------------------------------------------
@requests_app.command("list")
def requests_list() -> None:
    """The open queue, soonest deadline first; overdue ones are marked."""
    from lawline.legal.queries import queue

    runtime = open_runtime()
    table = Table(
        "id", "type", "status", "authority", "offense", "deadline", "approvals", "warnings"
    )
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_QUEUE_READ)
        for item in queue(session, runtime.legal):
            r = item.request
            deadline = f"{r.deadline_at:%Y-%m-%d %H:%M}" if r.deadline_at else "-"
            table.add_row(
                r.id,
                r.request_type,
                r.status,
                item.authority,
                r.offense,
                deadline + (" OVERDUE" if item.overdue else ""),
                str(item.approvals),
                ", ".join(sorted({w["code"] for w in r.warnings})),
            )
    console.print(table)


@requests_app.command("validations")
def requests_validations() -> None:
    """Emergency orders issued before validation (Reg. 2023/1543 Art. 4(5)): when their
    validation is due; OVERDUE once the 48 hours ran out (the sweep marks and audits it)."""
    from lawline.legal.validation import awaiting_validation

    runtime = open_runtime()
    now = runtime.clock.now()
    table = Table("id", "status", "validation due", "state")
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_QUEUE_READ)
        for r in awaiting_validation(session):
            due = r.validation_due_at
            late = r.validation_state == "overdue" or (due is not None and due <= now)
            table.add_row(
                r.id,
                r.status,
                f"{due:%Y-%m-%d %H:%M}" if due else "-",
                "OVERDUE" if late else "pending",
            )
    console.print(table)


@requests_app.command("show")
def requests_show(request_id: str) -> None:
    """Show a request with its targets, checks, warnings and reviews (no personal data)."""
    from lawline.legal.queries import approvers, get_request, targets_of

    runtime = open_runtime()
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_REQUEST_READ)
        r = get_request(session, request_id)
        console.print(
            f"{r.id} {r.request_type} [{r.status}] regime {r.regime}"
            f"{' (binding)' if r.binding else ''}"
        )
        console.print(
            f"instrument {r.instrument_kind} {r.instrument_reference} by "
            f"{r.issuing_body} ({r.issuer_role}); offense {r.offense}; "
            f"categories {', '.join(r.categories)}"
        )
        console.print(
            "targets: "
            + "; ".join(
                f"{t.position}. {t.ref_display} -> account {t.account_id or 'not found'}"
                for t in targets_of(session, r.id)
            )
        )
        for label, items in (("failed checks", r.reasons), ("warnings", r.warnings)):
            for item in items:
                console.print(f"{label}: {item['code']}: {item['message']}")
        console.print(f"approvals: {', '.join(sorted(approvers(session, r))) or 'none'}")


@requests_app.command("approve")
def requests_approve(
    request_id: str,
    acknowledge_warnings: Annotated[bool, typer.Option(help="Acknowledge the warnings.")] = False,
) -> None:
    """Approve; the second distinct approver's approval builds and seals the package."""
    from lawline.legal.review import approve

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_REQUEST_APPROVE)
        request = approve(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            acknowledge_warnings=acknowledge_warnings,
        )
        status = request.status
    console.print(f"{request_id}: {status}")


@requests_app.command("reject")
def requests_reject(
    request_id: str,
    reason: Annotated[str, typer.Option(help="The reason given to the authority.")],
    ground: Annotated[str | None, typer.Option(help="Refusal ground (binding orders).")] = None,
) -> None:
    """Reject with a reason (and, for a binding order, a ground its regime lists)."""
    from lawline.legal.review import reject

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_REQUEST_REJECT)
        reject(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            reason=reason,
            ground=ground,
        )
    console.print(f"{request_id}: rejected")


@requests_app.command("ask")
def requests_ask(
    request_id: str,
    question: Annotated[str, typer.Option(help="What the authority must clarify.")],
) -> None:
    """Ask the authority for information; the deadline pauses until it answers."""
    from lawline.legal.review import ask_for_information

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_REQUEST_ASK)
        ask_for_information(session, runtime.legal, request_id, staff=staff, question=question)
    console.print(f"{request_id}: needs_info")


@requests_app.command("callback")
def requests_callback(
    request_id: str,
    contact_id: Annotated[int, typer.Option(help="Registry contact called.")],
    confirmed: Annotated[bool, typer.Option(help="Did the contact confirm the request?")],
    note: Annotated[str, typer.Option(help="Note of the call.")] = "",
) -> None:
    """Record the call-back an emergency request needs before approval."""
    from lawline.legal.review import record_callback

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_CALLBACK_RECORD)
        record_callback(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            contact_id=contact_id,
            confirmed=confirmed,
            note=note,
        )
    console.print(f"{request_id}: call-back recorded")


@requests_app.command("notifications")
def requests_notifications() -> None:
    """Affected users who may now be told of a disclosure (their non-disclosure date passed)."""
    from lawline.legal.queries import notifications_due

    runtime = open_runtime()
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_NOTIFICATIONS_READ)
        for n in notifications_due(session, runtime.legal):
            console.print(
                f"account {n.account_id}: request {n.request_id}, due {n.due_at:%Y-%m-%d}"
            )


# ---- packages and retention -----------------------------------------------------------------
@package_app.command("verify")
def package_verify(
    directory: Annotated[Path, typer.Argument(help="A decrypted, unpacked package.")],
    public_key: Annotated[
        Path | None,
        typer.Option(help="The platform public key (base64 or PEM); default: this installation's."),
    ] = None,
) -> None:
    """Check every file against the manifest and the manifest's platform signature (exit 1)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from lawline.authorities.service import parse_public_key
    from lawline.disclosure.package import verify_package_dir

    key = (
        Ed25519PublicKey.from_public_bytes(parse_public_key(read_text_file(public_key)))
        if public_key
        else open_runtime(database=False).signing_key.public
    )
    result = verify_package_dir(directory, key)
    if not result.ok:
        console.print(f"package NOT valid: {result.problem}")
        raise typer.Exit(1)
    console.print(f"package valid: {len(result.files)} files match the signed manifest")
    console.print(json.dumps(result.files, indent=2))


def sweep() -> None:
    """Expire preservation holds past their period; delete packages past retention."""
    from lawline.legal.retention import sweep as run_sweep

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        counts = run_sweep(session, runtime.legal)
    console.print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))


def register(app: typer.Typer) -> None:
    app.add_typer(authority_app, name="authority")
    app.add_typer(requests_app, name="requests")
    app.add_typer(package_app, name="package")
    app.command("sweep")(sweep)
