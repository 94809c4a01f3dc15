"""Staff log-in on the command line and staff accounts: `lawline login`, `lawline logout`,
`lawline staff add|list|disable|reset|roles`. Registered on the main `lawline` app."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawline.cli.support import (
    logged_in,
    open_runtime,
    read_text_file,
    store_session_token,
    take_session_token,
)
from lawline.core.db import transaction
from lawline.core.errors import InvalidInput, LawlineError
from lawline.staff.service import Action, Role

console = Console()
staff_app = typer.Typer(
    help="Staff accounts (password + TOTP, roles): add, list, disable, reset.",
    no_args_is_help=True,
)

PasswordFile = Annotated[
    Path | None,
    typer.Option(help="File holding the password ('-' reads standard input); default: prompt."),
]


def _password(path: Path | None, prompt: str) -> str:
    if path is None:
        return str(typer.prompt(prompt, hide_input=True))
    if str(path) == "-":
        return typer.get_text_stream("stdin").readline().strip()
    return read_text_file(path).strip()


def _enrolment(username: str, secret: str) -> None:
    import pyotp

    console.print(
        pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="lawline"),
        soft_wrap=True,
        highlight=False,
    )


def login(
    username: Annotated[str, typer.Argument(help="Your staff username.")],
    password_file: PasswordFile = None,
    totp: Annotated[
        str | None, typer.Option(help="The 6-digit code of your authenticator; default: prompt.")
    ] = None,
) -> None:
    """Log in with password and TOTP code; staff commands then act as you until the session
    ends (LAWLINE_CLI_SESSION_MINUTES, default 2 hours) or you log out."""
    from lawline.staff.service import LoginFailed, log_in

    password = _password(password_file, "password")
    code = totp if totp is not None else str(typer.prompt("TOTP code"))
    if not (len(code) == 6 and code.isdigit()):
        raise InvalidInput("the TOTP code has 6 digits", code="totp_invalid")
    runtime = open_runtime()
    failure: LawlineError | None = None
    with transaction(runtime.sessions) as session:
        try:
            token = log_in(
                session,
                username=username,
                password=password,
                totp=code,
                clock=runtime.clock,
                lifetime=timedelta(minutes=runtime.settings.cli_session_minutes),
            )
        except LoginFailed as exc:
            failure = exc  # committed: the failure counts towards the lock-out
    if failure is not None:
        raise failure
    path = store_session_token(runtime.settings, token, username)
    console.print(f"logged in as {username} (session in {path})", highlight=False)


def logout() -> None:
    """End your session on this database and remove its token."""
    from lawline.staff.service import log_out

    runtime = open_runtime()
    token = take_session_token(runtime.settings)
    if token is None:
        console.print("not logged in")
        return
    with transaction(runtime.sessions) as session:
        log_out(session, token, runtime.clock)
    console.print("logged out")


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
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a staff member (an admin's command); prints the TOTP enrolment URI. On an empty
    database the first admin is added without a log-in."""
    from lawline.staff.service import create_first_admin, create_staff, has_staff

    runtime = open_runtime()
    password = read_text_file(password_file).strip()
    with transaction(runtime.sessions) as session:
        if has_staff(session):
            staff, secret = create_staff(
                session,
                username=username,
                display_name=name or username,
                roles=role,
                password=password,
                actor=logged_in(session, runtime, Action.STAFF_MANAGE).actor,
                clock=runtime.clock,
            )
        elif role != [Role.ADMIN.value]:
            raise InvalidInput(
                "the first staff member is an admin and nothing else (--role admin)",
                code="bootstrap_admin",
            )
        else:
            staff, secret = create_first_admin(
                session,
                username=username,
                display_name=name or username,
                password=password,
                clock=runtime.clock,
            )
    console.print(f"created {staff.username} with roles {', '.join(sorted(staff.roles))}")
    _enrolment(username, secret)


@staff_app.command("list")
def staff_list() -> None:
    """Every staff member with roles and state (disabled, locked)."""
    from lawline.staff.service import list_staff

    runtime = open_runtime()
    table = Table("username", "name", "roles", "created", "state")
    with runtime.sessions() as session:
        for m in list_staff(session, by=logged_in(session, runtime, Action.STAFF_MANAGE)):
            state = "disabled" if m.disabled else "active"
            if m.locked_until and m.locked_until > runtime.clock.now():
                state += f", locked until {m.locked_until:%Y-%m-%d %H:%M}"
            table.add_row(
                m.username, m.display_name, ", ".join(m.roles), f"{m.created_at:%Y-%m-%d}", state
            )
    console.print(table)


@staff_app.command("disable")
def staff_disable(username: str) -> None:
    """Disable an account; its sessions end at once."""
    from lawline.staff.service import disable_staff

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        by = logged_in(session, runtime, Action.STAFF_MANAGE)
        disable_staff(session, username, by=by, clock=runtime.clock)
    console.print(f"{username} disabled")


@staff_app.command("reset")
def staff_reset(
    username: str,
    password_file: Annotated[Path, typer.Option(help="File holding the new password.")],
) -> None:
    """New password and TOTP secret (prints the enrolment URI); lifts a lock, re-enables the
    account and ends its sessions."""
    from lawline.staff.service import reset_staff

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        by = logged_in(session, runtime, Action.STAFF_MANAGE)
        secret = reset_staff(
            session,
            username,
            password=read_text_file(password_file).strip(),
            by=by,
            clock=runtime.clock,
        )
    console.print(f"{username} reset; enrol the new TOTP secret:")
    _enrolment(username, secret)


@staff_app.command("roles")
def staff_roles(
    markdown: Annotated[bool, typer.Option(help="Print docs/roles.md instead of a table.")] = False,
) -> None:
    """The role x action matrix every staff command, endpoint and page is checked against."""
    from lawline.staff.permissions import MATRIX, Role, render_markdown

    if markdown:
        typer.echo(render_markdown(), nl=False)
        return
    table = Table("action", "what", *(r.value for r in Role))
    for action, (roles, what) in MATRIX.items():
        table.add_row(action.value, what, *("yes" if r in roles else "-" for r in Role))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("login")(login)
    app.command("logout")(logout)
    app.add_typer(staff_app, name="staff")
