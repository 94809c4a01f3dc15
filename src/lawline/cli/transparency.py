"""`lawline transparency`: quarterly reports, the public ledger, the EU templates, verification.

`verify` needs no database: it reads the two published files and, optionally, the platform key,
so anyone can run it on files downloaded from `/v1/transparency/...`.
"""

from __future__ import annotations

import base64
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console

from lawline.cli.support import open_runtime, read_text_file
from lawline.core.errors import InvalidInput

console = Console()
err_console = Console(stderr=True)
transparency_app = typer.Typer(
    help="Quarterly transparency reports anyone can verify against the disclosure ledger.",
    no_args_is_help=True,
)


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    HTML = "html"


Out = Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")]


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        out.write_text(text, encoding="utf-8", newline="")
        err_console.print(f"wrote {out}", highlight=False)


@transparency_app.command("report")
def report(
    quarter: Annotated[str, typer.Argument(help="The quarter, e.g. 2024-Q4 (UTC).")],
    country: Annotated[str | None, typer.Option(help="Issuing country, e.g. NL.")] = None,
    format: Annotated[Format, typer.Option("--format", help="json, csv or html.")] = Format.JSON,
    out: Out = None,
) -> None:
    """Print the signed report of a quarter (JSON), its figures (CSV) or the page (HTML)."""
    from lawline.transparency import render, service

    runtime = open_runtime()
    with runtime.read_sessions() as session:
        if format is Format.HTML:
            from lawline.web.transparency import standalone_html

            text = standalone_html(session, runtime, quarter, country)
        else:
            data = service.report(
                session, quarter, country, key=runtime.signing_key, now=runtime.clock.now()
            )
            text = (
                json.dumps(data, indent=2, ensure_ascii=False) + "\n"
                if format is Format.JSON
                else render.to_csv(render.csv_rows(data))
            )
    _emit(text, out)


@transparency_app.command("ledger")
def ledger(out: Out = None) -> None:
    """Print the public disclosure ledger as JSON Lines (what `verify` checks a report against)."""
    from lawline.transparency import service

    runtime = open_runtime()
    with runtime.read_sessions() as session:
        _emit("".join(service.ledger_lines(session)), out)


@transparency_app.command("eu-templates")
def eu_templates(
    quarter: Annotated[str, typer.Argument(help="The quarter, e.g. 2024-Q4 (UTC).")],
    out: Out = None,
) -> None:
    """The cells of the EU harmonised templates (Regulation 2024/2835) lawline knows, as CSV."""
    from lawline.transparency import service
    from lawline.transparency.eu_templates import eu_csv

    runtime = open_runtime()
    with runtime.read_sessions() as session:
        _emit(eu_csv(session, service.parse_quarter(quarter, runtime.clock.now())), out)


@transparency_app.command("check")
def check(
    quarter: Annotated[str, typer.Argument(help="The quarter, e.g. 2024-Q4 (UTC).")],
) -> None:
    """Recount the quarter from the database views and compare every figure with the counters
    reports are served from, and the disclosures with the ledger. Exit 0 when all agree, 1
    naming each figure that differs."""
    from lawline.transparency import service
    from lawline.transparency.check import check as check_quarter

    runtime = open_runtime()
    with runtime.read_sessions() as session:
        period = service.parse_quarter(quarter, runtime.clock.now())
        problems = check_quarter(session, period)
    if not problems:
        console.print(
            f"OK: {period}: the counters, the recount from the views and the ledger agree",
            highlight=False,
        )
        return
    err_console.print(f"FAILED: {period}: {len(problems)} figure(s) differ:")
    for problem in problems:
        err_console.print(f"  - {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _json_file(path: Path) -> Any:
    try:
        return json.loads(read_text_file(path))
    except ValueError:
        raise InvalidInput(f"{path} is not JSON", code="file_malformed") from None


def read_public_key(text: str) -> Ed25519PublicKey:
    """The platform key as base64 of its 32 raw bytes (what /v1/keys/platform shows)."""
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError:
        raise InvalidInput(
            "the key is base64 of a 32-byte Ed25519 public key", code="key_invalid"
        ) from None


@transparency_app.command("verify")
def verify(
    report_file: Annotated[Path, typer.Argument(metavar="REPORT.json", help="The signed report.")],
    ledger_file: Annotated[Path, typer.Argument(metavar="LEDGER.jsonl", help="The ledger.")],
    key: Annotated[
        str | None,
        typer.Option(help="The platform's public key (base64, from /v1/keys/platform)."),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(help="The previous quarter's report as published then (catches rewrites)."),
    ] = None,
) -> None:
    """Recount the disclosures from the ledger, check the signatures, the heads and the
    consistency proof. Exit 0 when everything holds, 1 with every problem listed otherwise."""
    from lawline.transparency.verify import read_ledger, verify_report

    data = _json_file(report_file)
    entries = read_ledger(read_text_file(ledger_file).splitlines())
    result = verify_report(
        data,
        entries,
        None if key is None else read_public_key(key),
        previous_report=None if previous is None else _json_file(previous),
    )
    scope = result.country or "all countries"
    for note in result.notes:
        err_console.print(f"note: {note}", highlight=False)
    if result.ok:
        counted = result.recounted
        console.print(
            f"OK: {result.quarter} ({scope}) matches the ledger: {counted['total']} disclosures, "
            f"{counted['accounts_affected']} accounts; signatures and consistency proof hold",
            highlight=False,
        )
        return
    err_console.print(f"FAILED: {result.quarter} ({scope}) does not match the ledger:")
    for problem in result.problems:
        err_console.print(f"  - {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(transparency_app, name="transparency")
