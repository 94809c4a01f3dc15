"""CLI commands for the registries: authorities (keys, call-back contacts) and staff accounts.
Registered on the main `lawline` app by `cli.legal.register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawline.cli.support import open_runtime, read_text_file
from lawline.core.db import transaction
from lawline.core.errors import InvalidInput

console = Console()
authority_app = typer.Typer(
    help="The registry of authorities, their keys and contacts.", no_args_is_help=True
)
staff_app = typer.Typer(help="Staff accounts (password + TOTP, roles).", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="Your staff username (recorded as the actor).")]


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
    kind: Annotated[str, typer.Option(help="police, prosecutor, court or other.")],
    public_key: Annotated[Path, typer.Option(help="Its Ed25519 public key (PEM or base64).")],
    age_recipient: Annotated[str, typer.Option(help="Its age recipient (age1...).")],
    actor: AsUser,
    notes: Annotated[str, typer.Option(help="Jurisdiction notes.")] = "",
) -> None:
    """Register an authority with its signing key and age recipient."""
    from lawline.authorities.service import register_authority

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        authority, key = register_authority(
            session,
            name=name,
            country=country,
            kind=kind,
            signing_key=read_text_file(public_key),
            age_recipient=age_recipient,
            jurisdiction_notes=notes,
            actor=f"staff:{actor}",
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
    actor: AsUser,
    revoke: Annotated[str | None, typer.Option(help="Key id to revoke at once.")] = None,
) -> None:
    """Add a new signing key; optionally revoke the old one (effective at once)."""
    from lawline.authorities.service import add_key, revoke_key

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        key = add_key(session, authority_id, read_text_file(public_key), actor=f"staff:{actor}")
        if revoke:
            revoke_key(session, revoke, actor=f"staff:{actor}")
    console.print(f"added key {key.key_id}" + (f"; revoked {revoke}" if revoke else ""))


@authority_app.command("revoke")
def authority_revoke(
    actor: AsUser,
    authority_id: Annotated[str | None, typer.Option(help="Revoke the whole authority.")] = None,
    key_id: Annotated[str | None, typer.Option(help="Revoke one key.")] = None,
) -> None:
    """Revoke a key or a whole authority; its signatures are refused from now on."""
    from lawline.authorities.service import revoke_authority, revoke_key

    if (authority_id is None) == (key_id is None):
        raise InvalidInput("give exactly one of --authority-id or --key-id", code="usage")
    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        if key_id:
            revoke_key(session, key_id, actor=f"staff:{actor}")
        else:
            assert authority_id is not None
            revoke_authority(session, authority_id, actor=f"staff:{actor}")
    console.print("revoked")


@authority_app.command("add-contact")
def authority_add_contact(
    authority_id: str,
    name: Annotated[str, typer.Option(help="Contact's name.")],
    role: Annotated[str, typer.Option(help="Contact's function.")],
    telephone: Annotated[str, typer.Option(help="Office line, from an independent source.")],
    actor: AsUser,
    email: Annotated[str, typer.Option(help="Office e-mail.")] = "",
) -> None:
    """Add a call-back contact (from an official directory, never from a request)."""
    from lawline.authorities.service import add_contact

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        contact = add_contact(
            session,
            authority_id,
            name=name,
            role=role,
            telephone=telephone,
            email=email,
            actor=f"staff:{actor}",
        )
    console.print(f"contact {contact.id} added")


# ---- staff --------------------------------------------------------------------------------
@staff_app.command("add")
def staff_add(
    username: str,
    role: Annotated[
        list[str],
        typer.Option(
            help="intake, legal_reviewer, approver, moderator, admin; repeat for several."
        ),
    ],
    password_file: Annotated[Path, typer.Option(help="File holding the initial password.")],
    actor: AsUser,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a staff member; prints the TOTP enrolment URI for an authenticator app."""
    import pyotp

    from lawline.staff.service import create_staff

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff, secret = create_staff(
            session,
            username=username,
            display_name=name or username,
            roles=role,
            password=read_text_file(password_file).strip(),
            actor=f"staff:{actor}",
        )
    console.print(f"created {staff.username} with roles {', '.join(sorted(staff.roles))}")
    console.print(
        pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="lawline"),
        soft_wrap=True,
        highlight=False,
    )
