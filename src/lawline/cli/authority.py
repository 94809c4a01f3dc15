"""`lawline-authority`: the command authorities use to talk to a lawline installation.

Settings come from options or the environment: LAWLINE_AUTHORITY_URL, LAWLINE_AUTHORITY_KEY_ID,
LAWLINE_AUTHORITY_KEY (signing key PEM file) and LAWLINE_AUTHORITY_IDENTITY (age identity file).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import httpx2
import typer
from rich.console import Console

from lawline.client import (
    ApiError,
    AuthorityClient,
    PlatformKeyPins,
    decode_platform_key,
    key_fingerprint,
    load_private_key,
    notice_lines,
    open_package,
)
from lawline.disclosure.crypto import read_identity_file

app = typer.Typer(
    help="Submit and follow legal requests to a lawline installation (signed).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

Url = Annotated[str, typer.Option(envvar="LAWLINE_AUTHORITY_URL", help="lawline base URL.")]
KeyId = Annotated[str, typer.Option(envvar="LAWLINE_AUTHORITY_KEY_ID", help="Your key id.")]
KeyFile = Annotated[
    Path, typer.Option(envvar="LAWLINE_AUTHORITY_KEY", help="Your Ed25519 signing key (PEM).")
]


def _client(url: str, key_id: str, key_file: Path) -> AuthorityClient:
    try:
        return AuthorityClient(url, key_id, load_private_key(key_file))
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot load the signing key: {exc}") from None


def _print(data: Any) -> None:
    console.print_json(json.dumps(data, default=str))


@app.command()
def keygen(out: Annotated[Path, typer.Option(help="Directory for the key files.")]) -> None:
    """Make your signing key and age identity; send the two public files to the platform."""
    from lawline.cli.registry import authority_keygen

    authority_keygen(out)


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="The request as JSON.")],
    url: Url,
    key_id: KeyId,
    key_file: KeyFile,
) -> None:
    """Submit a request; prints it, or every failed check."""
    try:
        document = json.loads(file.read_text())
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc}") from None
    _print(_client(url, key_id, key_file).submit(document))


@app.command("list")
def list_requests(url: Url, key_id: KeyId, key_file: KeyFile) -> None:
    """List your requests."""
    for r in _client(url, key_id, key_file).list():
        console.print(
            f"{r['id']} {r['type']} [{r['status']}] {r['case_reference']} "
            f"deadline {r['deadline_at'] or '-'}"
        )


@app.command()
def status(request_id: str, url: Url, key_id: KeyId, key_file: KeyFile) -> None:
    """Show one request: status, reasons, questions, deadline."""
    _print(_client(url, key_id, key_file).get(request_id))


@app.command()
def answer(request_id: str, text: str, url: Url, key_id: KeyId, key_file: KeyFile) -> None:
    """Answer the platform's request for information."""
    _print(_client(url, key_id, key_file).answer(request_id, text))


@app.command()
def notices(request_id: str, url: Url, key_id: KeyId, key_file: KeyFile) -> None:
    """Read the platform's notices on a request: why it is not executed in full or in time
    (the Annex III form of Regulation (EU) 2023/1543)."""
    found = _client(url, key_id, key_file).notices(request_id)
    if not found:
        console.print(f"no notice on {request_id}")
        return
    for notice in found:
        for line in notice_lines(notice):
            console.print(line, highlight=False, soft_wrap=True)


@app.command()
def validation(
    request_id: str,
    url: Url,
    key_id: KeyId,
    key_file: KeyFile,
    granted: Annotated[bool, typer.Option("--granted/--refused", help="The outcome.")],
    validated_by: Annotated[
        str | None, typer.Option(help="The validating judicial authority.")
    ] = None,
    validator_role: Annotated[
        str | None, typer.Option(help="judge, court, investigating_judge or prosecutor.")
    ] = None,
) -> None:
    """Report the ex-post validation of an emergency order (Reg. 2023/1543 Art. 4(5)); a
    refusal withdraws it and the platform deletes the data it holds for it."""
    _print(
        _client(url, key_id, key_file).report_validation(
            request_id, granted=granted, validated_by=validated_by, validator_role=validator_role
        )
    )


@app.command()
def extend(
    request_id: str,
    url: Url,
    key_id: KeyId,
    key_file: KeyFile,
    confirm_production: Annotated[
        bool,
        typer.Option(help="Confirm a production order follows (EPOC-PR: keep until it is served)."),
    ] = False,
) -> None:
    """Extend a preservation as the policy allows."""
    _print(_client(url, key_id, key_file).extend(request_id, confirm_production=confirm_production))


def _default_pins() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lawline-authority" / "platform-keys.json"


def _platform_key(client: AuthorityClient, given: str | None, pins_file: Path) -> bytes:
    """The key packages must be signed with: --platform-key, else the key pinned for this
    URL, else (first use) the key the server serves, pinned from now on."""
    if given:
        text = Path(given).read_text() if Path(given).is_file() else given
        try:
            return decode_platform_key(text)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--platform-key") from None
    pins = PlatformKeyPins(pins_file)
    try:
        pinned = pins.get(client.base_url)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--pins") from None
    if pinned is not None:
        return pinned
    served = client.served_platform_key()
    pins.pin(client.base_url, served)
    err.print(
        f"pinned the platform key {key_fingerprint(served)} for {client.base_url} at first use "
        f"({pins_file}); compare it with the key the platform gave you",
        soft_wrap=True,
        highlight=False,
    )
    return served


@app.command()
def fetch(
    request_id: str,
    url: Url,
    key_id: KeyId,
    key_file: KeyFile,
    identity: Annotated[
        Path, typer.Option(envvar="LAWLINE_AUTHORITY_IDENTITY", help="Your age identity file.")
    ],
    out: Annotated[Path, typer.Option(help="Directory to unpack the package into.")],
    platform_key: Annotated[
        str | None,
        typer.Option(
            envvar="LAWLINE_AUTHORITY_PLATFORM_KEY",
            help="The platform's Ed25519 public key (base64, or a file holding it), as the "
            "platform gave it to you. Without it the key pinned for this URL at first use.",
        ),
    ] = None,
    pins: Annotated[
        Path | None,
        typer.Option(
            envvar="LAWLINE_AUTHORITY_PINS",
            help="File of pinned platform keys "
            "(default ~/.config/lawline-authority/platform-keys.json).",
        ),
    ] = None,
) -> None:
    """Fetch a package, decrypt it with your age identity, unpack it (files 0600) and verify it
    against the platform's pinned key, never only against the key the same server serves."""
    client = _client(url, key_id, key_file)
    key = _platform_key(client, platform_key, pins or _default_pins())
    ciphertext = client.fetch_package(request_id)
    check = open_package(ciphertext, read_identity_file(identity), out, key)
    if not check.ok:
        err.print(f"package NOT valid: {check.problem}")
        raise typer.Exit(1)
    console.print(f"package verified and unpacked in {out}: {', '.join(sorted(check.files))}")


@app.command("verify-count")
def verify_count(
    receipt_file: Annotated[
        Path, typer.Argument(metavar="LEDGER_RECEIPT.json", help="ledger.json from your package.")
    ],
    report_file: Annotated[
        Path, typer.Argument(metavar="REPORT.json", help="A published transparency report.")
    ],
    ledger_file: Annotated[
        Path, typer.Argument(metavar="LEDGER.jsonl", help="The published disclosure ledger.")
    ],
) -> None:
    """Check that your disclosure is in the published ledger and counted in the report.

    Works offline on the three files; the platform key comes from your package (its signed
    manifest covers ledger.json). Exit 1 with every problem when the platform left it out."""
    from lawline.cli.support import read_text_file
    from lawline.transparency.verify import read_ledger, verify_receipt

    try:
        receipt = json.loads(read_text_file(receipt_file))
        report = json.loads(read_text_file(report_file))
    except ValueError:
        raise typer.BadParameter("the receipt and the report must be JSON files") from None
    entries = read_ledger(read_text_file(ledger_file).splitlines())
    problems = verify_receipt(receipt, report, entries)
    entry = receipt.get("entry", {})
    where = f"ledger entry {entry.get('seq')}, {entry.get('quarter')}, {entry.get('country')}"
    if problems:
        err.print(f"FAILED: your disclosure ({where}) is not accounted for:")
        for problem in problems:
            err.print(f"  - {problem}", soft_wrap=True, highlight=False)
        raise typer.Exit(1)
    counted = (
        f"counted in the {report['quarter']} report"
        if entry.get("quarter") == report.get("quarter")
        else f"in the ledger; the {report['quarter']} report covers another quarter"
    )
    console.print(f"OK: your disclosure ({where}) is {counted}", highlight=False)


def main() -> None:
    from lawline.core.errors import LawlineError

    try:
        app()
    except ApiError as exc:
        err.print(f"error: {exc}", soft_wrap=True, highlight=False)
        for reason in exc.reasons:
            err.print(f"  - {reason['code']}: {reason['message']}", soft_wrap=True, highlight=False)
        sys.exit(2)
    except LawlineError as exc:
        err.print(f"error: {exc.message}", soft_wrap=True, highlight=False)
        sys.exit(2)
    except httpx2.HTTPError as exc:
        # Connection refused, DNS, timeouts, TLS: one line naming the kind, never a traceback.
        err.print(
            f"error: cannot reach the lawline server ({type(exc).__name__}); "
            "check --url / LAWLINE_AUTHORITY_URL",
            soft_wrap=True,
            highlight=False,
        )
        sys.exit(2)


@app.command("portal-login")
def portal_login(
    challenge: Annotated[str, typer.Argument(help="The challenge shown on the sign-in page.")],
    key_id: KeyId,
    key_file: KeyFile,
) -> None:
    """Sign the portal's log-in challenge; paste the key id and signature into the page."""
    from lawline.authorities.portal import sign_challenge

    try:
        private = load_private_key(key_file)
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot load the signing key: {exc}") from None
    console.print(f"key id:    {key_id}")
    console.print(f"signature: {sign_challenge(private, challenge)}")
