"""`lawline`: the command line. Each command parses, calls one service, and prints the result."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import OperationalError

from lawline.cli.hashes import register as register_hash_commands
from lawline.cli.legal import register as register_legal_commands
from lawline.cli.moderation import register_all as register_moderation_commands
from lawline.cli.staff import register as register_staff_commands
from lawline.cli.support import open_runtime
from lawline.cli.transparency import register as register_transparency_commands
from lawline.cli.triage import register as register_triage_commands
from lawline.cli.worker import register as register_worker_commands
from lawline.core.errors import LawlineError
from lawline.core.settings import Settings

app = typer.Typer(
    help="Lawline: due process for a messaging platform's user data and public search.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold personal data
    add_completion=False,
)
db_app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)
platform_app = typer.Typer(
    help="The platform lawline serves: generate and inspect the embedded one.", no_args_is_help=True
)
audit_app = typer.Typer(
    help="The tamper-evident audit log: verify, heads, proofs.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(platform_app, name="platform")
app.add_typer(audit_app, name="audit")
register_legal_commands(app)
register_staff_commands(app)
register_moderation_commands(app)
register_triage_commands(app)
register_hash_commands(app)
register_worker_commands(app)
register_transparency_commands(app)

console = Console()
err_console = Console(stderr=True)


class CliError(LawlineError):
    """A bad command-line argument."""


# ---- db ---------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the database named by LAWLINE_DATABASE_URL."""
    from lawline import migrations

    runtime = open_runtime(database=False)
    runtime.upgrade_database()
    console.print(f"database at revision {migrations.current_revision(runtime.engine)}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's migration revision and the newest one the code knows."""
    from lawline import migrations

    runtime = open_runtime(database=False)
    current = migrations.current_revision(runtime.engine)
    head = migrations.head_revision(runtime.engine)
    console.print(f"current: {current or 'none'}  head: {head}")


# ---- platform ---------------------------------------------------------------------------
def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
    )


@platform_app.command("generate")
def platform_generate(
    accounts: Annotated[int, typer.Option(help="Number of accounts.", min=10)] = 10_000,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same file.")
    ] = 2024,
    until: Annotated[
        str | None, typer.Option(help="Last day of IP history, YYYY-MM-DD (default: today).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="File to write (default: LAWLINE_PLATFORM_PATH).")
    ] = None,
) -> None:
    """Generate the embedded demo platform: accounts, phone numbers, IP events, channels."""
    from lawline.platform.generate import generate

    end = _parse_day(until) if until else datetime.combine(date.today(), time(), UTC)
    target = output or Settings().resolved_platform_path
    with _progress() as progress:
        task = progress.add_task("generating accounts", total=accounts)
        stats = generate(
            target, accounts, seed=seed, until=end, progress=lambda n: progress.advance(task, n)
        )
    console.print(
        f"wrote {target}: {stats.accounts:,} accounts, {stats.ip_events:,} IP events, "
        f"{stats.channels:,} channels, {stats.posts:,} posts (seed {stats.seed})"
    )


@platform_app.command("info")
def platform_info() -> None:
    """Describe the configured platform (counts only; no personal data)."""
    platform = open_runtime(database=False).platform
    from lawline.platform.embedded import EmbeddedPlatform

    if isinstance(platform, EmbeddedPlatform):
        for key, value in sorted(platform.meta().items()):
            console.print(f"{key}: {value}")
    else:
        console.print(f"platform: {platform.name}")


@platform_app.command("account")
def platform_account(ref: Annotated[str, typer.Argument(help="Account id or @username.")]) -> None:
    """Show an account (id, username, country, status). Phone numbers are never printed here."""
    from lawline.platform.protocol import AccountRef

    parsed = AccountRef.parse(ref)
    if parsed.kind == "phone":
        raise CliError("look accounts up by id or @username here; phone look-ups are audited reads")
    account = open_runtime(database=False).platform.resolve_account(parsed)
    if account is None:
        raise CliError("no such account", code="target_not_found")
    console.print(
        f"account {account.id} @{account.username or '-'} country {account.country} "
        f"registered {account.registered_at:%Y-%m-%d} {'BANNED' if account.banned else 'active'}"
    )


def _parse_day(text: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), time(), UTC)
    except ValueError:
        raise CliError(f"not a date (YYYY-MM-DD): {text!r}") from None


# ---- audit ------------------------------------------------------------------------------
@audit_app.command("verify")
def audit_verify(
    workers: Annotated[
        int, typer.Option(help="Worker processes hashing the log (default: one per core).", min=1)
    ] = os.cpu_count() or 1,
) -> None:
    """Recompute the whole log and its signed heads; report the first bad entry (exit 1)."""
    from lawline.audit.service import verify_log

    runtime = open_runtime()
    with runtime.sessions() as session:
        result = verify_log(session, runtime.signing_key.public, workers=workers)
    if result.ok:
        console.print(result.describe())
    else:
        err_console.print(result.describe())
        raise typer.Exit(1)


@audit_app.command("head")
def audit_head(
    sign: Annotated[bool, typer.Option(help="Sign a fresh head of the current log first.")] = False,
) -> None:
    """Print the current signed tree head as JSON."""
    from lawline.audit.service import latest_head, sign_tree_head
    from lawline.core.db import transaction

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        head = sign_tree_head(session, runtime.signing_key, runtime.clock) if sign else None
        head = head or latest_head(session)
    if head is None:
        raise CliError("the log has no signed head yet (use --sign)", code="tree_head_not_found")
    console.print_json(head.model_dump_json())


@audit_app.command("proof")
def audit_proof(
    seq: Annotated[int, typer.Argument(help="Sequence number of the entry.", min=0)],
    tree_size: Annotated[
        int | None, typer.Option(help="Size of the signed tree (default: the latest head).")
    ] = None,
) -> None:
    """Print an inclusion proof of one entry in a signed tree head, as JSON."""
    from lawline.audit.service import head_for_size, inclusion_proof, latest_head

    runtime = open_runtime()
    with runtime.sessions() as session:
        head = head_for_size(session, tree_size) if tree_size else latest_head(session)
        if head is None:
            raise CliError("the log has no signed head yet", code="tree_head_not_found")
        proof = inclusion_proof(session, seq, head.size)
    console.print_json(
        json.dumps({"head": head.model_dump(mode="json"), "proof": proof.model_dump(mode="json")})
    )


@audit_app.command("log")
def audit_log(
    subject: Annotated[str | None, typer.Option(help="Only entries about this subject.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many, newest last.")] = 50,
) -> None:
    """List audit entries."""
    from lawline.audit.service import entries

    runtime = open_runtime()
    table = Table("seq", "at", "type", "actor", "subject", "body")
    with runtime.sessions() as session:
        rows = list(entries(session, subject=subject))[-limit:]
        for entry in rows:
            table.add_row(
                str(entry.seq),
                f"{entry.at:%Y-%m-%d %H:%M:%S}",
                entry.entry_type,
                entry.actor,
                entry.subject,
                json.dumps(entry.body, ensure_ascii=False),
            )
    console.print(table)


# ---- whole system -----------------------------------------------------------------------
@app.command()
def demo(
    data_dir: Annotated[
        Path, typer.Option(help="Demo data directory; wiped and made anew on each run.")
    ] = Path("var/demo"),
    accounts: Annotated[int, typer.Option(help="Accounts on the demo platform.", min=100)] = 5_000,
) -> None:
    """Run the whole story on a fresh SQLite database and print what happened."""
    from lawline.demo import run_demo

    run_demo(data_dir, accounts=accounts, console=console)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    worker: Annotated[
        bool,
        typer.Option(help="Run a worker in-process (off when `lawline worker run` runs apart)."),
    ] = True,
) -> None:
    """Run the API and pages (and each bot's webhook when its LAWLINE_*_BOT_TOKEN is set) with
    a worker that applies platform actions and notices after commit and runs scheduled jobs; on
    a non-loopback --host it needs LAWLINE_PUBLIC_URL (the URL authorities sign)."""
    import gc

    import uvicorn

    from lawline.api.app import create_app
    from lawline.logs import configure_logging

    runtime = open_runtime(database=False)
    require_public_url(host, runtime.settings.public_url)
    configure_logging()
    runtime.upgrade_database()
    from lawline.core.db import transaction
    from lawline.moderation.triage_store import warm_up
    from lawline.search.service import reindex

    with transaction(runtime.sessions) as session:
        reindex(session, runtime.platform, runtime.clock)
    warm_up(runtime.settings.triage_model, runtime.settings.data_dir)
    in_process = None
    if worker:
        from lawline.worker import worker_for

        in_process = worker_for(runtime)
        in_process.start()
    try:
        application = create_app(runtime)
        # What is loaded by now lives as long as the process (the triage model's vocabularies
        # and automaton, the app, the platform's handles): frozen out of the collector's sight,
        # a full collection no longer walks it while requests wait (intake's p99 fell from
        # about 225 to about 80 ms under the benchmark's load).
        gc.collect()
        gc.freeze()
        proxies = runtime.settings.trusted_proxies.replace(" ", "")
        uvicorn.run(
            application,
            host=host,
            port=port,
            log_config=None,
            # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
        )
    finally:
        if in_process is not None:
            in_process.stop()


def require_public_url(host: str, public_url: str | None) -> None:
    """Authorities sign this deployment's URL; off loopback it must be configured, or a
    signature made for another deployment could be checked against the Host header."""
    import ipaddress

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not public_url:
        raise CliError(
            f"serving on {host} needs LAWLINE_PUBLIC_URL (the URL authorities sign), "
            "e.g. https://lawline.example.org",
            code="public_url_missing",
        )


def main() -> None:
    """Entry point: domain errors become one line on stderr and exit code 2."""
    try:
        app()
    except LawlineError as exc:
        err_console.print(f"error: {exc.message}", soft_wrap=True, highlight=False)
        sys.exit(2)
    except OperationalError as exc:
        # The driver's text can name the statement; the type and origin are enough to act on.
        err_console.print(
            f"error: database error ({type(exc.orig).__name__}): check LAWLINE_DATABASE_URL "
            "and that the server is running",
            soft_wrap=True,
            highlight=False,
        )
        sys.exit(2)
