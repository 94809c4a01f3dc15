"""CLI commands of the authority registry: keys, call-back contacts, revocation. Registered on
the main `lawline` app by `cli.legal.register` (`lawline authority ...`)."""

from __future__ import annotations

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
