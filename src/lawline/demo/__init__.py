"""`lawline demo`: the whole story on a fresh SQLite database in its own data directory.

Each chapter is a function taking the demo context; later parts of lawline add chapters.
The demo never touches the operator's database: it builds its own settings from `data_dir`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pyotp
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from lawline.audit import service as audit
from lawline.core.db import transaction
from lawline.core.errors import InvalidInput
from lawline.core.settings import Settings
from lawline.platform import service as platform_service
from lawline.platform.embedded import EmbeddedPlatform
from lawline.platform.generate import generate
from lawline.runtime import Runtime
from lawline.staff.service import (
    Staff,
    create_first_admin,
    create_staff,
    log_in,
    staff_for_token,
)

MARKER = ".lawline-demo"
DEMO_STAFF = "staff:demo-legal-officer"


PASSWORD = "demo-password-not-for-production"  # noqa: S105 - demo staff only


@dataclass
class DemoContext:
    runtime: Runtime
    platform: EmbeddedPlatform
    console: Console
    until: datetime
    violators: dict[str, list[str]] = field(default_factory=dict)  # category -> accounts
    admin: Staff | None = None

    def staff(self, username: str, roles: list[str]) -> Staff:
        """A new staff member, added by the demo's admin and logged in with password and TOTP
        through the service `lawline login` uses (the first one is the bootstrap admin)."""
        clock = self.runtime.clock
        with transaction(self.runtime.sessions) as session:
            if self.admin is None:
                _, secret = create_first_admin(
                    session,
                    username=username,
                    display_name=username.title(),
                    password=PASSWORD,
                    clock=clock,
                )
            else:
                _, secret = create_staff(
                    session,
                    username=username,
                    display_name=username.title(),
                    roles=roles,
                    password=PASSWORD,
                    actor=self.admin.actor,
                    clock=clock,
                )
        with transaction(self.runtime.sessions) as session:
            token = log_in(
                session,
                username=username,
                password=PASSWORD,
                totp=pyotp.TOTP(secret).at(clock.now()),
                clock=clock,
            )
            return staff_for_token(session, token, clock)


def prepare_data_dir(data_dir: Path) -> Path:
    """Empty `data_dir` for a fresh run; refuse to wipe a directory the demo did not make."""
    data_dir = data_dir.resolve()
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise InvalidInput(
                f"{data_dir} is not empty and was not made by the demo; choose another --data-dir",
                code="data_dir_not_demo",
            )
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("made by `lawline demo`; wiped on its next run\n")
    return data_dir


def run_demo(data_dir: Path, *, accounts: int, console: Console) -> None:
    data_dir = prepare_data_dir(data_dir)
    settings = Settings(
        data_dir=data_dir,
        database_url=None,
        signing_key_file=None,
        platform="embedded",
        platform_path=None,
    )
    runtime = Runtime(settings)
    console.rule("[bold]lawline demo")
    console.print(f"data directory: {data_dir}")
    runtime.upgrade_database()
    console.print(f"database: {runtime.engine.url.render_as_string(hide_password=True)} (migrated)")
    until = datetime.combine(date.today(), time(), UTC)
    try:
        ctx = DemoContext(
            runtime, _generate_platform(runtime, accounts, until, console), console, until
        )
        ctx.admin = ctx.staff("ada", ["admin"])
        for chapter in _chapters():
            chapter(ctx)
    finally:
        runtime.close()
    console.rule()
    console.print("Explore what the demo made with any other command, for example:")
    console.print(f"  export LAWLINE_DATA_DIR={data_dir}", soft_wrap=True, highlight=False)
    console.print("  lawline audit log; lawline audit verify; lawline serve")
    console.print(f"LAWLINE_DATA_DIR={data_dir}", soft_wrap=True, highlight=False)


def _generate_platform(
    runtime: Runtime, accounts: int, until: datetime, console: Console
) -> EmbeddedPlatform:
    path = runtime.settings.resolved_platform_path
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("generating the platform", total=accounts)
        stats = generate(
            path, accounts, seed=2024, until=until, progress=lambda n: progress.advance(task, n)
        )
    with transaction(runtime.sessions) as session:
        audit.append(
            session,
            "platform.generated",
            actor="system:demo",
            subject="platform:embedded",
            body={
                "accounts": stats.accounts,
                "ip_events": stats.ip_events,
                "channels": stats.channels,
                "seed": stats.seed,
            },
        )
    console.print(
        f"[bold]1. Platform[/]: generated {stats.accounts:,} accounts in 20 countries, "
        f"{stats.ip_events:,} IP events, {stats.channels:,} public channels, {stats.posts:,} posts"
    )
    platform = runtime.platform
    assert isinstance(platform, EmbeddedPlatform)
    return platform


def chapter_audited_read(ctx: DemoContext) -> None:
    """A staff member reads one account's personal data: the read itself is logged."""
    themes = ctx.platform.channels_by_theme()
    channel = ctx.platform.channel(themes["weapons"][0])
    assert channel is not None
    start, end = ctx.until - timedelta(days=30), ctx.until
    with transaction(ctx.runtime.sessions) as session:
        record = platform_service.read_subscriber(
            session,
            ctx.platform,
            actor=DEMO_STAFF,
            account_id=channel.owner_id,
            purpose="demo: verify the owner of a reported weapons channel",
        )
        events = platform_service.read_ip_events(
            session,
            ctx.platform,
            actor=DEMO_STAFF,
            account_id=channel.owner_id,
            start=start,
            end=end,
            purpose="demo: verify the owner of a reported weapons channel",
        )
    versions = {event.ip.reveal().version for event in events}
    ctx.console.print(
        f"[bold]2. Audited read[/]: {DEMO_STAFF} read the subscriber record ({record.country}) and "
        f"{len(events)} IP events (IPv{'/IPv'.join(map(str, sorted(versions)))}) of account "
        f"{channel.owner_id}, owner of t.me/{channel.name}; both reads are audit entries "
        "(the values are never printed or logged)"
    )


def chapter_audit_log(ctx: DemoContext) -> None:
    """Sign a head, prove an entry is in it with nothing but the proof, and verify the log."""
    key = ctx.runtime.signing_key
    with transaction(ctx.runtime.sessions) as session:
        head = audit.sign_tree_head(session, key)
        reads = [e for e in audit.entries(session) if e.entry_type == "personal_data.read"]
        proof = audit.inclusion_proof(session, reads[-1].seq, head.size)
        result = audit.verify_log(session, key.public)
    ctx.console.print(
        f"[bold]4. Audit log[/]: signed tree head of size {head.size}, root {head.root[:16]}…, "
        f"key {head.key_id}"
    )
    ctx.console.print(
        f"   inclusion proof of entry {proof.seq} ({len(proof.path)} hashes) verifies against "
        f"the signed head: {proof.verify(head, key.public)}"
    )
    ctx.console.print(f"   {result.describe()}")
    if not result.ok:
        raise RuntimeError("the demo's own audit log does not verify")


def _chapters() -> list[Callable[[DemoContext], None]]:
    from lawline.demo.legal import chapter_legal_requests
    from lawline.demo.legal_epoc import chapter_epoc_procedures
    from lawline.demo.moderation import chapter_moderation
    from lawline.demo.transparency import chapter_transparency

    return [
        chapter_audited_read,
        chapter_moderation,
        chapter_legal_requests,
        chapter_epoc_procedures,
        chapter_audit_log,
        chapter_transparency,
    ]
