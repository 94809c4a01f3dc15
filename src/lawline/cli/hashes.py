"""`lawline hashes`: hash banks of known media (PDQ, MD5): import hash lists, list banks, check a
file, and show a case's matches to a moderator. No command ever prints or stores the media."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawline.cli.support import logged_in, open_runtime
from lawline.core.db import transaction
from lawline.core.errors import InvalidInput

console = Console()
hashes_app = typer.Typer(
    help="Hash banks of known abuse and terror media (PDQ and MD5) and their matches.",
    no_args_is_help=True,
)


@hashes_app.command("import")
def hashes_import(
    file: Annotated[
        Path, typer.Argument(help="CSV with signal_type,signal_value columns, or one hash a line.")
    ],
    bank: Annotated[str, typer.Option(help="The bank's name (created on first import).")],
    category: Annotated[str, typer.Option(help="The moderation category it holds, e.g. csam.")],
    threshold: Annotated[
        int | None, typer.Option(help="Largest PDQ Hamming distance that matches (default 31).")
    ] = None,
) -> None:
    """Add a hash list to a bank; hashes already in it are skipped."""
    from lawline.hashes.service import import_hashes
    from lawline.moderation.categories import CATEGORIES
    from lawline.staff.permissions import Action

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.HASHES_MANAGE)
        result = import_hashes(
            session,
            file,
            bank_name=bank,
            category=category,
            pdq_threshold=threshold,
            categories=list(CATEGORIES),
            actor=staff.actor,
            clock=runtime.clock,
        )
        line = (
            f"bank {result.bank.name} ({result.bank.category}, PDQ threshold "
            f"{result.bank.pdq_threshold}): {result.added} added, "
            f"{result.already_present} already present"
        )
    console.print(line, highlight=False)


@hashes_app.command("banks")
def hashes_banks() -> None:
    """Every bank with its category, threshold and number of hashes."""
    from sqlalchemy import func, select

    from lawline.hashes.models import BankedHash, HashBank

    runtime = open_runtime()
    table = Table("bank", "category", "PDQ threshold", "PDQ", "MD5")
    with transaction(runtime.sessions) as session:
        counts = {
            (bank_id, kind): n
            for bank_id, kind, n in session.execute(
                select(BankedHash.bank_id, BankedHash.signal_type, func.count()).group_by(
                    BankedHash.bank_id, BankedHash.signal_type
                )
            ).all()
        }
        for bank in session.execute(select(HashBank).order_by(HashBank.name)).scalars():
            table.add_row(
                bank.name,
                bank.category,
                str(bank.pdq_threshold),
                str(counts.get((bank.id, "pdq"), 0)),
                str(counts.get((bank.id, "md5"), 0)),
            )
    console.print(table)


@hashes_app.command("hash")
def hashes_hash(file: Annotated[Path, typer.Argument(help="An image file.")]) -> None:
    """Print an image's PDQ hash, its quality and its MD5 (to build or check a hash list)."""
    from lawline.hashes.signals import MediaUnreadable, md5_hex, pdq_hex

    try:
        data = file.read_bytes()
        pdq, quality = pdq_hex(data)
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror}", code="file_unreadable") from None
    except MediaUnreadable:
        raise InvalidInput(f"{file} is not a readable image", code="media_unreadable") from None
    console.print(f"pdq {pdq} quality {quality}\nmd5 {md5_hex(data)}", highlight=False)


@hashes_app.command("matches")
def hashes_matches(case_id: Annotated[int, typer.Argument(help="A case number.")]) -> None:
    """The bank matches of a case: bank, signal, distance and where (never the media)."""
    from lawline.hashes.service import matches_of_case
    from lawline.staff.permissions import Action

    runtime = open_runtime()
    table = Table("bank", "category", "signal", "distance", "media")
    with transaction(runtime.sessions) as session:
        logged_in(session, runtime, Action.HASHES_MATCHES_READ)
        for match, bank in matches_of_case(session, case_id):
            table.add_row(
                bank.name, bank.category, match.signal_type, str(match.distance), match.media_ref
            )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(hashes_app, name="hashes")
